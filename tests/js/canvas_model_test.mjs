// Unit tests of frontend/static/cocrea/canvas-model.js (node:test, no dependencies).
// Run with `node --test tests/js/`; tests/js/test_canvas_model_js.py runs them from
// pytest and passes CANVAS_FIXTURE: effects applied by Python's canvases.ops.apply_event
// and the board they gave, which the JS model must reproduce exactly.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import {
  applyEvent,
  boardFromData,
  boardToData,
  CanvasModel,
  cloneBoard,
  dotCounts,
  dotsUsed,
  emptyBoard,
  predictEffect,
  sameEffect,
  zoneAt,
} from "../../frontend/static/cocrea/canvas-model.js";

const ZONES = [
  { key: "causas", x: 0, y: 0, width: 600, height: 800 },
  { key: "efectos", x: 600, y: 0, width: 600, height: 800 },
];

function note(id, extra = {}) {
  return {
    id,
    text: `texto ${id}`,
    colour: "yellow",
    x: 100,
    y: 100,
    width: 160,
    height: 160,
    zone: "causas",
    author: "p:1",
    ...extra,
  };
}

const created = (id, extra) => ({ type: "note.created", note: note(id, extra) });

function canvas(board = {}, extra = {}) {
  return {
    activity_id: 12,
    width: 1200,
    height: 800,
    zones: ZONES,
    colours: {},
    settings: { dots_per_voter: 3 },
    board,
    ...extra,
  };
}

test("effects apply as in ops.apply_event", () => {
  const board = emptyBoard();
  applyEvent(board, created("a"));
  applyEvent(board, created("b", { author: "p:2", zone: "efectos", x: 700 }));
  applyEvent(board, { type: "note.edited", note: "a", text: "nuevo" });
  applyEvent(board, { type: "note.moved", note: "a", x: 650, y: 20, zone: "efectos" });
  applyEvent(board, { type: "note.recoloured", note: "a", colour: "pink" });
  applyEvent(board, { type: "note.resized", note: "a", width: 200, height: 100 });
  applyEvent(board, { type: "cluster.set", cluster: "c1", name: "Grupo", notes: ["a", "b"] });
  applyEvent(board, { type: "link.created", link: "l1", from: "a", to: "b" });
  applyEvent(board, { type: "dot.added", note: "a", voter: "p:1" });
  applyEvent(board, { type: "dot.added", note: "a", voter: "p:1" });
  applyEvent(board, { type: "dot.added", note: "b", voter: "" });
  const a = board.notes.get("a");
  assert.deepEqual(
    { text: a.text, x: a.x, y: a.y, zone: a.zone, colour: a.colour, w: a.width, h: a.height },
    { text: "nuevo", x: 650, y: 20, zone: "efectos", colour: "pink", w: 200, h: 100 },
  );
  assert.equal(a.cluster, "c1");
  assert.deepEqual(Object.fromEntries(dotCounts(board)), { a: 2, b: 1 });
  assert.equal(dotsUsed(board, "p:1"), 2);

  // Merge: the kept note remembers, takes the dots; the other is a tombstone.
  applyEvent(board, { type: "note.merged", note: "a", into: "b" });
  assert.deepEqual(board.notes.get("b").merged_from, ["a"]);
  assert.equal(board.notes.get("a").deleted, true);
  assert.equal(board.notes.get("a").cluster, null);
  assert.equal(board.links.size, 0);
  assert.deepEqual(boardToData(board).dots, { "": { b: 1 }, "p:1": { b: 2 } });

  // Delete: dots go back, links go, the cluster is left.
  applyEvent(board, { type: "note.deleted", note: "b" });
  assert.equal(board.notes.get("b").deleted, true);
  assert.equal(board.notes.get("b").cluster, null);
  assert.deepEqual(boardToData(board).dots, {});
  assert.equal(board.clusters.get("c1"), "Grupo");
});

test("note.created ignores cluster, deleted and merged_from in the data, like Python", () => {
  const board = emptyBoard();
  applyEvent(board, created("a", { cluster: "x", deleted: true, merged_from: ["z"] }));
  const a = board.notes.get("a");
  assert.deepEqual([a.cluster, a.deleted, a.merged_from], [null, false, []]);
});

test("an unknown effect is refused", () => {
  assert.throws(() => applyEvent(emptyBoard(), { type: "note.exploded", note: "a" }), /unknown effect/);
});

test("boards round-trip through plain data, sorted like ops.as_data", () => {
  const data = {
    notes: [
      { ...note("b"), cluster: "c", deleted: false, merged_from: ["z"] },
      { ...note("a"), cluster: null, deleted: true, merged_from: [] },
    ],
    clusters: { c: "Uno" },
    links: { l2: ["a", "b"] },
    dots: { "p:2": { b: 1 }, "p:1": { a: 2, b: 1 } },
  };
  const out = boardToData(boardFromData(data));
  assert.deepEqual(
    out.notes.map((n) => n.id),
    ["a", "b"],
  );
  assert.deepEqual(Object.keys(out.dots), ["p:1", "p:2"]);
  assert.deepEqual(out.links, { l2: ["a", "b"] });
  const copy = cloneBoard(boardFromData(data));
  copy.notes.get("b").merged_from.push("y");
  assert.deepEqual(boardFromData(data).notes.get("b").merged_from, ["z"]);
});

test("zoneAt uses half-open rectangles and the first zone that matches", () => {
  assert.equal(zoneAt(ZONES, 0, 0), "causas");
  assert.equal(zoneAt(ZONES, 599.9, 10), "causas");
  assert.equal(zoneAt(ZONES, 600, 10), "efectos");
  assert.equal(zoneAt(ZONES, 1200, 10), null);
  assert.equal(zoneAt([], 5, 5), null);
});

test("predictions build the effect the server would send", () => {
  const board = emptyBoard();
  applyEvent(board, created("a"));
  const context = { board, zones: ZONES, actor: "p:1" };
  assert.deepEqual(
    predictEffect({ op: "create", id: "n", text: "  hola ", colour: "blue", x: 700, y: 5 }, context),
    {
      type: "note.created",
      note: {
        id: "n",
        text: "hola",
        colour: "blue",
        x: 700,
        y: 5,
        width: 160,
        height: 160,
        zone: "efectos",
        author: "p:1",
      },
    },
  );
  assert.deepEqual(predictEffect({ op: "move", note: "a", x: 610, y: 1 }, context), {
    type: "note.moved",
    note: "a",
    x: 610,
    y: 1,
    zone: "efectos",
  });
  assert.deepEqual(predictEffect({ op: "dot", note: "a" }, context), {
    type: "dot.added",
    note: "a",
    voter: "p:1",
  });
  assert.equal(predictEffect({ op: "edit", note: "zz", text: "x" }, context), null);
  assert.equal(predictEffect({ op: "create", id: "n", text: "   ", x: 1, y: 1 }, context), null);
  assert.equal(predictEffect({ op: "nope" }, context), null);
  assert.ok(
    sameEffect(predictEffect({ op: "dot", note: "a" }, context), {
      voter: "p:1",
      note: "a",
      type: "dot.added",
    }),
  );
  assert.ok(
    !sameEffect(predictEffect({ op: "dot", note: "a" }, context), {
      voter: "",
      note: "a",
      type: "dot.added",
    }),
  );
});

test("an op shows at once, and stays until its event is applied (ack first)", () => {
  const model = new CanvasModel(canvas(), { seq: 10 });
  model.propose("op1", { op: "create", id: "n1", text: "Idea", x: 10, y: 10 }, "p:1");
  assert.equal(model.board.notes.get("n1").text, "Idea");
  assert.equal(model.server.notes.size, 0);

  model.acknowledge("op1", 12); // the ack came before the event
  assert.ok(model.board.notes.has("n1"), "no flicker between the ack and the event");
  model.advance(11); // someone else's event
  assert.ok(model.board.notes.has("n1"));
  const { own } = model.applyEffect(created("n1", { text: "Idea", x: 10, y: 10 }), 12);
  assert.equal(own, true);
  assert.equal(model.pending.size, 0);
  assert.equal(model.board.notes.get("n1").text, "Idea");
});

test("an op's event before its ack: the prediction is not applied twice", () => {
  const model = new CanvasModel(canvas({ notes: [note("a")] }), { seq: 3 });
  model.propose("op1", { op: "dot", note: "a" }, "p:1");
  assert.equal(model.dotCounts().get("a"), 1);
  const result = model.applyEffect({ type: "dot.added", note: "a", voter: "p:1" }, 4);
  assert.equal(result.own, true);
  assert.equal(model.dotCounts().get("a"), 1, "counted once, not twice");
  model.acknowledge("op1", 4); // late ack: nothing left to do
  assert.equal(model.dotCounts().get("a"), 1);
});

test("someone else's event is not taken for ours", () => {
  const model = new CanvasModel(canvas({ notes: [note("a")] }), { seq: 3 });
  model.propose("op1", { op: "dot", note: "a" }, "p:1");
  const result = model.applyEffect({ type: "dot.added", note: "a", voter: "" }, 4);
  assert.equal(result.own, false);
  assert.equal(model.dotCounts().get("a"), 2, "theirs applied, ours still predicted");
});

test("a refused op disappears; later events rebuild over pending ops", () => {
  const model = new CanvasModel(canvas({ notes: [note("a")] }), { seq: 3 });
  model.propose("op1", { op: "move", note: "a", x: 700, y: 50 }, "p:1");
  assert.equal(model.board.notes.get("a").zone, "efectos");
  // Someone edits the note meanwhile: both show.
  model.applyEffect({ type: "note.edited", note: "a", text: "otra" }, 4);
  assert.equal(model.board.notes.get("a").text, "otra");
  assert.equal(model.board.notes.get("a").x, 700);
  model.reject("op1"); // e.g. zone_locked
  assert.equal(model.board.notes.get("a").x, 100);
  assert.equal(model.board.notes.get("a").zone, "causas");
});

test("duplicate acks (op applied before a reconnect) drop the prediction", () => {
  const model = new CanvasModel(canvas({ notes: [note("a")] }), { seq: 20 });
  model.propose("op1", { op: "recolour", note: "a", colour: "green" }, "p:1");
  model.acknowledge("op1", 18);
  assert.equal(model.pending.size, 0);
});

test("a reset replaces the board and keeps ops in flight; adopt carries them over", () => {
  const model = new CanvasModel(canvas({ notes: [note("a")] }), { seq: 5 });
  model.propose("op1", { op: "edit", note: "a", text: "mío" }, "p:1");
  model.reset(
    canvas(
      { notes: [note("a", { text: "servidor" }), note("b")] },
      {
        settings: { dots_revealed: true },
      },
    ),
  );
  assert.equal(model.board.notes.get("a").text, "mío");
  assert.ok(model.board.notes.has("b"));
  assert.equal(model.settings.dots_revealed, true);

  const fresh = new CanvasModel(canvas({ notes: [note("a")] }), { seq: 9 });
  fresh.adopt(model);
  assert.equal(fresh.board.notes.get("a").text, "mío");
  assert.ok(fresh.isPending("a"));

  // A create the new snapshot already holds is not drawn over it.
  model.propose("op2", { op: "create", id: "c", text: "nueva", x: 1, y: 1 }, "p:1");
  const after = new CanvasModel(canvas({ notes: [note("a"), note("c", { text: "servidor" })] }), {
    seq: 12,
  });
  after.adopt(model);
  assert.equal(after.board.notes.get("c").text, "servidor");
  assert.ok(after.pending.has("op2"), "still waiting for its (duplicate) ack");
});

test("the same effects give the same board as Python's ops.apply_event", (t) => {
  const path = process.env.CANVAS_FIXTURE;
  if (!path) {
    t.skip("CANVAS_FIXTURE not set (tests/js/test_canvas_model_js.py sets it)");
    return;
  }
  const fixture = JSON.parse(readFileSync(path, "utf-8"));
  assert.ok(fixture.cases.length > 0);
  for (const item of fixture.cases) {
    const board = boardFromData(item.initial);
    for (const effect of item.effects) applyEvent(board, effect);
    assert.deepEqual(boardToData(board), item.expected, `case ${item.name}`);
    // And through the model, as the browser applies events (with nothing pending).
    const model = new CanvasModel(canvas(item.initial), { seq: 0 });
    item.effects.forEach((effect, index) => model.applyEffect(effect, index + 1));
    assert.deepEqual(boardToData(model.board), item.expected, `model, case ${item.name}`);
  }
});
