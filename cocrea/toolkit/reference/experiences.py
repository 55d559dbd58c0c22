"""The HAGA repository: national and international open government experiences and tools.

Each entry is classified by its main pillar, an optional second associated pillar, the
IAP2 level at which it involves the public, the lineamientos it illustrates, a category
of the tool portfolio and who runs it. Descriptions are our own words. ``url`` is left
empty when there is no single stable official address. Spanish first; ``en`` holds the
English text (and the name, only where it is genuinely translated).
"""

from __future__ import annotations

from typing import Any

EXPERIENCES: list[dict[str, Any]] = [
    {
        "slug": "nyc-open-data",
        "name": "NYC Open Data",
        "kind": "tool",
        "description": (
            "Portal en el que las agencias de la ciudad de Nueva York publican miles de "
            "conjuntos de datos abiertos, desde las solicitudes a la línea 311 hasta las "
            "inspecciones de restaurantes. Una ley local de 2012 obliga a las agencias a "
            "publicar sus datos, de modo que periodistas, investigadores y vecinos pueden "
            "usarlos para entender y vigilar la gestión de la ciudad."
        ),
        "country": "US",
        "pillar": "transparencia",
        "second_pillar": "rendicion-de-cuentas",
        "level": "informar",
        "lineamientos": ["datos-abiertos"],
        "category": "datos",
        "initiative_of": "gobierno_local",
        "url": "https://opendata.cityofnewyork.us",
        "since": 2012,
        "en": {
            "description": (
                "Portal where New York City agencies publish thousands of open datasets, "
                "from 311 service requests to restaurant inspections. A 2012 local law "
                "requires agencies to publish their data, so journalists, researchers and "
                "residents can use it to understand and scrutinise how the city is run."
            ),
        },
    },
    {
        "slug": "the-govlab",
        "name": "The GovLab",
        "kind": "experience",
        "description": (
            "Laboratorio de investigación-acción de la Universidad de Nueva York que ayuda a "
            "gobiernos e instituciones a trabajar de forma más abierta y colaborativa. "
            "Explora cómo aprovechar los datos, la inteligencia colectiva y la experiencia "
            "de las personas para resolver problemas públicos, y ofrece formación en "
            "innovación pública."
        ),
        "country": "US",
        "pillar": "participacion",
        "second_pillar": "innovacion",
        "level": "colaborar",
        "lineamientos": ["soluciones-abiertas", "empoderamiento-abierto"],
        "category": "laboratorio",
        "initiative_of": "academia",
        "url": "https://thegovlab.org",
        "since": None,
        "en": {
            "description": (
                "An action-research lab at New York University that helps governments and "
                "institutions work more openly and collaboratively. It explores how to use "
                "data, collective intelligence and people's expertise to solve public "
                "problems, and offers training in public innovation."
            ),
        },
    },
    {
        "slug": "decide-madrid",
        "name": "Decide Madrid",
        "kind": "experience",
        "description": (
            "Portal de participación del Ayuntamiento de Madrid, construido con el software "
            "libre CONSUL. La ciudadanía presenta y apoya propuestas, debate y decide en "
            "votación cómo se invierte una parte del presupuesto municipal en los "
            "presupuestos participativos."
        ),
        "country": "ES",
        "pillar": "participacion",
        "second_pillar": None,
        "level": "empoderar",
        "lineamientos": ["gobernanza-abierta", "empoderamiento-abierto"],
        "category": "participacion",
        "initiative_of": "gobierno_local",
        "url": "https://decide.madrid.es",
        "since": 2015,
        "en": {
            "description": (
                "Madrid City Council's participation portal, built on the free software "
                "CONSUL. Residents submit and support proposals, debate and vote on how part "
                "of the municipal budget is spent through participatory budgeting."
            ),
        },
    },
    {
        "slug": "decidim-barcelona",
        "name": "Decidim Barcelona",
        "kind": "experience",
        "description": (
            "Plataforma de participación del Ayuntamiento de Barcelona, con la que se "
            "co-creó el plan de actuación municipal junto a miles de vecinos y vecinas. "
            "Combina encuentros presenciales y participación digital con trazabilidad de "
            "cada propuesta, y su software libre, Decidim, hoy lo usan ciudades e "
            "instituciones de muchos países."
        ),
        "country": "ES",
        "pillar": "participacion",
        "second_pillar": "innovacion",
        "level": "colaborar",
        "lineamientos": ["gobernanza-abierta", "soluciones-abiertas"],
        "category": "participacion",
        "initiative_of": "gobierno_local",
        "url": "https://www.decidim.barcelona",
        "since": 2016,
        "en": {
            "description": (
                "Barcelona City Council's participation platform, used to co-create the "
                "municipal action plan with thousands of residents. It combines in-person "
                "meetings and digital participation with traceability for every proposal, "
                "and its free software, Decidim, is now used by cities and institutions in "
                "many countries."
            ),
        },
    },
    {
        "slug": "vtaiwan",
        "name": "vTaiwan",
        "kind": "experience",
        "description": (
            "Proceso de deliberación abierta impulsado por la comunidad de tecnología cívica "
            "g0v junto con el gobierno de Taiwán para construir regulación sobre temas "
            "digitales. Usa la herramienta Pol.is para encontrar consensos entre grupos de "
            "opinión y los lleva a reuniones transmitidas en vivo con los actores, como "
            "ocurrió con la regulación de Uber."
        ),
        "country": "TW",
        "pillar": "participacion",
        "second_pillar": "innovacion",
        "level": "colaborar",
        "lineamientos": ["soluciones-abiertas", "gobernanza-abierta"],
        "category": "participacion",
        "initiative_of": "sociedad_civil",
        "url": "https://vtaiwan.tw",
        "since": 2014,
        "en": {
            "description": (
                "An open deliberation process driven by the g0v civic tech community "
                "together with Taiwan's government to shape regulation on digital issues. "
                "It uses the Pol.is tool to find consensus across opinion groups and takes "
                "it to live-streamed meetings with stakeholders, as happened with the "
                "regulation of Uber."
            ),
        },
    },
    {
        "slug": "presupuesto-participativo-porto-alegre",
        "name": "Presupuesto participativo de Porto Alegre",
        "kind": "experience",
        "description": (
            "Desde 1989, los habitantes de Porto Alegre definen en asambleas barriales y "
            "temáticas las prioridades de inversión de la ciudad y eligen delegados que "
            "hacen seguimiento a la ejecución. Es la experiencia pionera de presupuesto "
            "participativo, replicada después en cientos de ciudades del mundo."
        ),
        "country": "BR",
        "pillar": "participacion",
        "second_pillar": "rendicion-de-cuentas",
        "level": "empoderar",
        "lineamientos": ["empoderamiento-abierto", "gobernanza-abierta"],
        "category": "presupuesto",
        "initiative_of": "gobierno_local",
        "url": "",
        "since": 1989,
        "en": {
            "name": "Porto Alegre participatory budgeting",
            "description": (
                "Since 1989, the people of Porto Alegre have set the city's investment "
                "priorities in neighbourhood and thematic assemblies and elected delegates "
                "who follow up on spending. It is the pioneering participatory budgeting "
                "experience, later replicated in hundreds of cities around the world."
            ),
        },
    },
    {
        "slug": "urna-de-cristal",
        "name": "Urna de Cristal",
        "kind": "experience",
        "description": (
            "Iniciativa del Gobierno de Colombia para la participación ciudadana y la "
            "transparencia. A través de su portal y de redes sociales consulta a la "
            "ciudadanía sobre proyectos de norma, políticas y decisiones del Gobierno, y "
            "publica respuestas a sus preguntas."
        ),
        "country": "CO",
        "pillar": "participacion",
        "second_pillar": "transparencia",
        "level": "consultar",
        "lineamientos": ["gobernanza-abierta"],
        "category": "participacion",
        "initiative_of": "gobierno_nacional",
        "url": "https://www.urnadecristal.gov.co",
        "since": 2010,
        "en": {
            "description": (
                "The Colombian Government's initiative for citizen participation and "
                "transparency. Through its portal and social media it consults citizens on "
                "draft regulations, policies and government decisions, and publishes answers "
                "to their questions."
            ),
        },
    },
    {
        "slug": "datos-gov-co",
        "name": "Portal de Datos Abiertos de Colombia (datos.gov.co)",
        "kind": "tool",
        "description": (
            "Portal nacional de datos abiertos, administrado por el Ministerio de "
            "Tecnologías de la Información y las Comunicaciones. Las entidades públicas "
            "publican allí sus conjuntos de datos en formatos abiertos, como exige la Ley "
            "1712 de 2014, y cualquier persona puede consultarlos, visualizarlos y "
            "reutilizarlos."
        ),
        "country": "CO",
        "pillar": "transparencia",
        "second_pillar": "innovacion",
        "level": "informar",
        "lineamientos": ["datos-abiertos"],
        "category": "datos",
        "initiative_of": "gobierno_nacional",
        "url": "https://www.datos.gov.co",
        "since": None,
        "en": {
            "name": "Colombia Open Data Portal (datos.gov.co)",
            "description": (
                "The national open data portal, run by the Ministry of Information and "
                "Communication Technologies. Public bodies publish their datasets there in "
                "open formats, as Law 1712 of 2014 requires, and anyone can browse, "
                "visualise and reuse them."
            ),
        },
    },
    {
        "slug": "secop-ii",
        "name": "SECOP II",
        "kind": "tool",
        "description": (
            "Sistema Electrónico de Contratación Pública administrado por Colombia Compra "
            "Eficiente, en el que las entidades adelantan en línea sus procesos de "
            "contratación. Cualquier persona puede seguir cada contrato, desde la "
            "planeación hasta la ejecución, y sus datos se publican como datos abiertos, "
            "lo que facilita las veedurías y el control social."
        ),
        "country": "CO",
        "pillar": "rendicion-de-cuentas",
        "second_pillar": "transparencia",
        "level": "informar",
        "lineamientos": ["datos-abiertos", "gobernanza-abierta"],
        "category": "veeduria",
        "initiative_of": "gobierno_nacional",
        "url": "https://www.colombiacompra.gov.co",
        "since": 2015,
        "en": {
            "description": (
                "The Electronic Public Procurement System run by Colombia Compra Eficiente, "
                "where public bodies carry out their procurement online. Anyone can follow "
                "each contract from planning to execution, and its data is published as "
                "open data, which makes citizen oversight easier."
            ),
        },
    },
    {
        "slug": "congreso-visible",
        "name": "Congreso Visible",
        "kind": "experience",
        "description": (
            "Proyecto de la Universidad de los Andes que hace seguimiento al Congreso de la "
            "República de Colombia. Reúne información sobre congresistas, proyectos de ley y "
            "votaciones para que la ciudadanía conozca y evalúe el trabajo de sus "
            "representantes."
        ),
        "country": "CO",
        "pillar": "rendicion-de-cuentas",
        "second_pillar": None,
        "level": "informar",
        "lineamientos": ["empoderamiento-abierto"],
        "category": "veeduria",
        "initiative_of": "academia",
        "url": "https://congresovisible.uniandes.edu.co",
        "since": 1998,
        "en": {
            "description": (
                "A Universidad de los Andes project that monitors the Congress of Colombia. "
                "It gathers information on members of Congress, bills and votes so that "
                "citizens can know and assess the work of their representatives."
            ),
        },
    },
    {
        "slug": "fixmystreet",
        "name": "FixMyStreet",
        "kind": "tool",
        "description": (
            "Sitio de la organización mySociety en el que los residentes del Reino Unido "
            "reportan sobre un mapa huecos en las vías, luminarias dañadas u otros "
            "problemas del espacio público. El reporte llega a la autoridad local "
            "responsable y queda publicado, y su código abierto se ha reutilizado en otros "
            "países."
        ),
        "country": "GB",
        "pillar": "participacion",
        "second_pillar": "innovacion",
        "level": "consultar",
        "lineamientos": ["soluciones-abiertas"],
        "category": "reportes",
        "initiative_of": "sociedad_civil",
        "url": "https://www.fixmystreet.com",
        "since": 2007,
        "en": {
            "description": (
                "A site by the mySociety organisation where UK residents report potholes, "
                "broken street lights and other street problems on a map. Each report goes "
                "to the responsible local authority and stays public, and its open-source "
                "code has been reused in other countries."
            ),
        },
    },
    {
        "slug": "laboratorio-de-gobierno-chile",
        "name": "Laboratorio de Gobierno",
        "kind": "experience",
        "description": (
            "Agencia de innovación pública del Estado de Chile que rediseña servicios junto "
            "con las personas usuarias y los servidores públicos, con metodologías de "
            "diseño centrado en las personas. También forma capacidades de innovación en "
            "las instituciones y articula la Red de Innovadores Públicos."
        ),
        "country": "CL",
        "pillar": "innovacion",
        "second_pillar": "participacion",
        "level": "colaborar",
        "lineamientos": ["soluciones-abiertas", "empoderamiento-abierto"],
        "category": "laboratorio",
        "initiative_of": "gobierno_nacional",
        "url": "https://www.lab.gob.cl",
        "since": 2015,
        "en": {
            "name": "Government Lab of Chile",
            "description": (
                "The Chilean State's public innovation agency, which redesigns services "
                "together with users and public servants using human-centred design "
                "methods. It also builds innovation capacity in institutions and runs the "
                "Public Innovators Network."
            ),
        },
    },
    {
        "slug": "portal-gobierno-abierto-chile",
        "name": "Portal de Gobierno Abierto de Chile",
        "kind": "tool",
        "description": (
            "Sitio del Gobierno de Chile que reúne la agenda de gobierno abierto del país: "
            "los planes de acción presentados a la Alianza para el Gobierno Abierto y el "
            "avance de sus compromisos. También da acceso a otros portales del Estado, como "
            "el de datos abiertos y el de transparencia."
        ),
        "country": "CL",
        "pillar": "transparencia",
        "second_pillar": None,
        "level": "informar",
        "lineamientos": ["gobernanza-abierta", "datos-abiertos"],
        "category": "cumplimiento",
        "initiative_of": "gobierno_nacional",
        "url": "https://www.gobiernoabierto.cl",
        "since": None,
        "en": {
            "name": "Chile Open Government Portal",
            "description": (
                "The Chilean Government's site that brings together the country's open "
                "government agenda: the action plans submitted to the Open Government "
                "Partnership and progress on their commitments. It also links to other state "
                "portals, such as the open data and transparency portals."
            ),
        },
    },
    {
        "slug": "whatdotheyknow",
        "name": "WhatDoTheyKnow",
        "kind": "tool",
        "description": (
            "Sitio de mySociety para presentar solicitudes de acceso a la información a "
            "entidades públicas del Reino Unido. Las solicitudes y las respuestas quedan "
            "publicadas para que cualquiera pueda consultarlas, y su software, Alaveteli, "
            "se usa en otros países."
        ),
        "country": "GB",
        "pillar": "transparencia",
        "second_pillar": "rendicion-de-cuentas",
        "level": "informar",
        "lineamientos": ["empoderamiento-abierto"],
        "category": "veeduria",
        "initiative_of": "sociedad_civil",
        "url": "https://www.whatdotheyknow.com",
        "since": 2008,
        "en": {
            "description": (
                "A mySociety site for making freedom of information requests to UK public "
                "bodies. Requests and answers are published so anyone can read them, and its "
                "software, Alaveteli, is used in other countries."
            ),
        },
    },
    {
        "slug": "betri-reykjavik",
        "name": "Betri Reykjavík",
        "kind": "experience",
        "description": (
            "Plataforma en línea en la que los habitantes de Reikiavik proponen, debaten y "
            "apoyan ideas para mejorar la ciudad; las más apoyadas pasan a estudio de las "
            "instancias municipales. Incluye el proceso «Mi barrio», en el que los vecinos "
            "votan qué proyectos de su barrio financia la ciudad."
        ),
        "country": "IS",
        "pillar": "participacion",
        "second_pillar": "innovacion",
        "level": "involucrar",
        "lineamientos": ["gobernanza-abierta", "empoderamiento-abierto"],
        "category": "participacion",
        "initiative_of": "gobierno_local",
        "url": "https://betrireykjavik.is",
        "since": 2010,
        "en": {
            "name": "Better Reykjavík",
            "description": (
                "An online platform where Reykjavík residents propose, debate and support "
                "ideas to improve the city; the most supported ones are taken up for review "
                "by the city's bodies. It includes the “My Neighbourhood” process, in which "
                "residents vote on which local projects the city funds."
            ),
        },
    },
    {
        "slug": "ushahidi",
        "name": "Ushahidi",
        "kind": "tool",
        "description": (
            "Plataforma de código abierto creada en Kenia en 2008 para mapear reportes "
            "ciudadanos sobre la violencia posterior a las elecciones. Recoge mensajes de "
            "texto, formularios web y redes sociales y los muestra en un mapa, y desde "
            "entonces se ha usado en desastres, observación electoral y crisis en todo el "
            "mundo."
        ),
        "country": "KE",
        "pillar": "innovacion",
        "second_pillar": "participacion",
        "level": "consultar",
        "lineamientos": ["soluciones-abiertas", "datos-abiertos"],
        "category": "reportes",
        "initiative_of": "sociedad_civil",
        "url": "https://www.ushahidi.com",
        "since": 2008,
        "en": {
            "description": (
                "An open-source platform created in Kenya in 2008 to map citizen reports of "
                "post-election violence. It collects text messages, web forms and social "
                "media posts and shows them on a map, and has since been used in disasters, "
                "election monitoring and crises around the world."
            ),
        },
    },
    {
        "slug": "bogota-como-vamos",
        "name": "Bogotá Cómo Vamos",
        "kind": "experience",
        "description": (
            "Programa de la sociedad civil que desde 1998 hace seguimiento a la calidad de "
            "vida en Bogotá y al cumplimiento del plan de desarrollo de cada "
            "administración. Combina indicadores oficiales con una encuesta anual de "
            "percepción ciudadana y dio origen a la Red de Ciudades Cómo Vamos."
        ),
        "country": "CO",
        "pillar": "rendicion-de-cuentas",
        "second_pillar": "transparencia",
        "level": "informar",
        "lineamientos": ["datos-abiertos", "empoderamiento-abierto"],
        "category": "cumplimiento",
        "initiative_of": "sociedad_civil",
        "url": "https://bogotacomovamos.org",
        "since": 1998,
        "en": {
            "description": (
                "A civil-society programme that since 1998 has tracked quality of life in "
                "Bogotá and each administration's delivery of its development plan. It "
                "combines official indicators with a yearly citizen perception survey and "
                "gave rise to the Cómo Vamos network of cities."
            ),
        },
    },
    {
        "slug": "presupuesto-participativo-medellin",
        "name": "Planeación Local y Presupuesto Participativo de Medellín",
        "kind": "experience",
        "description": (
            "Programa en el que los habitantes de cada comuna y corregimiento de Medellín "
            "priorizan, en asambleas y consejos, parte de la inversión del municipio y la "
            "articulan con sus planes de desarrollo local. Está reglamentado por el Acuerdo "
            "43 de 2007, actualizado por el Acuerdo 28 de 2017."
        ),
        "country": "CO",
        "pillar": "participacion",
        "second_pillar": "rendicion-de-cuentas",
        "level": "empoderar",
        "lineamientos": ["empoderamiento-abierto", "gobernanza-abierta"],
        "category": "presupuesto",
        "initiative_of": "gobierno_local",
        "url": "",
        "since": None,
        "en": {
            "name": "Medellín local planning and participatory budgeting",
            "description": (
                "A programme in which residents of each of Medellín's urban districts and "
                "rural townships prioritise part of the municipal investment in assemblies "
                "and councils, and link it to their local development plans. It is "
                "regulated by Agreement 43 of 2007, updated by Agreement 28 of 2017."
            ),
        },
    },
    {
        "slug": "open-government-partnership",
        "name": "Alianza para el Gobierno Abierto (OGP)",
        "kind": "experience",
        "description": (
            "Iniciativa multilateral en la que gobiernos nacionales y locales co-crean con "
            "la sociedad civil planes de acción con compromisos concretos de apertura. Un "
            "mecanismo independiente evalúa su diseño y cumplimiento; Colombia es miembro "
            "desde 2012 y Bogotá participa en el programa OGP Local."
        ),
        "country": "XX",
        "pillar": "rendicion-de-cuentas",
        "second_pillar": "participacion",
        "level": "colaborar",
        "lineamientos": ["gobernanza-abierta"],
        "category": "cumplimiento",
        "initiative_of": "multilateral",
        "url": "https://www.opengovpartnership.org",
        "since": 2011,
        "en": {
            "name": "Open Government Partnership (OGP)",
            "description": (
                "A multilateral initiative in which national and local governments "
                "co-create action plans with concrete openness commitments together with "
                "civil society. An independent mechanism assesses their design and "
                "delivery; Colombia has been a member since 2012 and Bogotá takes part in "
                "the OGP Local programme."
            ),
        },
    },
    {
        "slug": "consul-democracy",
        "name": "CONSUL Democracy",
        "kind": "tool",
        "description": (
            "Software libre de participación ciudadana creado por el Ayuntamiento de Madrid "
            "para Decide Madrid. Incluye debates, propuestas ciudadanas, votaciones, "
            "presupuestos participativos y procesos de legislación colaborativa, y lo "
            "reutilizan gobiernos e instituciones de España y América Latina."
        ),
        "country": "ES",
        "pillar": "innovacion",
        "second_pillar": "participacion",
        "level": "empoderar",
        "lineamientos": ["soluciones-abiertas", "gobernanza-abierta"],
        "category": "participacion",
        "initiative_of": "gobierno_local",
        "url": "https://consuldemocracy.org",
        "since": 2015,
        "en": {
            "description": (
                "Free citizen-participation software created by Madrid City Council for "
                "Decide Madrid. It includes debates, citizen proposals, votes, participatory "
                "budgeting and collaborative law-making, and is reused by governments and "
                "institutions in Spain and Latin America."
            ),
        },
    },
    {
        "slug": "x-road",
        "name": "X-Road",
        "kind": "tool",
        "description": (
            "Capa de intercambio de datos del Estado estonio que conecta de forma segura los "
            "sistemas de información públicos y privados, para que las personas no tengan "
            "que entregar dos veces los mismos datos. Es de código abierto, cada consulta "
            "queda registrada y hoy la usan otros países."
        ),
        "country": "EE",
        "pillar": "innovacion",
        "second_pillar": "transparencia",
        "level": "informar",
        "lineamientos": ["soluciones-abiertas"],
        "category": "cumplimiento",
        "initiative_of": "gobierno_nacional",
        "url": "https://x-road.global",
        "since": 2001,
        "en": {
            "description": (
                "The Estonian state's data exchange layer, which securely connects public "
                "and private information systems so that people do not have to hand over "
                "the same data twice. It is open source, every query is logged, and other "
                "countries use it today."
            ),
        },
    },
    {
        "slug": "data-gouv-fr",
        "name": "data.gouv.fr",
        "kind": "tool",
        "description": (
            "Plataforma nacional de datos abiertos de Francia, coordinada por Etalab. "
            "Reúne los datos publicados por las administraciones y permite que también "
            "organizaciones y ciudadanos publiquen datos y muestren cómo los reutilizan."
        ),
        "country": "FR",
        "pillar": "transparencia",
        "second_pillar": "innovacion",
        "level": "informar",
        "lineamientos": ["datos-abiertos"],
        "category": "datos",
        "initiative_of": "gobierno_nacional",
        "url": "https://www.data.gouv.fr",
        "since": 2011,
        "en": {
            "description": (
                "France's national open data platform, coordinated by Etalab. It brings "
                "together the data published by public administrations and lets "
                "organisations and citizens publish data too and show how they reuse it."
            ),
        },
    },
    {
        "slug": "datos-gob-mx",
        "name": "Datos Abiertos de México (datos.gob.mx)",
        "kind": "tool",
        "description": (
            "Portal del Gobierno de México que concentra los datos abiertos publicados por "
            "las dependencias federales y otras instituciones. Permite buscar, descargar y "
            "reutilizar información pública para análisis, investigación y desarrollo de "
            "servicios."
        ),
        "country": "MX",
        "pillar": "transparencia",
        "second_pillar": "innovacion",
        "level": "informar",
        "lineamientos": ["datos-abiertos"],
        "category": "datos",
        "initiative_of": "gobierno_nacional",
        "url": "https://datos.gob.mx",
        "since": None,
        "en": {
            "name": "Mexico Open Data (datos.gob.mx)",
            "description": (
                "The Mexican Government's portal that brings together open data published by "
                "federal agencies and other institutions. It lets people search, download and "
                "reuse public information for analysis, research and building services."
            ),
        },
    },
]
