"""Runs the JavaScript unit tests (``node --test tests/js/``) from pytest.

It first writes a fixture: random valid ops from several people applied with
``canvases.ops`` (``apply_op`` validates, ``apply_event`` applies), the effects they
produced and the board they gave. The Node test applies the same effects with
``canvas-model.js`` and must get the very same board (``ops.as_data``)."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from canvases.ops import (
    COLOURS,
    Actor,
    CanvasState,
    OpError,
    Zone,
    apply_event,
    apply_op,
    as_data,
    from_data,
)

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)

ACTORS = [Actor("p:1"), Actor("p:2"), Actor("p:3"), Actor("u:9", facilitator=True)]


def base_board() -> CanvasState:
    return CanvasState(
        width=1200,
        height=800,
        zones={
            "causas": Zone("causas", 0, 400, 1200, 400),
            "problema": Zone("problema", 250, 250, 700, 150),
            "efectos": Zone("efectos", 0, 0, 1200, 250),
        },
        dots_per_voter=4,
        note_limit=12,
    )


def random_op(rng: random.Random, state: CanvasState, step: int) -> dict:
    notes = list(state.notes)
    live = [n for n, note in state.notes.items() if not note.deleted]
    pick = rng.choice(live or notes or ["missing"])
    kind = rng.choices(
        ["create", "edit", "move", "recolour", "resize", "delete", "cluster", "link", "dot"]
        + ["merge"],
        weights=[6, 2, 4, 2, 1, 1, 2, 2, 4, 1],
    )[0]
    point = {"x": rng.choice([0, 17.5, 300, 599.25, 1200]), "y": rng.uniform(0, 800)}
    if kind == "create":
        text = rng.choice(["Idea", "  con espacios  ", "<b>html</b>", "ñandú €", "línea\nnueva"])
        return {"op": "create", "id": f"n{step}", "text": text, "colour": "green", **point}
    if kind in ("edit",):
        return {"op": "edit", "note": pick, "text": f"texto {step}"}
    if kind == "move":
        return {"op": "move", "note": pick, **point}
    if kind == "recolour":
        return {"op": "recolour", "note": pick, "colour": rng.choice(list(COLOURS))}
    if kind == "resize":
        return {"op": "resize", "note": pick, "width": 40, "height": rng.randint(40, 600)}
    if kind == "delete":
        return {"op": "delete", "note": pick}
    if kind == "cluster":
        chosen = rng.sample(live, k=min(len(live), rng.randint(1, 3))) if live else [pick]
        op = {"op": "cluster", "cluster": rng.choice(["c1", "c2"]), "notes": chosen}
        if rng.random() < 0.7:
            op["name"] = f"Grupo {step}"
        return op
    if kind == "link":
        other = rng.choice(live or [pick])
        return {"op": "link", "id": f"l{step}", "from": pick, "to": other}
    if kind == "dot":
        return {"op": "dot", "note": pick}
    other = rng.choice(live or [pick])
    return {"op": "merge", "note": pick, "into": other}


def make_case(seed: int, steps: int = 120) -> dict:
    rng = random.Random(seed)
    state = base_board()
    if seed % 2:
        # Start from a board with history, as a snapshot would give it.
        for step in range(15):
            try:
                apply_op(state, random_op(rng, state, 1000 + step), rng.choice(ACTORS))
            except OpError:
                pass
    initial = as_data(state)
    replay = from_data(initial, base_board())
    effects = []
    for step in range(steps):
        actor = rng.choice(ACTORS)
        try:
            effect = apply_op(state, random_op(rng, state, step), actor)
        except OpError:
            continue
        effects.append(json.loads(json.dumps(effect)))
        apply_event(replay, effect)
    expected = as_data(state)
    assert as_data(replay) == expected
    strip = {"width", "height"}
    return {
        "name": f"seed-{seed}",
        "initial": {k: v for k, v in initial.items() if k not in strip},
        "effects": effects,
        "expected": {k: v for k, v in expected.items() if k not in strip},
    }


def test_canvas_model_js(tmp_path: Path) -> None:
    if NODE is None:
        pytest.skip("node is not installed: the JavaScript unit tests cannot run")
    cases = [make_case(seed) for seed in range(12)]
    kinds = {effect["type"] for case in cases for effect in case["effects"]}
    assert {"note.created", "note.merged", "note.deleted", "cluster.set", "dot.added"} <= kinds
    fixture = tmp_path / "effects.json"
    fixture.write_text(json.dumps({"cases": cases}, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "CANVAS_FIXTURE": str(fixture)}
    result = subprocess.run(
        [NODE, "--test", "tests/js/"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "# fail 0" in output, output
    assert "# skipped 0" in output, output
