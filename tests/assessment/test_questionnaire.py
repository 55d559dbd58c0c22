"""The questionnaire's reference data: shape, bilingual texts and rubric evidence."""

from __future__ import annotations

import pytest
from django.utils import translation

from cocrea.assessment import questionnaire as q
from cocrea.toolkit.reference.vocabularies import PILLARS as PILLAR_VOCABULARY

FACTOR_CODES = (
    "presupuesto",
    "marcos",
    "capacidades",
    "prioridades",
    "buenas_practicas",
    "escalonado",
    "lineamientos",
)


def _bilingual(value: dict[str, str]) -> bool:
    return set(value) == {"es", "en"} and all(v.strip() for v in value.values())


def test_seven_factors_in_the_seeds_order():
    assert tuple(f.code for f in q.FACTORS) == FACTOR_CODES
    assert all(f.kind == "factor" for f in q.FACTORS)


def test_four_pillars_match_the_toolkit_vocabulary():
    assert [p.code for p in q.PILLARS] == [p["code"] for p in PILLAR_VOCABULARY]
    assert len(q.PILLARS) == 4
    assert all(p.kind == "pillar" for p in q.PILLARS)


def test_dimensions_have_bilingual_names_and_summaries():
    for dimension in q.FACTORS + q.PILLARS:
        assert _bilingual(dimension.name), dimension.code
        assert _bilingual(dimension.summary), dimension.code


def test_nineteen_questions_one_per_factor_three_per_pillar():
    assert len(q.QUESTIONS) == 19
    for factor in q.FACTORS:
        assert [x.code for x in q.questions_of(factor.code)] == [f"f_{factor.code}"]
    for pillar in q.PILLARS:
        assert [x.code for x in q.questions_of(pillar.code)] == [
            f"p_{pillar.code}_{n}" for n in (1, 2, 3)
        ]


def test_question_codes_are_unique_and_fit_the_answer_column():
    codes = [x.code for x in q.QUESTIONS]
    assert len(codes) == len(set(codes))
    # Answer.question is a CharField(max_length=40).
    assert max(len(code) for code in codes) <= 40


def test_every_question_belongs_to_a_known_dimension():
    known = {d.code for d in q.FACTORS + q.PILLARS}
    assert {x.dimension for x in q.QUESTIONS} == known


@pytest.mark.parametrize("asked", q.QUESTIONS, ids=lambda x: x.code)
def test_every_question_has_a_full_bilingual_rubric(asked):
    assert _bilingual(asked.text)
    assert _bilingual(asked.help)
    assert [c.level for c in asked.choices] == [0, 1, 2, 3]
    for choice in asked.choices:
        assert _bilingual(choice.label)
        assert _bilingual(choice.evidence)
    # Distinct labels and evidence: a rubric whose levels say the same thing cannot be
    # answered consistently.
    for language in ("es", "en"):
        assert len({c.label[language] for c in asked.choices}) == 4
        assert len({c.evidence[language] for c in asked.choices}) == 4


def test_stages_and_their_names():
    assert q.STAGES == ("inicial", "en_desarrollo", "consolidado", "referente")
    assert set(q.STAGE_NAMES) == set(q.STAGES)
    assert q.STAGE_NAMES["en_desarrollo"] == {"es": "En desarrollo", "en": "Developing"}
    assert all(_bilingual(name) for name in q.STAGE_NAMES.values())


def test_version():
    assert q.VERSION == "mega-ip-2026.1"


def test_question_lookup():
    assert q.question("f_marcos").dimension == "marcos"
    with pytest.raises(q.QuestionNotFound):
        q.question("f_nope")
    # Callers that catch KeyError keep working.
    with pytest.raises(KeyError):
        q.question("p_transparencia_4")
    assert q.questions_of("nope") == ()


def test_tr_follows_the_active_language():
    text = {"es": "Hola", "en": "Hello"}
    with translation.override("en"):
        assert q.tr(text) == "Hello"
    with translation.override("es"):
        assert q.tr(text) == "Hola"
    with translation.override("es-co"):
        assert q.tr(text) == "Hola"
    with translation.override(None):
        assert q.tr(text) == "Hola"
    with translation.override("en"):
        # A missing English text falls back to Spanish rather than showing nothing.
        assert q.tr({"es": "Solo español", "en": ""}) == "Solo español"
