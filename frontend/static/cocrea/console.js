/* The facilitator console: session state, agenda, countdown, input and results,
   people present, and the Q&A moderation queue. Every command reports back (its ack
   or its error) in a polite live region. Buttons that do not apply to the current
   state carry aria-disabled, so they stay focusable and focus never vanishes. The
   canvas of the current activity (or the one chosen) is shown with its moderation
   tools (canvas.js). Poll activities get their controls (open, close, publish), the
   turnout and the live results chart (poll-chart.js). */

import { CanvasView } from "./canvas.js";
import { renderPollChart } from "./poll-chart.js";
import {
  cloneTemplate,
  connectPage,
  Countdown,
  fill,
  kindLabel,
  readMessages,
  setHidden,
  setText,
  syncList,
} from "./realtime.js";

const root = document.getElementById("live-root");
const t = readMessages();
const client = connectPage(root, t);

const $ = (id) => document.getElementById(id);
const el = {
  status: $("session-status"),
  feedback: $("console-feedback"),
  agenda: $("agenda"),
  agendaEmpty: $("agenda-empty"),
  agendaTitle: $("agenda-title"),
  people: $("people"),
  peopleEmpty: $("people-empty"),
  peopleTitle: $("people-title"),
  presenceCount: $("presence-count"),
  pending: $("qa-pending"),
  pendingEmpty: $("qa-pending-empty"),
  pendingCount: $("qa-pending-count"),
  pendingTitle: $("qa-pending-title"),
  published: $("qa-public"),
  publishedEmpty: $("qa-public-empty"),
  publishedCount: $("qa-public-count"),
  publishedTitle: $("qa-public-title"),
  inputState: $("input-state"),
  resultsState: $("results-state"),
  timerForm: $("timer-form"),
  timerMinutes: $("timer-minutes"),
  timerStart: $("timer-start"),
  timer: $("console-timer"),
  timerValue: $("console-timer-value"),
};

const canvas = new CanvasView({
  root: document.getElementById("canvas"),
  client,
  messages: t,
  mode: "facilitator",
});
const canvasSection = $("console-canvas");
const canvasChoose = $("console-canvas-choose");
const canvasChooseField = $("console-canvas-choose-field");
const canvasActivityTitle = $("console-canvas-activity");
let chosenCanvas = null; // a canvas the facilitator chose to look at
let canvasFollowing; // the current activity when that choice was made

// The methodology only matters for canvases: show its field for that kind.
const kindSelect = $("act-kind");
const methodologyField = $("act-methodology-field");
function syncMethodologyField() {
  if (kindSelect && methodologyField) setHidden(methodologyField, kindSelect.value !== "canvas");
}
if (kindSelect) kindSelect.addEventListener("change", syncMethodologyField);
syncMethodologyField();

// The poll fields only matter for polls, and each method's settings for that method.
// Without JS they all stay visible and the server ignores what does not apply.
const pollFields = $("act-poll-fields");
const pollMethod = $("act-poll-method");
function syncPollFields() {
  if (!kindSelect || !pollFields || !pollMethod) return;
  setHidden(pollFields, kindSelect.value !== "poll");
  const method = pollMethod.value;
  for (const block of pollFields.querySelectorAll("[data-poll-method]")) {
    setHidden(block, block.dataset.pollMethod !== method);
  }
  for (const hint of pollFields.querySelectorAll(".poll-method-hints [data-method]")) {
    setHidden(hint, hint.dataset.method !== method);
  }
  setHidden($("act-poll-options-field"), method === "open");
}
if (kindSelect) kindSelect.addEventListener("change", syncPollFields);
if (pollMethod) pollMethod.addEventListener("change", syncPollFields);
syncPollFields();

const countdown = new Countdown({
  client,
  element: el.timer,
  valueElement: el.timerValue,
  messages: t,
  announce: (text) => {
    // Its own polite region, so "time is up" never replaces a command's feedback.
    const announcer = $("console-announcer");
    if (!announcer) return;
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 50);
  },
});

const OPEN = new Set(["scheduled", "live", "paused"]);

/** When each command button applies. */
const ENABLED = {
  "session.start": (s) => s.status === "scheduled",
  "session.pause": (s) => s.status === "live",
  "session.resume": (s) => s.status === "paused",
  "session.end": (s) => OPEN.has(s.status),
  "timer.stop": (s) => OPEN.has(s.status) && Boolean(s.timer && (s.timer.ends_at || s.timer.remaining !== null)),
  "input.lock": (s) => OPEN.has(s.status) && !s.input_locked,
  "input.unlock": (s) => OPEN.has(s.status) && s.input_locked,
  "results.hide": (s) => OPEN.has(s.status) && !s.results_hidden,
  "results.reveal": (s) => OPEN.has(s.status) && s.results_hidden,
};

/** Which poll command applies in which poll status (draft → open → closed → published). */
const POLL_ENABLED = {
  "poll.open": (poll) => poll.status === "draft",
  "poll.close": (poll) => poll.status === "open",
  "poll.publish": (poll) => poll.status === "closed",
};
const POLL_ACTION = {
  "poll.open": "pollOpenAction",
  "poll.close": "pollCloseAction",
  "poll.publish": "pollPublishAction",
};

function setDisabled(button, disabled) {
  const value = String(Boolean(disabled));
  if (button.getAttribute("aria-disabled") !== value) button.setAttribute("aria-disabled", value);
}

function isDisabled(button) {
  return button.getAttribute("aria-disabled") === "true";
}

/** Visible label of a button, without the visually hidden context. */
function labelOf(button) {
  const copy = button.cloneNode(true);
  for (const hidden of copy.querySelectorAll(".visually-hidden")) hidden.remove();
  return copy.textContent.trim();
}

function feedback(text, isError = false) {
  el.feedback.classList.toggle("is-error", isError);
  // Clear first so the same message twice is announced again.
  el.feedback.textContent = "";
  window.setTimeout(() => {
    el.feedback.textContent = text;
  }, 30);
}

/** Send a command, reporting progress, success and failure in the feedback region. */
async function run(action, type, fields = {}) {
  feedback(fill(t.sending, { action }));
  try {
    const result = await client.send(type, fields);
    feedback(fill(t.done, { action }));
    return result;
  } catch (error) {
    feedback(fill(t.failed, { action, reason: client.describeError(error) }), true);
    return null;
  } finally {
    render();
  }
}

/** Update a list; if that removed the focused control, focus the control at the same
    place in the list, or the list's heading. */
function keepingFocus(list, heading, update) {
  const active = document.activeElement;
  const item = active && list.contains(active) ? active.closest("li") : null;
  const index = item ? Array.from(list.children).indexOf(item) : -1;
  update();
  if (item && !active.isConnected) {
    const items = list.children;
    const target = items.length ? items[Math.min(index, items.length - 1)] : null;
    const button = target && target.querySelector("button");
    (button || heading).focus({ preventScroll: true });
  }
}

// --- rendering ------------------------------------------------------------------------

function render() {
  const state = client.state;
  if (!state) return;
  const session = state.session;
  const ended = Boolean(client.terminal) || session.status === "ended";
  const statusKey = `status${session.status.charAt(0).toUpperCase()}${session.status.slice(1)}`;
  setText(el.status, t[statusKey] || session.status);
  el.status.dataset.status = session.status;

  for (const button of document.querySelectorAll("[data-command]")) {
    const rule = ENABLED[button.dataset.command];
    setDisabled(button, ended || !rule || !rule(session));
  }
  setDisabled(el.timerStart, ended);
  setText(el.inputState, session.input_locked ? t.inputLocked : t.inputOpen);
  setText(el.resultsState, session.results_hidden ? t.resultsHidden : t.resultsShown);

  renderAgenda(state, ended);
  renderPeople(state, ended);
  renderQuestions(state, ended);
  renderCanvas(state);
  renderPolls(state, ended);
  countdown.render();
}

const pollSection = $("console-polls");
const pollList = $("poll-list");
const pollTitle = $("console-polls-title");

function pollStatusLabel(poll) {
  return t[`pollStatus${poll.status.charAt(0).toUpperCase()}${poll.status.slice(1)}`] || poll.status;
}

function renderPolls(state, ended) {
  const current = state.session.current_activity_id;
  const polls = state.agenda
    .filter((a) => a.kind === "poll" && state.polls.has(a.id))
    .map((a) => ({ activity: a, poll: state.polls.get(a.id) }));
  setHidden(pollSection, polls.length === 0);
  keepingFocus(pollList, pollTitle, () =>
    syncList(pollList, polls, {
      key: (p) => p.activity.id,
      create: () => cloneTemplate("tpl-poll-card"),
      update: (node, { activity, poll }) => {
        const title = poll.title || activity.title;
        setText(node.querySelector(".poll-card-title"), title);
        const status = node.querySelector(".poll-status");
        setText(status, pollStatusLabel(poll));
        status.dataset.status = poll.status;
        setText(node.querySelector(".poll-method"), t[`method${poll.method.charAt(0).toUpperCase()}${poll.method.slice(1)}`] || poll.method);
        const rule = String(poll.results_visibility || "").replace(/_/g, "");
        const ruleLabel = t[`visibility${rule.charAt(0).toUpperCase()}${rule.slice(1)}`] || poll.results_visibility;
        setText(node.querySelector(".poll-visibility"), fill(t.pollVisibility, { rule: ruleLabel }));
        const isCurrent = activity.id === current;
        setHidden(node.querySelector(".poll-current"), !isCurrent);
        node.classList.toggle("is-current", isCurrent);
        for (const context of node.querySelectorAll(".poll-context")) setText(context, ` (${title})`);
        for (const button of node.querySelectorAll("[data-poll-command]")) {
          button.dataset.activityId = String(activity.id);
          button.dataset.title = title;
          setDisabled(button, ended || !POLL_ENABLED[button.dataset.pollCommand](poll));
        }
        const link = node.querySelector(".poll-results-link");
        const href = fill(pollSection.dataset.pollResultsUrl, { id: poll.id });
        if (link.getAttribute("href") !== href) link.setAttribute("href", href);
        // Facilitators always receive the counts, whatever the public may see.
        renderPollChart(node.querySelector(".poll-chart-slot"), poll, t);
      },
    }),
  );
}

function renderCanvas(state) {
  const canvases = state.agenda.filter((a) => a.kind === "canvas" && canvas.has(a.id));
  setHidden(canvasSection, canvases.length === 0);
  // Bringing everyone to another activity drops an earlier choice.
  if (state.session.current_activity_id !== canvasFollowing) {
    canvasFollowing = state.session.current_activity_id;
    chosenCanvas = null;
  }
  const current = canvases.find((a) => a.id === state.session.current_activity_id);
  const chosen = canvases.find((a) => a.id === chosenCanvas);
  const shown = chosen || current || canvases[0] || null;
  setHidden(canvasChooseField, canvases.length < 2);
  syncList(canvasChoose, canvases, {
    key: (a) => a.id,
    create: () => document.createElement("option"),
    update: (option, a) => {
      option.value = String(a.id);
      setText(option, a.title);
    },
  });
  if (shown && canvasChoose.value !== String(shown.id)) canvasChoose.value = String(shown.id);
  setText(canvasActivityTitle, shown ? shown.title : "");
  canvas.setActivity(shown ? shown.id : null);
}

canvasChoose.addEventListener("change", () => {
  chosenCanvas = Number(canvasChoose.value);
  render();
});

function renderAgenda(state, ended) {
  const current = state.session.current_activity_id;
  setHidden(el.agendaEmpty, state.agenda.length > 0);
  keepingFocus(el.agenda, el.agendaTitle, () =>
    syncList(el.agenda, state.agenda, {
      key: (a) => a.id,
      create: () => cloneTemplate("tpl-agenda-item"),
      update: (node, activity) => {
        setText(node.querySelector(".agenda-order"), `${activity.order}.`);
        setText(node.querySelector(".agenda-title"), activity.title);
        setText(node.querySelector(".agenda-kind"), kindLabel(activity, t));
        const minutes = activity.duration ? Math.max(1, Math.round(activity.duration / 60)) : null;
        setText(node.querySelector(".agenda-duration"), minutes ? fill(t.minutes, { minutes }) : "");
        const isCurrent = activity.id === current;
        if (isCurrent) node.setAttribute("aria-current", "step");
        else node.removeAttribute("aria-current");
        setHidden(node.querySelector(".agenda-current"), !isCurrent);
        const button = node.querySelector(".agenda-goto");
        button.dataset.activityId = String(activity.id);
        setText(button.querySelector(".agenda-goto-context"), ` (${activity.title})`);
        setDisabled(button, ended);
      },
    }),
  );
}

function renderPeople(state, ended) {
  const people = [...(state.presence.participants || [])].sort((a, b) =>
    a.name.localeCompare(b.name) || a.id - b.id,
  );
  setText(el.presenceCount, String(state.presence.count ?? people.length));
  setHidden(el.peopleEmpty, people.length > 0);
  keepingFocus(el.people, el.peopleTitle, () =>
    syncList(el.people, people, {
      key: (p) => p.id,
      create: () => cloneTemplate("tpl-person"),
      update: (node, person) => {
        setText(node.querySelector(".person-name"), person.name);
        const button = node.querySelector(".person-remove");
        button.dataset.participantId = String(person.id);
        button.dataset.name = person.name;
        setText(button.querySelector(".person-remove-context"), ` ${person.name}`);
        setDisabled(button, ended);
      },
    }),
  );
}

function renderQuestions(state, ended) {
  const titles = new Map(state.agenda.map((a) => [a.id, a.title]));
  const pending = [];
  const published = [];
  for (const question of state.questions.values()) {
    if (question.status === "pending") pending.push(question);
    else if (question.status === "approved" || question.status === "answered") published.push(question);
  }
  pending.sort((a, b) => a.id - b.id);
  published.sort(
    (a, b) => (a.status === "answered") - (b.status === "answered") || b.upvotes - a.upvotes || a.id - b.id,
  );
  const update = (node, question) => {
    setText(node.querySelector(".question-text"), question.text);
    setText(node.querySelector(".question-activity"), titles.get(question.activity_id) || "");
    setText(
      node.querySelector(".question-votes"),
      fill(question.upvotes === 1 ? t.votesOne : t.votesOther, { count: question.upvotes }),
    );
    const status = node.querySelector(".question-status");
    const answered = question.status === "answered";
    setText(status, answered ? t.questionAnswered : "");
    setHidden(status, !answered);
    for (const context of node.querySelectorAll(".question-context")) {
      setText(context, ` (${question.text})`);
    }
    for (const button of node.querySelectorAll("[data-moderate]")) {
      const target = button.dataset.moderate;
      // Published questions can only be marked answered: a later rejection would
      // reach other participants as a "hidden" event and stay on their screens.
      const applies =
        question.status === "pending"
          ? target !== "answered"
          : question.status === "approved" && target === "answered";
      setHidden(button, !applies);
      setDisabled(button, ended);
      button.dataset.questionId = String(question.id);
    }
  };
  const create = () => cloneTemplate("tpl-moderation");
  setText(el.pendingCount, String(pending.length));
  setText(el.publishedCount, String(published.length));
  setHidden(el.pendingEmpty, pending.length > 0);
  setHidden(el.publishedEmpty, published.length > 0);
  keepingFocus(el.pending, el.pendingTitle, () =>
    syncList(el.pending, pending, { key: (q) => q.id, create, update }),
  );
  keepingFocus(el.published, el.publishedTitle, () =>
    syncList(el.published, published, { key: (q) => q.id, create, update }),
  );
}

// --- actions ----------------------------------------------------------------------------

document.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button || !root.contains(button) || isDisabled(button)) return;

  if (button.dataset.command) {
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    run(labelOf(button), button.dataset.command);
  } else if (button.classList.contains("agenda-goto")) {
    const title = button.closest("li").querySelector(".agenda-title").textContent;
    run(fill(t.gotoAction, { title }), "activity.goto", {
      activity_id: Number(button.dataset.activityId),
    });
  } else if (button.classList.contains("person-remove")) {
    const name = button.dataset.name;
    if (!window.confirm(fill(t.confirmRemove, { name }))) return;
    run(fill(t.removeAction, { name }), "participant.remove", {
      participant_id: Number(button.dataset.participantId),
    });
  } else if (button.dataset.pollCommand) {
    const type = button.dataset.pollCommand;
    const title = button.dataset.title;
    if (type === "poll.close" && !window.confirm(fill(t.pollConfirmClose, { title }))) return;
    run(fill(t[POLL_ACTION[type]], { title }), type, {
      activity_id: Number(button.dataset.activityId),
    });
  } else if (button.dataset.moderate) {
    const status = button.dataset.moderate;
    const keyName = `moderate${status.charAt(0).toUpperCase()}${status.slice(1)}`;
    run(t[keyName] || labelOf(button), "qa.moderate", {
      question_id: Number(button.dataset.questionId),
      status,
    });
  }
});

el.timerForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (isDisabled(el.timerStart)) return;
  const minutes = Number(el.timerMinutes.value);
  if (!Number.isFinite(minutes) || minutes < 1 || minutes > 120) {
    el.timerMinutes.setAttribute("aria-invalid", "true");
    feedback(t.timerInvalid, true);
    el.timerMinutes.focus();
    return;
  }
  el.timerMinutes.removeAttribute("aria-invalid");
  const seconds = Math.min(7200, Math.max(1, Math.round(minutes * 60)));
  run(fill(t.timerAction, { minutes }), "timer.start", { seconds });
});

// --- wiring -----------------------------------------------------------------------------

client.on("snapshot", render);
client.on("event", render);
client.on("presence", render);
client.on("terminal", () => {
  countdown.stop();
  render();
});
client.start();
