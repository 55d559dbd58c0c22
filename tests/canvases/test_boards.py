"""Every shipped methodology gives a usable board: each zone can take a note."""

from __future__ import annotations

import pytest

from canvases.boards import blank_board, board_from_template
from canvases.ops import Actor, apply_op
from cocrea.toolkit.models import Methodology

pytestmark = pytest.mark.django_db


def test_every_methodology_board_accepts_a_note_in_each_zone():
    methodologies = Methodology.objects.prefetch_related("zones")
    assert methodologies.count() >= 8
    for methodology in methodologies:
        board = board_from_template(
            width=methodology.canvas_width,
            height=methodology.canvas_height,
            zones=methodology.zones.all(),
        )
        assert set(board.zones) == set(methodology.zones.values_list("key", flat=True))
        for index, zone in enumerate(methodology.zones.all()):
            effect = apply_op(
                board,
                {
                    "op": "create",
                    "id": f"n{index}",
                    "text": zone.label,
                    "x": zone.x + zone.width / 2,
                    "y": zone.y + zone.height / 2,
                },
                Actor("p:1"),
            )
            assert effect["note"]["zone"] == zone.key, (methodology.slug, zone.key)


def test_blank_board_has_no_zones():
    board = blank_board(dots_per_voter=2)
    assert board.zones == {} and board.dots_per_voter == 2
    effect = apply_op(board, {"op": "create", "id": "n", "text": "t", "x": 1, "y": 1}, Actor("p:1"))
    assert effect["note"]["zone"] is None
