"""The HAGA decálogo: ten tips for implementing open government and public innovation.

Tips 1 to 7 come from the seven enabling factors for local open government that the
MEGA IP model lists (``enabling_factor`` points to the factor); tips 8 to 10 add what
OGP's co-creation standards and Colombia's open-data and accountability practice ask
for. Spanish first; ``en`` holds the English text.
"""

from __future__ import annotations

from typing import Any

DECALOGO: list[dict[str, Any]] = [
    {
        "number": 1,
        "title": "Asegure recursos desde el Plan de Desarrollo y sume contrapartidas",
        "body": (
            "Una estrategia de gobierno abierto sin presupuesto se queda en buenas "
            "intenciones. Incluya metas y recursos explícitos en el Plan de Desarrollo "
            "Local y busque contrapartidas de la sociedad civil, la academia y el sector "
            "privado, que además amplían la apropiación del proceso."
        ),
        "enabling_factor": 1,
        "en": {
            "title": "Secure funding in the development plan and add counterpart funding",
            "body": (
                "An open government strategy without a budget stays a good intention. "
                "Include explicit targets and resources in the Local Development Plan and "
                "seek counterpart funding from civil society, academia and the private "
                "sector, which also broadens ownership of the process."
            ),
        },
    },
    {
        "number": 2,
        "title": "Construya un marco normativo sombrilla que dé viabilidad y sostenibilidad",
        "body": (
            "Un decreto, un acuerdo municipal o una política pública de gobierno abierto "
            "da respaldo jurídico a las iniciativas y las protege de los cambios de "
            "administración. Diseñe o fortalezca ese marco sombrilla y articúlelo con la "
            "normativa nacional de transparencia, participación y gobierno digital."
        ),
        "enabling_factor": 2,
        "en": {
            "title": "Build an umbrella legal framework that gives viability and sustainability",
            "body": (
                "A decree, a municipal ordinance or an open government policy gives "
                "initiatives legal backing and protects them from changes of administration. "
                "Design or strengthen that umbrella framework and align it with national "
                "rules on transparency, participation and digital government."
            ),
        },
    },
    {
        "number": 3,
        "title": "Fortalezca las capacidades de innovación pública de funcionarios y directivos",
        "body": (
            "Las herramientas no funcionan sin personas que sepan facilitar, escuchar y "
            "experimentar. Forme a equipos técnicos y directivos en metodologías de "
            "co-creación, manejo de datos y diseño de servicios, y cree espacios seguros "
            "para probar y aprender del error."
        ),
        "enabling_factor": 3,
        "en": {
            "title": "Strengthen the public-innovation capacities of officials and directors",
            "body": (
                "Tools do not work without people who know how to facilitate, listen and "
                "experiment. Train technical teams and directors in co-creation methods, "
                "data handling and service design, and create safe spaces to try things out "
                "and learn from mistakes."
            ),
        },
    },
    {
        "number": 4,
        "title": "Adapte la estrategia a las prioridades locales y a la capacidad institucional",
        "body": (
            "No existe un modelo único: lo que funciona en una capital puede no servir en "
            "un municipio pequeño. Parta de los problemas que más le importan a la "
            "ciudadanía del territorio y de los recursos, equipos y condiciones "
            "habilitantes reales de la entidad."
        ),
        "enabling_factor": 4,
        "en": {
            "title": "Adapt the strategy to local priorities and institutional capacity",
            "body": (
                "There is no single model: what works in a capital city may not work in a "
                "small municipality. Start from the problems that matter most to local "
                "citizens and from the entity's real resources, teams and enabling "
                "conditions."
            ),
        },
    },
    {
        "number": 5,
        "title": "Reconozca y fortalezca las buenas prácticas que ya existen en el territorio",
        "body": (
            "Casi siempre hay veedurías, mesas de participación, colectivos o dependencias "
            "que ya trabajan con apertura. Identifíquelas, documéntelas y apóyese en ellas "
            "en lugar de empezar de cero; reconocerlas genera confianza y aliados."
        ),
        "enabling_factor": 5,
        "en": {
            "title": "Recognise and strengthen the good practice that already exists locally",
            "body": (
                "There are almost always oversight committees, participation tables, "
                "collectives or departments already working openly. Identify them, "
                "document them and build on them instead of starting from scratch; "
                "recognising them builds trust and allies."
            ),
        },
    },
    {
        "number": 6,
        "title": (
            "Avance por escalones: victorias tempranas y monitoreo y evaluación desde el inicio"
        ),
        "body": (
            "El fortalecimiento en gobierno abierto es un proceso de mediano plazo. "
            "Planéelo por etapas, con resultados visibles en los primeros meses que "
            "mantengan el impulso, y con un sistema de monitoreo y evaluación (MME) que "
            "muestre qué funciona y qué hay que ajustar."
        ),
        "enabling_factor": 6,
        "en": {
            "title": (
                "Move forward in stages: early wins and monitoring and evaluation from day one"
            ),
            "body": (
                "Building open government capacity is a medium-term process. Plan it in "
                "stages, with visible results in the first months that keep the momentum, "
                "and with a monitoring and evaluation system (MME) that shows what works "
                "and what needs adjusting."
            ),
        },
    },
    {
        "number": 7,
        "title": "Co-cree lineamientos que hagan la estrategia sostenible más allá de un gobierno",
        "body": (
            "Las estrategias que dependen de un alcalde o de un secretario desaparecen con "
            "ellos. Construya con la ciudadanía y los equipos de la entidad lineamientos de "
            "política pública de gobierno abierto que queden institucionalizados y puedan "
            "escalar a otras dependencias y municipios."
        ),
        "enabling_factor": 7,
        "en": {
            "title": "Co-create guidelines that make the strategy last beyond one administration",
            "body": (
                "Strategies that depend on one mayor or one secretary disappear with them. "
                "Build open government policy guidelines together with citizens and the "
                "entity's teams, so that they become institutional and can scale to other "
                "departments and municipalities."
            ),
        },
    },
    {
        "number": 8,
        "title": "Co-cree con reglas claras y dé una respuesta razonada a cada aporte",
        "body": (
            "Publique desde el inicio el cronograma, los temas abiertos y cómo se tomarán "
            "las decisiones, y mantenga un periodo abierto para recibir aportes. Al cerrar, "
            "explique por escrito cómo se consideró cada contribución y por qué se acogió o "
            "no; en un plan de acción OGP el nivel mínimo es involucrar."
        ),
        "enabling_factor": None,
        "en": {
            "title": "Co-create with clear rules and give a reasoned response to every input",
            "body": (
                "Publish the timeline, the open topics and how decisions will be made from "
                "the start, and keep an open period for contributions. At the end, explain "
                "in writing how each contribution was considered and why it was or was not "
                "taken up; for an OGP action plan the minimum level is involve."
            ),
        },
    },
    {
        "number": 9,
        "title": "Publique datos abiertos por defecto",
        "body": (
            "La información pública debe estar disponible en formatos abiertos, "
            "reutilizables y con licencia libre, salvo las excepciones que define la ley. "
            "Priorice los conjuntos de datos que la ciudadanía pide y que permiten hacer "
            "seguimiento a la gestión, como contratos, presupuesto y metas del plan."
        ),
        "enabling_factor": None,
        "en": {
            "title": "Publish open data by default",
            "body": (
                "Public information should be available in open, reusable formats under a "
                "free licence, except for the exemptions the law sets. Prioritise the "
                "datasets citizens ask for and those that make it possible to follow the "
                "government's work, such as contracts, budget and plan targets."
            ),
        },
    },
    {
        "number": 10,
        "title": "Mida y publique el avance de los compromisos y cierre el ciclo con la ciudadanía",
        "body": (
            "Cada compromiso necesita hitos verificables, responsables y fechas. Informe "
            "periódicamente su nivel de cumplimiento en espacios de rendición de cuentas y "
            "muestre a cada participante cómo se usaron sus aportes: así se gana la "
            "confianza para el siguiente proceso."
        ),
        "enabling_factor": None,
        "en": {
            "title": "Measure and publish progress on commitments and close the loop with citizens",
            "body": (
                "Every commitment needs verifiable milestones, people responsible and "
                "dates. Report its completion level regularly in accountability spaces and "
                "show every participant how their input was used: that is how you earn the "
                "trust needed for the next process."
            ),
        },
    },
]
