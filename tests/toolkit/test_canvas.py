"""Canvas preview layout: text stays inside its zone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cocrea.toolkit.canvas import LABEL_SIZE, PADDING, PROMPT_SIZE, layout_zone, wrap


def test_wrap_respects_the_box():
    lines = wrap("una frase bastante larga para una caja angosta", 160, 15)
    assert len(lines) > 1
    assert all(len(line) <= int((160 - 2 * PADDING) / (15 * 0.55)) for line in lines)


def test_long_prompt_is_cut_with_an_ellipsis():
    zone = layout_zone(
        key="k",
        x=0,
        y=0,
        width=300,
        height=120,
        color="#ffffff",
        label="Causas",
        prompt="¿Por qué ocurre? " * 40,
    )
    assert zone.prompt_lines, "at least one prompt line fits"
    assert zone.prompt_lines[-1].text.endswith("…")


@given(
    x=st.integers(0, 800),
    y=st.integers(0, 600),
    width=st.integers(120, 600),
    height=st.integers(90, 500),
    label=st.text(min_size=1, max_size=40),
    prompt=st.text(max_size=300),
)
def test_prompt_lines_never_leave_the_zone(x, y, width, height, label, prompt):
    zone = layout_zone(
        key="k",
        x=x,
        y=y,
        width=width,
        height=height,
        color="#ffffff",
        label=label,
        prompt=prompt,
    )
    for line in zone.prompt_lines:
        assert y < line.y <= y + height - PADDING
        assert line.x == x + PADDING
    for line in zone.label_lines:
        assert line.y >= y + LABEL_SIZE
    assert PROMPT_SIZE < LABEL_SIZE
