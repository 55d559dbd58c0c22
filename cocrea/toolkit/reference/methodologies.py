"""HAGA methodologies with their step-by-step guides and canvas templates.

Every canvas is drawn in a ``width`` × ``height`` coordinate space; each zone is a
rectangle inside it (zones never overlap) where participants place their notes, with a
guiding question (``prompt``) and a light background colour on which dark text
(#1a1a1a) keeps a contrast ratio of at least 7:1. Spanish first; ``en`` holds the
English text.
"""

from __future__ import annotations

from typing import Any

# Light pastel backgrounds (all give ≥ 7:1 contrast with #1a1a1a text).
BLUE = "#e8f1fb"
GREEN = "#e6f4ea"
YELLOW = "#fff4d6"
PEACH = "#fde8d7"
PURPLE = "#efe7f8"
TEAL = "#e0f4f1"
GREY = "#eeeeee"
RED = "#fbe3e1"

CANVAS = {"width": 1200, "height": 800}

METHODOLOGIES: list[dict[str, Any]] = [
    {
        "slug": "mapa-de-actores",
        "name": "Mapa de actores",
        "summary": (
            "Identifica a las personas, organizaciones e instituciones relacionadas con un "
            "problema público y las ubica según su influencia y su interés. Sirve para "
            "decidir a quién involucrar activamente, a quién mantener informado y cómo "
            "convocar a cada actor al proceso participativo."
        ),
        "levels": ["informar", "consultar", "involucrar"],
        "pillars": ["participacion", "transparencia"],
        "lineamientos": ["gobernanza-abierta", "empoderamiento-abierto"],
        "canvas": dict(CANVAS),
        "en": {
            "name": "Stakeholder map",
            "summary": (
                "Identifies the people, organisations and institutions related to a public "
                "problem and places them by influence and interest. It helps decide whom to "
                "involve actively, whom to keep informed and how to invite each stakeholder "
                "into the participatory process."
            ),
        },
        "steps": [
            {
                "title": "Aclare el objetivo del mapa",
                "body": (
                    "Escriba en una frase el problema o la decisión para la que se hace el "
                    "mapa y el resultado que espera del proceso. Un mapa de actores sin un "
                    "propósito claro termina siendo una lista de nombres."
                ),
                "en": {
                    "title": "Clarify the purpose of the map",
                    "body": (
                        "Write in one sentence the problem or decision the map is for and the "
                        "result you expect from the process. A stakeholder map without a "
                        "clear purpose ends up as a list of names."
                    ),
                },
            },
            {
                "title": "Elija las variables de análisis",
                "body": (
                    "Acuerde con el grupo qué significa influencia (poder de decisión, "
                    "recursos, capacidad de movilizar) y qué significa interés (cuánto les "
                    "afecta o les importa el tema). Anote los criterios para que todos "
                    "ubiquen a los actores con la misma vara."
                ),
                "en": {
                    "title": "Choose the variables of analysis",
                    "body": (
                        "Agree with the group on what influence means (decision power, "
                        "resources, ability to mobilise) and what interest means (how much "
                        "the issue affects or matters to them). Write the criteria down so "
                        "everyone places stakeholders by the same yardstick."
                    ),
                },
            },
            {
                "title": "Reúna la información sobre los actores",
                "body": (
                    "Pida a cada participante que escriba una nota por actor: entidades "
                    "públicas, organizaciones sociales, academia, sector privado, medios y "
                    "grupos poco escuchados. Ubique cada nota en el cuadrante que "
                    "corresponda y discuta los casos en que no hay acuerdo."
                ),
                "en": {
                    "title": "Gather information about the stakeholders",
                    "body": (
                        "Ask each participant to write one note per stakeholder: public "
                        "bodies, community organisations, academia, the private sector, the "
                        "media and seldom-heard groups. Place each note in the matching "
                        "quadrant and discuss the cases where people disagree."
                    ),
                },
            },
            {
                "title": "Analice el mapa y defina la estrategia",
                "body": (
                    "Revise qué cuadrantes están vacíos o sobrecargados y qué voces faltan. "
                    "Para cada cuadrante defina cómo se relacionará el proceso con esos "
                    "actores (involucrar, mantener satisfechos, informar o monitorear) y "
                    "quién se encarga de convocarlos."
                ),
                "en": {
                    "title": "Analyse the map and set the strategy",
                    "body": (
                        "Check which quadrants are empty or crowded and which voices are "
                        "missing. For each quadrant decide how the process will relate to "
                        "those stakeholders (involve, keep satisfied, inform or monitor) and "
                        "who is in charge of inviting them."
                    ),
                },
            },
        ],
        "zones": [
            {
                "key": "alta-influencia-alto-interes",
                "label": "Alta influencia, alto interés: involucrar activamente",
                "prompt": (
                    "¿Quién puede decidir sobre el problema y además le importa mucho? "
                    "¿Cómo los sumamos desde el inicio?"
                ),
                "x": 610,
                "y": 20,
                "width": 570,
                "height": 370,
                "color": GREEN,
                "en": {
                    "label": "High influence, high interest: involve actively",
                    "prompt": (
                        "Who can decide on the problem and also cares a lot about it? How "
                        "do we bring them in from the start?"
                    ),
                },
            },
            {
                "key": "alta-influencia-bajo-interes",
                "label": "Alta influencia, bajo interés: mantener satisfechos",
                "prompt": (
                    "¿Quién tiene poder sobre el tema pero hoy no le presta atención? ¿Qué "
                    "necesita saber para no bloquear el proceso?"
                ),
                "x": 20,
                "y": 20,
                "width": 570,
                "height": 370,
                "color": YELLOW,
                "en": {
                    "label": "High influence, low interest: keep satisfied",
                    "prompt": (
                        "Who has power over the issue but is not paying attention today? "
                        "What do they need to know so they do not block the process?"
                    ),
                },
            },
            {
                "key": "baja-influencia-alto-interes",
                "label": "Baja influencia, alto interés: mantener informados",
                "prompt": (
                    "¿A quién le afecta directamente el problema aunque tenga poca voz? "
                    "¿Cómo le informamos y le abrimos espacio para participar?"
                ),
                "x": 610,
                "y": 410,
                "width": 570,
                "height": 370,
                "color": BLUE,
                "en": {
                    "label": "Low influence, high interest: keep informed",
                    "prompt": (
                        "Who is directly affected by the problem even if they have little "
                        "voice? How do we inform them and open room for them to take part?"
                    ),
                },
            },
            {
                "key": "baja-influencia-bajo-interes",
                "label": "Baja influencia, bajo interés: monitorear",
                "prompt": (
                    "¿Qué actores están lejos del tema por ahora? ¿Qué señales nos dirían "
                    "que su posición está cambiando?"
                ),
                "x": 20,
                "y": 410,
                "width": 570,
                "height": 370,
                "color": GREY,
                "en": {
                    "label": "Low influence, low interest: monitor",
                    "prompt": (
                        "Which stakeholders are far from the issue for now? What signs would "
                        "tell us their position is changing?"
                    ),
                },
            },
        ],
    },
    {
        "slug": "arbol-de-problemas",
        "name": "Árbol de problemas",
        "summary": (
            "Organiza un problema público en un diagrama de causa y efecto: el problema "
            "central es el tronco, sus causas son las raíces y sus efectos son la copa. "
            "Ayuda a pasar de los síntomas a las causas sobre las que la entidad y la "
            "ciudadanía pueden actuar, y se convierte después en un árbol de objetivos."
        ),
        "levels": ["consultar", "involucrar"],
        "pillars": ["participacion", "innovacion"],
        "lineamientos": ["soluciones-abiertas", "gobernanza-abierta"],
        "canvas": dict(CANVAS),
        "en": {
            "name": "Problem tree",
            "summary": (
                "Lays out a public problem as a cause-and-effect diagram: the central "
                "problem is the trunk, its causes are the roots and its effects are the "
                "crown. It helps move from symptoms to the causes that the entity and "
                "citizens can act on, and later becomes an objectives tree."
            ),
        },
        "steps": [
            {
                "title": "Formule el problema central",
                "body": (
                    "Redacte el problema como una situación negativa que vive una población "
                    "concreta, por ejemplo «las familias de la comuna 3 esperan más de dos "
                    "horas por una cita médica». Evite formularlo como «falta de X», porque "
                    "eso ya impone una solución."
                ),
                "en": {
                    "title": "State the central problem",
                    "body": (
                        "Write the problem as a negative situation experienced by a specific "
                        "population, for example “families in district 3 wait more than two "
                        "hours for a medical appointment”. Avoid phrasing it as “lack of X”, "
                        "because that already imposes a solution."
                    ),
                },
            },
            {
                "title": "Identifique los efectos",
                "body": (
                    "Pregunte al grupo qué consecuencias tiene el problema en la vida de "
                    "las personas y en el territorio. Ubique en la copa los efectos "
                    "directos, más cerca del tronco, y por encima los indirectos."
                ),
                "en": {
                    "title": "Identify the effects",
                    "body": (
                        "Ask the group what consequences the problem has on people's lives "
                        "and on the territory. Place the direct effects in the crown, closest "
                        "to the trunk, and the indirect ones above them."
                    ),
                },
            },
            {
                "title": "Relacione los efectos entre sí",
                "body": (
                    "Conecte con flechas los efectos que se derivan unos de otros y agrupe "
                    "los repetidos. Así se ve la magnitud del problema y se construye el "
                    "argumento de por qué vale la pena resolverlo."
                ),
                "en": {
                    "title": "Link the effects",
                    "body": (
                        "Connect with arrows the effects that lead to one another and group "
                        "the repeated ones. This shows the size of the problem and builds "
                        "the case for why it is worth solving."
                    ),
                },
            },
            {
                "title": "Identifique las causas y sus relaciones",
                "body": (
                    "Pregunte «¿por qué ocurre esto?» y ubique en las raíces las causas "
                    "directas y, debajo, las causas de esas causas. Conéctelas con flechas "
                    "y marque las que están bajo el control de la entidad."
                ),
                "en": {
                    "title": "Identify the causes and how they relate",
                    "body": (
                        "Ask “why does this happen?” and place the direct causes in the "
                        "roots and, below them, the causes of those causes. Connect them "
                        "with arrows and mark the ones within the entity's control."
                    ),
                },
            },
            {
                "title": "Revise la lógica del árbol",
                "body": (
                    "Lea el árbol de abajo hacia arriba: cada causa debe explicar lo que "
                    "tiene encima y cada efecto debe derivarse del problema. Corrija saltos "
                    "lógicos, duplicados y notas que en realidad son soluciones."
                ),
                "en": {
                    "title": "Check the logic of the tree",
                    "body": (
                        "Read the tree from bottom to top: every cause must explain what is "
                        "above it and every effect must follow from the problem. Fix logical "
                        "gaps, duplicates and notes that are really solutions."
                    ),
                },
            },
            {
                "title": "Conviértalo en un árbol de objetivos",
                "body": (
                    "Reescriba cada nota en positivo: el problema se vuelve el objetivo "
                    "central, las causas se vuelven medios y los efectos, fines. Los medios "
                    "priorizados son el insumo para los lineamientos y el plan de acción."
                ),
                "en": {
                    "title": "Turn it into an objectives tree",
                    "body": (
                        "Rewrite every note in positive terms: the problem becomes the "
                        "central objective, the causes become means and the effects become "
                        "ends. The prioritised means feed the guidelines and the action plan."
                    ),
                },
            },
        ],
        "zones": [
            {
                "key": "efectos-indirectos",
                "label": "Efectos indirectos",
                "prompt": "¿Qué consecuencias de largo plazo produce el problema en el territorio?",
                "x": 20,
                "y": 20,
                "width": 1160,
                "height": 130,
                "color": GREEN,
                "en": {
                    "label": "Indirect effects",
                    "prompt": (
                        "What long-term consequences does the problem have for the territory?"
                    ),
                },
            },
            {
                "key": "efectos-directos",
                "label": "Efectos directos",
                "prompt": "¿Qué le pasa a la población afectada como consecuencia inmediata?",
                "x": 20,
                "y": 170,
                "width": 1160,
                "height": 130,
                "color": TEAL,
                "en": {
                    "label": "Direct effects",
                    "prompt": (
                        "What happens to the affected population as an immediate consequence?"
                    ),
                },
            },
            {
                "key": "problema-central",
                "label": "Problema central",
                "prompt": "¿Qué situación negativa vive qué población, dónde y con qué magnitud?",
                "x": 250,
                "y": 320,
                "width": 700,
                "height": 160,
                "color": PEACH,
                "en": {
                    "label": "Central problem",
                    "prompt": (
                        "What negative situation does which population experience, where and "
                        "how severely?"
                    ),
                },
            },
            {
                "key": "causas-directas",
                "label": "Causas directas",
                "prompt": "¿Por qué ocurre el problema? ¿Qué lo provoca de forma inmediata?",
                "x": 20,
                "y": 500,
                "width": 1160,
                "height": 130,
                "color": YELLOW,
                "en": {
                    "label": "Direct causes",
                    "prompt": "Why does the problem happen? What immediately causes it?",
                },
            },
            {
                "key": "causas-indirectas",
                "label": "Causas indirectas",
                "prompt": "¿Qué hay detrás de cada causa directa? ¿Por qué ocurre a su vez?",
                "x": 20,
                "y": 650,
                "width": 1160,
                "height": 130,
                "color": PURPLE,
                "en": {
                    "label": "Underlying causes",
                    "prompt": "What lies behind each direct cause? Why does it happen in turn?",
                },
            },
        ],
    },
    {
        "slug": "mapa-de-empatia",
        "name": "Mapa de empatía",
        "summary": (
            "Ayuda a ponerse en los zapatos de una persona concreta que usa un servicio o "
            "vive un problema público: qué ve, dice, hace y oye, qué piensa y siente, qué le "
            "duele y qué espera ganar. Se basa en el mapa de empatía de Dave Gray y se "
            "completa en un orden numerado."
        ),
        "levels": ["consultar", "involucrar"],
        "pillars": ["participacion", "innovacion"],
        "lineamientos": ["soluciones-abiertas", "empoderamiento-abierto"],
        "canvas": dict(CANVAS),
        "en": {
            "name": "Empathy map",
            "summary": (
                "Helps the group step into the shoes of a specific person who uses a "
                "service or lives with a public problem: what they see, say, do and hear, "
                "what they think and feel, what hurts and what they hope to gain. It is "
                "based on Dave Gray's empathy map and is filled in a numbered order."
            ),
        },
        "steps": [
            {
                "title": "Defina a quién quiere comprender",
                "body": (
                    "Elija una persona concreta, real o basada en entrevistas, y descríbala "
                    "en la zona «¿Quién?»: edad, ocupación, dónde vive, su relación con el "
                    "servicio. Evite describir a «la ciudadanía» en general."
                ),
                "en": {
                    "title": "Decide whom you want to understand",
                    "body": (
                        "Choose a specific person, real or based on interviews, and describe "
                        "them in the “Who?” zone: age, occupation, where they live, their "
                        "relationship with the service. Avoid describing “citizens” in "
                        "general."
                    ),
                },
            },
            {
                "title": "Escriba qué necesita lograr",
                "body": (
                    "En la zona «Meta» anote qué tiene que hacer o decidir esa persona y cómo "
                    "sabría que lo logró. Esto enfoca el resto del mapa."
                ),
                "en": {
                    "title": "Write what they need to achieve",
                    "body": (
                        "In the “Goal” zone note what that person has to do or decide and "
                        "how they would know they succeeded. This focuses the rest of the map."
                    ),
                },
            },
            {
                "title": "Complete lo observable: ve, dice, hace y oye",
                "body": (
                    "Pida notas, en este orden, sobre lo que la persona ve en su entorno, lo "
                    "que dice, lo que hace y lo que oye de otras personas y medios. Use "
                    "citas textuales y hechos observados, no suposiciones."
                ),
                "en": {
                    "title": "Fill in what can be observed: sees, says, does and hears",
                    "body": (
                        "Ask for notes, in this order, on what the person sees around them, "
                        "what they say, what they do and what they hear from other people "
                        "and the media. Use direct quotes and observed facts, not guesses."
                    ),
                },
            },
            {
                "title": "Explore lo que piensa y siente",
                "body": (
                    "En el centro, anote preocupaciones, miedos, aspiraciones y emociones. "
                    "Luego separe los dolores (frustraciones, obstáculos, riesgos) de las "
                    "ganancias (lo que desea, cómo mide el éxito)."
                ),
                "en": {
                    "title": "Explore what they think and feel",
                    "body": (
                        "In the centre, note worries, fears, aspirations and emotions. Then "
                        "separate the pains (frustrations, obstacles, risks) from the gains "
                        "(what they want, how they measure success)."
                    ),
                },
            },
            {
                "title": "Lea el mapa y extraiga hallazgos",
                "body": (
                    "Busque contradicciones entre lo que la persona dice y lo que hace, y "
                    "dolores que se repiten. Escriba dos o tres hallazgos que alimenten las "
                    "preguntas «¿Cómo podríamos…?» o el mapa de viaje."
                ),
                "en": {
                    "title": "Read the map and draw insights",
                    "body": (
                        "Look for contradictions between what the person says and what they "
                        "do, and for recurring pains. Write two or three insights to feed the "
                        "“How might we…?” questions or the journey map."
                    ),
                },
            },
        ],
        "zones": [
            {
                "key": "quien",
                "label": "1. ¿Quién?",
                "prompt": (
                    "¿Con quién queremos empatizar? ¿Cuál es su situación y su papel frente "
                    "al problema?"
                ),
                "x": 20,
                "y": 20,
                "width": 570,
                "height": 160,
                "color": BLUE,
                "en": {
                    "label": "1. Who?",
                    "prompt": (
                        "Who do we want to empathise with? What is their situation and their "
                        "role in the problem?"
                    ),
                },
            },
            {
                "key": "meta",
                "label": "2. Meta",
                "prompt": "¿Qué necesita hacer o decidir esta persona? ¿Cómo sabría que lo logró?",
                "x": 610,
                "y": 20,
                "width": 570,
                "height": 160,
                "color": BLUE,
                "en": {
                    "label": "2. Goal",
                    "prompt": (
                        "What does this person need to do or decide? How would they know "
                        "they succeeded?"
                    ),
                },
            },
            {
                "key": "ve",
                "label": "3. ¿Qué ve?",
                "prompt": "¿Qué ve en su entorno, en su barrio, en los canales de la entidad?",
                "x": 20,
                "y": 200,
                "width": 360,
                "height": 180,
                "color": TEAL,
                "en": {
                    "label": "3. What do they see?",
                    "prompt": (
                        "What do they see around them, in their neighbourhood, in the "
                        "entity's channels?"
                    ),
                },
            },
            {
                "key": "dice",
                "label": "4. ¿Qué dice?",
                "prompt": "¿Qué le hemos oído decir? ¿Qué diría en público sobre el tema?",
                "x": 820,
                "y": 200,
                "width": 360,
                "height": 180,
                "color": YELLOW,
                "en": {
                    "label": "4. What do they say?",
                    "prompt": (
                        "What have we heard them say? What would they say in public about "
                        "the issue?"
                    ),
                },
            },
            {
                "key": "hace",
                "label": "5. ¿Qué hace?",
                "prompt": "¿Qué hace hoy para resolver su necesidad? ¿Qué pasos sigue?",
                "x": 820,
                "y": 400,
                "width": 360,
                "height": 180,
                "color": YELLOW,
                "en": {
                    "label": "5. What do they do?",
                    "prompt": "What do they do today to meet their need? What steps do they take?",
                },
            },
            {
                "key": "oye",
                "label": "6. ¿Qué oye?",
                "prompt": "¿Qué le dicen sus vecinos, su familia, los medios o los funcionarios?",
                "x": 20,
                "y": 400,
                "width": 360,
                "height": 180,
                "color": TEAL,
                "en": {
                    "label": "6. What do they hear?",
                    "prompt": (
                        "What do their neighbours, family, the media or officials tell them?"
                    ),
                },
            },
            {
                "key": "piensa-y-siente",
                "label": "7. ¿Qué piensa y siente?",
                "prompt": (
                    "¿Qué le preocupa, qué le da miedo, qué le ilusiona? ¿Qué no se atreve a decir?"
                ),
                "x": 400,
                "y": 200,
                "width": 400,
                "height": 380,
                "color": PURPLE,
                "en": {
                    "label": "7. What do they think and feel?",
                    "prompt": (
                        "What worries them, what frightens them, what excites them? What do "
                        "they not dare to say?"
                    ),
                },
            },
            {
                "key": "dolores",
                "label": "Dolores",
                "prompt": "¿Qué le frustra, qué obstáculos encuentra, qué riesgos teme?",
                "x": 20,
                "y": 600,
                "width": 570,
                "height": 180,
                "color": RED,
                "en": {
                    "label": "Pains",
                    "prompt": (
                        "What frustrates them, what obstacles do they meet, what risks do they "
                        "fear?"
                    ),
                },
            },
            {
                "key": "ganancias",
                "label": "Ganancias",
                "prompt": (
                    "¿Qué desea lograr? ¿Cómo mide el éxito? ¿Qué le haría la vida más fácil?"
                ),
                "x": 610,
                "y": 600,
                "width": 570,
                "height": 180,
                "color": GREEN,
                "en": {
                    "label": "Gains",
                    "prompt": (
                        "What do they want to achieve? How do they measure success? What "
                        "would make their life easier?"
                    ),
                },
            },
        ],
    },
    {
        "slug": "mapa-de-viaje",
        "name": "Mapa de viaje",
        "summary": (
            "Representa, etapa por etapa, la experiencia de una persona al usar un servicio "
            "público o hacer un trámite: qué hace, por dónde interactúa con la entidad, cómo "
            "se siente y dónde se atasca. Permite priorizar mejoras según su impacto y la "
            "frecuencia con que aparece cada problema."
        ),
        "levels": ["involucrar"],
        "pillars": ["innovacion", "participacion"],
        "lineamientos": ["soluciones-abiertas", "gobernanza-abierta"],
        "canvas": dict(CANVAS),
        "en": {
            "name": "Journey map",
            "summary": (
                "Shows, stage by stage, a person's experience of using a public service or "
                "completing a procedure: what they do, where they interact with the entity, "
                "how they feel and where they get stuck. It makes it possible to rank "
                "improvements by impact and by how often each problem occurs."
            ),
        },
        "steps": [
            {
                "title": "Elija la persona y el escenario",
                "body": (
                    "Defina a quién se sigue (idealmente la persona del mapa de empatía) y "
                    "qué trata de lograr, por ejemplo «solicitar un subsidio de vivienda». "
                    "Anótelo en la zona «Persona y escenario»."
                ),
                "en": {
                    "title": "Choose the persona and the scenario",
                    "body": (
                        "Decide whom you follow (ideally the person from the empathy map) and "
                        "what they are trying to achieve, for example “apply for a housing "
                        "subsidy”. Write it in the “Persona and scenario” zone."
                    ),
                },
            },
            {
                "title": "Defina las etapas del viaje",
                "body": (
                    "Acuerde entre cuatro y seis etapas, desde que la persona se entera del "
                    "servicio hasta después de recibirlo, y escríbalas de izquierda a "
                    "derecha en la franja de etapas. Las notas de cada fila se ubican debajo "
                    "de la etapa a la que corresponden."
                ),
                "en": {
                    "title": "Define the stages of the journey",
                    "body": (
                        "Agree on four to six stages, from when the person first hears about "
                        "the service until after they receive it, and write them from left to "
                        "right in the stages strip. The notes of each row go under the stage "
                        "they belong to."
                    ),
                },
            },
            {
                "title": "Complete las filas etapa por etapa",
                "body": (
                    "Para cada etapa, llene las filas: acciones, puntos de contacto, "
                    "emociones, puntos de dolor, oportunidades y trasfondo (lo que ocurre "
                    "dentro de la entidad sin que la persona lo vea). Invite a quienes usan "
                    "el servicio a corregir lo que el equipo supone."
                ),
                "en": {
                    "title": "Fill in the rows stage by stage",
                    "body": (
                        "For each stage, fill in the rows: actions, touchpoints, emotions, "
                        "pain points, opportunities and back stage (what happens inside the "
                        "entity without the person seeing it). Invite service users to "
                        "correct what the team assumes."
                    ),
                },
            },
            {
                "title": "Priorice las mejoras por impacto y frecuencia",
                "body": (
                    "Pida a cada participante votar por los puntos de dolor que más afectan "
                    "a las personas y que ocurren con más frecuencia. Las oportunidades "
                    "asociadas a los más votados pasan a la matriz de impacto y esfuerzo o "
                    "al plan de acción."
                ),
                "en": {
                    "title": "Rank improvements by impact and frequency",
                    "body": (
                        "Ask each participant to vote for the pain points that affect people "
                        "most and happen most often. The opportunities linked to the top "
                        "voted ones move on to the impact/effort matrix or the action plan."
                    ),
                },
            },
        ],
        "zones": [
            {
                "key": "persona",
                "label": "Persona y escenario",
                "prompt": "¿Quién hace el recorrido y qué intenta lograr?",
                "x": 20,
                "y": 20,
                "width": 370,
                "height": 90,
                "color": BLUE,
                "en": {
                    "label": "Persona and scenario",
                    "prompt": "Who takes the journey and what are they trying to achieve?",
                },
            },
            {
                "key": "etapas",
                "label": "Etapas",
                "prompt": (
                    "¿Cuáles son las etapas del recorrido, desde que se entera hasta después "
                    "de recibir el servicio?"
                ),
                "x": 410,
                "y": 20,
                "width": 770,
                "height": 90,
                "color": GREY,
                "en": {
                    "label": "Stages",
                    "prompt": (
                        "What are the stages of the journey, from first hearing about it to "
                        "after receiving the service?"
                    ),
                },
            },
            {
                "key": "acciones",
                "label": "Acciones",
                "prompt": "¿Qué hace la persona en cada etapa?",
                "x": 20,
                "y": 130,
                "width": 1160,
                "height": 100,
                "color": TEAL,
                "en": {
                    "label": "Actions",
                    "prompt": "What does the person do at each stage?",
                },
            },
            {
                "key": "puntos-de-contacto",
                "label": "Puntos de contacto",
                "prompt": (
                    "¿Por dónde interactúa con la entidad: ventanilla, web, teléfono, "
                    "redes, otra persona?"
                ),
                "x": 20,
                "y": 240,
                "width": 1160,
                "height": 100,
                "color": BLUE,
                "en": {
                    "label": "Touchpoints",
                    "prompt": (
                        "Where do they interact with the entity: front desk, website, phone, "
                        "social media, another person?"
                    ),
                },
            },
            {
                "key": "emociones",
                "label": "Emociones",
                "prompt": (
                    "¿Cómo se siente en cada etapa: tranquila, confundida, molesta, aliviada?"
                ),
                "x": 20,
                "y": 350,
                "width": 1160,
                "height": 100,
                "color": YELLOW,
                "en": {
                    "label": "Emotions",
                    "prompt": "How do they feel at each stage: calm, confused, annoyed, relieved?",
                },
            },
            {
                "key": "puntos-de-dolor",
                "label": "Puntos de dolor",
                "prompt": "¿Dónde se atasca, pierde tiempo o abandona el proceso?",
                "x": 20,
                "y": 460,
                "width": 1160,
                "height": 100,
                "color": RED,
                "en": {
                    "label": "Pain points",
                    "prompt": "Where do they get stuck, waste time or give up?",
                },
            },
            {
                "key": "oportunidades",
                "label": "Oportunidades",
                "prompt": "¿Qué podríamos cambiar en esta etapa para mejorar la experiencia?",
                "x": 20,
                "y": 570,
                "width": 1160,
                "height": 100,
                "color": GREEN,
                "en": {
                    "label": "Opportunities",
                    "prompt": "What could we change at this stage to improve the experience?",
                },
            },
            {
                "key": "trasfondo",
                "label": "Trasfondo",
                "prompt": (
                    "¿Qué pasa dentro de la entidad, sin que la persona lo vea, para que "
                    "esta etapa funcione?"
                ),
                "x": 20,
                "y": 680,
                "width": 1160,
                "height": 100,
                "color": PURPLE,
                "en": {
                    "label": "Back stage",
                    "prompt": (
                        "What happens inside the entity, out of the person's sight, to make "
                        "this stage work?"
                    ),
                },
            },
        ],
    },
    {
        "slug": "como-podriamos",
        "name": "¿Cómo podríamos…?",
        "summary": (
            "Convierte un hallazgo sobre las personas en preguntas abiertas que invitan a "
            "idear, del tipo «¿Cómo podríamos…?». Parte de un punto de vista (usuario, "
            "necesidad e insight) y produce varias preguntas, cada una abierta a muchas "
            "soluciones posibles."
        ),
        "levels": ["colaborar"],
        "pillars": ["innovacion", "participacion"],
        "lineamientos": ["soluciones-abiertas"],
        "canvas": dict(CANVAS),
        "en": {
            "name": "How might we…?",
            "summary": (
                "Turns an insight about people into open questions that invite ideas, of "
                "the “How might we…?” kind. It starts from a point of view (user, need and "
                "insight) and produces several questions, each open to many possible "
                "solutions."
            ),
        },
        "steps": [
            {
                "title": "Construya el punto de vista",
                "body": (
                    "Con base en el mapa de empatía o las entrevistas, complete tres zonas: "
                    "el usuario (quién), la necesidad (un verbo, lo que necesita lograr) y "
                    "el insight (lo sorprendente que aprendimos). Lea en voz alta la frase "
                    "completa: «[usuario] necesita [necesidad] porque [insight]»."
                ),
                "en": {
                    "title": "Build the point of view",
                    "body": (
                        "Based on the empathy map or the interviews, fill in three zones: "
                        "the user (who), the need (a verb, what they need to achieve) and "
                        "the insight (the surprising thing we learned). Read the full "
                        "sentence aloud: “[user] needs [need] because [insight]”."
                    ),
                },
            },
            {
                "title": "Escriba entre cinco y diez preguntas",
                "body": (
                    "Cada participante escribe preguntas que empiecen por «¿Cómo "
                    "podríamos…?». Pruebe variantes: ampliar lo bueno, eliminar lo malo, "
                    "cambiar el contexto, pensar en lo contrario o dividir el problema."
                ),
                "en": {
                    "title": "Write five to ten questions",
                    "body": (
                        "Each participant writes questions starting with “How might we…?”. "
                        "Try variants: amplify the good, remove the bad, change the context, "
                        "think of the opposite or break the problem down."
                    ),
                },
            },
            {
                "title": "Ajuste el alcance de cada pregunta",
                "body": (
                    "Revise que ninguna pregunta traiga la solución incluida ni sea tan "
                    "amplia que paralice. Una buena pregunta admite varias respuestas "
                    "distintas y se puede abordar con los recursos del proceso."
                ),
                "en": {
                    "title": "Adjust the scope of each question",
                    "body": (
                        "Check that no question has the solution built in and that none is "
                        "so broad it paralyses. A good question allows several different "
                        "answers and can be tackled with the resources of the process."
                    ),
                },
            },
            {
                "title": "Elija las preguntas para idear",
                "body": (
                    "Haga una votación por puntos y lleve a la zona de preguntas elegidas "
                    "las dos o tres más votadas. Con ellas se abre la lluvia de ideas o el "
                    "reto de innovación abierta."
                ),
                "en": {
                    "title": "Choose the questions to ideate on",
                    "body": (
                        "Run a dot vote and move the two or three most voted questions to "
                        "the chosen-questions zone. They open the brainstorm or the open "
                        "innovation challenge."
                    ),
                },
            },
        ],
        "zones": [
            {
                "key": "usuario",
                "label": "Usuario",
                "prompt": "¿Para quién estamos diseñando? Descríbalo con detalle.",
                "x": 20,
                "y": 20,
                "width": 373,
                "height": 200,
                "color": BLUE,
                "en": {
                    "label": "User",
                    "prompt": "Who are we designing for? Describe them in detail.",
                },
            },
            {
                "key": "necesidad",
                "label": "Necesidad",
                "prompt": "¿Qué necesita lograr esta persona? Escríbalo con un verbo.",
                "x": 413,
                "y": 20,
                "width": 374,
                "height": 200,
                "color": TEAL,
                "en": {
                    "label": "Need",
                    "prompt": "What does this person need to achieve? Write it with a verb.",
                },
            },
            {
                "key": "insight",
                "label": "Insight",
                "prompt": "¿Qué aprendimos de esta persona que nos sorprendió?",
                "x": 807,
                "y": 20,
                "width": 373,
                "height": 200,
                "color": PURPLE,
                "en": {
                    "label": "Insight",
                    "prompt": "What did we learn about this person that surprised us?",
                },
            },
            {
                "key": "preguntas",
                "label": "Preguntas «¿Cómo podríamos…?»",
                "prompt": (
                    "¿Cómo podríamos ayudar a esta persona a lograr lo que necesita? Escriba "
                    "una pregunta por nota."
                ),
                "x": 20,
                "y": 240,
                "width": 760,
                "height": 540,
                "color": YELLOW,
                "en": {
                    "label": "“How might we…?” questions",
                    "prompt": (
                        "How might we help this person achieve what they need? Write one "
                        "question per note."
                    ),
                },
            },
            {
                "key": "preguntas-elegidas",
                "label": "Preguntas elegidas",
                "prompt": (
                    "¿Qué preguntas abren más posibilidades y vale la pena llevar a ideación?"
                ),
                "x": 800,
                "y": 240,
                "width": 380,
                "height": 540,
                "color": GREEN,
                "en": {
                    "label": "Chosen questions",
                    "prompt": (
                        "Which questions open the most possibilities and are worth taking to "
                        "ideation?"
                    ),
                },
            },
        ],
    },
    {
        "slug": "matriz-impacto-esfuerzo",
        "name": "Matriz impacto/esfuerzo",
        "summary": (
            "Ordena las ideas o propuestas de un grupo según el impacto que tendrían en el "
            "problema y el esfuerzo que exige implementarlas. Muestra las victorias "
            "tempranas, los proyectos estratégicos y lo que conviene descartar, y combina "
            "bien con una votación para decidir con la ciudadanía."
        ),
        "levels": ["colaborar", "empoderar"],
        "pillars": ["participacion", "rendicion-de-cuentas"],
        "lineamientos": ["soluciones-abiertas", "gobernanza-abierta"],
        "canvas": dict(CANVAS),
        "en": {
            "name": "Impact/effort matrix",
            "summary": (
                "Sorts a group's ideas or proposals by the impact they would have on the "
                "problem and the effort needed to implement them. It reveals quick wins, "
                "major projects and what is better dropped, and works well with a vote to "
                "decide together with citizens."
            ),
        },
        "steps": [
            {
                "title": "Reúna las ideas",
                "body": (
                    "Traiga las ideas de la sesión anterior o genere nuevas, una por nota, y "
                    "déjelas en la zona «Ideas por ubicar». Agrupe las repetidas antes de "
                    "empezar."
                ),
                "en": {
                    "title": "Gather the ideas",
                    "body": (
                        "Bring the ideas from the previous session or generate new ones, one "
                        "per note, and leave them in the “Ideas to place” zone. Group "
                        "duplicates before you start."
                    ),
                },
            },
            {
                "title": "Acuerde qué es impacto y qué es esfuerzo",
                "body": (
                    "Defina con el grupo los criterios: impacto puede ser cuántas personas "
                    "se benefician y cuánto mejora su situación; esfuerzo, el costo, el "
                    "tiempo, los permisos y las capacidades que exige."
                ),
                "en": {
                    "title": "Agree on what impact and effort mean",
                    "body": (
                        "Define the criteria with the group: impact can be how many people "
                        "benefit and how much their situation improves; effort, the cost, "
                        "time, permits and capacities it requires."
                    ),
                },
            },
            {
                "title": "Ubique cada idea en la matriz",
                "body": (
                    "Mueva las notas a los cuadrantes discutiendo en voz alta, con el aporte "
                    "de funcionarios que conozcan costos y trámites. Si no hay acuerdo, "
                    "registre la duda junto a la nota en lugar de forzar una posición."
                ),
                "en": {
                    "title": "Place each idea on the matrix",
                    "body": (
                        "Move the notes into the quadrants while discussing aloud, with input "
                        "from officials who know costs and procedures. If there is no "
                        "agreement, record the doubt next to the note instead of forcing a "
                        "position."
                    ),
                },
            },
            {
                "title": "Vote y priorice",
                "body": (
                    "Abra una votación por puntos sobre las victorias tempranas y los "
                    "proyectos estratégicos. Publique el resultado y explique qué se hará con "
                    "las ideas elegidas y por qué no avanzan las demás."
                ),
                "en": {
                    "title": "Vote and prioritise",
                    "body": (
                        "Open a dot vote on the quick wins and major projects. Publish the "
                        "result and explain what will be done with the chosen ideas and why "
                        "the others are not going ahead."
                    ),
                },
            },
        ],
        "zones": [
            {
                "key": "ideas-por-ubicar",
                "label": "Ideas por ubicar",
                "prompt": "¿Qué ideas o propuestas queremos evaluar? Escriba una por nota.",
                "x": 20,
                "y": 20,
                "width": 260,
                "height": 760,
                "color": GREY,
                "en": {
                    "label": "Ideas to place",
                    "prompt": "Which ideas or proposals do we want to assess? Write one per note.",
                },
            },
            {
                "key": "victorias-tempranas",
                "label": "Victorias tempranas: alto impacto, bajo esfuerzo",
                "prompt": "¿Qué podemos hacer pronto, con pocos recursos, y que se note?",
                "x": 300,
                "y": 20,
                "width": 430,
                "height": 370,
                "color": GREEN,
                "en": {
                    "label": "Quick wins: high impact, low effort",
                    "prompt": "What can we do soon, with few resources, that people will notice?",
                },
            },
            {
                "key": "proyectos-estrategicos",
                "label": "Proyectos estratégicos: alto impacto, alto esfuerzo",
                "prompt": "¿Qué vale la pena planear a mediano plazo con recursos y aliados?",
                "x": 750,
                "y": 20,
                "width": 430,
                "height": 370,
                "color": BLUE,
                "en": {
                    "label": "Major projects: high impact, high effort",
                    "prompt": (
                        "What is worth planning over the medium term with resources and partners?"
                    ),
                },
            },
            {
                "key": "tareas-complementarias",
                "label": "Tareas complementarias: bajo impacto, bajo esfuerzo",
                "prompt": "¿Qué se puede hacer cuando haya capacidad libre, sin desviar el foco?",
                "x": 300,
                "y": 410,
                "width": 430,
                "height": 370,
                "color": YELLOW,
                "en": {
                    "label": "Fill-ins: low impact, low effort",
                    "prompt": (
                        "What can be done when there is spare capacity, without losing focus?"
                    ),
                },
            },
            {
                "key": "tareas-ingratas",
                "label": "Tareas ingratas: bajo impacto, alto esfuerzo",
                "prompt": "¿Qué conviene descartar o replantear porque cuesta mucho y aporta poco?",
                "x": 750,
                "y": 410,
                "width": 430,
                "height": 370,
                "color": RED,
                "en": {
                    "label": "Thankless tasks: low impact, high effort",
                    "prompt": (
                        "What should be dropped or rethought because it costs a lot and gives "
                        "little?"
                    ),
                },
            },
        ],
    },
    {
        "slug": "compromiso-ogp",
        "name": "Compromiso de gobierno abierto (OGP)",
        "summary": (
            "Guía la co-creación de un compromiso para un plan de acción de gobierno "
            "abierto con la plantilla de la Alianza para el Gobierno Abierto (OGP): "
            "problema, compromiso, cómo contribuye a resolverlo, relevancia frente a los "
            "valores, hitos, responsables y otros actores. Cierra con una respuesta "
            "razonada a cada aporte recibido."
        ),
        "levels": ["colaborar"],
        "pillars": ["transparencia", "rendicion-de-cuentas", "participacion", "innovacion"],
        "lineamientos": ["gobernanza-abierta", "soluciones-abiertas"],
        "canvas": dict(CANVAS),
        "en": {
            "name": "Open government commitment (OGP)",
            "summary": (
                "Guides the co-creation of a commitment for an open government action plan "
                "using the Open Government Partnership (OGP) template: problem, commitment, "
                "how it helps solve it, relevance to the values, milestones, people "
                "responsible and other actors. It closes with a reasoned response to every "
                "contribution received."
            ),
        },
        "steps": [
            {
                "title": "Publique las reglas y abra el periodo de aportes",
                "body": (
                    "Antes del taller, comparta el cronograma, los temas priorizados y cómo "
                    "se decidirá qué compromisos entran al plan. Mantenga un periodo abierto "
                    "para que cualquier persona envíe propuestas."
                ),
                "en": {
                    "title": "Publish the rules and open the input period",
                    "body": (
                        "Before the workshop, share the timeline, the prioritised topics and "
                        "how it will be decided which commitments go into the plan. Keep an "
                        "open period for anyone to send proposals."
                    ),
                },
            },
            {
                "title": "Describa el problema con su línea base",
                "body": (
                    "En la zona «Problema público», escriba qué problema se quiere resolver, "
                    "a quién afecta y con qué datos se mide hoy. Sin línea base no se podrá "
                    "demostrar avance."
                ),
                "en": {
                    "title": "Describe the problem with its baseline",
                    "body": (
                        "In the “Public problem” zone, write which problem is to be solved, "
                        "whom it affects and which data measure it today. Without a baseline "
                        "progress cannot be shown."
                    ),
                },
            },
            {
                "title": "Redacte el compromiso y cómo contribuye",
                "body": (
                    "Formule el objetivo y los resultados esperados, y explique la cadena "
                    "que conecta el compromiso con la solución del problema. Indique su "
                    "relevancia frente a la transparencia, la rendición de cuentas, la "
                    "participación ciudadana y la innovación y tecnología."
                ),
                "en": {
                    "title": "Draft the commitment and how it helps",
                    "body": (
                        "State the objective and the expected results, and explain the chain "
                        "linking the commitment to solving the problem. Note its relevance to "
                        "transparency, accountability, civic participation and technology and "
                        "innovation."
                    ),
                },
            },
            {
                "title": "Defina hitos, responsables y aliados",
                "body": (
                    "Divida el compromiso en hitos con un entregable verificable, fecha de "
                    "inicio y de fin y una persona o dependencia responsable. Anote qué "
                    "otros actores del gobierno, la sociedad civil, el sector privado o la "
                    "cooperación participan."
                ),
                "en": {
                    "title": "Define milestones, people responsible and partners",
                    "body": (
                        "Break the commitment into milestones with a verifiable deliverable, "
                        "start and end dates and a responsible person or unit. Note which "
                        "other actors from government, civil society, the private sector or "
                        "international cooperation take part."
                    ),
                },
            },
            {
                "title": "Revise el borrador con la ciudadanía",
                "body": (
                    "Publique el borrador y recoja comentarios en una sesión de revisión. "
                    "Verifique que cada hito sea medible y que el compromiso sea ambicioso "
                    "pero realizable en el periodo del plan."
                ),
                "en": {
                    "title": "Review the draft with citizens",
                    "body": (
                        "Publish the draft and gather comments in a review session. Check "
                        "that every milestone is measurable and that the commitment is "
                        "ambitious yet achievable within the plan period."
                    ),
                },
            },
            {
                "title": "Dé una respuesta razonada",
                "body": (
                    "Responda por escrito a cada aporte: si se incorporó, cómo, y si no, por "
                    "qué. Publique las respuestas junto con la versión final del compromiso."
                ),
                "en": {
                    "title": "Give a reasoned response",
                    "body": (
                        "Reply in writing to every contribution: whether it was included and "
                        "how, and if not, why. Publish the replies together with the final "
                        "version of the commitment."
                    ),
                },
            },
        ],
        "zones": [
            {
                "key": "problema",
                "label": "Problema público",
                "prompt": (
                    "¿Qué problema queremos resolver, a quién afecta y cuál es su línea base?"
                ),
                "x": 20,
                "y": 20,
                "width": 373,
                "height": 240,
                "color": RED,
                "en": {
                    "label": "Public problem",
                    "prompt": (
                        "What problem do we want to solve, whom does it affect and what is its "
                        "baseline?"
                    ),
                },
            },
            {
                "key": "compromiso",
                "label": "Compromiso",
                "prompt": "¿Qué nos comprometemos a hacer? ¿Qué objetivo y resultados esperamos?",
                "x": 413,
                "y": 20,
                "width": 374,
                "height": 240,
                "color": GREEN,
                "en": {
                    "label": "Commitment",
                    "prompt": "What do we commit to do? What objective and results do we expect?",
                },
            },
            {
                "key": "como-contribuye",
                "label": "¿Cómo contribuye a resolver el problema?",
                "prompt": (
                    "¿Por qué este compromiso cambiaría la situación descrita en el problema?"
                ),
                "x": 807,
                "y": 20,
                "width": 373,
                "height": 240,
                "color": TEAL,
                "en": {
                    "label": "How does it help solve the problem?",
                    "prompt": (
                        "Why would this commitment change the situation described in the problem?"
                    ),
                },
            },
            {
                "key": "relevancia",
                "label": "Relevancia frente a los valores de gobierno abierto",
                "prompt": (
                    "¿Cómo aporta a la transparencia, la rendición de cuentas, la "
                    "participación ciudadana y la innovación y tecnología?"
                ),
                "x": 20,
                "y": 280,
                "width": 570,
                "height": 220,
                "color": PURPLE,
                "en": {
                    "label": "Relevance to open government values",
                    "prompt": (
                        "How does it contribute to transparency, accountability, civic "
                        "participation and technology and innovation?"
                    ),
                },
            },
            {
                "key": "hitos",
                "label": "Hitos",
                "prompt": "¿Qué entregables verificables tendrá, con qué fechas de inicio y fin?",
                "x": 610,
                "y": 280,
                "width": 570,
                "height": 220,
                "color": YELLOW,
                "en": {
                    "label": "Milestones",
                    "prompt": (
                        "Which verifiable deliverables will it have, with what start and end dates?"
                    ),
                },
            },
            {
                "key": "responsables",
                "label": "Responsables",
                "prompt": "¿Qué entidad lidera y qué persona o dependencia responde por cada hito?",
                "x": 20,
                "y": 520,
                "width": 570,
                "height": 260,
                "color": BLUE,
                "en": {
                    "label": "People responsible",
                    "prompt": (
                        "Which entity leads and which person or unit answers for each milestone?"
                    ),
                },
            },
            {
                "key": "otros-actores",
                "label": "Otros actores involucrados",
                "prompt": (
                    "¿Qué otras entidades, organizaciones sociales, empresas o agencias de "
                    "cooperación participan y cómo?"
                ),
                "x": 610,
                "y": 520,
                "width": 570,
                "height": 260,
                "color": PEACH,
                "en": {
                    "label": "Other actors involved",
                    "prompt": (
                        "Which other public bodies, community organisations, companies or "
                        "cooperation agencies take part, and how?"
                    ),
                },
            },
        ],
    },
    {
        "slug": "doble-diamante",
        "name": "Doble diamante (Design Thinking)",
        "summary": (
            "Ordena un proceso de diseño de servicios o políticas en cuatro fases que "
            "alternan abrir y cerrar: descubrir, definir, desarrollar y entregar. Equivale a "
            "las fases del Design Thinking (empatizar, definir, idear, prototipar y "
            "evaluar) y permite co-crear con la ciudadanía de principio a fin."
        ),
        "levels": ["colaborar"],
        "pillars": ["innovacion", "participacion"],
        "lineamientos": ["soluciones-abiertas", "empoderamiento-abierto"],
        "canvas": dict(CANVAS),
        "en": {
            "name": "Double diamond (Design Thinking)",
            "summary": (
                "Organises the design of a service or policy in four phases that alternate "
                "opening up and narrowing down: discover, define, develop and deliver. It "
                "matches the Design Thinking phases (empathise, define, ideate, prototype "
                "and test) and makes it possible to co-create with citizens from start to "
                "finish."
            ),
        },
        "steps": [
            {
                "title": "Formule el reto",
                "body": (
                    "Escriba el reto de partida en una frase abierta y acuerde con el grupo "
                    "el alcance, los plazos y quién decide en cada fase. Este reto se "
                    "revisará al final del primer diamante."
                ),
                "en": {
                    "title": "Frame the challenge",
                    "body": (
                        "Write the starting challenge as one open sentence and agree with "
                        "the group on the scope, timeframes and who decides at each phase. "
                        "The challenge will be revisited at the end of the first diamond."
                    ),
                },
            },
            {
                "title": "Descubrir (empatizar)",
                "body": (
                    "Abra la mirada: entrevistas, observación en terreno, datos abiertos y "
                    "mapas de empatía con las personas afectadas. Anote todo lo aprendido "
                    "sin filtrar todavía."
                ),
                "en": {
                    "title": "Discover (empathise)",
                    "body": (
                        "Open up: interviews, field observation, open data and empathy maps "
                        "with the people affected. Note everything learned without filtering "
                        "yet."
                    ),
                },
            },
            {
                "title": "Definir",
                "body": (
                    "Agrupe los hallazgos, identifique patrones y elija el problema que se "
                    "va a resolver. Redáctelo como una o varias preguntas «¿Cómo "
                    "podríamos…?»."
                ),
                "en": {
                    "title": "Define",
                    "body": (
                        "Cluster the findings, spot patterns and choose the problem to solve. "
                        "Write it as one or more “How might we…?” questions."
                    ),
                },
            },
            {
                "title": "Desarrollar (idear y prototipar)",
                "body": (
                    "Genere muchas ideas con la ciudadanía y los equipos de la entidad, "
                    "elija las más prometedoras y construya prototipos sencillos: un "
                    "guion, un formulario en papel, una maqueta o una simulación del "
                    "servicio."
                ),
                "en": {
                    "title": "Develop (ideate and prototype)",
                    "body": (
                        "Generate many ideas with citizens and the entity's teams, choose "
                        "the most promising ones and build simple prototypes: a script, a "
                        "paper form, a mock-up or a role-play of the service."
                    ),
                },
            },
            {
                "title": "Entregar (evaluar e implementar)",
                "body": (
                    "Pruebe los prototipos con usuarios reales, mida qué funciona y ajuste. "
                    "Lleve la versión validada al plan de acción con responsables, "
                    "indicadores y un plan para escalarla."
                ),
                "en": {
                    "title": "Deliver (test and implement)",
                    "body": (
                        "Test the prototypes with real users, measure what works and adjust. "
                        "Take the validated version into the action plan with people "
                        "responsible, indicators and a plan to scale it up."
                    ),
                },
            },
        ],
        "zones": [
            {
                "key": "reto",
                "label": "Reto",
                "prompt": "¿Qué desafío público queremos abordar y para quién?",
                "x": 20,
                "y": 20,
                "width": 1160,
                "height": 120,
                "color": GREY,
                "en": {
                    "label": "Challenge",
                    "prompt": "Which public challenge do we want to tackle, and for whom?",
                },
            },
            {
                "key": "descubrir",
                "label": "Descubrir",
                "prompt": "¿Qué aprendimos de las personas, el territorio y los datos?",
                "x": 20,
                "y": 160,
                "width": 275,
                "height": 620,
                "color": BLUE,
                "en": {
                    "label": "Discover",
                    "prompt": "What did we learn from people, the territory and the data?",
                },
            },
            {
                "key": "definir",
                "label": "Definir",
                "prompt": "¿Cuál es el problema concreto que vamos a resolver?",
                "x": 315,
                "y": 160,
                "width": 275,
                "height": 620,
                "color": PURPLE,
                "en": {
                    "label": "Define",
                    "prompt": "What is the specific problem we are going to solve?",
                },
            },
            {
                "key": "desarrollar",
                "label": "Desarrollar",
                "prompt": "¿Qué ideas y prototipos podrían resolverlo?",
                "x": 610,
                "y": 160,
                "width": 275,
                "height": 620,
                "color": YELLOW,
                "en": {
                    "label": "Develop",
                    "prompt": "Which ideas and prototypes could solve it?",
                },
            },
            {
                "key": "entregar",
                "label": "Entregar",
                "prompt": "¿Qué aprendimos al probar y qué vamos a implementar?",
                "x": 905,
                "y": 160,
                "width": 275,
                "height": 620,
                "color": GREEN,
                "en": {
                    "label": "Deliver",
                    "prompt": "What did we learn from testing and what will we implement?",
                },
            },
        ],
    },
]
