"""The MEGA IP self-assessment questionnaire: reference data, versioned, no ORM.

An entity's officials answer one question per enabling factor (the seven the model
lists for local open government) and three questions per open-government pillar about
what the entity does today. Every answer is one of four levels (0..3) and each level
says what someone could go and check if that answer is true, so that two officials
looking at the same entity arrive at the same answer. How answers become stages is in
:mod:`.scoring` and ``docs/staged-model.md``.

Texts are plain ``{"es": ..., "en": ...}`` dicts (like ``cocrea.toolkit.reference``);
:func:`tr` picks the active language. Changing a question's meaning requires a new
:data:`VERSION`, because stored answers refer to questions by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.utils import translation

from cocrea.toolkit.reference.vocabularies import PILLARS as _PILLAR_VOCABULARY

VERSION = "mega-ip-2026.1"

STAGES: tuple[str, ...] = ("inicial", "en_desarrollo", "consolidado", "referente")

STAGE_NAMES: dict[str, dict[str, str]] = {
    "inicial": {"es": "Inicial", "en": "Initial"},
    "en_desarrollo": {"es": "En desarrollo", "en": "Developing"},
    "consolidado": {"es": "Consolidado", "en": "Consolidated"},
    "referente": {"es": "Referente", "en": "Leading"},
}


class QuestionNotFound(KeyError):
    """No question has this code in the current questionnaire version."""


@dataclass(frozen=True)
class Dimension:
    code: str
    kind: Literal["factor", "pillar"]
    name: dict[str, str]
    summary: dict[str, str]


@dataclass(frozen=True)
class Choice:
    level: int
    label: dict[str, str]
    # What one can observe or verify (a document, a budget line, a dataset...) when this
    # answer is true: the rubric is about evidence, not about how the official feels.
    evidence: dict[str, str]


@dataclass(frozen=True)
class Question:
    code: str
    dimension: str
    text: dict[str, str]
    help: dict[str, str]
    choices: tuple[Choice, ...]


def tr(value: dict[str, str]) -> str:
    """The text in the active language: English when active, Spanish otherwise."""
    language = (translation.get_language() or "es").split("-")[0]
    if language == "en" and value.get("en"):
        return value["en"]
    return value["es"]


def _t(es: str, en: str) -> dict[str, str]:
    return {"es": es, "en": en}


def _choices(*rows: tuple[str, str, str, str]) -> tuple[Choice, ...]:
    """Rows of (label es, label en, evidence es, evidence en), from level 0 upwards."""
    return tuple(
        Choice(level=level, label=_t(label_es, label_en), evidence=_t(ev_es, ev_en))
        for level, (label_es, label_en, ev_es, ev_en) in enumerate(rows)
    )


FACTORS: tuple[Dimension, ...] = (
    Dimension(
        "presupuesto",
        "factor",
        _t("Presupuesto y contrapartida", "Budget and counterpart funding"),
        _t(
            "Recursos para gobierno abierto en el Plan de Desarrollo Local, con aportes de "
            "la sociedad civil o del sector privado.",
            "Resources for open government in the Local Development Plan, with contributions "
            "from civil society or the private sector.",
        ),
    ),
    Dimension(
        "marcos",
        "factor",
        _t("Marcos normativos y de política", "Legal and policy frameworks"),
        _t(
            "Normas o políticas propias (marcos sombrilla) que dan respaldo y continuidad a "
            "las iniciativas.",
            "The entity's own rules or policies (umbrella frameworks) that back the "
            "initiatives and keep them going.",
        ),
    ),
    Dimension(
        "capacidades",
        "factor",
        _t("Capacidades de innovación pública", "Public-innovation skills"),
        _t(
            "Funcionarios y directivos que saben usar métodos de innovación pública y de "
            "gobierno abierto.",
            "Officials and directors who know how to use public-innovation and "
            "open-government methods.",
        ),
    ),
    Dimension(
        "prioridades",
        "factor",
        _t("Ajuste a prioridades y capacidad local", "Fit to local priorities and capacity"),
        _t(
            "La estrategia parte de lo que el territorio necesita y de lo que la entidad "
            "puede sostener.",
            "The strategy starts from what the territory needs and what the entity can sustain.",
        ),
    ),
    Dimension(
        "buenas_practicas",
        "factor",
        _t("Buenas prácticas locales", "Local good practice"),
        _t(
            "Se reconoce y se fortalece lo que ya funciona en el territorio.",
            "What already works in the territory is recognised and strengthened.",
        ),
    ),
    Dimension(
        "escalonado",
        "factor",
        _t("Fortalecimiento escalonado", "Staged strengthening"),
        _t(
            "Un proceso de mediano plazo por etapas, con victorias tempranas y seguimiento, "
            "medición y evaluación.",
            "A medium-term process in stages, with early wins and monitoring, measurement "
            "and evaluation.",
        ),
    ),
    Dimension(
        "lineamientos",
        "factor",
        _t("Lineamientos co-creados y sostenibles", "Co-created, lasting guidelines"),
        _t(
            "Lineamientos construidos con la ciudadanía que sobreviven al cambio de "
            "administración.",
            "Guidelines built with citizens that outlive a change of administration.",
        ),
    ),
)

# Names and summaries come from the toolkit vocabulary so the two never drift apart.
PILLARS: tuple[Dimension, ...] = tuple(
    Dimension(
        code=pillar["code"],
        kind="pillar",
        name=_t(pillar["name"], pillar["en"]["name"]),
        summary=_t(pillar["description"], pillar["en"]["description"]),
    )
    for pillar in _PILLAR_VOCABULARY
)

QUESTIONS: tuple[Question, ...] = (
    # --- The seven enabling factors, in the order the model lists them -------------------
    Question(
        "f_presupuesto",
        "presupuesto",
        _t(
            "¿Tiene el gobierno abierto recursos asignados en el Plan de Desarrollo Local, "
            "con contrapartida de otros actores?",
            "Does open government have resources assigned in the Local Development Plan, "
            "with counterpart funding from other actors?",
        ),
        _t(
            "Revise el plan plurianual de inversiones y el presupuesto del año en curso.",
            "Check the multi-year investment plan and this year's budget.",
        ),
        _choices(
            (
                "No hay recursos",
                "No resources",
                "El Plan de Desarrollo no menciona gobierno abierto y no hay metas ni rubros "
                "para transparencia, participación o innovación.",
                "The development plan does not mention open government and there are no "
                "targets or budget lines for transparency, participation or innovation.",
            ),
            (
                "Se menciona, sin recursos",
                "Mentioned, without resources",
                "El Plan de Desarrollo nombra el gobierno abierto como propósito, pero no tiene "
                "indicador ni rubro presupuestal asociado.",
                "The development plan names open government as an aim, but it has no "
                "indicator or budget line attached.",
            ),
            (
                "Meta con rubro presupuestal",
                "Target with a budget line",
                "Hay una meta con indicador y un rubro en el plan de inversiones o en el "
                "presupuesto anual destinado a gobierno abierto.",
                "There is a target with an indicator and a line in the investment plan or "
                "annual budget earmarked for open government.",
            ),
            (
                "Rubro con contrapartida",
                "Budget line with counterpart",
                "Además del rubro, existe un convenio o acuerdo firmado con sociedad civil, "
                "academia o sector privado que aporta dinero, personal o especie.",
                "Besides the budget line, a signed agreement with civil society, academia or "
                "the private sector contributes money, staff or in-kind support.",
            ),
        ),
    ),
    Question(
        "f_marcos",
        "marcos",
        _t(
            "¿Existe un marco normativo o de política pública propio que respalde el "
            "gobierno abierto?",
            "Is there a rule or public policy of the entity's own that backs open government?",
        ),
        _t(
            "Cuentan decretos, resoluciones, acuerdos del concejo u ordenanzas.",
            "Decrees, resolutions, council agreements or ordinances count.",
        ),
        _choices(
            (
                "Solo la norma nacional",
                "Only national law",
                "La entidad se apoya únicamente en leyes nacionales (p. ej. Ley 1712 de 2014, "
                "Ley 1757 de 2015) sin un instrumento propio.",
                "The entity relies only on national laws (e.g. Law 1712 of 2014, Law 1757 of "
                "2015) with no instrument of its own.",
            ),
            (
                "En preparación",
                "Being drafted",
                "Hay un borrador de decreto, acuerdo o política en discusión, con actas o "
                "versiones que lo muestran.",
                "A draft decree, agreement or policy is under discussion, with minutes or "
                "versions that show it.",
            ),
            (
                "Adoptado",
                "Adopted",
                "Un acto administrativo vigente nombra el gobierno abierto y asigna una "
                "dependencia responsable.",
                "An administrative act in force names open government and assigns a "
                "responsible office.",
            ),
            (
                "Adoptado y en funcionamiento",
                "Adopted and working",
                "El marco adoptado está articulado con el Plan de Desarrollo y MIPG, y su "
                "instancia de seguimiento sesionó en el último año (actas o informe).",
                "The adopted framework is linked to the development plan and MIPG, and its "
                "follow-up body met in the last year (minutes or report).",
            ),
        ),
    ),
    Question(
        "f_capacidades",
        "capacidades",
        _t(
            "¿Qué capacidades de innovación pública tienen los funcionarios y directivos?",
            "What public-innovation skills do officials and directors have?",
        ),
        _t(
            "Piense en métodos como árbol de problemas, mapa de viaje o co-creación de "
            "compromisos, aplicados en trabajo real.",
            "Think of methods such as problem trees, journey maps or commitment "
            "co-creation, applied to real work.",
        ),
        _choices(
            (
                "Sin formación",
                "No training",
                "Nadie en la entidad ha recibido formación en gobierno abierto o innovación "
                "pública en los últimos dos años.",
                "Nobody at the entity has been trained in open government or public "
                "innovation in the last two years.",
            ),
            (
                "Formación aislada",
                "Isolated training",
                "Algunos funcionarios tienen certificados de cursos o talleres, pero nadie "
                "aplica los métodos en su trabajo.",
                "Some officials hold certificates from courses or workshops, but nobody "
                "applies the methods in their work.",
            ),
            (
                "Equipo que aplica los métodos",
                "A team that applies the methods",
                "Un grupo de funcionarios con nombre propio aplicó al menos un método en un "
                "proyecto real: hay lienzos, relatorías o informes.",
                "A named group of officials applied at least one method in a real project: "
                "there are canvases, write-ups or reports.",
            ),
            (
                "Capacidad instalada",
                "Built-in capacity",
                "La formación está en el Plan Institucional de Capacitación, los directivos "
                "participaron y funcionarios propios facilitan procesos y forman a otros.",
                "Training is in the institutional training plan, directors took part, and the "
                "entity's own officials facilitate processes and train others.",
            ),
        ),
    ),
    Question(
        "f_prioridades",
        "prioridades",
        _t(
            "¿La estrategia de gobierno abierto responde a las prioridades del territorio y "
            "a la capacidad de la entidad?",
            "Does the open-government strategy respond to the territory's priorities and "
            "to the entity's capacity?",
        ),
        _t(
            "Una estrategia ajustada elige metas que la entidad puede cumplir.",
            "A well-fitted strategy picks targets the entity can meet.",
        ),
        _choices(
            (
                "Sin diagnóstico",
                "No diagnosis",
                "No hay estrategia, o se copió de otra entidad o de una plantilla nacional sin "
                "diagnóstico propio.",
                "There is no strategy, or it was copied from another entity or a national "
                "template without a diagnosis of its own.",
            ),
            (
                "Diagnóstico sin uso",
                "Diagnosis not used",
                "Existe un diagnóstico de prioridades locales o de capacidad institucional, "
                "pero la estrategia no lo cita.",
                "A diagnosis of local priorities or institutional capacity exists, but the "
                "strategy does not refer to it.",
            ),
            (
                "Basada en diagnóstico",
                "Based on a diagnosis",
                "El documento de estrategia cita el diagnóstico y justifica sus metas con las "
                "prioridades del Plan de Desarrollo y los recursos disponibles.",
                "The strategy document cites the diagnosis and justifies its targets with the "
                "development plan's priorities and the resources available.",
            ),
            (
                "Validada y revisada",
                "Validated and reviewed",
                "Las prioridades se validaron con actores del territorio (actas, resultados de "
                "consulta) y la estrategia se revisa y ajusta periódicamente.",
                "Priorities were validated with local stakeholders (minutes, consultation "
                "results) and the strategy is reviewed and adjusted periodically.",
            ),
        ),
    ),
    Question(
        "f_buenas_practicas",
        "buenas_practicas",
        _t(
            "¿La entidad identifica y fortalece las buenas prácticas locales que ya existen?",
            "Does the entity identify and strengthen existing local good practice?",
        ),
        _t(
            "Cuentan prácticas de la entidad, de organizaciones sociales o de otras "
            "entidades del territorio.",
            "Practices of the entity, of community organisations or of other local entities count.",
        ),
        _choices(
            (
                "No identificadas",
                "Not identified",
                "No hay inventario y la dirección no conoce las iniciativas que ya funcionan.",
                "There is no inventory and leadership does not know which initiatives already "
                "work.",
            ),
            (
                "Identificadas",
                "Identified",
                "Existe un inventario o listado de prácticas locales de gobierno abierto.",
                "An inventory or list of local open-government practices exists.",
            ),
            (
                "Fortalecidas",
                "Strengthened",
                "Al menos una práctica local recibió apoyo documentado: recursos, personal o "
                "difusión.",
                "At least one local practice received documented support: resources, staff or "
                "dissemination.",
            ),
            (
                "Reconocidas y replicadas",
                "Recognised and replicated",
                "Una práctica está documentada, tuvo reconocimiento externo (premio, caso en un "
                "repositorio) y se replicó en otra dependencia o entidad.",
                "A practice is documented, was recognised externally (an award, a case in a "
                "repository) and was replicated in another office or entity.",
            ),
        ),
    ),
    Question(
        "f_escalonado",
        "escalonado",
        _t(
            "¿El fortalecimiento se plantea por etapas, con victorias tempranas y seguimiento?",
            "Is strengthening planned in stages, with early wins and monitoring?",
        ),
        _t(
            "Los compromisos de un plan de acción publicado con avance sustancial o "
            "cumplido cuentan como victorias tempranas.",
            "Commitments of a published action plan with substantial or complete progress "
            "count as early wins.",
        ),
        _choices(
            (
                "Acciones sueltas",
                "Isolated actions",
                "Las acciones se hacen una a una, sin una hoja de ruta por etapas.",
                "Actions happen one by one, with no staged roadmap.",
            ),
            (
                "Hoja de ruta sin seguimiento",
                "Roadmap without monitoring",
                "Hay un plan con fases, pero no tiene indicadores ni informes de avance.",
                "There is a plan with phases, but it has no indicators or progress reports.",
            ),
            (
                "Victorias tempranas con seguimiento",
                "Early wins, monitored",
                "Al menos un resultado temprano se entregó y se reportó con un instrumento de "
                "seguimiento (indicadores, informe de avance del plan de acción).",
                "At least one early result was delivered and reported through a monitoring "
                "instrument (indicators, an action plan progress report).",
            ),
            (
                "Ciclo completo de seguimiento y evaluación",
                "Full monitoring and evaluation cycle",
                "Se publican informes periódicos de avance, se hizo una evaluación y el plan se "
                "ajustó con sus resultados.",
                "Periodic progress reports are published, an evaluation was carried out and the "
                "plan was adjusted with its findings.",
            ),
        ),
    ),
    Question(
        "f_lineamientos",
        "lineamientos",
        _t(
            "¿Hay lineamientos co-creados que hagan sostenible la estrategia más allá de "
            "una administración?",
            "Are there co-created guidelines that keep the strategy going beyond one "
            "administration?",
        ),
        _t(
            "Un borrador de lineamientos publicado en la plataforma cuenta como evidencia.",
            "A guidelines draft published on the platform counts as evidence.",
        ),
        _choices(
            (
                "No existen",
                "None",
                "No hay lineamientos; la estrategia depende de las personas de la "
                "administración actual.",
                "There are no guidelines; the strategy depends on the people of the current "
                "administration.",
            ),
            (
                "Borrador",
                "Draft",
                "Hay un borrador de lineamientos escrito, aunque aún no se co-creó ni se adoptó.",
                "A draft of guidelines has been written, though not yet co-created or adopted.",
            ),
            (
                "Co-creados y publicados",
                "Co-created and published",
                "Los lineamientos se construyeron con ciudadanía y actores (relatorías, "
                "respuesta razonada) y están publicados.",
                "The guidelines were built with citizens and stakeholders (session records, "
                "reasoned response) and are published.",
            ),
            (
                "Adoptados y vigentes entre administraciones",
                "Adopted and in force across administrations",
                "Los lineamientos co-creados están adoptados por acto administrativo y siguen "
                "vigentes tras un cambio de gobierno, o figuran en el informe de empalme con un "
                "responsable.",
                "The co-created guidelines are adopted by an administrative act and remain in "
                "force after a change of government, or appear in the handover report with an "
                "owner.",
            ),
        ),
    ),
    # --- Transparencia -------------------------------------------------------------------
    Question(
        "p_transparencia_1",
        "transparencia",
        _t(
            "¿Cómo publica la entidad su información pública?",
            "How does the entity publish its public information?",
        ),
        _t(
            "Mire la sección de transparencia del sitio web y las fechas de actualización.",
            "Look at the website's transparency section and its update dates.",
        ),
        _choices(
            (
                "Solo cuando se pide",
                "Only on request",
                "La sección de transparencia del sitio no existe o está incompleta; la "
                "información se entrega solo si alguien la solicita.",
                "The website's transparency section is missing or incomplete; information is "
                "given only when someone asks for it.",
            ),
            (
                "Mínimo legal, desactualizado",
                "Legal minimum, out of date",
                "La sección tiene los contenidos exigidos por la ley, pero varios llevan más de "
                "un año sin actualizarse.",
                "The section has the contents the law requires, but several have not been "
                "updated for over a year.",
            ),
            (
                "Completo y al día",
                "Complete and current",
                "Los contenidos exigidos están completos, con fechas de actualización de los "
                "últimos tres meses, y la contratación está en SECOP.",
                "The required contents are complete, with update dates within the last three "
                "months, and procurement is on SECOP.",
            ),
            (
                "Proactiva y comprensible",
                "Proactive and understandable",
                "Además del mínimo, se publica lo que la ciudadanía pide más, en lenguaje claro "
                "(presupuesto ciudadano, resúmenes), con un calendario de publicación.",
                "Beyond the minimum, the most requested information is published in plain "
                "language (citizen budget, summaries), following a publication calendar.",
            ),
        ),
    ),
    Question(
        "p_transparencia_2",
        "transparencia",
        _t(
            "¿Publica la entidad datos abiertos y los mantiene actualizados?",
            "Does the entity publish open data and keep it up to date?",
        ),
        _t(
            "Busque los conjuntos de la entidad en datos.gov.co o en su propio portal.",
            "Look for the entity's datasets on datos.gov.co or its own portal.",
        ),
        _choices(
            (
                "No publica",
                "Nothing published",
                "No hay conjuntos de datos de la entidad en datos.gov.co ni en un portal propio.",
                "There are no datasets from the entity on datos.gov.co or on a portal of its own.",
            ),
            (
                "Publicados una vez",
                "Published once",
                "Hay algunos conjuntos publicados, pero sin metadatos completos y sin "
                "actualizarse desde que se subieron.",
                "Some datasets are published, but without complete metadata and not updated "
                "since they were uploaded.",
            ),
            (
                "Inventario y actualización",
                "Inventory and updates",
                "Existe un registro de activos de información y los conjuntos tienen metadatos "
                "y se actualizan con la frecuencia que declaran.",
                "There is an inventory of information assets and the datasets have metadata "
                "and are updated as often as they declare.",
            ),
            (
                "Datos pedidos y usados",
                "Data asked for and used",
                "Los conjuntos se eligieron según la demanda de usuarios, se actualizan a "
                "tiempo y hay usos documentados (aplicaciones, análisis, notas de prensa).",
                "Datasets were chosen from user demand, are updated on time, and there are "
                "documented reuses (apps, analyses, press stories).",
            ),
        ),
    ),
    Question(
        "p_transparencia_3",
        "transparencia",
        _t(
            "¿Cómo responde la entidad a las solicitudes de acceso a la información?",
            "How does the entity answer requests for access to information?",
        ),
        _t(
            "Use el registro de peticiones y el informe de solicitudes de acceso a la información.",
            "Use the register of petitions and the access-to-information requests report.",
        ),
        _choices(
            (
                "Sin registro",
                "No register",
                "No hay registro de solicitudes y no se sabe cuánto tardan las respuestas.",
                "There is no register of requests and nobody knows how long answers take.",
            ),
            (
                "Registro sin informe",
                "Register, no report",
                "Las solicitudes se registran, pero muchas se responden fuera de plazo y no se "
                "publica un informe.",
                "Requests are registered, but many are answered late and no report is published.",
            ),
            (
                "A tiempo, con informe",
                "On time, with a report",
                "La gran mayoría se responde dentro del plazo legal y se publica periódicamente "
                "el informe de solicitudes.",
                "The great majority are answered within the legal deadline and the requests "
                "report is published periodically.",
            ),
            (
                "De la solicitud a la publicación",
                "From request to publication",
                "Casi todas se responden a tiempo y lo que se pide con frecuencia pasa a "
                "publicarse de oficio (hay ejemplos documentados).",
                "Nearly all are answered on time and frequently requested information is then "
                "published proactively (with documented examples).",
            ),
        ),
    ),
    # --- Rendición de cuentas ------------------------------------------------------------
    Question(
        "p_rendicion-de-cuentas_1",
        "rendicion-de-cuentas",
        _t(
            "¿Cómo rinde cuentas la entidad a la ciudadanía?",
            "How does the entity give account to citizens?",
        ),
        _t(
            "Considere el último año completo.",
            "Consider the last full year.",
        ),
        _choices(
            (
                "No hay ejercicios",
                "No exercises",
                "En el último año no hubo audiencia pública ni otro espacio de rendición de "
                "cuentas.",
                "In the last year there was no public hearing or other accountability space.",
            ),
            (
                "Evento informativo anual",
                "Yearly briefing",
                "Hubo una audiencia pública al año, sobre todo en una sola vía; se conservan la "
                "presentación o el video.",
                "There was one public hearing a year, mostly one-way; the slides or video are "
                "kept.",
            ),
            (
                "Diálogo con respuesta",
                "Dialogue with answers",
                "Hubo varios espacios de diálogo por tema o territorio; las preguntas "
                "ciudadanas se registraron y se respondieron por escrito en una memoria "
                "publicada.",
                "There were several dialogue spaces by topic or area; citizens' questions were "
                "recorded and answered in writing in a published report.",
            ),
            (
                "Proceso permanente",
                "An ongoing process",
                "Hay una estrategia de rendición de cuentas diseñada con la ciudadanía y los "
                "compromisos de cada diálogo se reportan en el siguiente.",
                "There is an accountability strategy designed with citizens, and the "
                "commitments from each dialogue are reported on in the next one.",
            ),
        ),
    ),
    Question(
        "p_rendicion-de-cuentas_2",
        "rendicion-de-cuentas",
        _t(
            "¿Se publican los compromisos de la entidad y su avance?",
            "Are the entity's commitments and their progress published?",
        ),
        _t(
            "Los planes de acción publicados en la plataforma cuentan.",
            "Action plans published on the platform count.",
        ),
        _choices(
            (
                "No se publican",
                "Not published",
                "Los compromisos asumidos con la ciudadanía no están publicados en ningún lugar.",
                "Commitments made to citizens are not published anywhere.",
            ),
            (
                "Lista sin avance",
                "A list without progress",
                "Hay una lista publicada de compromisos, pero no muestra su avance.",
                "A list of commitments is published, but it does not show progress.",
            ),
            (
                "Avance periódico",
                "Regular progress",
                "Los compromisos se publican con su nivel de cumplimiento, actualizado al menos "
                "cada trimestre.",
                "Commitments are published with their completion level, updated at least every "
                "quarter.",
            ),
            (
                "Avance verificable y abierto a preguntas",
                "Verifiable progress, open to questions",
                "Cada hito enlaza su evidencia, los retrasos se explican y la ciudadanía puede "
                "preguntar o comentar y recibe respuesta.",
                "Each milestone links to its evidence, delays are explained, and citizens can "
                "ask or comment and get an answer.",
            ),
        ),
    ),
    Question(
        "p_rendicion-de-cuentas_3",
        "rendicion-de-cuentas",
        _t(
            "¿Cómo responde la entidad al control social (veedurías, observatorios)?",
            "How does the entity respond to social oversight (citizen watchdogs, observatories)?",
        ),
        _t(
            "Incluya solicitudes y observaciones de veedurías ciudadanas y organizaciones.",
            "Include requests and observations from citizen oversight groups and organisations.",
        ),
        _choices(
            (
                "Sin registro",
                "No record",
                "No se sabe qué pidieron las veedurías ni si se les respondió.",
                "Nobody knows what oversight groups asked for or whether they were answered.",
            ),
            (
                "Responde cuando le piden",
                "Answers when asked",
                "Se responde a las veedurías caso a caso, sin un registro sistemático.",
                "Oversight groups get answers case by case, without a systematic record.",
            ),
            (
                "Registro y respuesta a tiempo",
                "Recorded and answered on time",
                "Hay un registro de solicitudes y observaciones del control social con "
                "respuestas a tiempo y entrega de documentos (p. ej. de contratos).",
                "There is a record of oversight requests and observations with timely answers "
                "and documents handed over (e.g. on contracts).",
            ),
            (
                "Apoya el control social",
                "Supports oversight",
                "La entidad forma e informa a las veedurías, publica sus observaciones y lo que "
                "cambió por ellas.",
                "The entity trains and briefs oversight groups, publishes their observations "
                "and what changed because of them.",
            ),
        ),
    ),
    # --- Participación ciudadana -----------------------------------------------------------
    Question(
        "p_participacion_1",
        "participacion",
        _t(
            "¿Hasta qué nivel involucra la entidad a la ciudadanía en sus decisiones?",
            "Up to which level does the entity involve citizens in its decisions?",
        ),
        _t(
            "Niveles del espectro IAP2: informar, consultar, involucrar, colaborar, "
            "empoderar. Cuente solo procesos del último año con registro.",
            "IAP2 spectrum levels: inform, consult, involve, collaborate, empower. Count "
            "only processes from the last year with a record.",
        ),
        _choices(
            (
                "Solo informa",
                "Informs only",
                "En el último año la entidad solo informó; no hay registros de consultas ni de "
                "talleres.",
                "In the last year the entity only informed; there are no records of "
                "consultations or workshops.",
            ),
            (
                "Consulta",
                "Consults",
                "Hubo consultas (encuestas, comentarios a borradores) cuyos resultados se "
                "publicaron.",
                "There were consultations (surveys, comments on drafts) whose results were "
                "published.",
            ),
            (
                "Involucra",
                "Involves",
                "Hubo talleres o mesas a lo largo de un proceso y los aportes se reflejan en "
                "las alternativas: agendas, actas, lienzos.",
                "There were workshops or working groups throughout a process and the input is "
                "reflected in the options: agendas, minutes, canvases.",
            ),
            (
                "Colabora o empodera",
                "Collaborates or empowers",
                "Se co-crearon soluciones o compromisos con la ciudadanía, o hubo decisiones "
                "vinculantes (p. ej. presupuesto participativo) que se ejecutaron.",
                "Solutions or commitments were co-created with citizens, or there were binding "
                "decisions (e.g. a participatory budget) that were carried out.",
            ),
        ),
    ),
    Question(
        "p_participacion_2",
        "participacion",
        _t(
            "¿Le cuenta la entidad a quienes participan cómo se usaron sus aportes?",
            "Does the entity tell participants how their input was used?",
        ),
        _t(
            "Una respuesta razonada explica, para cada aporte, si se tomó y por qué.",
            "A reasoned response explains, for each contribution, whether it was taken up and why.",
        ),
        _choices(
            (
                "No hay retorno",
                "No feedback",
                "Después de participar, nadie recibe información sobre qué pasó con sus aportes.",
                "After taking part, nobody hears what happened to their input.",
            ),
            (
                "Agradecimiento general",
                "General thanks",
                "Se publica un agradecimiento o un resumen de la participación, sin decir qué "
                "se tomó.",
                "A thank-you note or summary of participation is published, without saying "
                "what was taken up.",
            ),
            (
                "Respuesta razonada",
                "Reasoned response",
                "Se publica un documento que dice, para cada aporte o grupo de aportes, si se "
                "incorporó y por qué.",
                "A document is published stating, for each contribution or group of "
                "contributions, whether it was included and why.",
            ),
            (
                "Respuesta razonada con seguimiento",
                "Reasoned response with follow-up",
                "Además de la respuesta razonada, cada participante puede seguir qué pasó "
                "después (página de estado, reunión de seguimiento).",
                "Besides the reasoned response, each participant can follow what happened next "
                "(a status page, a follow-up meeting).",
            ),
        ),
    ),
    Question(
        "p_participacion_3",
        "participacion",
        _t(
            "¿Cómo incluye la entidad a grupos diversos en la participación?",
            "How does the entity include diverse groups in participation?",
        ),
        _t(
            "Piense en zonas rurales, mujeres, jóvenes, personas mayores, comunidades "
            "étnicas y personas con discapacidad.",
            "Think of rural areas, women, young and older people, ethnic communities and "
            "people with disabilities.",
        ),
        _choices(
            (
                "Convocatoria general",
                "General call only",
                "Se hace una convocatoria abierta y no hay datos sobre quién participa.",
                "There is an open call and no data about who takes part.",
            ),
            (
                "Datos desagregados",
                "Disaggregated data",
                "Los registros de asistencia están desagregados (género, edad, territorio), "
                "pero no se actúa con base en ellos.",
                "Attendance records are disaggregated (gender, age, area), but nothing is done "
                "with them.",
            ),
            (
                "Acciones de inclusión",
                "Inclusion measures",
                "El plan de convocatoria incluye medidas concretas: encuentros en zonas "
                "rurales, horarios, formatos accesibles, lenguas de comunidades étnicas.",
                "The outreach plan includes concrete measures: meetings in rural areas, "
                "timetables, accessible formats, languages of ethnic communities.",
            ),
            (
                "Inclusión medida y ajustada",
                "Inclusion measured and adjusted",
                "Además de las medidas, se compara quién participa con la población y se ajusta "
                "la convocatoria; la participación de grupos subrepresentados mejora.",
                "Besides the measures, who takes part is compared with the population and "
                "outreach is adjusted; under-represented groups' participation improves.",
            ),
        ),
    ),
    # --- Innovación y tecnología -----------------------------------------------------------
    Question(
        "p_innovacion_1",
        "innovacion",
        _t(
            "¿Tiene la entidad un equipo o laboratorio de innovación pública?",
            "Does the entity have a public-innovation team or lab?",
        ),
        _t(
            "Cuenta un equipo dentro de una dependencia, no hace falta una oficina aparte.",
            "A team inside an existing office counts; a separate office is not needed.",
        ),
        _choices(
            (
                "No hay",
                "None",
                "Ninguna persona ni equipo tiene ese rol.",
                "No person or team has that role.",
            ),
            (
                "Personas entusiastas",
                "Enthusiastic individuals",
                "Algunas personas impulsan la innovación de manera informal, sin mandato ni plan.",
                "A few people drive innovation informally, without a mandate or plan.",
            ),
            (
                "Equipo designado",
                "Designated team",
                "Un equipo está designado por acto administrativo o figura en el organigrama, "
                "con un plan de trabajo.",
                "A team is designated by an administrative act or appears in the organisation "
                "chart, with a work plan.",
            ),
            (
                "Equipo con recursos y resultados",
                "Team with resources and results",
                "El equipo tiene presupuesto, un portafolio de proyectos entregados y alianzas "
                "(academia, tecnología cívica).",
                "The team has a budget, a portfolio of delivered projects and partnerships "
                "(academia, civic tech).",
            ),
        ),
    ),
    Question(
        "p_innovacion_2",
        "innovacion",
        _t(
            "¿Diseña la entidad trámites, servicios o políticas con las personas usuarias?",
            "Does the entity design procedures, services or policies with their users?",
        ),
        _t(
            "Métodos como el mapa de empatía o el mapa de viaje son señales de co-diseño.",
            "Methods such as empathy maps or journey maps are signs of co-design.",
        ),
        _choices(
            (
                "Diseño interno",
                "Designed in-house",
                "Los servicios se diseñan dentro de la entidad sin hablar con quienes los usan.",
                "Services are designed inside the entity without talking to those who use them.",
            ),
            (
                "Consulta al final",
                "Asked at the end",
                "Solo se pregunta a los usuarios al final, con encuestas de satisfacción.",
                "Users are only asked at the end, through satisfaction surveys.",
            ),
            (
                "Usuarios en el diseño",
                "Users in the design",
                "Los usuarios participaron en el diseño de al menos un servicio: talleres con "
                "lienzos, prototipos probados con ellos.",
                "Users took part in designing at least one service: canvas workshops, "
                "prototypes tested with them.",
            ),
            (
                "Co-diseño habitual y medido",
                "Routine, measured co-design",
                "Varios servicios se rediseñaron con usuarios y las mejoras se midieron "
                "(tiempos, satisfacción, quejas).",
                "Several services were redesigned with users and the improvements were "
                "measured (times, satisfaction, complaints).",
            ),
        ),
    ),
    Question(
        "p_innovacion_3",
        "innovacion",
        _t(
            "¿Usa la entidad datos y herramientas digitales para decidir y para abrir su gestión?",
            "Does the entity use data and digital tools to make decisions and to open up its work?",
        ),
        _t(
            "Piense en tableros, análisis de datos y canales digitales de participación.",
            "Think of dashboards, data analysis and digital participation channels.",
        ),
        _choices(
            (
                "Sin uso de datos",
                "No use of data",
                "La gestión se basa en papel u hojas aisladas; los datos no se usan para decidir.",
                "Work relies on paper or scattered spreadsheets; data is not used to decide.",
            ),
            (
                "Herramientas sin análisis",
                "Tools without analysis",
                "Hay formularios web o redes sociales, pero los datos que generan no informan "
                "las decisiones.",
                "There are web forms or social media, but the data they produce does not inform "
                "decisions.",
            ),
            (
                "Datos en las decisiones",
                "Data in decisions",
                "Tableros o análisis se presentan en comités de decisión (actas) y hay canales "
                "digitales de participación en uso.",
                "Dashboards or analyses are presented in decision committees (minutes) and "
                "digital participation channels are in use.",
            ),
            (
                "Gestión abierta con datos",
                "Open, data-driven management",
                "Los tableros son públicos, los sistemas comparten datos y la ciudadanía usa "
                "herramientas digitales para participar y hacer seguimiento.",
                "Dashboards are public, systems share data, and citizens use digital tools to "
                "take part and follow up.",
            ),
        ),
    ),
)

_BY_CODE: dict[str, Question] = {q.code: q for q in QUESTIONS}

DIMENSIONS: tuple[Dimension, ...] = FACTORS + PILLARS


def question(code: str) -> Question:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise QuestionNotFound(code) from None


def questions_of(dimension: str) -> tuple[Question, ...]:
    """The questions of a factor or pillar, in questionnaire order (empty if unknown)."""
    return tuple(q for q in QUESTIONS if q.dimension == dimension)
