/* cocrea canvases (lienzos): the board component of the participant screen, the
   facilitator console and the projector. The markup (toolbar, forms, help, list view,
   facilitator tools, templates) comes from frontend/templates/live/_canvas.html, all
   text from the page (data-* attributes of #live-i18n, see _canvas_messages.html).

   - Board view: the methodology's zones, notes (focusable, draggable with mouse, touch
     and pen through Pointer Events, movable with the arrow keys), links as SVG arrows,
     cluster names, dot counts; pan and zoom with buttons, Ctrl + wheel, pinch, or by
     dragging the background.
   - List view (default on narrow screens): zones as headings and their notes as list
     items, with buttons and forms — the same actions, usable with a screen reader.
   - Others' changes are announced politely and in bursts ("3 notas nuevas").
   - User text only ever goes through textContent (and option.textContent, setAttribute
     for titles): never innerHTML. */

import { COLOUR_NAMES, COLOURS } from "./canvas-model.js";
import { cloneTemplate, fill, newOpId, setHidden, setText, syncList } from "./realtime.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const DRAG_INTERVAL_MS = 34; // at most 30 canvas.drag frames a second per note
const DRAG_THRESHOLD_PX = 4;
const KEY_STEP = 10;
const KEY_STEP_BIG = 50;
const KEY_COMMIT_MS = 450; // arrow keys: the move op goes this long after the last press
const REMOTE_DRAG_TTL_MS = 2500;
const ANNOUNCE_QUIET_MS = 1200;
const ANNOUNCE_MAX_WAIT_MS = 4000;
const MIN_SCALE = 0.15;
const MAX_SCALE = 4;
const NARROW_QUERY = "(max-width: 599px)";
const ZONE_LABEL_ROOM = 56; // board units kept free at the top of a zone for its label
const NOTE_WIDTH = 150;

const BURST_KINDS = ["created", "edited", "moved", "deleted", "grouped", "linked", "dots"];
const EFFECT_KIND = {
  "note.created": "created",
  "note.edited": "edited",
  "note.recoloured": "edited",
  "note.resized": "edited",
  "note.moved": "moved",
  "note.deleted": "deleted",
  "note.merged": "deleted",
  "cluster.set": "grouped",
  "link.created": "linked",
  "dot.added": "dots",
};

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);
const clamp = (value, low, high) => Math.min(high, Math.max(low, value));

/** A {es, en} text (or a plain string) in the page's language; Spanish when missing. */
export function pickLang(value, lang = document.documentElement.lang || "es") {
  if (value === null || value === undefined) return "";
  if (typeof value !== "object") return String(value);
  const short = String(lang).toLowerCase().slice(0, 2);
  return value[short] || value.es || Object.values(value).find(Boolean) || "";
}

/** A short, one-line version of a note's text (for options and announcements). */
export function excerpt(text, length = 60) {
  const line = String(text || "")
    .replace(/\s+/g, " ")
    .trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

/** An id for a new note, link or cluster: time-ordered, so the board's tab order
    follows creation, and random enough not to collide. */
export function newId(prefix) {
  const random = newOpId().replace(/-/g, "").slice(0, 8);
  return `${prefix}-${Date.now().toString(36)}${random}`;
}

/** The size of a new note: one that fits under the zone's label where it can. */
export function noteSize(zone) {
  if (!zone) return { width: NOTE_WIDTH, height: 120 };
  const top = Math.min(ZONE_LABEL_ROOM, zone.height * 0.45);
  return { width: NOTE_WIDTH, height: Math.round(clamp(zone.height - top - 10, 60, 120)) };
}

/**
 * Where a new note goes: the spot of `zone` (or of the board) that overlaps the other
 * notes least, scanning in reading order. (x, y) is the note's top-left corner, which
 * is also the point that decides its zone. `heightOf` gives a note's drawn height (a
 * long text makes a note taller than its nominal size).
 */
export function freeSpot(model, zoneKey, size = null, heightOf = (note) => note.height) {
  const zone = zoneKey ? model.zone(zoneKey) : null;
  const { width: sw, height: sh } = size || noteSize(zone);
  const area = zone
    ? { x: zone.x, y: zone.y, w: zone.width, h: zone.height }
    : { x: 0, y: 0, w: model.width, h: model.height };
  const top = zone ? Math.min(ZONE_LABEL_ROOM, area.h * 0.45) : 8;
  const margin = 8;
  const step = 24;
  const others = model.notes();
  let best = null;
  for (let y = area.y + top; y < area.y + area.h; y += step) {
    for (let x = area.x + margin; x < area.x + area.w; x += step) {
      if (x > model.width || y > model.height) continue;
      if (zone && model.zoneAt(x, y) !== zone.key) continue;
      let score = 0;
      for (const note of others) {
        const w = Math.min(x + sw + 8, note.x + note.width) - Math.max(x, note.x - 8);
        const h = Math.min(y + sh + 8, note.y + heightOf(note)) - Math.max(y, note.y - 8);
        if (w > 0 && h > 0) score += w * h;
      }
      // Spilling out of the zone (or the board) counts, but less than covering a note.
      const spillX = Math.max(0, x + sw - Math.min(area.x + area.w, model.width));
      const spillY = Math.max(0, y + sh - Math.min(area.y + area.h, model.height));
      score += 0.5 * (spillX * sh + spillY * sw);
      if (best === null || score < best.score) best = { x, y, score };
      if (score === 0) return { x: Math.round(x), y: Math.round(y) };
    }
  }
  if (best) return { x: Math.round(best.x), y: Math.round(best.y) };
  const x = zone ? zone.x + zone.width / 2 : model.width / 2;
  const y = zone ? zone.y + zone.height / 2 : model.height / 2;
  return { x: Math.round(x), y: Math.round(y) };
}

export class CanvasView {
  /**
   * root: the #canvas element of _canvas.html; client: the RealtimeClient; messages:
   * the page's strings; mode: "participant", "facilitator" or "projector".
   */
  constructor({ root, client, messages, mode = root.dataset.mode || "participant" }) {
    this.root = root;
    this.client = client;
    this.t = messages;
    this.mode = mode;
    this.readOnly = mode === "projector";
    this.activityId = null;
    this.shownId = null;
    this.view = { scale: 1, x: 0, y: 0 };
    this.userZoomed = false; // the person panned or zoomed: leave their view alone
    this.target = null; // the rect the view keeps in sight (null: the whole board)
    this.pendingSettings = new Map(); // setting → {value, token}: asked for, not seen yet
    const narrow = typeof window.matchMedia === "function" && window.matchMedia(NARROW_QUERY).matches;
    this.listMode = !this.readOnly && narrow;
    this.selected = [];
    this.local = new Map(); // note id → {x, y}: our drag or arrow keys, not sent yet
    this.remote = new Map(); // note id → {x, y, timer}: someone else dragging
    this.dragSent = new Map(); // note id → {last, timer, pos}
    this.keyTimers = new Map(); // note id → timer of the pending arrow-key move
    this.drag = null; // our pointer drag of a note
    this.pointers = new Map(); // pointer id → {x, y} on the background (pan, pinch)
    this.gesture = null;
    this.bursts = {};
    this.burstStart = 0;
    this.announceTimer = null;
    this.shownSettings = null;
    this.editing = null;
    this.scheduled = false;

    const q = (id) => root.querySelector(`#${id}`);
    this.el = {
      heading: q("canvas-heading"),
      presence: q("canvas-presence"),
      dotsLeft: q("canvas-dots-left"),
      state: q("canvas-state"),
      toolbar: q("canvas-toolbar"),
      addToggle: q("canvas-add-toggle"),
      viewToggle: q("canvas-view-toggle"),
      zoomIn: q("canvas-zoom-in"),
      zoomOut: q("canvas-zoom-out"),
      zoomFit: q("canvas-zoom-fit"),
      addForm: q("canvas-add-form"),
      addText: q("canvas-add-text"),
      addColour: q("canvas-add-colour"),
      addZone: q("canvas-add-zone"),
      addZoneField: q("canvas-add-zone-field"),
      addClose: q("canvas-add-close"),
      addFeedback: q("canvas-add-feedback"),
      feedback: q("canvas-feedback"),
      boardView: q("canvas-board-view"),
      viewport: q("canvas-viewport"),
      layer: q("canvas-layer"),
      zones: q("canvas-zones"),
      links: q("canvas-links"),
      linksGroup: q("canvas-links-group"),
      notes: q("canvas-notes"),
      privacy: q("canvas-private-cover"),
      listView: q("canvas-list-view"),
      listTitle: q("canvas-list-title"),
      sections: q("canvas-sections"),
      announcer: q("canvas-announcer"),
      dialog: q("canvas-edit-dialog"),
      editForm: q("canvas-edit-form"),
      editText: q("canvas-edit-text"),
      editFeedback: q("canvas-edit-feedback"),
      editCancel: q("canvas-edit-cancel"),
      tools: q("canvas-tools"),
    };
    this._wire();
  }

  // --- public ---------------------------------------------------------------------------

  /** Show the canvas of this activity (null: none). */
  setActivity(activityId) {
    if (activityId === this.activityId) return;
    this.activityId = activityId;
    this.render();
  }

  model() {
    if (this.activityId === null || this.activityId === undefined) return null;
    return this.client.state?.canvases?.get(this.activityId) || null;
  }

  /** Whether this page has a canvas for the activity (the server may not send one). */
  has(activityId) {
    return Boolean(this.client.state?.canvases?.get(activityId));
  }

  scheduleRender() {
    if (this.scheduled) return;
    this.scheduled = true;
    // A microtask, not requestAnimationFrame: background tabs would stall it.
    Promise.resolve().then(() => {
      this.scheduled = false;
      this.render();
    });
  }

  render() {
    const model = this.model();
    setHidden(this.root, !model);
    if (!model) {
      this.shownId = null;
      return;
    }
    if (this.shownId !== model.activityId) this._switchTo(model);
    const state = this.client.state;
    const lang = document.documentElement.lang || "es";
    setText(this.el.heading, pickLang(model.methodology?.name, lang) || this.t.cvBlank || "");
    const count = state.presence?.count ?? 0;
    setText(this.el.presence, fill(count === 1 ? this.t.cvPresenceOne : this.t.cvPresenceOther, { count }));
    this._renderDotsLeft(model);
    this._renderState(model);
    if (!this.readOnly) this._renderControls(model);
    setHidden(this.el.boardView, this.listMode);
    if (this.el.listView) setHidden(this.el.listView, !this.listMode);
    if (this.listMode) this._renderList(model);
    else this._renderBoard(model);
    if (this.el.tools) this._renderTools(model);
    this._followSettings(model);
  }

  // --- permissions ------------------------------------------------------------------------

  you() {
    return this.client.state?.you || {};
  }

  isFacilitator() {
    return this.you().role === "facilitator";
  }

  zoneLabel(model, key) {
    const zone = key ? model.zone(key) : null;
    return zone ? pickLang(zone.label) : this.t.cvNoZone || "";
  }

  /** Why nothing can change on this canvas now, or "" when it can. */
  blockedReason(model) {
    const state = this.client.state;
    if (this.readOnly || !state) return this.t.cvReadOnly || "";
    if (this.client.terminal || state.session.status === "ended") return this.t.cvEnded || "";
    if (this.isFacilitator()) return "";
    if (state.session.status === "scheduled") return this.t.cvNotStarted || "";
    if (state.session.status === "paused") return this.t.cvPaused || "";
    if (state.session.input_locked) return this.t.cvInputLocked || "";
    if (state.session.current_activity_id !== model.activityId) return this.t.cvNotCurrent || "";
    if (model.settings.locked) return this.t.cvLocked || "";
    return "";
  }

  zoneLocked(model, zoneKey) {
    return !this.isFacilitator() && Boolean(zoneKey) && (model.settings.locked_zones || []).includes(zoneKey);
  }

  /** Why this note cannot change (for `action`), or "". */
  noteBlockedReason(model, note, action, targetZone = undefined) {
    const reason = this.blockedReason(model);
    if (reason) return reason;
    if (
      (action === "edit" || action === "delete") &&
      !this.isFacilitator() &&
      note.author !== this.you().key
    ) {
      return this.t.cvOnlyAuthor || "";
    }
    for (const zone of [note.zone, targetZone]) {
      if (zone !== undefined && this.zoneLocked(model, zone)) {
        return fill(this.t.cvZoneLocked, { zone: this.zoneLabel(model, zone) });
      }
    }
    if (action === "dot") {
      const left = this.dotsLeft(model);
      if (left <= 0) return this.t.errNoDotsLeft || "";
      const mine = model.board.dots.get(this.you().key);
      if (model.settings.one_dot_per_note && mine && mine.get(note.id)) {
        return this.t.errOneDotPerNote || "";
      }
    }
    return "";
  }

  dotsLeft(model) {
    return Math.max(0, (model.settings.dots_per_voter ?? 0) - model.dotsUsed(this.you().key || ""));
  }

  // --- rendering ----------------------------------------------------------------------------

  _switchTo(model) {
    this.shownId = model.activityId;
    this.selected = [];
    this.local.clear();
    for (const entry of this.remote.values()) clearTimeout(entry.timer);
    this.remote.clear();
    this.shownSettings = null;
    this.userZoomed = false;
    this.target = null;
    this.el.layer.style.width = `${model.width}px`;
    this.el.layer.style.height = `${model.height}px`;
    this.el.links.setAttribute("viewBox", `0 0 ${model.width} ${model.height}`);
    this.el.links.setAttribute("width", String(model.width));
    this.el.links.setAttribute("height", String(model.height));
    if (this.el.addZone) {
      const field = this.el.addZoneField;
      setHidden(field, model.zones.length === 0);
    }
    if (this.el.tools) this._setExportLinks(model);
    // The root was hidden until now: fit once it has a size.
    Promise.resolve().then(() => {
      if (!this.userZoomed) this.fit();
    });
  }

  _renderDotsLeft(model) {
    const element = this.el.dotsLeft;
    if (!element) return;
    const total = model.settings.dots_per_voter ?? 0;
    const show = !this.readOnly && total > 0;
    setHidden(element, !show);
    if (!show) return;
    const left = this.dotsLeft(model);
    setText(element, fill(left === 1 ? this.t.cvDotsLeftOne : this.t.cvDotsLeftOther, { left, total }));
  }

  _renderState(model) {
    const lines = [];
    const settings = model.settings;
    if (this.readOnly) {
      if (settings.private_mode) lines.push(this.t.cvProjectorPrivate);
    } else {
      const reason = this.blockedReason(model);
      if (reason) lines.push(reason);
      else if (!this.isFacilitator() && (settings.locked_zones || []).length) {
        const zones = settings.locked_zones.map((key) => this.zoneLabel(model, key)).join(", ");
        lines.push(fill(this.t.cvZonesLocked, { zones }));
      }
      if (settings.private_mode) {
        lines.push(this.isFacilitator() ? this.t.cvPrivateFacilitator : this.t.cvPrivate);
      }
      if (settings.anonymous && !this.isFacilitator()) lines.push(this.t.cvAnonymous);
    }
    const text = lines.filter(Boolean).join(" ");
    setText(this.el.state, text);
    setHidden(this.el.state, !text);
  }

  _renderControls(model) {
    const blocked = Boolean(this.blockedReason(model));
    this.el.addToggle.setAttribute("aria-disabled", String(blocked));
    if (blocked && !this.el.addForm.hidden && !this.el.addForm.contains(document.activeElement)) {
      this._closeAddForm(false);
    }
    setText(this.el.viewToggle, this.listMode ? this.t.cvShowBoard : this.t.cvShowList);
    for (const button of [this.el.zoomIn, this.el.zoomOut, this.el.zoomFit]) {
      setHidden(button, this.listMode);
    }
    // Zone options: labels in the page's language; locked zones say so.
    const select = this.el.addZone;
    if (select) {
      const wanted = model.zones.map((zone) => zone.key);
      const have = Array.from(select.options, (option) => option.value);
      if (wanted.join("\u0000") !== have.join("\u0000")) {
        const previous = select.value;
        select.replaceChildren();
        for (const zone of model.zones) {
          const option = document.createElement("option");
          option.value = zone.key;
          select.append(option);
        }
        if (wanted.includes(previous)) select.value = previous;
      }
      for (const option of select.options) {
        const locked = this.zoneLocked(model, option.value);
        const label = this.zoneLabel(model, option.value);
        setText(option, locked ? fill(this.t.cvZoneOptionLocked, { zone: label }) : label);
        option.disabled = locked;
      }
    }
  }

  _notePosition(note) {
    return this.local.get(note.id) || this.remote.get(note.id) || note;
  }

  _visibleNotes(model) {
    // The projector shows the room nothing of a private-mode canvas.
    if (this.readOnly && model.settings.private_mode) return [];
    return model.notes().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  _dotText(model, count) {
    const revealed = model.settings.dots_revealed;
    if (!count) return "";
    if (this.readOnly && !revealed) return "";
    if (revealed || this.isFacilitator()) {
      return fill(count === 1 ? this.t.cvDotsOne : this.t.cvDotsOther, { count });
    }
    return fill(count === 1 ? this.t.cvMyDotsOne : this.t.cvMyDotsOther, { count });
  }

  _authorText(model, note) {
    if (this.readOnly) return "";
    if (note.author && note.author === this.you().key) return this.t.cvMine || "";
    if (!note.author) return "";
    // Facilitators: names from the snapshot, or of people who joined since (presence).
    let name = model.authors ? model.authors[note.author] : "";
    if (!name && note.author.startsWith("p:")) {
      const id = Number(note.author.slice(2));
      const person = (this.client.state?.presence?.participants || []).find((p) => p.id === id);
      name = person ? person.name : "";
    }
    return name ? fill(this.t.cvAuthor, { name }) : "";
  }

  _renderBoard(model) {
    const focusedNote = this._focusedNoteId();
    syncList(this.el.zones, model.zones, {
      key: (zone) => zone.key,
      create: () => cloneTemplate("tpl-canvas-zone"),
      update: (node, zone) => {
        node.style.left = `${zone.x}px`;
        node.style.top = `${zone.y}px`;
        node.style.width = `${zone.width}px`;
        node.style.height = `${zone.height}px`;
        node.style.backgroundColor = zone.colour || "#e8f1fb";
        setText(node.querySelector(".canvas-zone-label"), pickLang(zone.label));
        setText(node.querySelector(".canvas-zone-prompt"), pickLang(zone.prompt));
        const locked = (model.settings.locked_zones || []).includes(zone.key);
        node.classList.toggle("is-locked", locked);
        setHidden(node.querySelector(".canvas-zone-locked"), !locked);
        node.dataset.zone = zone.key;
      },
    });
    const counts = model.dotCounts();
    const notes = this._visibleNotes(model);
    setHidden(this.el.privacy, !(this.readOnly && model.settings.private_mode));
    syncList(this.el.notes, notes, {
      key: (note) => note.id,
      create: () => {
        const node = cloneTemplate("tpl-canvas-note");
        if (this.readOnly) {
          node.removeAttribute("tabindex");
          node.removeAttribute("role");
          node.removeAttribute("aria-roledescription");
          node.removeAttribute("aria-describedby");
        }
        return node;
      },
      update: (node, note) => this._updateNote(model, node, note, counts.get(note.id) || 0),
    });
    this._renderLinks(model, notes);
    if (focusedNote && !this.el.notes.contains(document.activeElement)) this._refocus(focusedNote);
  }

  _updateNote(model, node, note, dots) {
    const position = this._notePosition(note);
    node.style.left = `${position.x}px`;
    node.style.top = `${position.y}px`;
    node.style.width = `${note.width}px`;
    node.style.minHeight = `${note.height}px`;
    node.style.backgroundColor = model.colours[note.colour] || COLOURS[note.colour] || "#ffffff";
    node.dataset.id = note.id;
    node.dataset.x = String(Math.round(note.x));
    node.dataset.y = String(Math.round(note.y));
    node.dataset.zone = note.zone || "";
    node.dataset.colour = note.colour;
    setText(node.querySelector(".canvas-note-text"), note.text);
    const cluster = note.cluster ? model.board.clusters.get(note.cluster) || "" : "";
    const clusterElement = node.querySelector(".canvas-note-cluster");
    setText(clusterElement, cluster);
    setHidden(clusterElement, !cluster);
    const dotText = this._dotText(model, dots);
    const dotsElement = node.querySelector(".canvas-note-dots");
    setText(dotsElement, dotText);
    setHidden(dotsElement, !dotText);
    const author = this._authorText(model, note);
    const authorElement = node.querySelector(".canvas-note-author");
    setText(authorElement, author);
    setHidden(authorElement, !author);
    const mine = Boolean(note.author) && note.author === this.you().key;
    const selected = this.selected.includes(note.id);
    const locked = this.zoneLocked(model, note.zone) || (!this.isFacilitator() && model.settings.locked);
    node.classList.toggle("is-mine", mine);
    node.classList.toggle("is-selected", selected);
    node.classList.toggle("is-locked", locked);
    node.classList.toggle("is-pending", model.isPending(note.id));
    node.classList.toggle("is-dragging", this.local.has(note.id) || this.remote.has(note.id));
    if (!this.readOnly) {
      const parts = [
        fill(this.t.cvInZone, { zone: this.zoneLabel(model, note.zone) }),
        fill(this.t.cvColourIs, { colour: this.t[`cvColour${capital(note.colour)}`] || note.colour }),
      ];
      if (selected) parts.push(this.t.cvSelected);
      if (locked) parts.push(this.t.cvNoteLocked);
      setText(node.querySelector(".canvas-note-context"), ` ${parts.filter(Boolean).join(". ")}.`);
    }
  }

  _renderLinks(model, notes) {
    const group = this.el.linksGroup;
    const byId = new Map(notes.map((note) => [note.id, note]));
    const wanted = [];
    for (const [id, [from, to]] of model.board.links) {
      const a = byId.get(from);
      const b = byId.get(to);
      if (a && b) wanted.push({ id, a, b });
    }
    const existing = new Map(Array.from(group.children, (line) => [line.dataset.key, line]));
    for (const { id, a, b } of wanted) {
      let line = existing.get(id);
      if (line) existing.delete(id);
      else {
        line = document.createElementNS(SVG_NS, "line");
        line.dataset.key = id;
        line.setAttribute("class", "canvas-link");
        line.setAttribute("marker-end", "url(#canvas-arrow)");
        group.append(line);
      }
      const [x1, y1, x2, y2] = this._linkEnds(this._box(a), this._box(b));
      line.setAttribute("x1", x1.toFixed(1));
      line.setAttribute("y1", y1.toFixed(1));
      line.setAttribute("x2", x2.toFixed(1));
      line.setAttribute("y2", y2.toFixed(1));
    }
    for (const line of existing.values()) line.remove();
  }

  _box(note) {
    const position = this._notePosition(note);
    const element = this.el.notes.querySelector(`[data-key="${CSS.escape(note.id)}"]`);
    const height = element ? Math.max(note.height, element.offsetHeight || 0) : note.height;
    return { x: position.x, y: position.y, w: note.width, h: height };
  }

  /** From the edge of box a to the edge of box b, along the line between their centres. */
  _linkEnds(a, b) {
    const ca = [a.x + a.w / 2, a.y + a.h / 2];
    const cb = [b.x + b.w / 2, b.y + b.h / 2];
    const edge = (centre, half, towards) => {
      const dx = towards[0] - centre[0];
      const dy = towards[1] - centre[1];
      if (!dx && !dy) return centre;
      const scale = Math.min(
        dx ? half[0] / Math.abs(dx) : Infinity,
        dy ? half[1] / Math.abs(dy) : Infinity,
        1,
      );
      return [centre[0] + dx * scale, centre[1] + dy * scale];
    };
    const start = edge(ca, [a.w / 2, a.h / 2], cb);
    const end = edge(cb, [b.w / 2 + 4, b.h / 2 + 4], ca);
    return [start[0], start[1], end[0], end[1]];
  }

  _renderList(model) {
    if (!this.el.sections) return;
    const focused = document.activeElement;
    const hadFocus = this.el.sections.contains(focused);
    const focusedItem = hadFocus ? focused.closest(".canvas-item") : null;
    const focusedKey = focusedItem ? focusedItem.dataset.key : null;
    const control = [
      "canvas-item-move-go",
      "canvas-item-move",
      "canvas-item-select",
      "canvas-item-dot",
      "canvas-item-recolour",
    ].find((name) => focused?.classList?.contains(name));
    const focusedSection = hadFocus ? focused.closest(".canvas-section") : null;
    const counts = model.dotCounts();
    const notes = this._visibleNotes(model);
    const zoneKeys = new Set(model.zones.map((zone) => zone.key));
    const sections = model.zones.map((zone) => ({ key: zone.key, zone }));
    const loose = notes.filter((note) => !note.zone || !zoneKeys.has(note.zone));
    if (loose.length || !model.zones.length) sections.push({ key: "", zone: null });
    const texts = new Map(notes.map((note) => [note.id, note.text]));
    syncList(this.el.sections, sections, {
      key: (section) => section.key || "-",
      create: () => cloneTemplate("tpl-canvas-section"),
      update: (node, section) => {
        const title = node.querySelector(".canvas-section-title");
        const label = section.zone
          ? pickLang(section.zone.label)
          : model.zones.length
            ? this.t.cvNoZone
            : this.t.cvAllNotes;
        setText(title, label);
        const prompt = section.zone ? pickLang(section.zone.prompt) : "";
        setText(node.querySelector(".canvas-section-prompt"), prompt);
        setHidden(node.querySelector(".canvas-section-prompt"), !prompt);
        const locked = section.zone && (model.settings.locked_zones || []).includes(section.zone.key);
        setHidden(node.querySelector(".canvas-section-locked"), !locked);
        node.dataset.zone = section.key;
        const items = section.zone
          ? notes.filter((note) => note.zone === section.zone.key)
          : loose.length || model.zones.length
            ? loose
            : notes;
        items.sort((a, b) => a.y - b.y || a.x - b.x || (a.id < b.id ? -1 : 1));
        setHidden(node.querySelector(".canvas-section-empty"), items.length > 0);
        const list = node.querySelector(".canvas-items");
        list.setAttribute("aria-label", label);
        syncList(list, items, {
          key: (note) => note.id,
          create: () => cloneTemplate("tpl-canvas-item"),
          update: (item, note) => this._updateItem(model, item, note, counts.get(note.id) || 0, texts),
        });
      },
    });
    if (hadFocus && !this.el.sections.contains(document.activeElement)) {
      // The focused item went away (deleted, or moved to another zone).
      const moved = focusedKey
        ? this.el.sections.querySelector(`.canvas-item[data-key="${CSS.escape(focusedKey)}"]`)
        : null;
      const again =
        moved &&
        ((control && moved.querySelector(`.${control}`)) || moved.querySelector("button:not([hidden])"));
      const heading = focusedSection?.isConnected
        ? focusedSection.querySelector(".canvas-section-title")
        : this.el.listTitle;
      (again || heading || this.el.heading).focus({ preventScroll: false });
    }
  }

  _updateItem(model, item, note, dots, texts) {
    item.dataset.id = note.id;
    setText(item.querySelector(".canvas-item-text"), note.text);
    const colourName = this.t[`cvColour${capital(note.colour)}`] || note.colour;
    const swatch = item.querySelector(".canvas-item-swatch");
    swatch.style.backgroundColor = model.colours[note.colour] || COLOURS[note.colour] || "#ffffff";
    setText(item.querySelector(".canvas-item-colour"), colourName);
    const author = this._authorText(model, note);
    setText(item.querySelector(".canvas-item-author"), author);
    setHidden(item.querySelector(".canvas-item-author"), !author);
    const cluster = note.cluster ? model.board.clusters.get(note.cluster) || "" : "";
    const clusterElement = item.querySelector(".canvas-item-cluster");
    setText(clusterElement, cluster ? fill(this.t.cvInCluster, { name: cluster }) : "");
    setHidden(clusterElement, !cluster);
    const dotText = this._dotText(model, dots);
    setText(item.querySelector(".canvas-item-dots"), dotText);
    setHidden(item.querySelector(".canvas-item-dots"), !dotText);
    const links = [];
    for (const [from, to] of model.board.links.values()) {
      if (from === note.id && texts.has(to))
        links.push(fill(this.t.cvLeadsTo, { text: excerpt(texts.get(to)) }));
      if (to === note.id && texts.has(from))
        links.push(fill(this.t.cvComesFrom, { text: excerpt(texts.get(from)) }));
    }
    const linksElement = item.querySelector(".canvas-item-links");
    setText(linksElement, links.join(" · "));
    setHidden(linksElement, !links.length);
    const context = ` (${excerpt(note.text, 40)})`;
    for (const span of item.querySelectorAll(".canvas-item-context")) setText(span, context);
    const blocked = this.blockedReason(model);
    const editable = !this.noteBlockedReason(model, note, "edit");
    const canDot = !this.noteBlockedReason(model, note, "dot");
    setHidden(item.querySelector(".canvas-item-edit"), !editable);
    setHidden(item.querySelector(".canvas-item-delete"), !editable);
    const dotButton = item.querySelector(".canvas-item-dot");
    setHidden(dotButton, Boolean(blocked));
    dotButton.setAttribute("aria-disabled", String(!canDot));
    setHidden(
      item.querySelector(".canvas-item-recolour"),
      Boolean(this.noteBlockedReason(model, note, "recolour")),
    );
    const move = item.querySelector(".canvas-item-move");
    const moveField = item.querySelector(".canvas-item-move-field");
    const movable = model.zones.length > 1 && !this.noteBlockedReason(model, note, "move");
    setHidden(moveField, !movable);
    if (movable) {
      const label = item.querySelector(".canvas-item-move-label");
      const id = `canvas-move-${note.id}`;
      move.id = id;
      label.htmlFor = id;
      const want = model.zones.map((zone) => zone.key).join("\u0000");
      if (move.dataset.zones !== want) {
        move.replaceChildren();
        for (const zone of model.zones) {
          const option = document.createElement("option");
          option.value = zone.key;
          option.textContent = pickLang(zone.label);
          move.append(option);
        }
        move.dataset.zones = want;
      }
      for (const option of move.options) option.disabled = this.zoneLocked(model, option.value);
      if (document.activeElement !== move && !move.dataset.touched) move.value = note.zone || "";
    }
    const select = item.querySelector(".canvas-item-select");
    if (select) {
      const selectField = item.querySelector(".canvas-item-select-field");
      setHidden(selectField, !this.isFacilitator() || this.readOnly);
      select.checked = this.selected.includes(note.id);
    }
  }

  _renderTools(model) {
    const tools = this.el.tools;
    const ended = Boolean(this.blockedReason(model));
    const settings = model.settings;
    for (const box of tools.querySelectorAll("input[type=checkbox][data-setting]")) {
      box.checked = Boolean(this._setting(model, box.dataset.setting));
      box.disabled = ended;
    }
    const dotsInput = tools.querySelector("#canvas-set-dots");
    const limitInput = tools.querySelector("#canvas-set-limit");
    if (document.activeElement !== dotsInput && !dotsInput.dataset.dirty)
      dotsInput.value = String(settings.dots_per_voter ?? 5);
    if (document.activeElement !== limitInput && !limitInput.dataset.dirty)
      limitInput.value = String(settings.note_limit ?? 50);
    const zoneBoxes = tools.querySelector("#canvas-set-zones-list");
    setHidden(tools.querySelector("#canvas-set-zones"), model.zones.length === 0);
    syncList(zoneBoxes, model.zones, {
      key: (zone) => zone.key,
      create: () => cloneTemplate("tpl-canvas-zone-lock"),
      update: (node, zone) => {
        const box = node.querySelector("input");
        box.dataset.zone = zone.key;
        box.id = `canvas-lock-${zone.key}`;
        node.querySelector("label").htmlFor = box.id;
        setText(node.querySelector(".canvas-zone-lock-label"), pickLang(zone.label));
        box.checked = (this._setting(model, "locked_zones") || []).includes(zone.key);
        box.disabled = ended;
      },
    });
    const focusField = tools.querySelector("#canvas-focus-field");
    setHidden(focusField, model.zones.length === 0);
    const focusSelect = tools.querySelector("#canvas-focus-zone");
    const want = model.zones.map((zone) => zone.key).join("\u0000");
    if (focusSelect.dataset.zones !== want) {
      focusSelect.replaceChildren();
      for (const zone of model.zones) {
        const option = document.createElement("option");
        option.value = zone.key;
        option.textContent = pickLang(zone.label);
        focusSelect.append(option);
      }
      focusSelect.dataset.zones = want;
    }
    setText(
      tools.querySelector("#canvas-focus-now"),
      settings.focus_zone
        ? fill(this.t.cvFocusNow, { zone: this.zoneLabel(model, settings.focus_zone) })
        : this.t.cvFocusNone,
    );
    // The selection: notes picked with the list's checkboxes, Space, or Shift + click.
    const live = new Set(model.notes().map((note) => note.id));
    this.selected = this.selected.filter((id) => live.has(id));
    setText(tools.querySelector("#canvas-selected-count"), String(this.selected.length));
    const selectedNotes = this.selected.map((id) => model.board.notes.get(id));
    syncList(tools.querySelector("#canvas-selected-list"), selectedNotes, {
      key: (note) => note.id,
      create: () => document.createElement("li"),
      update: (node, note) => setText(node, excerpt(note.text, 80)),
    });
    setHidden(tools.querySelector("#canvas-selected-empty"), this.selected.length > 0);
    const two = this.selected.length === 2;
    tools
      .querySelector("#canvas-cluster")
      .setAttribute("aria-disabled", String(ended || this.selected.length === 0));
    tools.querySelector("#canvas-link").setAttribute("aria-disabled", String(ended || !two));
    tools.querySelector("#canvas-merge").setAttribute("aria-disabled", String(ended || !two));
    tools
      .querySelector("#canvas-clear-selection")
      .setAttribute("aria-disabled", String(this.selected.length === 0));
  }

  _setExportLinks(model) {
    const code = this.client.code;
    for (const link of this.el.tools.querySelectorAll("[data-export]")) {
      link.href = `/facilitar/${encodeURIComponent(code)}/lienzos/${model.activityId}/exportar.${link.dataset.export}`;
    }
  }

  // --- settings seen change: announce, follow the focus zone ------------------------------

  _followSettings(model) {
    const settings = model.settings;
    const previous = this.shownSettings;
    this.shownSettings = { ...settings, locked_zones: [...(settings.locked_zones || [])] };
    // Participants and the projector follow the facilitator's focus; the console does not.
    const follows = this.readOnly || !this.isFacilitator();
    if (!previous) {
      if (settings.focus_zone && follows) this.focusZone(settings.focus_zone, false);
      return;
    }
    const say = [];
    if (previous.locked !== settings.locked)
      say.push(settings.locked ? this.t.cvAnnLocked : this.t.cvAnnUnlocked);
    if (previous.private_mode !== settings.private_mode) {
      say.push(settings.private_mode ? this.t.cvAnnPrivateOn : this.t.cvAnnPrivateOff);
    }
    if (!previous.dots_revealed && settings.dots_revealed) say.push(this.t.cvAnnDotsRevealed);
    if (previous.locked_zones.join() !== (settings.locked_zones || []).join())
      say.push(this.t.cvAnnZonesChanged);
    if (settings.focus_zone && settings.focus_zone !== previous.focus_zone) {
      say.push(fill(this.t.cvAnnFocus, { zone: this.zoneLabel(model, settings.focus_zone) }));
      if (follows) this.focusZone(settings.focus_zone, true);
    }
    const text = say.filter(Boolean).join(" ");
    // Facilitators made these changes themselves, and their feedback said so.
    if (text && !this.isFacilitator()) this.announce(text);
  }

  /** Bring a zone into view: zoom the board to it, or scroll the list to its heading. */
  focusZone(key, smooth) {
    const model = this.model();
    const zone = model?.zone(key);
    if (!zone) return;
    if (this.listMode) {
      if (!smooth) return; // not on page load: the page would jump
      const section = this.el.sections?.querySelector(`.canvas-section[data-zone="${CSS.escape(key)}"]`);
      if (section) section.scrollIntoView({ block: "start", behavior: smooth ? "smooth" : "auto" });
      return;
    }
    this.target = { x: zone.x, y: zone.y, w: zone.width, h: zone.height };
    this.userZoomed = false;
    this.fit();
  }

  // --- announcements ----------------------------------------------------------------------

  announce(text) {
    const region = this.el.announcer;
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(() => {
      region.textContent = text;
    }, 50);
  }

  _countChange(effectType) {
    const kind = EFFECT_KIND[effectType];
    if (!kind) return;
    const now = Date.now();
    if (!this.burstStart) this.burstStart = now;
    this.bursts[kind] = (this.bursts[kind] || 0) + 1;
    clearTimeout(this.announceTimer);
    const wait = now - this.burstStart >= ANNOUNCE_MAX_WAIT_MS ? 0 : ANNOUNCE_QUIET_MS;
    this.announceTimer = window.setTimeout(() => this._flushBurst(), wait);
  }

  _flushBurst() {
    const parts = [];
    for (const kind of BURST_KINDS) {
      const count = this.bursts[kind];
      if (!count) continue;
      const key = `cvAnn${capital(kind)}${count === 1 ? "One" : "Other"}`;
      parts.push(fill(this.t[key], { count }));
    }
    this.bursts = {};
    this.burstStart = 0;
    if (parts.length && !this.root.hidden) this.announce(parts.join(", "));
  }

  feedback(text, isError = false, element = this.el.feedback) {
    if (!element) return;
    element.classList.toggle("is-error", isError);
    element.textContent = "";
    window.setTimeout(() => {
      element.textContent = text || "";
    }, 30);
  }

  // --- pan and zoom ------------------------------------------------------------------------

  _applyView() {
    const { scale, x, y } = this.view;
    this.el.layer.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    this.el.viewport.style.setProperty("--canvas-scale", String(scale));
  }

  _viewportRect() {
    return this.el.viewport.getBoundingClientRect();
  }

  /** Show the target rect (a focused zone) or the whole board, as large as fits. */
  fit() {
    const model = this.model();
    if (!model || this.listMode) return;
    if (this.target) this.zoomToRect(this.target);
    else this.zoomToRect({ x: 0, y: 0, w: model.width, h: model.height }, 1);
  }

  zoomToRect(rect, fillRatio = 0.95) {
    const box = this._viewportRect();
    if (!box.width || !box.height) return;
    const scale = clamp(Math.min(box.width / rect.w, box.height / rect.h) * fillRatio, MIN_SCALE, MAX_SCALE);
    this.view = {
      scale,
      x: box.width / 2 - (rect.x + rect.w / 2) * scale,
      y: box.height / 2 - (rect.y + rect.h / 2) * scale,
    };
    this._applyView();
  }

  /** Zoom by `factor` around a point of the viewport (its centre by default). */
  zoomBy(factor, cx = null, cy = null) {
    const box = this._viewportRect();
    const px = cx ?? box.width / 2;
    const py = cy ?? box.height / 2;
    const { scale, x, y } = this.view;
    const next = clamp(scale * factor, MIN_SCALE, MAX_SCALE);
    this.view = { scale: next, x: px - ((px - x) * next) / scale, y: py - ((py - y) * next) / scale };
    this.userZoomed = true;
    this._applyView();
  }

  /** Board units for a point on the screen. */
  toBoard(clientX, clientY) {
    const box = this._viewportRect();
    const { scale, x, y } = this.view;
    return { x: (clientX - box.left - x) / scale, y: (clientY - box.top - y) / scale };
  }

  /** Pan so the note is inside the viewport (after keyboard focus or a keyboard move). */
  ensureVisible(note) {
    const box = this._viewportRect();
    if (!box.width) return;
    const position = this._notePosition(note);
    const { scale, x, y } = this.view;
    const left = position.x * scale + x;
    const top = position.y * scale + y;
    const right = left + note.width * scale;
    const bottom = top + note.height * scale;
    const margin = 16;
    let dx = 0;
    let dy = 0;
    if (left < margin) dx = margin - left;
    else if (right > box.width - margin) dx = Math.max(margin - left, box.width - margin - right);
    if (top < margin) dy = margin - top;
    else if (bottom > box.height - margin) dy = Math.max(margin - top, box.height - margin - bottom);
    if (dx || dy) {
      this.view = { scale, x: x + dx, y: y + dy };
      this.userZoomed = true;
      this._applyView();
    }
  }

  // --- ops ---------------------------------------------------------------------------------

  /** Send an op for the shown canvas; errors go to `feedbackElement` (and are announced). */
  op(op, { feedbackElement = this.el.feedback, done = null } = {}) {
    const model = this.model();
    if (!model) return Promise.resolve(null);
    // A list item is redrawn elsewhere when its note changes zone, and goes away when it
    // is deleted: answer next to the item as it is now, or in the canvas's own region.
    const where = () => {
      if (!feedbackElement || feedbackElement.isConnected) return feedbackElement || this.el.feedback;
      const key = feedbackElement.closest(".canvas-item")?.dataset.key;
      const item = key && this.el.sections?.querySelector(`.canvas-item[data-key="${CSS.escape(key)}"]`);
      return item ? item.querySelector(".canvas-item-feedback") : this.el.feedback;
    };
    return this.client.canvasOp(model.activityId, op).then(
      (result) => {
        if (done) this.feedback(done, false, where());
        return result;
      },
      (error) => {
        this.feedback(fill(this.t.cvOpFailed, { reason: this.client.describeError(error) }), true, where());
        return null;
      },
    );
  }

  /** A setting as the facilitator's controls show it: the value just asked for, until
      the canvas has it (so a redraw in between does not flip a checkbox back). */
  _setting(model, key) {
    const pending = this.pendingSettings.get(key);
    if (pending) {
      if (JSON.stringify(model.settings[key]) !== JSON.stringify(pending.value)) return pending.value;
      this.pendingSettings.delete(key);
    }
    return model.settings[key];
  }

  settingsCommand(fields, doneText) {
    const model = this.model();
    if (!model) return Promise.resolve(null);
    const token = {};
    for (const [key, value] of Object.entries(fields)) this.pendingSettings.set(key, { value, token });
    const forget = () => {
      for (const key of Object.keys(fields)) {
        if (this.pendingSettings.get(key)?.token === token) this.pendingSettings.delete(key);
      }
      this.scheduleRender();
    };
    this.feedback(this.t.cvSaving || "");
    return this.client.send("canvas.settings", { activity_id: model.activityId, ...fields }).then(
      (result) => {
        this.feedback(doneText || this.t.cvSaved || "");
        // Its event normally came first; if it is late, stop waiting after a while.
        window.setTimeout(forget, 5000);
        this.scheduleRender();
        return result;
      },
      (error) => {
        this.feedback(fill(this.t.cvOpFailed, { reason: this.client.describeError(error) }), true);
        forget();
        return null;
      },
    );
  }

  _refuse(reason, element = this.el.feedback) {
    if (reason) this.feedback(reason, true, element);
  }

  moveNote(note, x, y) {
    const model = this.model();
    const px = Math.round(clamp(x, 0, model.width));
    const py = Math.round(clamp(y, 0, model.height));
    this.local.delete(note.id);
    if (px === Math.round(note.x) && py === Math.round(note.y)) {
      this.scheduleRender();
      return;
    }
    const reason = this.noteBlockedReason(model, note, "move", model.zoneAt(px, py));
    if (reason) {
      this._refuse(reason);
      this.scheduleRender();
      return;
    }
    this.op({ op: "move", note: note.id, x: px, y: py });
  }

  addDot(note, element) {
    const model = this.model();
    const reason = this.noteBlockedReason(model, note, "dot");
    if (reason) return this._refuse(reason, element);
    this.op({ op: "dot", note: note.id }, { feedbackElement: element, done: this.t.cvDotAdded });
  }

  cycleColour(note, element) {
    const model = this.model();
    const reason = this.noteBlockedReason(model, note, "recolour");
    if (reason) return this._refuse(reason, element);
    const next = COLOUR_NAMES[(COLOUR_NAMES.indexOf(note.colour) + 1) % COLOUR_NAMES.length];
    const name = this.t[`cvColour${capital(next)}`] || next;
    this.op(
      { op: "recolour", note: note.id, colour: next },
      { feedbackElement: element, done: fill(this.t.cvRecoloured, { colour: name }) },
    );
  }

  deleteNote(note, element) {
    const model = this.model();
    const reason = this.noteBlockedReason(model, note, "delete");
    if (reason) return this._refuse(reason, element);
    if (!window.confirm(fill(this.t.cvConfirmDelete, { text: excerpt(note.text) }))) return;
    this.op({ op: "delete", note: note.id }, { feedbackElement: element, done: this.t.cvDeleted });
  }

  moveToZone(note, zoneKey, element) {
    const model = this.model();
    if (note.zone === zoneKey) return;
    const reason = this.noteBlockedReason(model, note, "move", zoneKey);
    if (reason) return this._refuse(reason, element);
    const spot = freeSpot(model, zoneKey, { width: note.width, height: note.height }, (n) => this._box(n).h);
    this.op(
      { op: "move", note: note.id, x: spot.x, y: spot.y },
      { feedbackElement: element, done: fill(this.t.cvMovedTo, { zone: this.zoneLabel(model, zoneKey) }) },
    );
  }

  toggleSelected(noteId) {
    if (!this.isFacilitator() || this.readOnly) return;
    const index = this.selected.indexOf(noteId);
    if (index >= 0) this.selected.splice(index, 1);
    else this.selected.push(noteId);
    const note = this.model()?.board.notes.get(noteId);
    if (note) {
      this.announce(
        fill(index >= 0 ? this.t.cvUnselectedNote : this.t.cvSelectedNote, {
          text: excerpt(note.text),
          count: this.selected.length,
        }),
      );
    }
    this.render();
  }

  // --- the edit dialog ---------------------------------------------------------------------

  openEdit(note, returnTo) {
    const model = this.model();
    const reason = this.noteBlockedReason(model, note, "edit");
    if (reason) return this._refuse(reason);
    const dialog = this.el.dialog;
    this.editing = { id: note.id, returnTo, original: note.text };
    this.el.editText.value = note.text;
    this.el.editText.removeAttribute("aria-invalid");
    setText(this.el.editFeedback, "");
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    this.el.editText.focus();
    this.el.editText.select();
  }

  closeEdit() {
    const dialog = this.el.dialog;
    const editing = this.editing;
    this.editing = null;
    if (dialog.open) dialog.close();
    if (!editing) return;
    const back = editing.returnTo;
    if (back && back.isConnected && !back.closest("[hidden]")) back.focus({ preventScroll: true });
    else this._refocus(editing.id);
  }

  _saveEdit() {
    const editing = this.editing;
    const model = this.model();
    if (!editing || !model) return this.closeEdit();
    const text = this.el.editText.value.trim();
    const problem = !text ? this.t.cvEmptyText : text.length > 1000 ? this.t.errTextTooLong : "";
    if (problem) {
      this.el.editText.setAttribute("aria-invalid", "true");
      setText(this.el.editFeedback, problem);
      this.el.editText.focus();
      return;
    }
    const note = model.board.notes.get(editing.id);
    this.closeEdit();
    if (!note || note.deleted) return this._refuse(this.t.errDeleted);
    if (text === note.text) return;
    this.op({ op: "edit", note: note.id, text }, { done: this.t.cvEdited });
  }

  // --- the add form ----------------------------------------------------------------------------

  openAddForm(zoneKey = null) {
    const model = this.model();
    if (!model) return;
    const reason = this.blockedReason(model);
    if (reason) return this._refuse(reason);
    setHidden(this.el.addForm, false);
    this.el.addToggle.setAttribute("aria-expanded", "true");
    if (zoneKey && this.el.addZone) this.el.addZone.value = zoneKey;
    this.el.addText.focus();
  }

  _closeAddForm(returnFocus = true) {
    setHidden(this.el.addForm, true);
    this.el.addToggle.setAttribute("aria-expanded", "false");
    if (returnFocus) this.el.addToggle.focus();
  }

  _submitAdd() {
    const model = this.model();
    if (!model) return;
    const output = this.el.addFeedback;
    const reason = this.blockedReason(model);
    if (reason) return this._refuse(reason, output);
    const text = this.el.addText.value.trim();
    if (!text || text.length > 1000) {
      this.el.addText.setAttribute("aria-invalid", "true");
      this.feedback(text ? this.t.errTextTooLong : this.t.cvEmptyText, true, output);
      this.el.addText.focus();
      return;
    }
    this.el.addText.removeAttribute("aria-invalid");
    const zone = model.zones.length ? this.el.addZone.value || model.zones[0].key : null;
    if (zone && this.zoneLocked(model, zone)) {
      return this._refuse(fill(this.t.cvZoneLocked, { zone: this.zoneLabel(model, zone) }), output);
    }
    const colour = this.el.addColour.value in COLOURS ? this.el.addColour.value : "yellow";
    const size = noteSize(zone ? model.zone(zone) : null);
    const spot = freeSpot(model, zone, size, (n) => this._box(n).h);
    const id = newId("n");
    const typed = this.el.addText.value;
    this.el.addText.value = "";
    this.feedback(this.t.cvAdding || "", false, output);
    this.client
      .canvasOp(model.activityId, { op: "create", id, text, colour, x: spot.x, y: spot.y, ...size })
      .then(
        () => {
          const where = zone ? this.zoneLabel(model, zone) : "";
          this.feedback(where ? fill(this.t.cvAddedIn, { zone: where }) : this.t.cvAdded, false, output);
          if (!this.listMode) {
            const note = this.model()?.board.notes.get(id);
            if (note) this.ensureVisible(note);
          }
        },
        (error) => {
          if (!this.el.addText.value) this.el.addText.value = typed; // nothing typed is lost
          this.feedback(fill(this.t.cvOpFailed, { reason: this.client.describeError(error) }), true, output);
        },
      );
  }

  // --- focus helpers -----------------------------------------------------------------------------

  _focusedNoteId() {
    const active = document.activeElement;
    const note = active && active.closest ? active.closest(".canvas-note") : null;
    return note && this.el.notes.contains(note) ? note.dataset.key : null;
  }

  _noteElement(id) {
    return this.el.notes.querySelector(`.canvas-note[data-key="${CSS.escape(id)}"]`);
  }

  _refocus(id) {
    const element = id ? this._noteElement(id) : null;
    if (element) {
      element.focus({ preventScroll: true });
      return;
    }
    // The note went away: the next one, or the heading.
    const first = this.el.notes.querySelector(".canvas-note");
    (first || this.el.heading).focus({ preventScroll: true });
  }

  // --- dragging ------------------------------------------------------------------------------------

  _sendDrag(noteId, position) {
    const model = this.model();
    if (!model) return;
    let entry = this.dragSent.get(noteId);
    if (!entry) {
      entry = { last: 0, timer: null, pos: null };
      this.dragSent.set(noteId, entry);
    }
    entry.pos = position;
    const send = () => {
      entry.last = performance.now();
      this.client.sendEphemeral({
        type: "canvas.drag",
        activity_id: model.activityId,
        note: noteId,
        x: Math.round(entry.pos.x * 10) / 10,
        y: Math.round(entry.pos.y * 10) / 10,
      });
    };
    const since = performance.now() - entry.last;
    if (since >= DRAG_INTERVAL_MS) send();
    else if (!entry.timer) {
      entry.timer = window.setTimeout(() => {
        entry.timer = null;
        send();
      }, DRAG_INTERVAL_MS - since);
    }
  }

  _stopDragFrames(noteId) {
    const entry = this.dragSent.get(noteId);
    if (entry) clearTimeout(entry.timer);
    this.dragSent.delete(noteId);
  }

  _placeNote(noteId) {
    const model = this.model();
    const note = model?.board.notes.get(noteId);
    const element = this._noteElement(noteId);
    if (!note || !element) return;
    const position = this._notePosition(note);
    element.style.left = `${position.x}px`;
    element.style.top = `${position.y}px`;
    element.classList.toggle("is-dragging", this.local.has(noteId) || this.remote.has(noteId));
    this._renderLinks(model, this._visibleNotes(model));
    this._highlightZone(this.local.has(noteId) ? model.zoneAt(position.x, position.y) : null);
  }

  _highlightZone(key) {
    for (const zone of this.el.zones.children)
      zone.classList.toggle("is-target", Boolean(key) && zone.dataset.zone === key);
  }

  _onRemoteDrag(frame) {
    const model = this.model();
    if (!model || frame.activity_id !== model.activityId || !Array.isArray(frame.moves)) return;
    for (const move of frame.moves) {
      if (typeof move.note !== "string" || !Number.isFinite(move.x) || !Number.isFinite(move.y)) continue;
      if (this.local.has(move.note) || (this.drag && this.drag.id === move.note)) continue;
      const previous = this.remote.get(move.note);
      if (previous) clearTimeout(previous.timer);
      const entry = { x: move.x, y: move.y, timer: null };
      entry.timer = window.setTimeout(() => {
        if (this.remote.get(move.note) === entry) {
          this.remote.delete(move.note);
          this.scheduleRender();
        }
      }, REMOTE_DRAG_TTL_MS);
      this.remote.set(move.note, entry);
      if (!this.listMode) this._placeNote(move.note);
    }
  }

  // --- wiring ----------------------------------------------------------------------------------------

  _wire() {
    const client = this.client;
    client.on("snapshot", () => this.scheduleRender());
    client.on("canvas", () => this.scheduleRender());
    client.on("presence", () => {
      const count = client.state?.presence?.count ?? 0;
      setText(this.el.presence, fill(count === 1 ? this.t.cvPresenceOne : this.t.cvPresenceOther, { count }));
      // Facilitators name authors from the people present: someone may have just joined.
      if (this.isFacilitator() && !this.readOnly) this.scheduleRender();
    });
    client.on("terminal", () => this.scheduleRender());
    client.on("drag", (frame) => this._onRemoteDrag(frame));
    client.on("event", ({ event, data, own }) => {
      const model = this.model();
      if (!model || !data || data.activity_id !== model.activityId) {
        this.scheduleRender();
        return;
      }
      if (event === "canvas.effect" && data.effect) {
        const effect = data.effect;
        if (effect.type === "note.moved") {
          const entry = this.remote.get(effect.note);
          if (entry) clearTimeout(entry.timer);
          this.remote.delete(effect.note);
        }
        if (!own) this._countChange(effect.type);
      }
      this.scheduleRender();
    });

    const viewport = this.el.viewport;
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => {
        if (!this.userZoomed) this.fit();
      }).observe(viewport);
    }
    if (this.readOnly) return;

    viewport.addEventListener("pointerdown", (event) => this._pointerDown(event));
    viewport.addEventListener("pointermove", (event) => this._pointerMove(event));
    viewport.addEventListener("pointerup", (event) => this._pointerUp(event, false));
    viewport.addEventListener("pointercancel", (event) => this._pointerUp(event, true));
    viewport.addEventListener(
      "wheel",
      (event) => {
        if (!event.ctrlKey && !event.metaKey) return; // plain wheel: the page scrolls
        event.preventDefault();
        const box = this._viewportRect();
        this.zoomBy(Math.exp(-event.deltaY * 0.0025), event.clientX - box.left, event.clientY - box.top);
      },
      { passive: false },
    );
    this.el.notes.addEventListener("keydown", (event) => this._noteKey(event));
    this.el.notes.addEventListener("keyup", (event) => {
      if (event.key.startsWith("Arrow"))
        this._scheduleKeyCommit(event.target.closest(".canvas-note")?.dataset.key);
    });
    this.el.notes.addEventListener("focusin", (event) => {
      const id = event.target.closest(".canvas-note")?.dataset.key;
      const note = id ? this.model()?.board.notes.get(id) : null;
      if (note && event.target.matches(":focus-visible")) this.ensureVisible(note);
    });
    this.el.notes.addEventListener("focusout", (event) => {
      const id = event.target.closest(".canvas-note")?.dataset.key;
      if (id && this.keyTimers.has(id)) this._commitKeyMove(id);
    });
    this.el.notes.addEventListener("dblclick", (event) => {
      const element = event.target.closest(".canvas-note");
      const note = element ? this.model()?.board.notes.get(element.dataset.key) : null;
      if (note) this.openEdit(note, element);
    });

    this.el.addToggle.addEventListener("click", () => {
      if (this.el.addToggle.getAttribute("aria-disabled") === "true") {
        const model = this.model();
        if (model) this._refuse(this.blockedReason(model));
        return;
      }
      if (this.el.addForm.hidden) this.openAddForm();
      else this._closeAddForm();
    });
    this.el.addClose.addEventListener("click", () => this._closeAddForm());
    this.el.addForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this._submitAdd();
    });
    this.el.addForm.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this._closeAddForm();
      }
    });
    this.el.viewToggle.addEventListener("click", () => {
      this.listMode = !this.listMode;
      this.render();
      if (!this.listMode && !this.userZoomed) this.fit();
      this.announce(this.listMode ? this.t.cvListShown : this.t.cvBoardShown);
    });
    this.el.zoomIn.addEventListener("click", () => this.zoomBy(1.25));
    this.el.zoomOut.addEventListener("click", () => this.zoomBy(0.8));
    this.el.zoomFit.addEventListener("click", () => {
      this.userZoomed = false;
      this.target = null;
      this.fit();
    });

    this.el.editForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this._saveEdit();
    });
    this.el.editText.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this._saveEdit();
      }
    });
    this.el.editCancel.addEventListener("click", () => this.closeEdit());
    this.el.dialog.addEventListener("cancel", (event) => {
      event.preventDefault(); // Escape: close ourselves, so focus goes back where it was
      this.closeEdit();
    });

    if (this.el.sections) this._wireList();
    if (this.el.tools) this._wireTools();
  }

  _wireList() {
    const sections = this.el.sections;
    const noteOf = (element) => {
      const item = element.closest(".canvas-item");
      return item ? this.model()?.board.notes.get(item.dataset.key) : null;
    };
    sections.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) return;
      const note = noteOf(button);
      if (!note) return;
      const output = button.closest(".canvas-item").querySelector(".canvas-item-feedback");
      if (button.classList.contains("canvas-item-edit")) this.openEdit(note, button);
      else if (button.classList.contains("canvas-item-delete")) this.deleteNote(note, output);
      else if (button.classList.contains("canvas-item-dot")) this.addDot(note, output);
      else if (button.classList.contains("canvas-item-recolour")) this.cycleColour(note, output);
      else if (button.classList.contains("canvas-item-move-go")) {
        const select = button.closest(".canvas-item").querySelector(".canvas-item-move");
        delete select.dataset.touched;
        this.moveToZone(note, select.value, output);
      }
    });
    sections.addEventListener("change", (event) => {
      const target = event.target;
      const note = noteOf(target);
      if (!note) return;
      // The zone select acts only with its «Mover» button: arrow keys on a select fire
      // change events, and each would move the note.
      if (target.classList.contains("canvas-item-move")) {
        target.dataset.touched = "1"; // keep the choice through redraws until «Mover»
      } else if (target.classList.contains("canvas-item-select")) {
        const chosen = this.selected.includes(note.id);
        if (chosen !== target.checked) this.toggleSelected(note.id);
      }
    });
  }

  _wireTools() {
    const tools = this.el.tools;
    tools.addEventListener("change", (event) => {
      const box = event.target;
      if (box.matches("input[type=checkbox][data-setting]")) {
        const key = box.dataset.setting;
        const label = box.closest("label")?.textContent.trim() || key;
        this.settingsCommand({ [key]: box.checked }, fill(this.t.cvSettingDone, { setting: label }));
      } else if (box.matches("input[type=checkbox][data-zone]")) {
        const model = this.model();
        if (!model) return;
        const zones = new Set(this._setting(model, "locked_zones") || []);
        if (box.checked) zones.add(box.dataset.zone);
        else zones.delete(box.dataset.zone);
        const ordered = model.zones.map((zone) => zone.key).filter((key) => zones.has(key));
        const zone = this.zoneLabel(model, box.dataset.zone);
        this.settingsCommand(
          { locked_zones: ordered },
          fill(box.checked ? this.t.cvZoneLockDone : this.t.cvZoneUnlockDone, { zone }),
        );
      }
    });
    for (const input of tools.querySelectorAll("#canvas-set-dots, #canvas-set-limit")) {
      input.addEventListener("input", () => {
        input.dataset.dirty = "1";
      });
    }
    tools.addEventListener("submit", (event) => {
      event.preventDefault();
      const form = event.target;
      if (form.id === "canvas-numbers-form") this._submitNumbers();
      else if (form.id === "canvas-cluster-form") this._submitCluster();
    });
    tools.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button || button.getAttribute("aria-disabled") === "true") return;
      const model = this.model();
      if (!model) return;
      const [first, second] = this.selected;
      if (button.id === "canvas-focus-go") {
        const key = tools.querySelector("#canvas-focus-zone").value;
        this.settingsCommand(
          { focus_zone: key },
          fill(this.t.cvFocusDone, { zone: this.zoneLabel(model, key) }),
        );
      } else if (button.id === "canvas-focus-clear") {
        this.settingsCommand({ focus_zone: null }, this.t.cvFocusCleared);
      } else if (button.id === "canvas-link") {
        this.op({ op: "link", id: newId("l"), from: first, to: second }, { done: this.t.cvLinked });
      } else if (button.id === "canvas-merge") {
        const gone = model.board.notes.get(first);
        const keep = model.board.notes.get(second);
        if (!gone || !keep) return;
        if (
          !window.confirm(fill(this.t.cvConfirmMerge, { from: excerpt(gone.text), into: excerpt(keep.text) }))
        )
          return;
        this.selected = [second];
        this.op({ op: "merge", note: first, into: second }, { done: this.t.cvMerged });
      } else if (button.id === "canvas-clear-selection") {
        this.selected = [];
        this.feedback(this.t.cvSelectionCleared || "");
        this.render();
      }
    });
  }

  _submitNumbers() {
    const tools = this.el.tools;
    const dotsInput = tools.querySelector("#canvas-set-dots");
    const limitInput = tools.querySelector("#canvas-set-limit");
    const dots = Number(dotsInput.value);
    const limit = Number(limitInput.value);
    let bad = null;
    if (!Number.isInteger(dots) || dots < 0 || dots > 50) bad = dotsInput;
    else if (!Number.isInteger(limit) || limit < 1 || limit > 500) bad = limitInput;
    for (const input of [dotsInput, limitInput]) {
      if (input === bad) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    if (bad) {
      this.feedback(this.t.cvNumbersInvalid, true);
      bad.focus();
      return;
    }
    delete dotsInput.dataset.dirty;
    delete limitInput.dataset.dirty;
    this.settingsCommand({ dots_per_voter: dots, note_limit: limit }, this.t.cvNumbersDone);
  }

  _submitCluster() {
    const model = this.model();
    const input = this.el.tools.querySelector("#canvas-cluster-name");
    if (!model || !this.selected.length) {
      this.feedback(this.t.cvSelectFirst, true);
      return;
    }
    const name = input.value.trim();
    if (!name || name.length > 120) {
      input.setAttribute("aria-invalid", "true");
      this.feedback(name ? this.t.errTextTooLong : this.t.cvClusterNameEmpty, true);
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    // Notes already in one cluster keep growing it; otherwise a new cluster.
    const first = model.board.notes.get(this.selected[0]);
    const existing = [...model.board.clusters].find(([, value]) => value === name);
    const cluster = existing
      ? existing[0]
      : first?.cluster && model.board.clusters.get(first.cluster) === name
        ? first.cluster
        : newId("c");
    this.op(
      { op: "cluster", cluster, name, notes: [...this.selected] },
      { done: fill(this.t.cvClustered, { name }) },
    );
    input.value = "";
  }

  // --- pointer handling ------------------------------------------------------------------------

  _pointerDown(event) {
    const model = this.model();
    if (!model || this.listMode) return;
    const element = event.target.closest(".canvas-note");
    if (element && this.pointers.size === 0 && !this.drag) {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      const note = model.board.notes.get(element.dataset.key);
      if (!note) return;
      const position = this._notePosition(note);
      this.drag = {
        id: note.id,
        element,
        pointerId: event.pointerId,
        startX: event.clientX,
        startY: event.clientY,
        originX: position.x,
        originY: position.y,
        moved: false,
        shift: event.shiftKey,
        reason: this.noteBlockedReason(model, note, "move"),
      };
      try {
        element.setPointerCapture(event.pointerId);
      } catch {
        /* the pointer is gone already */
      }
      return;
    }
    if (element) return;
    // The background: pan with one pointer, pinch-zoom with two.
    this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    try {
      this.el.viewport.setPointerCapture(event.pointerId);
    } catch {
      /* ignore */
    }
    this._startGesture();
  }

  _startGesture() {
    const points = [...this.pointers.values()];
    if (points.length === 1) {
      this.gesture = { kind: "pan", x: points[0].x, y: points[0].y, view: { ...this.view } };
    } else if (points.length >= 2) {
      const [a, b] = points;
      this.gesture = {
        kind: "pinch",
        distance: Math.hypot(a.x - b.x, a.y - b.y) || 1,
        mid: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 },
        view: { ...this.view },
      };
    } else {
      this.gesture = null;
    }
  }

  _pointerMove(event) {
    const drag = this.drag;
    if (drag && event.pointerId === drag.pointerId) {
      const dx = event.clientX - drag.startX;
      const dy = event.clientY - drag.startY;
      if (!drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD_PX) return;
      if (drag.reason) {
        if (!drag.moved) this._refuse(drag.reason);
        drag.moved = true;
        drag.refused = true;
        return;
      }
      drag.moved = true;
      const model = this.model();
      const note = model?.board.notes.get(drag.id);
      if (!note) return;
      const scale = this.view.scale;
      const position = {
        x: clamp(drag.originX + dx / scale, 0, Math.max(0, model.width - Math.min(note.width, model.width))),
        y: clamp(
          drag.originY + dy / scale,
          0,
          Math.max(0, model.height - Math.min(note.height, model.height)),
        ),
      };
      this.local.set(drag.id, position);
      this._placeNote(drag.id);
      this._sendDrag(drag.id, position);
      return;
    }
    if (!this.pointers.has(event.pointerId) || !this.gesture) return;
    this.pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const gesture = this.gesture;
    const points = [...this.pointers.values()];
    if (gesture.kind === "pan" && points.length === 1) {
      this.view = {
        scale: gesture.view.scale,
        x: gesture.view.x + points[0].x - gesture.x,
        y: gesture.view.y + points[0].y - gesture.y,
      };
      this.userZoomed = true;
      this._applyView();
    } else if (gesture.kind === "pinch" && points.length >= 2) {
      const [a, b] = points;
      const distance = Math.hypot(a.x - b.x, a.y - b.y) || 1;
      const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
      const box = this._viewportRect();
      const start = gesture.view;
      const scale = clamp((start.scale * distance) / gesture.distance, MIN_SCALE, MAX_SCALE);
      // Keep the board point under the first midpoint under the fingers.
      const bx = (gesture.mid.x - box.left - start.x) / start.scale;
      const by = (gesture.mid.y - box.top - start.y) / start.scale;
      this.view = { scale, x: mid.x - box.left - bx * scale, y: mid.y - box.top - by * scale };
      this.userZoomed = true;
      this._applyView();
    }
  }

  _pointerUp(event, cancelled) {
    const drag = this.drag;
    if (drag && event.pointerId === drag.pointerId) {
      this.drag = null;
      this._stopDragFrames(drag.id);
      this._highlightZone(null);
      const model = this.model();
      const note = model?.board.notes.get(drag.id);
      const position = this.local.get(drag.id);
      if (cancelled || drag.refused || !note) {
        this.local.delete(drag.id);
        this.scheduleRender();
        return;
      }
      if (drag.moved && position) {
        this.moveNote(note, position.x, position.y);
      } else if (!drag.moved) {
        // A click or a tap: focus the note; Shift + click selects it (facilitators).
        drag.element.focus({ preventScroll: true });
        if (drag.shift) this.toggleSelected(note.id);
      }
      return;
    }
    if (this.pointers.delete(event.pointerId)) this._startGesture();
  }

  // --- keyboard on notes -------------------------------------------------------------------------

  _noteKey(event) {
    const element = event.target.closest(".canvas-note");
    const model = this.model();
    if (!element || !model || event.target !== element) return;
    const note = model.board.notes.get(element.dataset.key);
    if (!note || event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key;
    if (key.startsWith("Arrow")) {
      event.preventDefault();
      const reason = this.noteBlockedReason(model, note, "move");
      if (reason) return this._refuse(reason);
      const step = event.shiftKey ? KEY_STEP_BIG : KEY_STEP;
      const current = this._notePosition(note);
      const dx = key === "ArrowLeft" ? -step : key === "ArrowRight" ? step : 0;
      const dy = key === "ArrowUp" ? -step : key === "ArrowDown" ? step : 0;
      const position = {
        x: clamp(current.x + dx, 0, Math.max(0, model.width - Math.min(note.width, model.width))),
        y: clamp(current.y + dy, 0, Math.max(0, model.height - Math.min(note.height, model.height))),
      };
      this.local.set(note.id, position);
      this._placeNote(note.id);
      this._sendDrag(note.id, position);
      this.ensureVisible(note);
      this._scheduleKeyCommit(note.id);
    } else if (key === "Enter") {
      event.preventDefault();
      this.openEdit(note, element);
    } else if (key === "Delete" || key === "Backspace") {
      event.preventDefault();
      this.deleteNote(note, this.el.feedback);
    } else if (key === "d" || key === "D") {
      event.preventDefault();
      this.addDot(note, this.el.feedback);
    } else if (key === "c" || key === "C") {
      event.preventDefault();
      this.cycleColour(note, this.el.feedback);
    } else if (key === " ") {
      event.preventDefault();
      this.toggleSelected(note.id);
    }
  }

  _scheduleKeyCommit(noteId) {
    if (!noteId || !this.local.has(noteId) || (this.drag && this.drag.id === noteId)) return;
    clearTimeout(this.keyTimers.get(noteId));
    this.keyTimers.set(
      noteId,
      window.setTimeout(() => this._commitKeyMove(noteId), KEY_COMMIT_MS),
    );
  }

  _commitKeyMove(noteId) {
    clearTimeout(this.keyTimers.get(noteId));
    this.keyTimers.delete(noteId);
    this._stopDragFrames(noteId);
    this._highlightZone(null);
    const position = this.local.get(noteId);
    const note = this.model()?.board.notes.get(noteId);
    if (!position || !note) {
      this.local.delete(noteId);
      return;
    }
    const model = this.model();
    const zone = model.zoneAt(position.x, position.y);
    this.moveNote(note, position.x, position.y);
    if (zone !== note.zone) this.announce(fill(this.t.cvMovedTo, { zone: this.zoneLabel(model, zone) }));
  }
}
