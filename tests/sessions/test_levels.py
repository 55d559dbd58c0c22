"""The IAP2 level → activity kind rule, and join codes. Pure: no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sessions import codes, levels
from sessions.codes import ALPHABET, new_code, normalize_code

ORDER = ["informar", "consultar", "involucrar", "colaborar", "empoderar"]
KINDS = ["slide", "qa", "canvas", "poll", "break"]


def test_levels_are_in_iap2_order():
    assert list(levels.LEVELS) == ORDER
    assert list(levels.KINDS) == KINDS


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("informar", ["slide", "qa", "break"]),
        ("consultar", ["slide", "qa", "poll", "break"]),
        ("involucrar", ["slide", "qa", "canvas", "poll", "break"]),
        ("colaborar", ["slide", "qa", "canvas", "poll", "break"]),
        ("empoderar", ["slide", "qa", "canvas", "poll", "break"]),
    ],
)
def test_allowed_kinds_table(level, expected):
    assert levels.allowed_kinds(level) == expected
    for kind in KINDS:
        assert levels.allows(level, kind) is (kind in expected)


@pytest.mark.parametrize("level", ["informar", "consultar"])
def test_canvas_needs_at_least_involucrar(level):
    assert levels.allows(level, "canvas") is False


@pytest.mark.parametrize("lower", range(len(ORDER)))
def test_allowed_kinds_grow_with_the_level(lower):
    for higher in range(lower, len(ORDER)):
        for kind in KINDS:
            if levels.allows(ORDER[lower], kind):
                assert levels.allows(ORDER[higher], kind), (ORDER[lower], ORDER[higher], kind)


@given(level=st.text(max_size=20), kind=st.text(max_size=20))
def test_unknown_level_or_kind_allows_nothing(level, kind):
    if level not in ORDER or kind not in KINDS:
        assert levels.allows(level, kind) is False
    if level not in ORDER:
        assert levels.allowed_kinds(level) == []


@given(level=st.sampled_from(ORDER), kind=st.text(max_size=20).filter(lambda k: k not in KINDS))
def test_known_level_refuses_unknown_kind(level, kind):
    assert levels.allows(level, kind) is False


@given(
    level=st.sampled_from(ORDER),
    typo=st.sampled_from(["Informar", "COLABORAR", " colaborar", "colaborar ", "empoderar\n"]),
    kind=st.sampled_from(KINDS),
)
def test_a_level_typo_allows_nothing(level, typo, kind):
    assert levels.allows(typo, kind) is False
    assert levels.allows(level, kind.upper()) is False


# --- join codes ----------------------------------------------------------------------


def test_alphabet_has_no_ambiguous_characters():
    assert ALPHABET == "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    for ch in "0O1IL":
        assert ch not in ALPHABET


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("K7M2QX", "K7M2QX"),
        ("k7m2qx", "K7M2QX"),
        ("  k7m-2qx ", "K7M2QX"),
        ("K7M 2QX", "K7M2QX"),
        ("k-7-m-2-q-x", "K7M2QX"),
        ("K7M2Q", None),
        ("K7M2QXA", None),
        ("", None),
        ("------", None),
        ("K7M2Q0", None),
        ("K7M2QO", None),
        ("K7M2Q1", None),
        ("K7M2QI", None),
        ("K7M2QL", None),
        ("k7m2ql", None),
        ("K7M2Q_", None),
        ("K7M2QÑ", None),
        ("K7M\t2QX", None),
    ],
)
def test_normalize_code(raw, expected):
    assert normalize_code(raw) == expected


@given(st.data())
def test_new_code_normalizes_to_itself(data):
    code = new_code()
    assert len(code) == codes.LENGTH == 6
    assert set(code) <= set(ALPHABET)
    assert normalize_code(code) == code
    # What people type from a projector: any case, spaces and dashes anywhere.
    typed = "".join(
        data.draw(st.sampled_from([ch, ch.lower()]))
        + data.draw(st.sampled_from(["", " ", "-", " - "]))
        for ch in code
    )
    assert normalize_code(typed) == code


@given(st.text(max_size=12))
def test_normalize_code_output_is_canonical_or_none(raw):
    code = normalize_code(raw)
    if code is not None:
        assert len(code) == 6
        assert set(code) <= set(ALPHABET)
        assert normalize_code(code) == code


@given(
    st.text(alphabet=ALPHABET, min_size=5, max_size=5),
    st.sampled_from("0O1ILoil"),
    st.integers(min_value=0, max_value=5),
)
def test_an_ambiguous_character_anywhere_is_rejected(rest, bad, position):
    assert normalize_code(rest[:position] + bad + rest[position:]) is None
