"""The repository filter parser: what it accepts, and that bad input names itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocrea.toolkit.filters import (
    FILTER_NAMES,
    MAX_QUERY_LENGTH,
    ExperienceFilters,
    FilterError,
    parse_experience_filters,
)
from cocrea.toolkit.text import normalize, search_terms

VOCAB = {
    "pillar": ["transparencia", "participacion"],
    "level": ["informar", "empoderar"],
    "lineamiento": ["datos-abiertos"],
    "country": ["CO", "ES"],
    "kind": ["experience", "tool"],
}


def parse(params: dict[str, list[str]], **kwargs) -> ExperienceFilters:
    return parse_experience_filters(params, vocabulary=VOCAB, **kwargs)


def test_no_parameters_is_an_empty_filter():
    filters = parse({})
    assert filters == ExperienceFilters()
    assert filters.is_empty()


def test_valid_values_are_kept():
    filters = parse(
        {
            "pillar": ["participacion"],
            "level": ["empoderar"],
            "lineamiento": ["datos-abiertos"],
            "country": ["co"],
            "kind": ["tool"],
            "q": ["  Presupuesto  "],
        }
    )
    assert filters.pillar == "participacion"
    assert filters.level == "empoderar"
    assert filters.country == "CO", "country codes are case-insensitive"
    assert filters.q == "Presupuesto"
    assert not filters.is_empty()


@pytest.mark.parametrize("name", ["pillar", "level", "lineamiento", "country", "kind"])
def test_unknown_value_names_the_parameter(name):
    with pytest.raises(FilterError) as caught:
        parse({name: ["no-such-thing"]})
    assert list(caught.value.errors) == [name]
    assert "no-such-thing" in caught.value.errors[name]


def test_unknown_parameter_is_rejected_when_strict():
    with pytest.raises(FilterError) as caught:
        parse({"piller": ["transparencia"]})
    assert "piller" in caught.value.errors


def test_unknown_parameter_is_ignored_when_not_strict():
    assert parse({"utm_source": ["x"]}, strict_names=False).is_empty()


def test_allowed_extra_parameters_pass():
    assert parse({"page": ["2"]}, allowed_extra=("page",)).is_empty()


def test_repeated_parameter_is_an_error():
    with pytest.raises(FilterError) as caught:
        parse({"pillar": ["transparencia", "participacion"]})
    assert "pillar" in caught.value.errors


def test_empty_values_mean_no_filter():
    assert parse({"pillar": [""], "q": [""]}).is_empty()


def test_every_bad_parameter_is_reported_at_once():
    with pytest.raises(FilterError) as caught:
        parse({"pillar": ["x"], "level": ["y"], "q": ["z" * (MAX_QUERY_LENGTH + 1)]})
    assert set(caught.value.errors) == {"pillar", "level", "q"}


def test_normalize_folds_case_and_accents():
    assert normalize("  PARTICIPACIÓN   Ciudadana ") == "participacion ciudadana"
    assert search_terms("Bogotá bogota  Datos") == ["bogota", "datos"]


@given(
    st.dictionaries(
        st.sampled_from([*FILTER_NAMES, "page", "zzz"]),
        st.lists(st.text(max_size=30), max_size=3),
        max_size=6,
    )
)
def test_parser_never_raises_anything_but_filter_error(params):
    try:
        filters = parse(params, allowed_extra=("page",))
    except FilterError as exc:
        assert exc.errors, "a FilterError always names at least one parameter"
        assert set(exc.errors) <= set(params)
    else:
        for name in ("pillar", "level", "lineamiento", "country", "kind"):
            value = getattr(filters, name)
            assert value is None or value in VOCAB[name]


@given(st.text(max_size=80))
def test_search_terms_are_normalised_and_unique(query):
    terms = search_terms(query)
    assert len(terms) == len(set(terms))
    for term in terms:
        assert term == normalize(term)
        assert " " not in term
