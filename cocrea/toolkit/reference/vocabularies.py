"""The fixed vocabularies of MEGA IP: pillars, IAP2 levels and lineamientos.

Spanish first; ``en`` holds the English text. IAP2 goals and promises follow the
IAP2 Spectrum of Public Participation, translated for the Spanish interface.
"""

from __future__ import annotations

from typing import Any

PILLARS: list[dict[str, Any]] = [
    {
        "code": "transparencia",
        "name": "Transparencia",
        "description": (
            "La información pública se publica de forma proactiva, oportuna, comprensible y "
            "en formatos abiertos, para que cualquier persona pueda conocer y vigilar la "
            "gestión."
        ),
        "en": {
            "name": "Transparency",
            "description": (
                "Public information is published proactively, on time, understandably and in "
                "open formats, so that anyone can know and scrutinise how government works."
            ),
        },
    },
    {
        "code": "rendicion-de-cuentas",
        "name": "Rendición de cuentas",
        "description": (
            "Las autoridades explican y justifican sus decisiones, responden por sus "
            "resultados ante la ciudadanía y aceptan el control social."
        ),
        "en": {
            "name": "Accountability",
            "description": (
                "Authorities explain and justify their decisions, answer to the public for "
                "their results and accept social oversight."
            ),
        },
    },
    {
        "code": "participacion",
        "name": "Participación ciudadana",
        "description": (
            "La ciudadanía incide en el diseño, la ejecución y la evaluación de políticas y "
            "servicios públicos, desde informarse hasta decidir."
        ),
        "en": {
            "name": "Civic participation",
            "description": (
                "Citizens shape the design, delivery and evaluation of public policies and "
                "services, from being informed to deciding."
            ),
        },
    },
    {
        "code": "innovacion",
        "name": "Innovación y tecnología",
        "description": (
            "Métodos y herramientas nuevas, digitales o no, para crear valor público de "
            "forma más eficiente, abierta y colaborativa."
        ),
        "en": {
            "name": "Technology and innovation",
            "description": (
                "New methods and tools, digital or not, that create public value in more "
                "efficient, open and collaborative ways."
            ),
        },
    },
]

LEVELS: list[dict[str, Any]] = [
    {
        "code": "informar",
        "name": "Informar",
        "goal": (
            "Ofrecer al público información equilibrada y objetiva que le ayude a entender "
            "el problema, las alternativas, las oportunidades y las soluciones."
        ),
        "promise": "Les mantendremos informados.",
        "techniques": "Fichas informativas, sitios web, jornadas de puertas abiertas.",
        "en": {
            "name": "Inform",
            "goal": (
                "Provide the public with balanced and objective information to help them "
                "understand the problem, alternatives, opportunities and solutions."
            ),
            "promise": "We will keep you informed.",
            "techniques": "Fact sheets, web sites, open houses.",
        },
    },
    {
        "code": "consultar",
        "name": "Consultar",
        "goal": (
            "Obtener la retroalimentación del público sobre análisis, alternativas y decisiones."
        ),
        "promise": (
            "Les mantendremos informados, escucharemos y reconoceremos sus preocupaciones y "
            "aspiraciones, y les diremos cómo sus aportes influyeron en la decisión."
        ),
        "techniques": "Comentarios públicos, encuestas, grupos focales, reuniones públicas.",
        "en": {
            "name": "Consult",
            "goal": "Obtain public feedback on analysis, alternatives and decisions.",
            "promise": (
                "We will keep you informed, listen to and acknowledge your concerns and "
                "aspirations, and provide feedback on how public input influenced the "
                "decision."
            ),
            "techniques": "Public comment, surveys, focus groups, public meetings.",
        },
    },
    {
        "code": "involucrar",
        "name": "Involucrar",
        "goal": (
            "Trabajar directamente con el público durante todo el proceso para que sus "
            "preocupaciones y aspiraciones se entiendan y se consideren de forma constante."
        ),
        "promise": (
            "Trabajaremos con ustedes para que sus preocupaciones y aspiraciones se reflejen "
            "directamente en las alternativas, y les diremos cómo sus aportes influyeron en "
            "la decisión."
        ),
        "techniques": "Talleres, encuestas deliberativas.",
        "en": {
            "name": "Involve",
            "goal": (
                "Work directly with the public throughout the process to ensure that public "
                "concerns and aspirations are consistently understood and considered."
            ),
            "promise": (
                "We will work with you to ensure that your concerns and aspirations are "
                "directly reflected in the alternatives developed, and provide feedback on "
                "how public input influenced the decision."
            ),
            "techniques": "Workshops, deliberative polling.",
        },
    },
    {
        "code": "colaborar",
        "name": "Colaborar",
        "goal": (
            "Asociarse con el público en cada aspecto de la decisión, incluidos el "
            "desarrollo de alternativas y la identificación de la solución preferida."
        ),
        "promise": (
            "Acudiremos a ustedes en busca de consejo e innovación para formular soluciones, "
            "e incorporaremos sus recomendaciones en las decisiones en la mayor medida "
            "posible."
        ),
        "techniques": "Comités asesores ciudadanos, construcción de consensos, co-creación.",
        "en": {
            "name": "Collaborate",
            "goal": (
                "Partner with the public in each aspect of the decision, including the "
                "development of alternatives and the identification of the preferred "
                "solution."
            ),
            "promise": (
                "We will look to you for advice and innovation in formulating solutions and "
                "incorporate your advice and recommendations into the decisions to the "
                "maximum extent possible."
            ),
            "techniques": "Citizen advisory committees, consensus-building, co-creation.",
        },
    },
    {
        "code": "empoderar",
        "name": "Empoderar",
        "goal": "Poner la decisión final en manos del público.",
        "promise": "Implementaremos lo que ustedes decidan.",
        "techniques": "Jurados ciudadanos, votaciones vinculantes, presupuestos participativos.",
        "en": {
            "name": "Empower",
            "goal": "Place final decision making in the hands of the public.",
            "promise": "We will implement what you decide.",
            "techniques": "Citizen juries, binding votes, participatory budgeting.",
        },
    },
]

LINEAMIENTOS: list[dict[str, Any]] = [
    {
        "code": "datos-abiertos",
        "name": "Datos Abiertos",
        "description": (
            "Publicar, mantener y promover el uso de datos públicos abiertos, reutilizables "
            "y de calidad, como base de la transparencia y la innovación."
        ),
        "en": {
            "name": "Open Data",
            "description": (
                "Publish, maintain and promote the use of open, reusable, good-quality public "
                "data as the basis of transparency and innovation."
            ),
        },
    },
    {
        "code": "gobernanza-abierta",
        "name": "Gobernanza Abierta",
        "description": (
            "Instancias, reglas y rutinas de la entidad que abren la toma de decisiones a la "
            "ciudadanía y sostienen la rendición de cuentas más allá de un periodo de "
            "gobierno."
        ),
        "en": {
            "name": "Open Governance",
            "description": (
                "Bodies, rules and routines that open the entity's decision making to citizens "
                "and sustain accountability beyond one term of office."
            ),
        },
    },
    {
        "code": "soluciones-abiertas",
        "name": "Soluciones Abiertas",
        "description": (
            "Diseñar y probar con la ciudadanía soluciones a problemas públicos, con métodos "
            "de innovación pública y resultados reutilizables."
        ),
        "en": {
            "name": "Open Solutions",
            "description": (
                "Design and test solutions to public problems together with citizens, using "
                "public-innovation methods and producing reusable results."
            ),
        },
    },
    {
        "code": "empoderamiento-abierto",
        "name": "Empoderamiento Abierto",
        "description": (
            "Fortalecer las capacidades de la ciudadanía y de los servidores públicos para "
            "participar, vigilar y decidir sobre lo público."
        ),
        "en": {
            "name": "Open Empowerment",
            "description": (
                "Strengthen the capacities of citizens and public servants to take part in, "
                "oversee and decide on public affairs."
            ),
        },
    },
]
