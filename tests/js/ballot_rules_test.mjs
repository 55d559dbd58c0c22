// Unit tests of the pure rules in frontend/static/cocrea/ballot.js (client-side ballot
// checks, ranking moves, budget sums) and of realtime.js's poll.submission event.
// Run by tests/js/test_ballot_js.py (and by `node --test tests/js/`).

import assert from "node:assert/strict";
import { test } from "node:test";

import {
  approvalLimits,
  budgetSpent,
  checkBallot,
  fill,
  moveInOrder,
  optionValue,
  pointsRules,
} from "../../frontend/static/cocrea/ballot.js";

const options = ["a", "b", "c", "d"].map((key) => ({ key, label: key.toUpperCase(), cost: null }));
const poll = (method, settings = {}, extra = {}) => ({
  id: 1,
  method,
  options,
  settings,
  ...extra,
});

test("moveInOrder moves one place and clamps at the ends", () => {
  const order = ["a", "b", "c", "d"];
  assert.deepEqual(moveInOrder(order, "d", -1), ["a", "b", "d", "c"]);
  assert.deepEqual(moveInOrder(order, "a", -1), order);
  assert.deepEqual(moveInOrder(order, "d", 1), order);
  assert.deepEqual(moveInOrder(order, "b", 1), ["a", "c", "b", "d"]);
  assert.deepEqual(moveInOrder(order, "z", 1), order);
  assert.deepEqual(order, ["a", "b", "c", "d"], "the input is not changed");
});

test("single needs one known option", () => {
  assert.equal(checkBallot(poll("single"), "a"), null);
  assert.equal(checkBallot(poll("single"), null).code, "empty_ballot");
  assert.equal(checkBallot(poll("single"), "z").code, "empty_ballot");
});

test("approval follows min_choices (default 1) and max_choices", () => {
  assert.deepEqual(approvalLimits(poll("approval")), { min: 1, max: null });
  assert.equal(checkBallot(poll("approval"), []).code, "too_few_choices");
  assert.equal(checkBallot(poll("approval"), ["a", "b", "c", "d"]), null);
  const limited = poll("approval", { min_choices: 2, max_choices: 3 });
  assert.deepEqual(checkBallot(limited, ["a"]), { code: "too_few_choices", chosen: 1, min: 2 });
  assert.deepEqual(checkBallot(limited, ["a", "b", "c", "d"]), {
    code: "too_many_choices",
    chosen: 4,
    max: 3,
  });
  assert.equal(checkBallot(limited, ["a", "b"]), null);
});

test("rankings may be partial but not empty", () => {
  for (const method of ["irv", "schulze", "borda"]) {
    assert.equal(checkBallot(poll(method), ["b"]), null);
    assert.equal(checkBallot(poll(method), []).code, "empty_ballot");
  }
});

test("score needs every option unless allow_missing", () => {
  assert.deepEqual(checkBallot(poll("score"), { a: 1, b: 2, c: 3 }), {
    code: "missing_score",
    option: "d",
  });
  assert.equal(checkBallot(poll("score"), { a: 1, b: 2, c: 3, d: 5 }), null);
  assert.equal(checkBallot(poll("score", { allow_missing: true }), { a: 1 }), null);
  assert.equal(checkBallot(poll("score", { allow_missing: true }), {}).code, "empty_ballot");
});

test("points sum to the total (default 100) unless allow_less, within the cap", () => {
  assert.equal(pointsRules(poll("points")).total, 100);
  assert.equal(checkBallot(poll("points"), { a: 60, b: 40 }), null);
  assert.deepEqual(checkBallot(poll("points"), { a: 60 }), {
    code: "wrong_total",
    spent: 60,
    total: 100,
  });
  assert.deepEqual(checkBallot(poll("points"), { a: 60, b: 50 }), {
    code: "over_total",
    spent: 110,
    total: 100,
  });
  assert.equal(checkBallot(poll("points", { allow_less: true }), { a: 60 }), null);
  assert.equal(checkBallot(poll("points"), { a: 2.5 }).code, "points_not_integer");
  assert.equal(checkBallot(poll("points"), { a: -1 }).code, "points_not_integer");
  assert.deepEqual(checkBallot(poll("points", { max_per_option: 50 }), { a: 60, b: 40 }), {
    code: "over_cap",
    option: "a",
    cap: 50,
  });
});

test("budget sums costs, refuses overspending and underspending", () => {
  const projects = [
    { key: "luz", label: "Luz", cost: 400 },
    { key: "cancha", label: "Cancha", cost: 700 },
  ];
  const budget = { id: 2, method: "budget", options: projects, settings: { budget: 1000 } };
  assert.equal(budgetSpent(budget, ["luz", "cancha"]), 1100);
  assert.equal(checkBallot(budget, ["luz"]), null);
  assert.deepEqual(checkBallot(budget, ["luz", "cancha"]), {
    code: "over_budget",
    spent: 1100,
    budget: 1000,
  });
  assert.equal(checkBallot(budget, []).code, "empty_ballot");
  const minimum = { ...budget, settings: { budget: 1000, min_spend: 500 } };
  assert.equal(checkBallot(minimum, ["luz"]).code, "under_min_spend");
});

test("consensus takes any non-empty subset", () => {
  assert.equal(checkBallot(poll("consensus"), { a: "agree" }), null);
  assert.equal(checkBallot(poll("consensus"), {}).code, "empty_ballot");
});

test("bars read each method's live counter", () => {
  assert.equal(optionValue("single", { votes: 3 }), 3);
  assert.equal(optionValue("approval", { approvals: 2 }), 2);
  assert.equal(optionValue("budget", { approvals: 4 }), 4);
  assert.equal(optionValue("irv", { first: 5 }), 5);
  assert.equal(optionValue("score", { sum: 9, count: 2 }), 4.5);
  assert.equal(optionValue("score", { sum: 0, count: 0 }), 0);
  assert.equal(optionValue("points", { points: 70 }), 70);
  assert.equal(optionValue("consensus", { agree: 1, disagree: 4, pass: 0 }), 1);
  assert.equal(optionValue("single", undefined), 0);
});

test("fill leaves unknown placeholders alone", () => {
  const values = { label: "P", position: 2, count: 4 };
  const text = fill("«{label}»: posición {position} de {count}", values);
  assert.equal(text, "«P»: posición 2 de 4");
  assert.equal(fill("{a} {b}", { a: 1 }), "1 {b}");
});

test("realtime client: poll.submission upserts submissions and appends options", async () => {
  globalThis.window ??= { location: { protocol: "http:", host: "localhost" } };
  const { RealtimeClient } = await import("../../frontend/static/cocrea/realtime.js");
  const client = new RealtimeClient({ code: "ABCDEF" });
  const consensus = {
    id: 3,
    activity_id: 7,
    method: "consensus",
    options: [{ key: "s1", label: "Uno", cost: null }],
  };
  client.state = {
    you: {},
    session: {},
    agenda: [],
    questions: new Map(),
    presence: {},
    canvases: new Map(),
    polls: new Map([[7, consensus]]),
  };
  client.lastSeq = 10;
  const event = (seq, data) =>
    client._event({ type: "event", seq, event: "poll.submission", data });
  const sub = (id, text, status, extra = {}) => ({
    id,
    kind: "statement",
    text,
    status,
    ...extra,
  });

  event(11, { activity_id: 7, poll_id: 3, submission: sub(1, "Mía", "pending", { mine: true }) });
  event(12, {
    activity_id: 7,
    poll_id: 3,
    submission: sub(2, "Otra", "approved", { mine: false }),
    option: { key: "s2", label: "Otra" },
  });
  const polled = client.state.polls.get(7);
  assert.deepEqual(
    polled.submissions.map((s) => [s.id, s.status]),
    [
      [1, "pending"],
      [2, "approved"],
    ],
  );
  assert.deepEqual(
    polled.options.map((o) => o.key),
    ["s1", "s2"],
  );

  // The same option again is not duplicated; my own rejection stays (with its status),
  // someone else's rejection leaves the list.
  event(13, {
    activity_id: 7,
    poll_id: 3,
    submission: sub(2, "Otra", "approved"),
    option: { key: "s2", label: "Otra" },
  });
  event(14, { activity_id: 7, poll_id: 3, submission: sub(1, "Mía", "rejected") });
  event(15, { activity_id: 7, poll_id: 3, submission: { id: 2, status: "rejected", mine: false } });
  assert.deepEqual(
    polled.options.map((o) => o.key),
    ["s1", "s2"],
  );
  assert.deepEqual(
    polled.submissions.map((s) => [s.id, s.status, s.mine]),
    [[1, "rejected", true]],
  );
  assert.equal(client.lastSeq, 15);

  // A poll without submissions yet gets the list; an unknown poll is ignored.
  client.state.polls.set(8, { id: 4, activity_id: 8, method: "open", options: [] });
  const answer = { id: 9, kind: "answer", text: "Sí", status: "approved", mine: false };
  event(16, { activity_id: 8, poll_id: 4, submission: answer });
  event(17, { activity_id: 99, poll_id: 5, submission: { ...answer, id: 10 } });
  assert.deepEqual(
    client.state.polls.get(8).submissions.map((s) => s.id),
    [9],
  );
});
