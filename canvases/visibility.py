"""What a participant may see of a canvas: the board and each effect, shaped for them.

Pure. Facilitators see everything. A participant (``viewer`` = ``"p:<id>"``):

- on an anonymous canvas, sees ``""`` as the author of everyone else's notes;
- sees their own dots under their key and everyone else's summed under ``""`` —
  and, until the dots are revealed, nobody else's dots at all;
- in private mode, sees only their own notes and the links among them (cluster
  names stay visible: a rename must reach the owner of a note in that cluster).

The rule that keeps clients right: for any board ``s`` and effect ``e``,
``view(apply(s, e)) == apply(view(s), shape(e))`` where a hidden effect applies as
nothing. So a client that starts from a shaped snapshot and applies shaped events
holds exactly the server's view of the board (tests/canvases/test_visibility.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OTHERS = ""  # the key under which a participant sees other people's dots and authorship


@dataclass(frozen=True)
class Flags:
    anonymous: bool = False
    private_mode: bool = False
    dots_revealed: bool = False

    def as_data(self) -> dict[str, bool]:
        return {
            "anonymous": self.anonymous,
            "private_mode": self.private_mode,
            "dots_revealed": self.dots_revealed,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Flags:
        return cls(
            anonymous=bool(data.get("anonymous")),
            private_mode=bool(data.get("private_mode")),
            dots_revealed=bool(data.get("dots_revealed")),
        )


def view_board(board: Mapping[str, Any], viewer: str, flags: Flags) -> dict[str, Any]:
    """A participant's view of ``board`` (the canonical data of ``ops.as_data``)."""
    notes = [n for n in board["notes"] if not flags.private_mode or n["author"] == viewer]
    visible = {n["id"] for n in notes}
    shown_notes = []
    for note in notes:
        if flags.anonymous and note["author"] != viewer:
            note = {**note, "author": OTHERS}
        shown_notes.append(note)
    clusters = board["clusters"]
    links = {k: list(v) for k, v in board["links"].items() if v[0] in visible and v[1] in visible}
    dots: dict[str, dict[str, int]] = {}
    for voter, votes in board["dots"].items():
        if voter != viewer and not flags.dots_revealed:
            continue
        key = viewer if voter == viewer else OTHERS
        bucket = dots.setdefault(key, {})
        for note_id, count in votes.items():
            if note_id in visible:
                bucket[note_id] = bucket.get(note_id, 0) + count
    return {
        **{k: v for k, v in board.items() if k not in ("notes", "clusters", "links", "dots")},
        "notes": shown_notes,
        "clusters": dict(sorted(clusters.items())),
        "links": dict(sorted(links.items())),
        "dots": {
            voter: dict(sorted(votes.items())) for voter, votes in sorted(dots.items()) if votes
        },
    }


def referenced_notes(effect: Mapping[str, Any]) -> list[str]:
    """The ids of the notes an effect touches."""
    kind = effect["type"]
    if kind == "note.created":
        return [effect["note"]["id"]]
    if kind == "cluster.set":
        return list(effect["notes"])
    if kind == "link.created":
        return [effect["from"], effect["to"]]
    if kind == "note.merged":
        return [effect["into"], effect["note"]]
    return [effect["note"]]


def shape_effect(
    effect: Mapping[str, Any], viewer: str, flags: Flags, authors: Mapping[str, str]
) -> dict[str, Any] | None:
    """A participant's view of ``effect``, or None when they may not see it at all.

    ``authors`` maps each note the effect touches to its author (the server puts it
    in the event, so deciding needs no board)."""
    kind = effect["type"]
    if flags.private_mode:
        if kind == "cluster.set":
            # Cluster names are seen by all; membership only for one's own notes.
            return {**effect, "notes": [n for n in effect["notes"] if authors.get(n) == viewer]}
        if any(authors.get(n) != viewer for n in referenced_notes(effect)):
            return None
    if kind == "dot.added" and effect["voter"] != viewer:
        if not flags.dots_revealed:
            return None
        return {**effect, "voter": OTHERS}
    if kind == "note.created" and flags.anonymous and effect["note"]["author"] != viewer:
        return {**effect, "note": {**effect["note"], "author": OTHERS}}
    return dict(effect)


def view_canvas(canvas: Mapping[str, Any], viewer: str) -> dict[str, Any]:
    """A participant's view of a whole canvas (``canvases.selectors.canvas_data``):
    the board shaped for them, and no author names."""
    flags = Flags.from_data(canvas["settings"])
    shown = {k: v for k, v in canvas.items() if k != "authors"}
    shown["board"] = view_board(canvas["board"], viewer, flags)
    return shown


def personal_view(event: str, data: Mapping[str, Any], viewer: str) -> Any:
    """What, about a viewer, the shaped form of a canvas event depends on: viewers
    with the same answer receive the same bytes (one encoding serves them all)."""
    if event == "canvas.reset":
        return viewer  # the board holds the viewer's own dots and notes
    if event != "canvas.effect":
        return None
    effect, flags = data["effect"], Flags.from_data(data.get("flags", {}))
    if flags.private_mode:
        return viewer
    if effect["type"] == "dot.added":
        return effect["voter"] == viewer
    if effect["type"] == "note.created" and flags.anonymous:
        return effect["note"]["author"] == viewer
    return None
