"""Canvas operations: validate an op against a canvas state, and apply it.

Pure: no database, no clock, no randomness. The server validates each client op with
:func:`apply_op`, which returns the *effect* — the plain-data event that every client
then applies with :func:`apply_event`. Because the server orders all effects by the
stream's ``seq`` and applying an effect is deterministic, every client that applies
the same effects in the same order holds the same state as the server
(:func:`state_hash` compares them).

Concurrency, decided by ``seq`` order (each property is last-writer-wins):

- move vs move, edit vs edit, recolour vs recolour: the later ``seq`` wins; the earlier
  one was applied and then overwritten, both were acknowledged.
- edit (or move, recolour, resize, dot, cluster, link) vs delete: if the delete comes
  first, the later op is refused with ``deleted`` (a tombstone remains, so the op is
  answered, not lost); if the edit comes first, it applies and the delete then hides
  the note with its last text.
- cluster vs delete: deleting a note removes it from its cluster; clustering a deleted
  note is refused with ``deleted``.
- link vs delete: links touching a deleted note are dropped with it; linking to a
  deleted note is refused with ``deleted``.
- dot vs delete: a deleted note's dots are returned to their voters.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cocrea.realtime.errors import CodedError

MAX_TEXT = 1000
MAX_NAME = 120
MIN_SIZE = 40
MAX_SIZE = 600
DEFAULT_SIZE = 160
COLOURS: Mapping[str, str] = {
    "yellow": "#fff3a3",
    "pink": "#ffd6e7",
    "green": "#d4f5d4",
    "blue": "#d6e9ff",
    "orange": "#ffe0c2",
    "purple": "#eadcff",
    "white": "#ffffff",
}


class OpError(CodedError, ValueError):
    """An op that cannot apply; ``code`` is the protocol's error code."""


@dataclass(frozen=True)
class Zone:
    key: str
    x: float
    y: float
    width: float
    height: float

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height


@dataclass
class Note:
    id: str
    text: str
    colour: str
    x: float
    y: float
    width: float
    height: float
    zone: str | None
    author: str
    cluster: str | None = None
    deleted: bool = False
    merged_from: list[str] = field(default_factory=list)


@dataclass
class CanvasState:
    width: float
    height: float
    zones: dict[str, Zone] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    clusters: dict[str, str] = field(default_factory=dict)  # id -> name
    links: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (from, to)
    dots: dict[str, dict[str, int]] = field(default_factory=dict)  # voter -> note -> n
    locked: bool = False
    locked_zones: set[str] = field(default_factory=set)
    dots_per_voter: int = 5
    one_dot_per_note: bool = False
    note_limit: int = 50


@dataclass(frozen=True)
class Actor:
    key: str  # "p:<participant id>" or "u:<user id>"
    facilitator: bool = False


# --- validation helpers --------------------------------------------------------------


def _text(value: Any, field_name: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise OpError("invalid", "text expected", field_name)
    text = value.strip()
    if not text:
        raise OpError("empty_text", "the text is empty", field_name)
    if len(text) > limit:
        raise OpError("text_too_long", f"at most {limit} characters", field_name)
    return text


def _number(value: Any, field_name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OpError("invalid", "a number is expected", field_name)
    try:
        number = float(value)
    except OverflowError:  # JSON integers have no size limit: 10**400 is no float
        number = math.inf
    if not math.isfinite(number):
        raise OpError("not_finite", "the number must be finite", field_name)
    return number


def _point(state: CanvasState, op: Mapping[str, Any]) -> tuple[float, float]:
    x, y = _number(op.get("x"), "x"), _number(op.get("y"), "y")
    if not 0 <= x <= state.width:
        raise OpError("out_of_board", "x is outside the board", "x")
    if not 0 <= y <= state.height:
        raise OpError("out_of_board", "y is outside the board", "y")
    return x, y


def _size(value: Any, field_name: str) -> float:
    size = _number(value, field_name)
    if not MIN_SIZE <= size <= MAX_SIZE:
        raise OpError("invalid", f"between {MIN_SIZE} and {MAX_SIZE}", field_name)
    return size


def _colour(value: Any) -> str:
    if value not in COLOURS:
        raise OpError("unknown_colour", "unknown colour", "colour")
    return str(value)


def _id(value: Any, field_name: str) -> str:
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        raise OpError("invalid", "an id of 1 to 64 characters is expected", field_name)
    return value


def _live_note(state: CanvasState, note_id: Any, field_name: str = "note") -> Note:
    note = state.notes.get(_id(note_id, field_name))
    if note is None:
        raise OpError("unknown_note", "no such note", field_name)
    if note.deleted:
        raise OpError("deleted", "the note was deleted", field_name)
    return note


def zone_at(state: CanvasState, x: float, y: float) -> str | None:
    for zone in state.zones.values():
        if zone.contains(x, y):
            return zone.key
    return None


def _check_unlocked(state: CanvasState, actor: Actor, zones: list[str | None]) -> None:
    if actor.facilitator:
        return
    if state.locked:
        raise OpError("canvas_locked", "the canvas is locked")
    for zone in zones:
        if zone is not None and zone in state.locked_zones:
            raise OpError("zone_locked", "this zone is locked", "zone")


def _owns_or_facilitates(note: Note, actor: Actor) -> None:
    if not actor.facilitator and note.author != actor.key:
        raise OpError("forbidden", "only the author or a facilitator may do this")


# --- ops -----------------------------------------------------------------------------


def apply_op(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """Validate ``op`` from ``actor`` against ``state``; return its effect (an event).

    Raises :class:`OpError` and leaves ``state`` untouched when the op cannot apply.
    The caller persists the effect and applies it with :func:`apply_event`."""
    kind = op.get("op")
    handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
    if handler is None:
        raise OpError("unknown_op", "unknown op", "op")
    effect = handler(state, op, actor)
    apply_event(state, effect)
    return effect


def _create(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    note_id = _id(op.get("id"), "id")
    if note_id in state.notes:
        raise OpError("duplicate_id", "a note with this id exists", "id")
    text = _text(op.get("text"), "text")
    colour = _colour(op.get("colour", "yellow"))
    x, y = _point(state, op)
    width = _size(op.get("width", DEFAULT_SIZE), "width")
    height = _size(op.get("height", DEFAULT_SIZE), "height")
    zone = zone_at(state, x, y)
    _check_unlocked(state, actor, [zone])
    if not actor.facilitator:
        mine = sum(1 for n in state.notes.values() if n.author == actor.key and not n.deleted)
        if mine >= state.note_limit:
            raise OpError("note_limit", f"at most {state.note_limit} notes per person")
    return {
        "type": "note.created",
        "note": {
            "id": note_id,
            "text": text,
            "colour": colour,
            "x": x,
            "y": y,
            "width": width,
            "height": height,
            "zone": zone,
            "author": actor.key,
        },
    }


def _edit(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    note = _live_note(state, op.get("note"))
    _owns_or_facilitates(note, actor)
    _check_unlocked(state, actor, [note.zone])
    return {"type": "note.edited", "note": note.id, "text": _text(op.get("text"), "text")}


def _move(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    note = _live_note(state, op.get("note"))
    x, y = _point(state, op)
    zone = zone_at(state, x, y)
    _check_unlocked(state, actor, [note.zone, zone])
    return {"type": "note.moved", "note": note.id, "x": x, "y": y, "zone": zone}


def _recolour(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    note = _live_note(state, op.get("note"))
    _check_unlocked(state, actor, [note.zone])
    return {"type": "note.recoloured", "note": note.id, "colour": _colour(op.get("colour"))}


def _resize(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    note = _live_note(state, op.get("note"))
    _check_unlocked(state, actor, [note.zone])
    width, height = _size(op.get("width"), "width"), _size(op.get("height"), "height")
    return {"type": "note.resized", "note": note.id, "width": width, "height": height}


def _delete(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    note = _live_note(state, op.get("note"))
    _owns_or_facilitates(note, actor)
    _check_unlocked(state, actor, [note.zone])
    return {"type": "note.deleted", "note": note.id}


def _cluster(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    cluster_id = _id(op.get("cluster"), "cluster")
    name = _text(op.get("name", state.clusters.get(cluster_id, "")), "name", MAX_NAME)
    raw = op.get("notes")
    if not isinstance(raw, list) or not raw or len(raw) > 200:
        raise OpError("invalid", "a list of 1 to 200 note ids is expected", "notes")
    notes = [_live_note(state, note_id, "notes").id for note_id in raw]
    _check_unlocked(state, actor, [state.notes[n].zone for n in notes])
    return {"type": "cluster.set", "cluster": cluster_id, "name": name, "notes": notes}


def _link(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    link_id = _id(op.get("id"), "id")
    if link_id in state.links:
        raise OpError("duplicate_id", "a link with this id exists", "id")
    source = _live_note(state, op.get("from"), "from")
    target = _live_note(state, op.get("to"), "to")
    if source.id == target.id:
        raise OpError("invalid", "a note cannot link to itself", "to")
    _check_unlocked(state, actor, [source.zone, target.zone])
    return {"type": "link.created", "link": link_id, "from": source.id, "to": target.id}


def _dot(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    note = _live_note(state, op.get("note"))
    _check_unlocked(state, actor, [note.zone])
    mine = state.dots.get(actor.key, {})
    if sum(mine.values()) >= state.dots_per_voter:
        raise OpError("no_dots_left", f"{state.dots_per_voter} dots per person")
    if state.one_dot_per_note and mine.get(note.id):
        raise OpError("one_dot_per_note", "one dot per note", "note")
    return {"type": "dot.added", "note": note.id, "voter": actor.key}


def _merge(state: CanvasState, op: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    if not actor.facilitator:
        raise OpError("forbidden", "only a facilitator merges notes")
    keep = _live_note(state, op.get("into"), "into")
    gone = _live_note(state, op.get("note"))
    if keep.id == gone.id:
        raise OpError("invalid", "a note cannot merge into itself", "note")
    return {"type": "note.merged", "into": keep.id, "note": gone.id}


_HANDLERS = {
    "create": _create,
    "edit": _edit,
    "move": _move,
    "recolour": _recolour,
    "resize": _resize,
    "delete": _delete,
    "cluster": _cluster,
    "link": _link,
    "dot": _dot,
    "merge": _merge,
}
OP_NAMES = frozenset(_HANDLERS)


# --- effects -------------------------------------------------------------------------


def _remove_note_traces(state: CanvasState, note_id: str) -> None:
    """What a deleted (or merged-away) note leaves behind: its links go, its dots go
    back to their voters, it leaves its cluster."""
    for link_id, (source, target) in list(state.links.items()):
        if note_id in (source, target):
            del state.links[link_id]
    for votes in state.dots.values():
        votes.pop(note_id, None)
    state.notes[note_id].cluster = None


def apply_event(state: CanvasState, effect: Mapping[str, Any]) -> None:
    """Apply an effect produced by :func:`apply_op`. Deterministic, no validation:
    effects are facts the server already decided, in ``seq`` order."""
    kind = effect["type"]
    if kind == "note.created":
        data = effect["note"]
        state.notes[data["id"]] = Note(
            id=data["id"],
            text=data["text"],
            colour=data["colour"],
            x=data["x"],
            y=data["y"],
            width=data["width"],
            height=data["height"],
            zone=data["zone"],
            author=data["author"],
        )
    elif kind == "note.edited":
        state.notes[effect["note"]].text = effect["text"]
    elif kind == "note.moved":
        note = state.notes[effect["note"]]
        note.x, note.y, note.zone = effect["x"], effect["y"], effect["zone"]
    elif kind == "note.recoloured":
        state.notes[effect["note"]].colour = effect["colour"]
    elif kind == "note.resized":
        note = state.notes[effect["note"]]
        note.width, note.height = effect["width"], effect["height"]
    elif kind == "note.deleted":
        _remove_note_traces(state, effect["note"])
        state.notes[effect["note"]].deleted = True
    elif kind == "cluster.set":
        state.clusters[effect["cluster"]] = effect["name"]
        for note_id in effect["notes"]:
            state.notes[note_id].cluster = effect["cluster"]
    elif kind == "link.created":
        state.links[effect["link"]] = (effect["from"], effect["to"])
    elif kind == "dot.added":
        votes = state.dots.setdefault(effect["voter"], {})
        votes[effect["note"]] = votes.get(effect["note"], 0) + 1
    elif kind == "note.merged":
        keep, gone = state.notes[effect["into"]], state.notes[effect["note"]]
        # Both authors' trace survives: the kept note remembers what was merged in.
        keep.merged_from.append(gone.id)
        moved = {
            voter: votes.pop(gone.id) for voter, votes in state.dots.items() if gone.id in votes
        }
        _remove_note_traces(state, gone.id)
        for voter, count in moved.items():
            votes = state.dots.setdefault(voter, {})
            votes[keep.id] = votes.get(keep.id, 0) + count
        gone.deleted = True
    else:
        raise ValueError(f"unknown effect {kind!r}")


def as_data(state: CanvasState) -> dict[str, Any]:
    """The whole state as plain, canonical data (sorted), e.g. for a snapshot."""
    return {
        "width": state.width,
        "height": state.height,
        "notes": [note_data(n) for n in sorted(state.notes.values(), key=lambda n: n.id)],
        **shared_data(state),
    }


def note_data(note: Note) -> dict[str, Any]:
    return {
        "id": note.id,
        "text": note.text,
        "colour": note.colour,
        "x": note.x,
        "y": note.y,
        "width": note.width,
        "height": note.height,
        "zone": note.zone,
        "author": note.author,
        "cluster": note.cluster,
        "deleted": note.deleted,
        "merged_from": list(note.merged_from),
    }


def shared_data(state: CanvasState) -> dict[str, Any]:
    """The parts of the board that are not notes: clusters, links and dots."""
    return {
        "clusters": dict(sorted(state.clusters.items())),
        "links": {k: list(v) for k, v in sorted(state.links.items())},
        "dots": {
            voter: dict(sorted(votes.items()))
            for voter, votes in sorted(state.dots.items())
            if votes
        },
    }


def state_hash(state: CanvasState) -> str:
    """A digest of the canonical state: equal hashes mean equal boards."""
    text = json.dumps(as_data(state), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def dot_counts(state: CanvasState) -> dict[str, int]:
    counts: dict[str, int] = {}
    for votes in state.dots.values():
        for note_id, n in votes.items():
            counts[note_id] = counts.get(note_id, 0) + n
    return counts


def from_data(data: Mapping[str, Any], base: CanvasState) -> CanvasState:
    """Rebuild a state from :func:`as_data` output onto ``base`` (board and settings)."""
    state = copy.deepcopy(base)
    state.notes = {
        n["id"]: Note(
            id=n["id"],
            text=n["text"],
            colour=n["colour"],
            x=n["x"],
            y=n["y"],
            width=n["width"],
            height=n["height"],
            zone=n["zone"],
            author=n["author"],
            cluster=n["cluster"],
            deleted=n["deleted"],
            merged_from=list(n["merged_from"]),
        )
        for n in data.get("notes", [])
    }
    state.clusters = dict(data.get("clusters", {}))
    state.links = {k: (v[0], v[1]) for k, v in data.get("links", {}).items()}
    state.dots = {voter: dict(votes) for voter, votes in data.get("dots", {}).items()}
    return state
