/* The projector view: join code and QR (server-rendered), how many people are
   connected, the current activity and the countdown; a canvas read-only and big; a
   poll's turnout and, when the public may see them, its live results. No controls. */

import { CanvasView } from "./canvas.js";
import { renderPollChart } from "./poll-chart.js";
import {
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
  count: $("presence-count"),
  countLabel: $("presence-label"),
  state: $("projector-state"),
  kind: $("activity-kind"),
  title: $("activity-title"),
  body: $("activity-body"),
  questions: $("projector-questions"),
  timer: $("projector-timer"),
  timerValue: $("projector-timer-value"),
  poll: $("projector-poll"),
  pollHow: $("projector-poll-how"),
  pollChart: $("projector-poll-chart"),
};

const canvas = new CanvasView({
  root: document.getElementById("canvas"),
  client,
  messages: t,
  mode: "projector",
});

const countdown = new Countdown({
  client,
  element: el.timer,
  valueElement: el.timerValue,
  messages: t,
});

let shownBody = null;

function renderPresence() {
  const count = client.state?.presence.count ?? 0;
  setText(el.count, String(count));
  setText(el.countLabel, count === 1 ? el.countLabel.dataset.one : el.countLabel.dataset.other);
}

function render() {
  const state = client.state;
  if (!state) return;
  renderPresence();
  const session = state.session;
  const status = client.terminal ? "ended" : session.status;
  const stateKey = { scheduled: "statusScheduled", paused: "statusPaused", ended: "statusEnded" }[status];
  setText(el.state, stateKey ? t[stateKey] : "");
  root.dataset.status = status;

  const activity = state.agenda.find((a) => a.id === session.current_activity_id) || null;
  const poll = activity && activity.kind === "poll" && !client.terminal ? state.polls.get(activity.id) : null;
  setText(el.title, activity ? (poll && poll.title) || activity.title : t.noActivity);
  setText(el.kind, activity ? kindLabel(activity, t) : "");
  let html = "";
  let message = "";
  if (activity && (activity.kind === "slide" || activity.kind === "qa")) html = activity.body_html || "";
  else if (activity && activity.kind === "break") message = t.break;
  else if (activity && activity.kind === "canvas" && canvas.has(activity.id)) message = "";
  else if (activity && activity.kind === "poll" && state.polls.has(activity.id)) message = "";
  else if (activity) message = t.comingSoon;
  const key = `${html}\u0000${message}`;
  if (key !== shownBody) {
    // body_html is sanitised on the server (allow-listed tags only).
    if (html) el.body.innerHTML = html;
    else el.body.textContent = message;
    shownBody = key;
  }

  const canvasId =
    activity && activity.kind === "canvas" && !client.terminal && canvas.has(activity.id) ? activity.id : null;
  root.classList.toggle("has-canvas", canvasId !== null);
  canvas.setActivity(canvasId);

  renderPoll(poll);

  const isQa = Boolean(activity && activity.kind === "qa");
  const questions = isQa
    ? [...state.questions.values()]
        .filter((q) => q.activity_id === activity.id && q.status === "approved")
        .sort((a, b) => (session.results_hidden ? 0 : b.upvotes - a.upvotes) || a.id - b.id)
        .slice(0, 6)
    : [];
  setHidden(el.questions, questions.length === 0);
  syncList(el.questions, questions, {
    key: (q) => q.id,
    create: () => {
      const item = document.createElement("li");
      item.innerHTML = '<span class="projector-question-text"></span> <span class="projector-question-votes"></span>';
      return item;
    },
    update: (node, q) => {
      setText(node.querySelector(".projector-question-text"), q.text);
      const votes = session.results_hidden
        ? ""
        : fill(q.upvotes === 1 ? t.votesOne : t.votesOther, { count: q.upvotes });
      setText(node.querySelector(".projector-question-votes"), votes);
    },
  });
  countdown.render();
}

function renderPoll(poll) {
  setHidden(el.poll, !poll);
  if (!poll) return;
  const status = String(poll.status || "");
  const how = t[`pollHow${status.charAt(0).toUpperCase()}${status.slice(1)}`] || "";
  setText(el.pollHow, fill(how, { code: root.dataset.code }));
  // The projector connects as a facilitator and so receives the counts always; the
  // room sees them only when the poll's rule shows them to the public.
  const rule = String(poll.results_visibility || "").replace(/_/g, "");
  const hiddenText = t[`pollHidden${rule.charAt(0).toUpperCase()}${rule.slice(1)}`] || t.pollHidden;
  renderPollChart(el.pollChart, poll, t, { showCounts: Boolean(poll.results_visible), hiddenText });
}

client.on("snapshot", render);
client.on("event", render);
client.on("presence", renderPresence);
client.on("terminal", () => {
  countdown.stop();
  render();
});
client.start();
