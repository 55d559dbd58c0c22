/* cocrea live sessions: the one WebSocket client shared by the participant screen,
   the facilitator console and the projector. It implements docs/realtime-protocol.md:
   hello with last_seq, snapshot / replay / resync, gap-free events applied once,
   commands with op_ids resent unchanged after a reconnect, heartbeats, and
   reconnection with exponential back-off and jitter.

   No user-facing text lives here: every string comes from the page (data-*
   attributes of a hidden element rendered with {% translate %}).

   Canvases (lienzos): state.canvases maps activity id → CanvasModel (canvas-model.js),
   built from the snapshot and kept by canvas.effect / canvas.settings / canvas.reset
   events; canvasOp() sends a canvas.op and shows it at once (optimistic). */

import { CanvasModel } from "./canvas-model.js";

/** Close codes after which reconnecting cannot help; the page explains instead. */
export const TERMINAL_CLOSE_CODES = Object.freeze({
  4401: "closedUnauthenticated",
  4403: "closedRemoved",
  4404: "closedNotFound",
  4410: "closedEnded",
});

const BYE_CODES = Object.freeze({ removed: 4403, ended: 4410 });

export const PING_INTERVAL_MS = 25_000;
const SILENCE_LIMIT_MS = 2 * PING_INTERVAL_MS + 10_000; // no frame at all: the socket is dead
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const CLOSE_CLIENT_DROP = 4000; // our own close: a gap, a dead socket, the browser went offline

/** A UUID for op_ids; crypto.randomUUID needs a secure context, plain HTTP on a
    local network does not have one, so fall back to getRandomValues. */
export function newOpId() {
  if (globalThis.crypto && typeof globalThis.crypto.randomUUID === "function") {
    try {
      return globalThis.crypto.randomUUID();
    } catch {
      /* not a secure context: fall through */
    }
  }
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Milliseconds since the epoch for an ISO 8601 time from the server (which may
    carry microseconds), or NaN. */
export function parseTime(iso) {
  if (!iso) return Number.NaN;
  return Date.parse(String(iso).replace(/(\.\d{3})\d+/, "$1"));
}

/** Seconds left on a session timer, or null when no countdown is set. */
export function timerRemaining(timer, serverNow) {
  if (!timer) return null;
  if (timer.remaining !== null && timer.remaining !== undefined) return Math.max(0, timer.remaining);
  if (timer.ends_at) {
    const ends = parseTime(timer.ends_at);
    if (Number.isNaN(ends)) return null;
    return Math.max(0, Math.ceil((ends - serverNow) / 1000));
  }
  return null;
}

/** "m:ss" (or "h:mm:ss") for a number of seconds. */
export function formatSeconds(total) {
  const s = Math.max(0, Math.floor(total));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/** Replace {name} placeholders in a translated string. */
export function fill(template, values) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (match, name) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match,
  );
}

/** An activity's kind in the page's language (the server names it in its own). */
export function kindLabel(activity, messages) {
  const kind = String(activity.kind || "");
  return messages[`kind${kind.charAt(0).toUpperCase()}${kind.slice(1)}`] || kind;
}

/** The translated strings a page put in data-* attributes of one element. */
export function readMessages(id = "live-i18n") {
  const element = document.getElementById(id);
  return element ? { ...element.dataset } : {};
}

/** Set text only when it changed, so assistive technology and selection are left alone. */
export function setText(element, text) {
  if (element && element.textContent !== text) element.textContent = text;
}

/** Show or hide an element (the hidden attribute) only when it changes. */
export function setHidden(element, hidden) {
  if (element && element.hidden !== hidden) element.hidden = hidden;
}

/**
 * Reconcile a container's children with a list of items, keyed, reusing existing
 * nodes so a focused button survives an update. Children without data-key are left
 * alone. If a move made the focused element lose focus, focus is put back.
 */
export function syncList(container, items, { key, create, update }) {
  const focused = document.activeElement;
  const existing = new Map();
  for (const child of Array.from(container.children)) {
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  }
  let previous = null;
  for (const item of items) {
    const k = String(key(item));
    let node = existing.get(k);
    if (node) {
      existing.delete(k);
    } else {
      node = create(item);
      node.dataset.key = k;
    }
    update(node, item);
    let expected = previous ? previous.nextElementSibling : container.firstElementChild;
    while (expected && expected.dataset.key === undefined) expected = expected.nextElementSibling;
    if (node !== expected) container.insertBefore(node, expected);
    previous = node;
  }
  for (const node of existing.values()) node.remove();
  if (focused && focused !== document.activeElement && focused.isConnected) {
    focused.focus({ preventScroll: true });
  }
}

/** A clone of the first element of a <template>. */
export function cloneTemplate(id) {
  const template = document.getElementById(id);
  return template.content.firstElementChild.cloneNode(true);
}

/** An error from the server (an `error` frame) or from the client (a lost connection). */
export class CommandError extends Error {
  constructor({ code, message = "", field = null }) {
    super(message || code);
    this.name = "CommandError";
    this.code = code;
    this.field = field;
  }
}

/**
 * The client. Listen with client.on(name, handler):
 *   "snapshot" (state rebuilt), "event" ({event, data, seq, own}, already applied;
 *   `own` is true for the canvas.effect of one of our own canvas ops),
 *   "presence" (state.presence), "resync", "connection" ({connected}),
 *   "terminal" ({code, key}), "error" (an error frame not tied to a command),
 *   "bye" ({reason}), "pong", "drag" (a `drag` frame: others dragging notes),
 *   "canvas" ({activity_id}: a canvas changed locally — an op sent, acked or refused).
 * The state is in client.state: {you, session, agenda, questions (Map), presence,
 * canvases (Map activity id → CanvasModel), polls (Map activity id → poll as in the
 * snapshot's "polls": {id, activity_id, method, options, settings, status, voted,
 * ballots, results_visible, counts, result?, submissions?})}. votePoll() sends a poll.vote.
 */
export class RealtimeClient extends EventTarget {
  constructor({ code, status = null, messages = {}, url = null } = {}) {
    super();
    this.code = String(code || "").toUpperCase();
    const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    this.url = url || `${scheme}//${window.location.host}/ws/sessions/${encodeURIComponent(this.code)}/`;
    this.statusElement = status;
    this.messages = messages;
    this.state = null;
    this.lastSeq = null;
    this.offset = 0; // server clock minus ours, in ms
    this.pending = new Map(); // op_id → {frame, resolve, reject}
    this.socket = null;
    this.ready = false;
    this.connected = false;
    this.terminal = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastHeard = 0;
    this.byeReason = null;
    this._onOnline = () => this.reconnectNow();
    this._onOffline = () => this._drop();
    this._onVisible = () => {
      if (document.visibilityState === "visible") {
        if (!this.socket) this.reconnectNow();
        else if (this.ready) this._ping();
      }
    };
  }

  // --- public -------------------------------------------------------------------------

  on(name, handler) {
    const listener = (event) => handler(event.detail);
    this.addEventListener(name, listener);
    return () => this.removeEventListener(name, listener);
  }

  start() {
    window.addEventListener("online", this._onOnline);
    window.addEventListener("offline", this._onOffline);
    document.addEventListener("visibilitychange", this._onVisible);
    this._connect();
    return this;
  }

  /** The server's clock now, in ms since the epoch. */
  serverNow() {
    return Date.now() + this.offset;
  }

  /** Send a command. Resolves with the ack's result (and `duplicate`), rejects with a
      CommandError. Queued while disconnected and resent with the same op_id.
      `options.opId` sets the op_id (default: a new UUID). */
  send(type, fields = {}, options = {}) {
    if (this.terminal) {
      return Promise.reject(new CommandError({ code: "closed" }));
    }
    const opId = options.opId || newOpId();
    const frame = { ...fields, type, op_id: opId };
    return new Promise((resolve, reject) => {
      this.pending.set(opId, { frame, resolve, reject });
      if (this.ready) this._transmit(frame);
    });
  }

  /** Send a frame that needs no answer and is not worth keeping (e.g. canvas.drag):
      no op_id, dropped when not connected. Returns whether it went out. */
  sendEphemeral(frame) {
    if (!this.ready || !this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this._transmit(frame);
    return true;
  }

  /** Send a canvas.op for the canvas of `activityId`. It shows on the board at once
      (canvas-model.js predicts its effect) and until its event arrives; an error
      takes it off again. Resolves/rejects like send(). */
  canvasOp(activityId, op) {
    const opId = newOpId();
    const modelNow = () => this.state?.canvases?.get(activityId) || null;
    const actor = this.state?.you?.key || "";
    if (!this.terminal) modelNow()?.propose(opId, op, actor);
    this._emit("canvas", { activity_id: activityId });
    return this.send("canvas.op", { activity_id: activityId, op }, { opId }).then(
      (result) => {
        modelNow()?.acknowledge(opId, result.seq);
        this._emit("canvas", { activity_id: activityId });
        return result;
      },
      (error) => {
        modelNow()?.reject(opId);
        this._emit("canvas", { activity_id: activityId });
        throw error;
      },
    );
  }

  /** A message for an error, in the page's language. */
  describeError(error) {
    if (!error) return this.messages.errGeneric || "";
    const key = `err${String(error.code || "")
      .split(/[_-]/)
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join("")}`;
    // The server writes its messages in Spanish; use them when the page is Spanish.
    const lang = (document.documentElement.lang || "").toLowerCase();
    if (lang.startsWith("es") && error.message && error.code !== "closed") return error.message;
    return this.messages[key] || this.messages.errGeneric || error.message || "";
  }

  /** Drop the socket now and reconnect at once (used after the network returns). */
  reconnectNow() {
    if (this.terminal) return;
    this.attempt = 0;
    if (this.socket) return;
    this._connect();
  }

  // --- connection ---------------------------------------------------------------------

  _connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.terminal || this.socket) return;
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this._disconnected();
      return;
    }
    this.socket = socket;
    this.byeReason = null;
    socket.addEventListener("open", () => {
      if (socket === this.socket) this._opened();
    });
    socket.addEventListener("message", (event) => {
      if (socket === this.socket) this._received(event.data);
    });
    socket.addEventListener("close", (event) => {
      if (socket === this.socket) this._closed(event.code);
    });
  }

  _opened() {
    this._transmit({ type: "hello", last_seq: this.lastSeq });
    this.ready = true;
    // Frames are handled in order: everything below comes after the snapshot/replay.
    for (const { frame } of this.pending.values()) this._transmit(frame);
    this._ping(); // a fresh server_time right after a replay
    this.lastHeard = Date.now();
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) this._drop();
      else this._ping();
    }, PING_INTERVAL_MS);
  }

  _closed(code) {
    const bye = BYE_CODES[this.byeReason];
    const terminalCode = TERMINAL_CLOSE_CODES[code] ? code : bye;
    this._teardown();
    if (terminalCode) {
      this._stop(terminalCode);
    } else {
      this._disconnected();
    }
  }

  /** Forget the current socket at once (without waiting for a closing handshake that
      may never come) and reconnect. */
  _drop() {
    const socket = this.socket;
    if (!socket) return;
    this._teardown();
    try {
      socket.close(CLOSE_CLIENT_DROP);
    } catch {
      /* already closed */
    }
    this._disconnected();
  }

  _teardown() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
    this.socket = null;
    this.ready = false;
  }

  _disconnected() {
    if (this.connected) {
      this.connected = false;
      this._emit("connection", { connected: false });
    }
    this._status(this.messages.reconnecting || "…");
    this._scheduleReconnect();
  }

  _scheduleReconnect() {
    if (this.terminal || this.retryTimer) return;
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this._connect();
    }, delay);
  }

  _stop(code) {
    const key = TERMINAL_CLOSE_CODES[code];
    this.terminal = { code, key };
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    window.removeEventListener("online", this._onOnline);
    window.removeEventListener("offline", this._onOffline);
    document.removeEventListener("visibilitychange", this._onVisible);
    this.connected = false;
    this._status(this.messages[key] || "");
    for (const { reject } of this.pending.values()) reject(new CommandError({ code: "closed" }));
    this.pending.clear();
    this._emit("terminal", { code, key, reason: this.byeReason });
  }

  _status(text) {
    setText(this.statusElement, text);
  }

  _ping() {
    this._transmit({ type: "ping" });
  }

  _transmit(frame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify(frame));
  }

  // --- frames from the server ---------------------------------------------------------

  _received(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object") return;
    this.lastHeard = Date.now();
    if (!this.connected) {
      this.connected = true;
      this.attempt = 0;
      this._status("");
      this._emit("connection", { connected: true });
    }
    // A busy stream arrives in batches: several frames in one message, in order.
    if (frame.type === "batch" && Array.isArray(frame.frames)) {
      for (const inner of frame.frames) {
        if (inner && typeof inner === "object") this._handle(inner);
      }
      return;
    }
    this._handle(frame);
  }

  _handle(frame) {
    switch (frame.type) {
      case "snapshot":
        this._snapshot(frame);
        break;
      case "resync":
        // Events we missed are gone: drop everything; a snapshot follows. Our canvas
        // ops in flight are resent, so their predictions move to the new models.
        this._previousCanvases = this.state?.canvases || this._previousCanvases || null;
        this.state = null;
        this.lastSeq = null;
        this._emit("resync", { reason: frame.reason });
        break;
      case "event":
        this._event(frame);
        break;
      case "ack": {
        const op = this.pending.get(frame.op_id);
        if (op) {
          this.pending.delete(frame.op_id);
          op.resolve({ ...(frame.result || {}), duplicate: Boolean(frame.duplicate) });
        }
        break;
      }
      case "error": {
        const op = frame.op_id ? this.pending.get(frame.op_id) : null;
        if (op) {
          this.pending.delete(frame.op_id);
          op.reject(new CommandError(frame));
        } else {
          this._emit("error", new CommandError(frame));
        }
        break;
      }
      case "presence":
        if (this.state) {
          this.state.presence = {
            count: frame.count,
            participants: frame.participants ?? this.state.presence.participants,
          };
          this._emit("presence", this.state.presence);
        }
        break;
      case "drag":
        if (this.state) this._emit("drag", frame);
        break;
      case "pong":
        this._clock(frame.server_time);
        this._emit("pong", {});
        break;
      case "bye":
        this.byeReason = frame.reason;
        this._emit("bye", { reason: frame.reason });
        break;
      default:
        break;
    }
  }

  _clock(serverTime) {
    const server = parseTime(serverTime);
    if (!Number.isNaN(server)) this.offset = server - Date.now();
  }

  _snapshot(frame) {
    this._clock(frame.server_time);
    this.lastSeq = frame.seq;
    const questions = new Map();
    for (const question of frame.questions || []) questions.set(question.id, { ...question });
    const previous = this.state?.canvases || this._previousCanvases || null;
    this._previousCanvases = null;
    const canvases = new Map();
    for (const canvas of frame.canvases || []) {
      const model = new CanvasModel(canvas, { seq: frame.seq });
      const old = previous?.get(canvas.activity_id);
      if (old) model.adopt(old);
      canvases.set(canvas.activity_id, model);
    }
    const polls = new Map();
    for (const poll of frame.polls || []) polls.set(poll.activity_id, { ...poll });
    this.state = {
      you: frame.you || {},
      session: { ...frame.session },
      agenda: frame.agenda || [],
      questions,
      presence: { count: 0, participants: undefined, ...(frame.presence || {}) },
      canvases,
      polls,
      removed: false,
    };
    this._emit("snapshot", this.state);
  }

  _event(frame) {
    if (!this.state || typeof frame.seq !== "number") return;
    if (this.lastSeq !== null && frame.seq <= this.lastSeq) return; // applied already
    if (this.lastSeq !== null && frame.seq !== this.lastSeq + 1) {
      this._drop(); // a gap: reconnect, and the server replays from lastSeq
      return;
    }
    this.lastSeq = frame.seq;
    const { event } = frame;
    const data = frame.data || {};
    const state = this.state;
    const session = state.session;
    let own = false;
    switch (event) {
      case "session.status":
        session.status = data.status;
        if (data.timer) session.timer = data.timer;
        break;
      case "session.activity":
        session.current_activity_id = data.activity_id ?? null;
        break;
      case "session.timer":
        session.timer = { ends_at: data.ends_at ?? null, remaining: data.remaining ?? null };
        break;
      case "session.input":
        session.input_locked = Boolean(data.locked);
        break;
      case "session.results":
        session.results_hidden = Boolean(data.hidden);
        // Counts travel only once revealed: apply the ones the reveal brings.
        for (const [id, votes] of Object.entries(data.upvotes || {})) {
          const question = state.questions.get(Number(id));
          if (question) question.upvotes = votes;
        }
        break;
      case "agenda.changed":
        state.agenda = data.agenda || [];
        break;
      case "participant.removed":
        if (state.you.participant_id && data.participant_id === state.you.participant_id) {
          state.removed = true;
        }
        if (Array.isArray(state.presence.participants)) {
          state.presence.participants = state.presence.participants.filter(
            (p) => p.id !== data.participant_id,
          );
        }
        break;
      case "qa.asked":
      case "qa.moderated":
        // A rejected question reaches others only as {id, status}: take it off screen.
        if (data.question && data.question.status === "rejected" && !data.question.mine) {
          state.questions.delete(data.question.id);
        } else if (data.question) {
          this.upsertQuestion(data.question);
        }
        break;
      case "qa.upvoted": {
        const question = state.questions.get(data.question_id);
        if (question) question.upvotes = data.upvotes;
        break;
      }
      case "canvas.effect": {
        const model = state.canvases.get(data.activity_id);
        if (model && data.effect) own = model.applyEffect(data.effect, frame.seq).own;
        // Facilitators' events name a new note's author (participants never get names).
        if (model && model.authors && data.names) Object.assign(model.authors, data.names);
        break;
      }
      case "canvas.settings": {
        const model = state.canvases.get(data.activity_id);
        if (model) model.setSettings(data.settings);
        break;
      }
      case "canvas.reset": {
        if (!data.canvas) break;
        const id = data.activity_id ?? data.canvas.activity_id;
        const model = state.canvases.get(id);
        if (model) model.reset(data.canvas);
        else state.canvases.set(id, new CanvasModel(data.canvas, { seq: frame.seq }));
        break;
      }
      case "poll.reset": {
        // A new or reset poll: nobody has voted in it any more.
        if (!data.poll) break;
        const id = data.activity_id ?? data.poll.activity_id;
        state.polls.set(id, { voted: false, ballots: 0, counts: null, result: null, ...data.poll });
        break;
      }
      case "poll.status":
      case "poll.results": {
        const poll = state.polls.get(data.activity_id);
        if (!poll) break;
        if (data.status) poll.status = data.status;
        poll.ballots = data.ballots ?? poll.ballots;
        poll.results_visible = Boolean(data.results_visible);
        poll.counts = data.counts ?? null;
        if ("result" in data) poll.result = data.result ?? null;
        break;
      }
      case "poll.submission": {
        // A statement or open answer: upsert it; others' rejected ones leave the screen.
        // An approved statement also becomes a ballot option (`option`).
        const poll = state.polls.get(data.activity_id);
        const submission = data.submission;
        if (!poll || !submission) break;
        const list = Array.isArray(poll.submissions) ? poll.submissions : [];
        const index = list.findIndex((s) => s.id === submission.id);
        const mine = submission.mine ?? (index >= 0 && Boolean(list[index].mine));
        if (submission.status === "rejected" && !mine) {
          if (index >= 0) list.splice(index, 1);
        } else if (index >= 0) {
          list[index] = { ...list[index], ...submission };
        } else {
          list.push({ ...submission });
        }
        poll.submissions = list;
        if (data.option && data.option.key !== undefined) {
          const options = Array.isArray(poll.options) ? poll.options : [];
          if (!options.some((o) => o.key === data.option.key)) {
            poll.options = [...options, { cost: null, ...data.option }];
          }
        }
        break;
      }
      default: // "hidden" and anything newer than this client: only the seq matters
        break;
    }
    // Acked canvas ops whose event this was (or is now behind us) leave the pending list.
    for (const model of state.canvases.values()) model.advance(frame.seq);
    this._emit("event", { event, data, seq: frame.seq, own });
  }

  /** Vote in the poll of `activityId`. Resolves with the ack's result ({seq, poll_id,
      receipt}); the receipt is only ever in this answer, so the caller must show it.
      With `receipt` (the voter's current receipt code) the ballot replaces their vote,
      in polls with allow_change: the result then has the new receipt and changed: true. */
  votePoll(activityId, ballot, receipt = null) {
    const data = { activity_id: activityId, ballot };
    if (receipt) data.receipt = receipt;
    return this.send("poll.vote", data).then((result) => {
      const poll = this.state?.polls?.get(activityId);
      if (poll) poll.voted = true;
      return result;
    });
  }

  /** Insert or update a question, keeping what only this client knows (upvoted). */
  upsertQuestion(question) {
    if (!this.state) return;
    const previous = this.state.questions.get(question.id) || {};
    this.state.questions.set(question.id, {
      ...previous,
      ...question,
      upvoted: Boolean(previous.upvoted || question.upvoted),
    });
  }

  _emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}

/** A countdown that redraws itself every half second from the session timer. The
    timer itself stays aria-live="off" (a reading every second would drown everything
    else); when it reaches zero while running, ``announce`` (a polite live region) says
    "se acabó el tiempo" once. */
export class Countdown {
  constructor({
    client,
    element,
    valueElement = element,
    onChange = null,
    messages = {},
    announce = null,
  }) {
    this.client = client;
    this.element = element;
    this.valueElement = valueElement;
    this.onChange = onChange;
    this.messages = messages;
    this.announce = announce;
    this.lastLeft = null;
    this.interval = setInterval(() => this.render(), 500);
  }

  stop() {
    clearInterval(this.interval);
    setHidden(this.element, true);
  }

  render() {
    const timer = this.client.state?.session?.timer;
    const left = timerRemaining(timer, this.client.serverNow());
    const frozen = timer && timer.remaining !== null && timer.remaining !== undefined;
    setHidden(this.element, left === null);
    const wasRunning = this.lastLeft !== null && this.lastLeft > 0;
    this.lastLeft = left;
    if (left === null) return;
    if (left === 0 && wasRunning && this.announce && this.messages.timeUp) {
      this.announce(this.messages.timeUp);
    }
    let text = formatSeconds(left);
    if (left === 0) text = `${text} · ${this.messages.timeUp || ""}`.trim();
    else if (frozen && this.messages.timerStopped) text = `${text} ${this.messages.timerStopped}`;
    setText(this.valueElement, text);
    this.element.classList.toggle("is-over", left === 0);
    if (this.onChange) this.onChange(left);
  }
}

/** Start a client for the page's root element (data-code), exposed for tests as
    window.__cocreaRealtime. */
export function connectPage(root, messages) {
  const client = new RealtimeClient({
    code: root.dataset.code,
    status: document.getElementById("live-connection"),
    messages,
  });
  window.__cocreaRealtime = client;
  return client;
}
