/* The participant screen: follows the facilitator (current activity, countdown,
   notices), the Q&A (ask, upvote), canvases (canvas.js) and polls (ballot.js). Focus is
   never moved on updates; activity changes are announced in a polite live region. */

import { mountBallot } from "./ballot.js";
import { CanvasView } from "./canvas.js";
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
  notice: $("live-notice"),
  announcer: $("live-announcer"),
  activity: $("activity"),
  kind: $("activity-kind"),
  title: $("activity-title"),
  body: $("activity-body"),
  message: $("activity-message"),
  qa: $("qa"),
  list: $("qa-list"),
  empty: $("qa-empty"),
  feedback: $("qa-feedback"),
  form: $("ask-form"),
  text: $("ask-text"),
  after: $("live-after"),
  timer: $("live-timer"),
  timerValue: $("live-timer-value"),
  ballot: $("ballot"),
};

const canvas = new CanvasView({
  root: document.getElementById("canvas"),
  client,
  messages: t,
  mode: "participant",
});

const countdown = new Countdown({
  client,
  element: el.timer,
  valueElement: el.timerValue,
  messages: t,
  announce: (text) => announce(text),
});

let shownActivityId; // undefined until the first render
let ballot = null; // {activityId, pollId, view} while a poll is on screen
let shownBody = null;
let asking = false;

const PUBLIC = new Set(["approved", "answered"]);

function currentActivity(state) {
  const id = state.session.current_activity_id;
  return state.agenda.find((activity) => activity.id === id) || null;
}

function inputOpen(state) {
  return !client.terminal && state.session.status === "live" && !state.session.input_locked;
}

function announce(text) {
  // Clear first so the same text twice is still announced.
  el.announcer.textContent = "";
  window.setTimeout(() => {
    el.announcer.textContent = text;
  }, 50);
}

/** Run a DOM update; if it took away the focused element, put focus on the
    activity heading instead of leaving it on <body>. */
function keepingFocus(update) {
  const active = document.activeElement;
  const inside = active && active !== document.body && el.activity.contains(active);
  update();
  const lost = inside && (!active.isConnected || active.closest("[hidden]"));
  if (lost) el.title.focus({ preventScroll: true });
}

function render() {
  const state = client.state;
  if (!state) return;
  keepingFocus(() => {
    renderNotice(state);
    renderActivity(state);
    renderQuestions(state);
  });
  countdown.render();
}

function renderNotice(state) {
  let text = "";
  if (client.terminal) text = "";
  else if (state.session.status === "scheduled") text = t.statusScheduled;
  else if (state.session.status === "paused") text = t.statusPaused;
  else if (state.session.status === "ended") text = t.statusEnded;
  else if (state.session.input_locked) text = t.inputLocked;
  setText(el.notice, text || "");
}

function renderActivity(state) {
  const activity = currentActivity(state);
  const id = activity ? activity.id : null;
  setText(el.title, activity ? activity.title : t.noActivityTitle || "");
  setText(el.kind, activity ? kindLabel(activity, t) : "");
  let message = "";
  let body = "";
  const hasPoll = Boolean(activity && activity.kind === "poll" && state.polls.has(activity.id));
  if (!activity) message = t.noActivity;
  else if (activity.kind === "slide" || activity.kind === "qa") body = activity.body_html || "";
  else if (activity.kind === "break") message = t.break;
  else if (activity.kind === "canvas" && canvas.has(activity.id)) body = activity.body_html || "";
  else if (hasPoll) body = activity.body_html || "";
  else message = t.comingSoon; // a poll the server has not described (yet)
  if (body !== shownBody) {
    // body_html is sanitised on the server (an allow-list of tags, no scripts).
    el.body.innerHTML = body;
    shownBody = body;
  }
  setHidden(el.body, !body);
  setText(el.message, message || "");
  setHidden(el.message, !message);
  const showCanvas = Boolean(activity && activity.kind === "canvas" && !client.terminal);
  canvas.setActivity(showCanvas && canvas.has(activity.id) ? activity.id : null);
  renderBallot(state, activity);
  if (shownActivityId !== undefined && id !== shownActivityId && activity) {
    announce(fill(t.activityNow, { title: activity.title }));
    setText(el.feedback, "");
  }
  shownActivityId = id;
}

/** Why the ballot cannot take input now ("" when it can). */
function ballotLock(state) {
  if (client.terminal) return t.statusEnded || "";
  if (state.session.status === "scheduled") return t.statusScheduled || "";
  if (state.session.status === "paused") return t.statusPaused || "";
  if (state.session.status === "ended") return t.statusEnded || "";
  if (state.session.input_locked) return t.inputLocked || "";
  return "";
}

/** Mount, update or unmount the ballot. It is updated in place (never rebuilt on a
    results event), so choices in progress and focus survive. */
function renderBallot(state, activity) {
  const poll =
    activity && activity.kind === "poll" && !client.terminal ? state.polls.get(activity.id) : null;
  if (ballot && (!poll || ballot.activityId !== activity.id || ballot.pollId !== poll.id)) {
    ballot.view.destroy();
    ballot = null;
  }
  setHidden(el.ballot, !poll);
  if (!poll) return;
  const locked = ballotLock(state);
  if (!ballot) {
    const activityId = activity.id;
    const view = mountBallot(el.ballot, poll, {
      messages: t,
      submit: (choice, { receipt = null } = {}) => client.votePoll(activityId, choice, receipt),
      submitText: (text) => client.send("poll.submit", { activity_id: activityId, text }),
      announce,
      describeError: (error) => client.describeError(error),
    });
    ballot = { activityId, pollId: poll.id, view };
  }
  ballot.view.update(poll, { locked });
}

function visibleQuestions(state, activity) {
  const list = [];
  for (const question of state.questions.values()) {
    if (question.activity_id !== activity.id) continue;
    if (!PUBLIC.has(question.status) && !question.mine) continue;
    list.push(question);
  }
  const byVotes = !state.session.results_hidden;
  list.sort((a, b) => (byVotes ? b.upvotes - a.upvotes : 0) || a.id - b.id);
  return list;
}

function renderQuestions(state) {
  const activity = currentActivity(state);
  const isQa = Boolean(activity && activity.kind === "qa") && !client.terminal;
  setHidden(el.qa, !isQa);
  if (!isQa) return;
  const open = inputOpen(state);
  const questions = visibleQuestions(state, activity);
  setHidden(el.empty, questions.length > 0);
  syncList(el.list, questions, {
    key: (q) => q.id,
    create: () => cloneTemplate("tpl-question"),
    update: (node, q) => updateQuestion(node, q, state, open),
  });
  setHidden(el.form, !open);
}

function updateQuestion(node, question, state, open) {
  setText(node.querySelector(".question-text"), question.text);
  setHidden(node.querySelector(".question-mine"), !question.mine);
  const status = node.querySelector(".question-status");
  const statusText =
    question.status === "pending"
      ? t.questionPending
      : question.status === "answered"
        ? t.questionAnswered
        : question.status === "rejected"
          ? t.questionRejected
          : "";
  setText(status, statusText || "");
  setHidden(status, !statusText);
  const votes = node.querySelector(".question-votes");
  const showVotes = !state.session.results_hidden;
  setText(votes, fill(question.upvotes === 1 ? t.votesOne : t.votesOther, { count: question.upvotes }));
  setHidden(votes, !showVotes);
  const button = node.querySelector(".question-upvote");
  const canVote = PUBLIC.has(question.status);
  setHidden(button, !canVote);
  setText(button.querySelector(".question-upvote-label"), question.upvoted ? t.upvoted : t.upvote);
  setText(button.querySelector(".question-upvote-context"), ` (${question.text})`);
  const disabled = question.upvoted || !open;
  // aria-disabled keeps the button focusable: focus does not vanish after a vote.
  button.setAttribute("aria-disabled", String(disabled));
  button.dataset.questionId = String(question.id);
}

// --- actions ----------------------------------------------------------------------------

el.list.addEventListener("click", async (event) => {
  const button = event.target.closest(".question-upvote");
  if (!button || button.getAttribute("aria-disabled") === "true") return;
  const id = Number(button.dataset.questionId);
  button.setAttribute("aria-disabled", "true");
  try {
    const result = await client.send("qa.upvote", { question_id: id });
    const question = client.state?.questions.get(id);
    if (question) {
      question.upvoted = true;
      if (typeof result.upvotes === "number") question.upvotes = result.upvotes;
    }
    setText(el.feedback, t.upvoteDone || "");
  } catch (error) {
    const question = client.state?.questions.get(id);
    if (error.code === "conflict" && error.field === "question_id" && question) {
      question.upvoted = true;
      setText(el.feedback, t.upvoteAgain || "");
    } else {
      setText(el.feedback, client.describeError(error));
    }
  }
  render();
});

el.form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (asking) return;
  const text = el.text.value.trim();
  if (!text) {
    el.text.setAttribute("aria-invalid", "true");
    setText(el.feedback, t.askEmpty || "");
    el.text.focus();
    return;
  }
  el.text.removeAttribute("aria-invalid");
  asking = true;
  setText(el.feedback, t.askSending || "");
  try {
    const result = await client.send("qa.ask", { text });
    el.text.value = "";
    const question = client.state?.questions.get(result.question_id);
    const published = question ? PUBLIC.has(question.status) : false;
    setText(el.feedback, published ? t.askPublished : t.askPending);
  } catch (error) {
    setText(el.feedback, client.describeError(error));
  } finally {
    asking = false;
    render();
  }
});

// --- wiring -----------------------------------------------------------------------------

client.on("snapshot", render);
client.on("event", render);
client.on("terminal", () => {
  const status = document.getElementById("live-connection");
  const hadFocus = el.activity.contains(document.activeElement);
  countdown.stop();
  setText(el.notice, "");
  setHidden(el.activity, true);
  setHidden(el.after, false);
  status.classList.add("is-final");
  if (hadFocus) {
    status.setAttribute("tabindex", "-1");
    status.focus({ preventScroll: true });
  }
});
client.start();
