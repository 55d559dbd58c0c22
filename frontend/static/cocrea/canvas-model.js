/* cocrea canvases (lienzos): the board model of the browser. Pure: no DOM, no
   network, no clock. It mirrors canvases/ops.py:

   - applyEvent(board, effect) is ops.apply_event: effects are facts the server already
     decided, applied in seq order, so every client holds the server's board.
   - predictEffect(op, …) builds the effect the server would produce for one of our own
     ops, so it shows at once (optimistic), before its ack and its event.
   - CanvasModel keeps the authoritative board (the snapshot + events in seq order),
     the ops still in flight, and the visible board: authoritative + the predictions of
     ops still pending, re-applied. An acked op's prediction stays until the event its
     ack names has been applied, so nothing flickers.

   A board: {notes: Map id → note, clusters: Map id → name, links: Map id → [from, to],
   dots: Map voter → Map note id → count}. boardToData() gives the canonical plain data
   of ops.as_data (without width/height), for comparing with the server. */

export const COLOURS = Object.freeze({
  yellow: "#fff3a3",
  pink: "#ffd6e7",
  green: "#d4f5d4",
  blue: "#d6e9ff",
  orange: "#ffe0c2",
  purple: "#eadcff",
  white: "#ffffff",
});
export const COLOUR_NAMES = Object.freeze(Object.keys(COLOURS));
export const MAX_TEXT = 1000;
export const MAX_NAME = 120;
export const MIN_SIZE = 40;
export const MAX_SIZE = 600;
export const DEFAULT_SIZE = 160;

const DEFAULT_SETTINGS = Object.freeze({
  locked: false,
  locked_zones: [],
  anonymous: false,
  private_mode: false,
  dots_revealed: false,
  dots_per_voter: 5,
  one_dot_per_note: false,
  note_limit: 50,
  focus_zone: null,
});

// --- boards -----------------------------------------------------------------------------

export function emptyBoard() {
  return { notes: new Map(), clusters: new Map(), links: new Map(), dots: new Map() };
}

function copyNote(note) {
  return { ...note, merged_from: [...(note.merged_from || [])] };
}

/** A board from the snapshot's (or ops.as_data's) plain data. */
export function boardFromData(data = {}) {
  const board = emptyBoard();
  for (const note of data.notes || []) {
    board.notes.set(note.id, {
      id: note.id,
      text: note.text,
      colour: note.colour,
      x: note.x,
      y: note.y,
      width: note.width,
      height: note.height,
      zone: note.zone ?? null,
      author: note.author,
      cluster: note.cluster ?? null,
      deleted: Boolean(note.deleted),
      merged_from: [...(note.merged_from || [])],
    });
  }
  for (const [id, name] of Object.entries(data.clusters || {})) board.clusters.set(id, name);
  for (const [id, ends] of Object.entries(data.links || {})) board.links.set(id, [ends[0], ends[1]]);
  for (const [voter, votes] of Object.entries(data.dots || {})) {
    board.dots.set(voter, new Map(Object.entries(votes)));
  }
  return board;
}

export function cloneBoard(board) {
  const copy = emptyBoard();
  for (const [id, note] of board.notes) copy.notes.set(id, copyNote(note));
  for (const [id, name] of board.clusters) copy.clusters.set(id, name);
  for (const [id, ends] of board.links) copy.links.set(id, [ends[0], ends[1]]);
  for (const [voter, votes] of board.dots) copy.dots.set(voter, new Map(votes));
  return copy;
}

const byKey = ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical plain data of a board, as ops.as_data gives it (sorted keys, voters
    without dots left out), without width and height. */
export function boardToData(board) {
  const notes = [...board.notes.values()]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((n) => ({
      id: n.id,
      text: n.text,
      colour: n.colour,
      x: n.x,
      y: n.y,
      width: n.width,
      height: n.height,
      zone: n.zone,
      author: n.author,
      cluster: n.cluster,
      deleted: n.deleted,
      merged_from: [...n.merged_from],
    }));
  const dots = {};
  for (const [voter, votes] of [...board.dots].sort(byKey)) {
    if (votes.size === 0) continue;
    dots[voter] = Object.fromEntries([...votes].sort(byKey));
  }
  return {
    notes,
    clusters: Object.fromEntries([...board.clusters].sort(byKey)),
    links: Object.fromEntries([...board.links].sort(byKey).map(([id, ends]) => [id, [...ends]])),
    dots,
  };
}

// --- effects (ops.apply_event) --------------------------------------------------------------

/** What a deleted (or merged-away) note leaves behind: its links go, its dots go back
    to their voters, it leaves its cluster. */
function removeNoteTraces(board, noteId) {
  for (const [linkId, [from, to]] of [...board.links]) {
    if (from === noteId || to === noteId) board.links.delete(linkId);
  }
  for (const votes of board.dots.values()) votes.delete(noteId);
  const note = board.notes.get(noteId);
  if (note) note.cluster = null;
}

/**
 * Apply one effect to a board, in place, exactly as ops.apply_event does. No
 * validation: effects from the server are facts. An effect naming a note this board
 * does not have (only possible for a local prediction) changes nothing for that note.
 */
export function applyEvent(board, effect) {
  const note = (id) => board.notes.get(id);
  switch (effect.type) {
    case "note.created": {
      const data = effect.note;
      board.notes.set(data.id, {
        id: data.id,
        text: data.text,
        colour: data.colour,
        x: data.x,
        y: data.y,
        width: data.width,
        height: data.height,
        zone: data.zone ?? null,
        author: data.author,
        cluster: null,
        deleted: false,
        merged_from: [],
      });
      break;
    }
    case "note.edited": {
      const target = note(effect.note);
      if (target) target.text = effect.text;
      break;
    }
    case "note.moved": {
      const target = note(effect.note);
      if (target) {
        target.x = effect.x;
        target.y = effect.y;
        target.zone = effect.zone ?? null;
      }
      break;
    }
    case "note.recoloured": {
      const target = note(effect.note);
      if (target) target.colour = effect.colour;
      break;
    }
    case "note.resized": {
      const target = note(effect.note);
      if (target) {
        target.width = effect.width;
        target.height = effect.height;
      }
      break;
    }
    case "note.deleted": {
      removeNoteTraces(board, effect.note);
      const target = note(effect.note);
      if (target) target.deleted = true;
      break;
    }
    case "cluster.set":
      board.clusters.set(effect.cluster, effect.name);
      for (const id of effect.notes || []) {
        const target = note(id);
        if (target) target.cluster = effect.cluster;
      }
      break;
    case "link.created":
      board.links.set(effect.link, [effect.from, effect.to]);
      break;
    case "dot.added": {
      let votes = board.dots.get(effect.voter);
      if (!votes) {
        votes = new Map();
        board.dots.set(effect.voter, votes);
      }
      votes.set(effect.note, (votes.get(effect.note) || 0) + 1);
      break;
    }
    case "note.merged": {
      const keep = note(effect.into);
      const gone = note(effect.note);
      // Both authors' trace survives: the kept note remembers what was merged in.
      if (keep) keep.merged_from.push(effect.note);
      const moved = [];
      for (const [voter, votes] of board.dots) {
        if (votes.has(effect.note)) {
          moved.push([voter, votes.get(effect.note)]);
          votes.delete(effect.note);
        }
      }
      removeNoteTraces(board, effect.note);
      for (const [voter, count] of moved) {
        let votes = board.dots.get(voter);
        if (!votes) {
          votes = new Map();
          board.dots.set(voter, votes);
        }
        votes.set(effect.into, (votes.get(effect.into) || 0) + count);
      }
      if (gone) gone.deleted = true;
      break;
    }
    default:
      throw new Error(`unknown effect ${JSON.stringify(effect.type)}`);
  }
  return board;
}

// --- reading a board ------------------------------------------------------------------------

/** The key of the first zone containing the point, or null (ops.zone_at). */
export function zoneAt(zones, x, y) {
  for (const zone of zones || []) {
    if (zone.x <= x && x < zone.x + zone.width && zone.y <= y && y < zone.y + zone.height) {
      return zone.key;
    }
  }
  return null;
}

/** note id → all the dots this board shows on it. */
export function dotCounts(board) {
  const counts = new Map();
  for (const votes of board.dots.values()) {
    for (const [id, n] of votes) counts.set(id, (counts.get(id) || 0) + n);
  }
  return counts;
}

/** How many dots `voter` has placed. */
export function dotsUsed(board, voter) {
  let total = 0;
  for (const n of (board.dots.get(voter) || new Map()).values()) total += n;
  return total;
}

export function liveNotes(board) {
  return [...board.notes.values()].filter((note) => !note.deleted);
}

// --- predictions (our own ops, shown before the server answers) ------------------------------

const num = (value) => (typeof value === "number" && Number.isFinite(value) ? value : null);

/**
 * The effect the server would most likely produce for `op` sent by `actor`, or null
 * when it cannot be predicted (the server will answer with an error, or knows more).
 * Validation stays with the server: a wrong prediction is dropped when its error comes.
 */
export function predictEffect(op, { board, zones = [], actor = "" } = {}) {
  if (!op || typeof op !== "object") return null;
  const live = (id) => {
    const note = board.notes.get(id);
    return note && !note.deleted ? note : null;
  };
  switch (op.op) {
    case "create": {
      const text = typeof op.text === "string" ? op.text.trim() : "";
      const x = num(op.x);
      const y = num(op.y);
      if (!text || x === null || y === null || typeof op.id !== "string") return null;
      return {
        type: "note.created",
        note: {
          id: op.id,
          text,
          colour: op.colour || "yellow",
          x,
          y,
          width: num(op.width) ?? DEFAULT_SIZE,
          height: num(op.height) ?? DEFAULT_SIZE,
          zone: zoneAt(zones, x, y),
          author: actor,
        },
      };
    }
    case "edit": {
      const text = typeof op.text === "string" ? op.text.trim() : "";
      if (!live(op.note) || !text) return null;
      return { type: "note.edited", note: op.note, text };
    }
    case "move": {
      const x = num(op.x);
      const y = num(op.y);
      if (!live(op.note) || x === null || y === null) return null;
      return { type: "note.moved", note: op.note, x, y, zone: zoneAt(zones, x, y) };
    }
    case "recolour":
      if (!live(op.note) || !(op.colour in COLOURS)) return null;
      return { type: "note.recoloured", note: op.note, colour: op.colour };
    case "resize": {
      const width = num(op.width);
      const height = num(op.height);
      if (!live(op.note) || width === null || height === null) return null;
      return { type: "note.resized", note: op.note, width, height };
    }
    case "delete":
      if (!live(op.note)) return null;
      return { type: "note.deleted", note: op.note };
    case "cluster": {
      const given = typeof op.name === "string" ? op.name.trim() : board.clusters.get(op.cluster);
      const notes = Array.isArray(op.notes) ? op.notes : [];
      if (!given || !notes.length || !notes.every((id) => live(id))) return null;
      return { type: "cluster.set", cluster: op.cluster, name: given, notes: [...notes] };
    }
    case "link":
      if (!live(op.from) || !live(op.to) || op.from === op.to) return null;
      return { type: "link.created", link: op.id, from: op.from, to: op.to };
    case "dot":
      if (!live(op.note)) return null;
      return { type: "dot.added", note: op.note, voter: actor };
    case "merge":
      if (!live(op.note) || !live(op.into) || op.note === op.into) return null;
      return { type: "note.merged", into: op.into, note: op.note };
    default:
      return null;
  }
}

function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical(value[key])]),
    );
  }
  return value;
}

/** Whether an effect from the server is the one we predicted (our own op's event). */
export function sameEffect(predicted, actual) {
  if (!predicted || !actual || predicted.type !== actual.type) return false;
  if (predicted.type === "note.created") {
    return predicted.note.id === actual.note?.id && predicted.note.author === actual.note?.author;
  }
  return JSON.stringify(canonical(predicted)) === JSON.stringify(canonical(actual));
}

// --- one canvas in the browser ----------------------------------------------------------------

/**
 * A canvas as the client holds it: the snapshot's fields (methodology, zones, colours,
 * settings, authors), the authoritative board, the ops in flight and the visible board.
 *
 *   model.propose(opId, op, actor)   our op, just sent: shown at once
 *   model.acknowledge(opId, seq)     its ack: kept until event `seq` is applied
 *   model.reject(opId)               its error: dropped
 *   model.applyEffect(effect, seq)   a canvas.effect event; returns {own}
 *   model.advance(seq)               any other event of the stream
 *   model.reset(canvas)              a canvas.reset: the board is replaced
 */
export class CanvasModel {
  constructor(canvas, { seq = null } = {}) {
    this.pending = new Map(); // op_id → {op, effect, seq (from the ack) or null}
    this.seq = seq;
    this.load(canvas);
  }

  load(canvas) {
    this.activityId = canvas.activity_id;
    this.methodology = canvas.methodology || null;
    this.width = Number(canvas.width) || 1600;
    this.height = Number(canvas.height) || 1000;
    this.zones = Array.isArray(canvas.zones) ? canvas.zones : [];
    this.colours = { ...COLOURS, ...(canvas.colours || {}) };
    this.settings = { ...DEFAULT_SETTINGS, ...(canvas.settings || {}) };
    this.authors = canvas.authors || null;
    this.server = boardFromData(canvas.board || {});
    this.rebuild();
  }

  /** A canvas.reset: replace everything the server sent; our ops in flight stay. */
  reset(canvas) {
    this.load(canvas);
  }

  setSettings(settings) {
    this.settings = { ...this.settings, ...(settings || {}) };
  }

  /** Our own op, sent now under `opId`: show its predicted effect at once. */
  propose(opId, op, actor) {
    const effect = predictEffect(op, { board: this.board, zones: this.zones, actor });
    this.pending.set(opId, { op, effect, seq: null });
    this.rebuild();
    return effect;
  }

  /** The ack of our op: its event is `seq`. Drop the prediction once that is applied. */
  acknowledge(opId, seq) {
    const entry = this.pending.get(opId);
    if (!entry) return;
    entry.seq = typeof seq === "number" ? seq : null;
    if (entry.seq === null || (this.seq !== null && entry.seq <= this.seq)) {
      this.pending.delete(opId);
    }
    this.rebuild();
  }

  /** Our op was refused (or lost for good): forget its prediction. */
  reject(opId) {
    if (this.pending.delete(opId)) this.rebuild();
  }

  /** A canvas.effect event. Returns {own: true} when it is the event of one of our
      ops (which then leaves the pending list). */
  applyEffect(effect, seq) {
    let own = false;
    try {
      applyEvent(this.server, effect);
    } catch {
      return { own: false }; // an effect newer than this client: nothing to draw
    }
    for (const [opId, entry] of this.pending) {
      if (entry.seq === seq || (entry.seq === null && sameEffect(entry.effect, effect))) {
        this.pending.delete(opId);
        own = true;
        break;
      }
    }
    this._advance(seq);
    this.rebuild();
    return { own };
  }

  /** Any other event: the stream moved on to `seq`. */
  advance(seq) {
    if (this._advance(seq)) this.rebuild();
  }

  _advance(seq) {
    if (typeof seq !== "number") return false;
    if (this.seq === null || seq > this.seq) this.seq = seq;
    let dropped = false;
    for (const [opId, entry] of this.pending) {
      if (entry.seq !== null && entry.seq <= this.seq) {
        this.pending.delete(opId);
        dropped = true;
      }
    }
    return dropped;
  }

  /** Take over the ops in flight of the model this one replaces (after a resync). */
  adopt(previous) {
    for (const [opId, entry] of previous.pending) {
      if (entry.seq !== null && this.seq !== null && entry.seq <= this.seq) continue;
      // A note the snapshot already has was created before the connection dropped: its
      // resent op will be answered as a duplicate; do not draw it twice meanwhile.
      const created = entry.effect?.type === "note.created" && this.server.notes.has(entry.effect.note.id);
      this.pending.set(opId, created ? { ...entry, effect: null } : entry);
    }
    this.rebuild();
  }

  /** visible = authoritative + the predictions of the ops still in flight. */
  rebuild() {
    const board = cloneBoard(this.server);
    for (const entry of this.pending.values()) {
      if (!entry.effect) continue;
      try {
        applyEvent(board, entry.effect);
      } catch {
        /* a prediction that no longer fits: the server decides */
      }
    }
    this.board = board;
    return board;
  }

  isPending(noteId) {
    for (const entry of this.pending.values()) {
      const effect = entry.effect;
      if (!effect) continue;
      const id = effect.type === "note.created" ? effect.note.id : effect.note;
      if (id === noteId || effect.into === noteId) return true;
    }
    return false;
  }

  zoneAt(x, y) {
    return zoneAt(this.zones, x, y);
  }

  zone(key) {
    return this.zones.find((zone) => zone.key === key) || null;
  }

  notes() {
    return liveNotes(this.board);
  }

  dotCounts() {
    return dotCounts(this.board);
  }

  dotsUsed(voter) {
    return dotsUsed(this.board, voter);
  }
}
