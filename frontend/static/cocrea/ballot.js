/* Ballot screens for every voting method (voting/methods), shared by the live
   participant screen and plain HTTP ballot pages: it knows nothing about the realtime
   client. The caller passes submit(ballot, {receipt}?) → Promise<{receipt}> (rejects
   with {code, field, message?}), optionally submitText(text) → Promise<{status}> for
   statements and open answers, and announce(text) for its polite live region.

   Changing one's vote (polls with allow_change, while open): the confirmation offers
   "Cambiar mi voto", which shows the form again with the receipt of the vote to replace
   (prefilled from sessionStorage when this browser kept it); submit then gets
   {receipt} and resolves with the new receipt, which replaces the stored one.

   The form is built once per poll (and rebuilt only when its options change), so
   results arriving while someone is choosing never take their focus or their choices
   away: updates touch only the status, results and submissions parts.

   The pure rules (ballot validation, ranking moves, budgets) are exported for tests. */

const RANKED = new Set(["irv", "schulze", "borda"]);
const CONSENSUS_VOTES = ["agree", "disagree", "pass"];
const RECEIPT_PREFIX = "cocrea.receipt.";

// --- pure rules -----------------------------------------------------------------------

/** Replace {name} placeholders (same rule as realtime.js, kept here so this module stands
    alone on pages without the realtime client). */
export function fill(template, values) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (match, name) =>
    Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match,
  );
}

/** The approval limits of a poll: {min, max} (max null: any number up to all). */
export function approvalLimits(poll) {
  const settings = poll.settings || {};
  const min = Number.isInteger(settings.min_choices) ? settings.min_choices : 1;
  const max = Number.isInteger(settings.max_choices) ? settings.max_choices : null;
  return { min, max };
}

export function scoreRange(poll) {
  const settings = poll.settings || {};
  const min = Number.isInteger(settings.min_score) ? settings.min_score : 1;
  const max = Number.isInteger(settings.max_score) ? settings.max_score : 5;
  return { min, max, allowMissing: Boolean(settings.allow_missing) };
}

export function pointsRules(poll) {
  const settings = poll.settings || {};
  return {
    total: Number.isInteger(settings.total) ? settings.total : 100,
    allowLess: Boolean(settings.allow_less),
    cap: Number.isInteger(settings.max_per_option) ? settings.max_per_option : null,
  };
}

export function budgetRules(poll) {
  const settings = poll.settings || {};
  return {
    budget: Number(settings.budget) || 0,
    minSpend: Number(settings.min_spend) || 0,
  };
}

/** What the chosen projects cost. */
export function budgetSpent(poll, keys) {
  const costs = new Map((poll.options || []).map((o) => [o.key, Number(o.cost) || 0]));
  return keys.reduce((sum, key) => sum + (costs.get(key) || 0), 0);
}

/** The ranking `order` with `key` moved by `delta` places (clamped), as a new array. */
export function moveInOrder(order, key, delta) {
  const from = order.indexOf(key);
  if (from < 0) return order.slice();
  const to = Math.max(0, Math.min(order.length - 1, from + delta));
  const next = order.slice();
  next.splice(from, 1);
  next.splice(to, 0, key);
  return next;
}

/**
 * The first problem with a ballot, checked like the server's validate_ballot, as
 * {code, ...params} using the server's error codes; null when it is fine. The server
 * checks again: this only spares a round trip and names the problem at once.
 */
export function checkBallot(poll, ballot) {
  const method = poll.method;
  const keys = (poll.options || []).map((o) => o.key);
  if (method === "single") {
    return typeof ballot === "string" && keys.includes(ballot) ? null : { code: "empty_ballot" };
  }
  if (method === "approval") {
    const { min, max } = approvalLimits(poll);
    if (ballot.length < min) return { code: "too_few_choices", chosen: ballot.length, min };
    if (max !== null && ballot.length > max) {
      return { code: "too_many_choices", chosen: ballot.length, max };
    }
    return null;
  }
  if (RANKED.has(method)) return ballot.length ? null : { code: "empty_ballot" };
  if (method === "score") {
    const { allowMissing } = scoreRange(poll);
    const missing = keys.filter((key) => !(key in ballot));
    if (!allowMissing && missing.length) return { code: "missing_score", option: missing[0] };
    return Object.keys(ballot).length ? null : { code: "empty_ballot" };
  }
  if (method === "points") {
    const { total, allowLess, cap } = pointsRules(poll);
    for (const [key, value] of Object.entries(ballot)) {
      if (!Number.isInteger(value) || value < 0) return { code: "points_not_integer", option: key };
      if (cap !== null && value > cap) return { code: "over_cap", option: key, cap };
    }
    const spent = Object.values(ballot).reduce((a, b) => a + b, 0);
    if (spent > total) return { code: "over_total", spent, total };
    if (!allowLess && spent !== total) return { code: "wrong_total", spent, total };
    return null;
  }
  if (method === "budget") {
    const { budget, minSpend } = budgetRules(poll);
    if (!ballot.length) return { code: "empty_ballot" };
    const spent = budgetSpent(poll, ballot);
    if (budget && spent > budget) return { code: "over_budget", spent, budget };
    if (spent < minSpend) return { code: "under_min_spend", spent, min: minSpend };
    return null;
  }
  if (method === "consensus") {
    return Object.keys(ballot).length ? null : { code: "empty_ballot" };
  }
  return null;
}

/** The primary number of an option's live counters, for the bars. */
export function optionValue(method, row) {
  if (!row) return 0;
  if (method === "single") return row.votes || 0;
  if (method === "approval" || method === "budget") return row.approvals || 0;
  if (RANKED.has(method)) return row.first || 0;
  if (method === "score") return row.count ? row.sum / row.count : 0;
  if (method === "points") return row.points || 0;
  if (method === "consensus") return row.agree || 0;
  return 0;
}

// --- DOM helpers ----------------------------------------------------------------------

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

function setHidden(node, hidden) {
  if (node && node.hidden !== hidden) node.hidden = hidden;
}

function optionsSignature(poll) {
  return `${poll.id}|${poll.method}|${(poll.options || []).map((o) => o.key).join("\u0001")}`;
}

function storedReceipt(pollId) {
  try {
    return window.sessionStorage.getItem(RECEIPT_PREFIX + pollId);
  } catch {
    return null; // storage blocked: the receipt is only shown once
  }
}

function storeReceipt(pollId, receipt) {
  try {
    window.sessionStorage.setItem(RECEIPT_PREFIX + pollId, receipt);
  } catch {
    /* storage blocked: nothing to keep it in */
  }
}

// --- the component --------------------------------------------------------------------

/**
 * Mount the ballot of `poll` into `container`. Returns {update(poll, {locked}),
 * destroy()}; `locked` is a reason (text) why input is not possible now, or "".
 */
export function mountBallot(container, poll, options = {}) {
  const ballot = new Ballot(container, poll, options);
  return {
    update: (next, extra = {}) => ballot.update(next, extra),
    destroy: () => ballot.destroy(),
  };
}

class Ballot {
  constructor(
    container,
    poll,
    { messages = {}, submit, submitText = null, announce = null, describeError = null },
  ) {
    this.container = container;
    this.describeError = describeError;
    this.t = messages;
    this.submit = submit;
    this.submitText = submitText;
    this.announce = announce || (() => {});
    this.poll = poll;
    this.locked = "";
    this.sending = false;
    this.receipt = null; // the receipt of a vote made on this page
    this.changing = false; // the form is shown again to replace a vote
    this.changed = false; // the last answer on this page was a change
    this.signature = null;
    this.order = []; // ranked methods: the keys in the ranking, first = most preferred
    this.unranked = []; // ranked methods: options left out of the ranking

    this.root = h("div", { className: "ballot", "data-method": poll.method });
    this.statusLine = h("p", { className: "ballot-state", hidden: true });
    this.formArea = h("div", { className: "ballot-form-area" });
    this.doneArea = h("div", { className: "ballot-done-area", hidden: true });
    this.submissionsArea = h("div", { className: "ballot-submissions", hidden: true });
    this.resultsArea = h("div", { className: "ballot-results", hidden: true });
    this.root.append(
      this.statusLine,
      this.formArea,
      this.doneArea,
      this.submissionsArea,
      this.resultsArea,
    );
    container.append(this.root);
    this.update(poll);
  }

  m(key, values = null) {
    const text = this.t[key] ?? "";
    return values ? fill(text, values) : text;
  }

  destroy() {
    this.root.remove();
  }

  label(key) {
    const option = (this.poll.options || []).find((o) => o.key === key);
    return option ? option.label : key;
  }

  update(poll, { locked = this.locked } = {}) {
    this.poll = poll;
    this.locked = locked || "";
    const status = poll.status;
    const voted = Boolean(poll.voted) || this.receipt !== null;
    const canVote = status === "open" && !voted && poll.method !== "open";
    const focusInForm = this.formArea.contains(document.activeElement);
    // A change in progress ends when the poll stops taking votes.
    if (this.changing && !this.canChange()) this.changing = false;
    const changing = voted && this.changing;

    let state = "";
    if (status === "draft") state = this.m("blNotOpen");
    else if (status === "closed" || status === "published") state = this.m("blClosed");
    setText(this.statusLine, state);
    setHidden(this.statusLine, !state);

    if (poll.method === "open") {
      this.renderOpenForm(status === "open");
    } else if (canVote || changing) {
      if (this.signature !== optionsSignature(poll)) this.buildForm();
      this.renderChangeFields();
      setHidden(this.formArea, false);
    } else {
      setHidden(this.formArea, true);
    }
    this.applyLock();
    this.renderDone(voted && !changing);
    // The form just went away under the person's focus (the poll closed): keep them on
    // what replaced it rather than losing focus to the page.
    if (focusInForm && this.formArea.hidden && !this.doneArea.hidden) this.doneHeading?.focus();
    this.renderSubmissions();
    this.renderResults();
  }

  // --- building the form --------------------------------------------------------------

  buildForm() {
    // A rebuild (new options: e.g. an approved statement) keeps the focused control.
    const active = this.form?.contains(document.activeElement) ? document.activeElement : null;
    const focused = active ? { name: active.name, value: active.value, key: active.dataset.key,
      action: active.dataset.action, submit: active.type === "submit" } : null;
    const previous = this.form ? this.readValues() : null;
    const keys = (this.poll.options || []).map((o) => o.key);
    if (RANKED.has(this.poll.method)) {
      // New options join the end of the ranking; options gone are dropped.
      this.order = this.order.filter((k) => keys.includes(k));
      this.unranked = this.unranked.filter((k) => keys.includes(k));
      for (const key of keys) {
        if (!this.order.includes(key) && !this.unranked.includes(key)) this.order.push(key);
      }
    }
    this.signature = optionsSignature(this.poll);
    this.formId = nextId("ballot");
    const form = h("form", { className: "ballot-form stack", novalidate: true });
    this.error = h("p", { className: "ballot-error field-error", id: `${this.formId}-error` });
    this.error.setAttribute("role", "alert");
    setHidden(this.error, true);
    const body = this.methodFields();
    this.submitButton = h("button", {
      type: "submit",
      className: "btn ballot-submit",
      text: this.m("blSubmit"),
    });
    this.lockNote = h("p", { className: "ballot-lock muted", id: `${this.formId}-lock` });
    setHidden(this.lockNote, true);
    const change = this.changeFields();
    this.cancelButton = h("button", {
      type: "button",
      className: "btn btn-ghost ballot-change-cancel",
      text: this.m("blChangeCancel"),
      hidden: true,
    });
    this.cancelButton.addEventListener("click", () => this.cancelChange());
    form.append(change, body, this.error, this.lockNote, this.submitButton, this.cancelButton);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    // aria-disabled keeps controls focusable while input is locked; stop the change.
    form.addEventListener("click", (event) => {
      const target = event.target.closest("input, button");
      if (target && target.getAttribute("aria-disabled") === "true" && target.type !== "submit") {
        if (target.type === "checkbox" || target.type === "radio") event.preventDefault();
      }
    });
    form.addEventListener("input", () => this.refreshLiveStatus());
    form.addEventListener("change", () => this.refreshLiveStatus());
    this.formArea.replaceChildren(form);
    this.form = form;
    if (previous) this.writeValues(previous);
    this.refreshLiveStatus();
    if (focused) {
      const again = Array.from(form.querySelectorAll("input, button")).find((c) =>
        focused.submit
          ? c.type === "submit"
          : focused.action
            ? c.dataset.action === focused.action && c.dataset.key === focused.key
            : c.name === focused.name && c.value === focused.value,
      );
      again?.focus({ preventScroll: true });
    }
  }

  fieldset(legendText, hintText = "") {
    const fieldset = h("fieldset", { className: "ballot-fieldset" });
    fieldset.append(h("legend", { text: legendText }));
    if (hintText) {
      const hint = h("p", { className: "field-hint", id: nextId("hint"), text: hintText });
      fieldset.setAttribute("aria-describedby", hint.id);
      fieldset.append(hint);
    }
    return fieldset;
  }

  liveStatus() {
    // A polite status for running totals: read out after a change, never stealing focus.
    const status = h("p", { className: "ballot-live", id: `${this.formId}-live` });
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    this.live = status;
    return status;
  }

  choice(type, name, value, text, extra = null) {
    const id = nextId("opt");
    const input = h("input", { type, name, value, id, className: "ballot-input" });
    const label = h("label", { for: id, className: "ballot-choice" }, input);
    label.append(h("span", { className: "ballot-choice-text", text }));
    if (extra) label.append(extra);
    return label;
  }

  methodFields() {
    const poll = this.poll;
    const title = poll.title || "";
    const options = poll.options || [];
    const wrap = h("div", { className: "ballot-fields" });
    this.live = null;
    switch (poll.method) {
      case "single": {
        const fs = this.fieldset(title, this.m("blSingleHint"));
        for (const o of options) fs.append(this.choice("radio", "choice", o.key, o.label));
        wrap.append(fs);
        break;
      }
      case "approval": {
        const { min, max } = approvalLimits(poll);
        const hint =
          max === null
            ? this.m("blApprovalHintMin", { min })
            : min === max
              ? this.m("blApprovalHintExact", { count: max })
              : this.m("blApprovalHint", { min, max });
        const fs = this.fieldset(title, hint);
        for (const o of options) fs.append(this.choice("checkbox", "choice", o.key, o.label));
        wrap.append(fs, this.liveStatus());
        break;
      }
      case "irv":
      case "schulze":
      case "borda":
        wrap.append(this.rankingFields(title));
        break;
      case "score": {
        const { min, max, allowMissing } = scoreRange(poll);
        const intro = h("p", {
          className: "field-hint",
          text: this.m("blScoreHint", { min, max }),
        });
        wrap.append(h("p", { className: "ballot-legend", text: title }), intro);
        for (const o of options) {
          const fs = this.fieldset(o.label);
          fs.classList.add("ballot-likert");
          const row = h("div", { className: "ballot-likert-row" });
          for (let value = min; value <= max; value += 1) {
            row.append(this.choice("radio", `score-${o.key}`, String(value), String(value)));
          }
          if (allowMissing) {
            row.append(this.choice("radio", `score-${o.key}`, "", this.m("blScoreNone")));
          }
          fs.append(row);
          fs.dataset.option = o.key;
          wrap.append(fs);
        }
        break;
      }
      case "points": {
        const { total, cap } = pointsRules(poll);
        const fs = this.fieldset(title, this.m("blPointsHint", { total }));
        for (const o of options) {
          const id = nextId("pts");
          const field = h("div", { className: "ballot-points-row" });
          field.append(
            h("label", { for: id, text: o.label }),
            h("input", {
              type: "number",
              id,
              name: `points-${o.key}`,
              "data-option": o.key,
              className: "ballot-number",
              min: 0,
              max: cap ?? total,
              step: 1,
              inputmode: "numeric",
              value: "0",
            }),
          );
          fs.append(field);
        }
        wrap.append(fs, this.liveStatus());
        break;
      }
      case "budget": {
        const { budget } = budgetRules(poll);
        const fs = this.fieldset(title, this.m("blBudgetHint", { budget: this.money(budget) }));
        for (const o of options) {
          const cost = h("span", {
            className: "ballot-cost",
            text: this.m("blCost", { cost: this.money(o.cost) }),
          });
          fs.append(this.choice("checkbox", "choice", o.key, o.label, cost));
        }
        wrap.append(fs, this.liveStatus());
        break;
      }
      case "consensus": {
        wrap.append(
          h("p", { className: "ballot-legend", text: title }),
          h("p", { className: "field-hint", text: this.m("blConsensusHint") }),
        );
        const labels = {
          agree: this.m("blAgree"),
          disagree: this.m("blDisagree"),
          pass: this.m("blPass"),
        };
        for (const o of options) {
          const fs = this.fieldset(o.label);
          fs.dataset.option = o.key;
          const row = h("div", { className: "ballot-likert-row" });
          for (const vote of CONSENSUS_VOTES) {
            row.append(this.choice("radio", `vote-${o.key}`, vote, labels[vote]));
          }
          fs.append(row);
          wrap.append(fs);
        }
        break;
      }
      default:
        wrap.append(h("p", { text: this.m("blUnknownMethod") }));
    }
    return wrap;
  }

  money(value) {
    const lang = document.documentElement.lang || "es";
    const number = Number(value) || 0;
    try {
      return new Intl.NumberFormat(lang).format(number);
    } catch {
      return String(number);
    }
  }

  // --- ranking ------------------------------------------------------------------------

  rankingFields(title) {
    const fs = this.fieldset(title, this.m("blRankHint"));
    this.rankList = h("ol", { className: "ballot-ranking" });
    this.unrankedHeading = h("p", {
      className: "ballot-unranked-title",
      text: this.m("blUnranked"),
    });
    this.unrankedList = h("ul", { className: "ballot-unranked" });
    fs.append(this.rankList, this.unrankedHeading, this.unrankedList);
    fs.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      event.preventDefault();
      if (button.getAttribute("aria-disabled") === "true") return;
      this.rankAction(button.dataset.action, button.dataset.key);
    });
    this.renderRanking();
    return fs;
  }

  rankButton(action, key, text) {
    const button = h("button", {
      type: "button",
      className: `btn btn-small btn-ghost ballot-rank-${action}`,
      "data-action": action,
      "data-key": key,
    });
    button.append(
      h("span", { "aria-hidden": "true", text }),
      h("span", {
        className: "visually-hidden",
        text: this.m(`blRank${action[0].toUpperCase()}${action.slice(1)}Name`, {
          label: this.label(key),
        }),
      }),
    );
    return button;
  }

  renderRanking() {
    const n = this.order.length;
    const rankedNodes = this.order.map((key, index) => {
      let li = this.rankList.querySelector(`li[data-key="${CSS.escape(key)}"]`);
      if (!li) {
        li = h("li", { className: "ballot-rank-item", "data-key": key });
        const position = h("span", { className: "ballot-rank-pos", "aria-hidden": "true" });
        const text = h("span", { className: "ballot-rank-label", text: this.label(key) });
        const tools = h("span", { className: "ballot-rank-tools" });
        tools.append(
          this.rankButton("up", key, this.m("blUp")),
          this.rankButton("down", key, this.m("blDown")),
          this.rankButton("remove", key, this.m("blRemove")),
        );
        li.append(position, text, tools);
      }
      setText(li.querySelector(".ballot-rank-pos"), `${index + 1}.`);
      // aria-disabled, not disabled: the button at an end keeps the focus it has.
      const locked = Boolean(this.locked);
      li.querySelector(".ballot-rank-up").setAttribute(
        "aria-disabled",
        String(locked || index === 0),
      );
      li.querySelector(".ballot-rank-down").setAttribute(
        "aria-disabled",
        String(locked || index === n - 1),
      );
      li.querySelector(".ballot-rank-remove").setAttribute("aria-disabled", String(locked));
      return li;
    });
    this.place(this.rankList, rankedNodes);
    const unrankedNodes = this.unranked.map((key) => {
      let li = this.unrankedList.querySelector(`li[data-key="${CSS.escape(key)}"]`);
      if (!li) {
        li = h("li", { className: "ballot-rank-item is-unranked", "data-key": key });
        li.append(
          h("span", { className: "ballot-rank-label", text: this.label(key) }),
          this.rankButton("add", key, this.m("blAdd")),
        );
      }
      const add = li.querySelector(".ballot-rank-add");
      add.setAttribute("aria-disabled", String(Boolean(this.locked)));
      return li;
    });
    this.place(this.unrankedList, unrankedNodes);
    setHidden(this.unrankedHeading, this.unranked.length === 0);
    setHidden(this.unrankedList, this.unranked.length === 0);
  }

  /** Put `nodes` in `list` in order, moving only what must move. */
  place(list, nodes) {
    const keep = new Set(nodes);
    for (const child of Array.from(list.children)) if (!keep.has(child)) child.remove();
    nodes.forEach((node, index) => {
      if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
    });
  }

  rankAction(action, key) {
    if (this.locked) return;
    if (action === "up" || action === "down") {
      this.order = moveInOrder(this.order, key, action === "up" ? -1 : 1);
    } else if (action === "remove") {
      this.order = this.order.filter((k) => k !== key);
      this.unranked = [...this.unranked, key];
    } else if (action === "add") {
      this.unranked = this.unranked.filter((k) => k !== key);
      this.order = [...this.order, key];
    }
    this.renderRanking();
    // Moving a list item takes focus away in some browsers: put it back on the same
    // button of the moved item (after add/remove that button no longer exists: use the
    // item's most useful one in its new list).
    const selector =
      action === "remove"
        ? `.ballot-unranked li[data-key="${CSS.escape(key)}"] .ballot-rank-add`
        : action === "add"
          ? `.ballot-ranking li[data-key="${CSS.escape(key)}"] .ballot-rank-up`
          : `.ballot-ranking li[data-key="${CSS.escape(key)}"] .ballot-rank-${action}`;
    this.root.querySelector(selector)?.focus();
    const label = this.label(key);
    if (action === "remove") this.announce(this.m("blRemoved", { label }));
    else {
      const position = this.order.indexOf(key) + 1;
      this.announce(this.m("blPosition", { label, position, count: this.order.length }));
    }
    this.clearError();
  }

  // --- values -------------------------------------------------------------------------

  /** The form's raw values (name → value or list), kept across a rebuild. */
  readValues() {
    const values = {};
    for (const input of this.form.querySelectorAll("input")) {
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) (values[input.name] ||= []).push(input.value);
      } else {
        values[input.name] = [input.value];
      }
    }
    return values;
  }

  writeValues(values) {
    for (const input of this.form.querySelectorAll("input")) {
      const saved = values[input.name];
      if (!saved) continue;
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = saved.includes(input.value);
      } else {
        input.value = saved[0];
      }
    }
  }

  /** The ballot in the method's shape. */
  collect() {
    const method = this.poll.method;
    const form = this.form;
    const checked = (name) =>
      Array.from(form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)).map(
        (i) => i.value,
      );
    if (method === "single") return checked("choice")[0] ?? null;
    if (method === "approval" || method === "budget") return checked("choice");
    if (RANKED.has(method)) return this.order.slice();
    if (method === "score") {
      const ballot = {};
      for (const o of this.poll.options) {
        const value = checked(`score-${o.key}`)[0];
        if (value !== undefined && value !== "") ballot[o.key] = Number(value);
      }
      return ballot;
    }
    if (method === "points") {
      const ballot = {};
      for (const input of form.querySelectorAll("input[data-option]")) {
        const raw = input.value.trim();
        const value = raw === "" ? 0 : Number(raw);
        if (value !== 0 || !Number.isInteger(value)) ballot[input.dataset.option] = value;
      }
      return ballot;
    }
    if (method === "consensus") {
      const ballot = {};
      for (const o of this.poll.options) {
        const vote = checked(`vote-${o.key}`)[0];
        if (vote) ballot[o.key] = vote;
      }
      return ballot;
    }
    return null;
  }

  refreshLiveStatus() {
    if (!this.live || !this.form) return;
    const poll = this.poll;
    const ballot = this.collect();
    let text = "";
    let warn = false;
    if (poll.method === "approval") {
      const { max } = approvalLimits(poll);
      text =
        max === null
          ? this.m("blChosen", { count: ballot.length })
          : this.m("blChosenOf", { count: ballot.length, max });
      warn = max !== null && ballot.length > max;
    } else if (poll.method === "points") {
      const { total } = pointsRules(poll);
      const spent = Object.values(ballot).reduce((a, b) => a + (Number(b) || 0), 0);
      text =
        spent > total
          ? this.m("blPointsOver", { over: spent - total, total })
          : this.m("blPointsLeft", { left: total - spent, total });
      warn = spent > total;
    } else if (poll.method === "budget") {
      const { budget } = budgetRules(poll);
      const spent = budgetSpent(poll, ballot);
      text = this.m("blSpent", { spent: this.money(spent), budget: this.money(budget) });
      if (budget && spent > budget) {
        text = `${text} ${this.m("blOverBudget", { over: this.money(spent - budget) })}`;
        warn = true;
      }
    }
    setText(this.live, text);
    this.live.classList.toggle("is-warning", warn);
  }

  // --- errors and sending ---------------------------------------------------------------

  /** Readable text for a problem ({code, ...params}) from the client or the server. */
  describe(problem) {
    const code = String(problem.code || "");
    // "closed" without a field is the realtime client's lost connection, not the poll's.
    if (code === "closed" && !problem.field && this.describeError) {
      return this.describeError(problem) || this.m("blErrGeneric");
    }
    const key = `blErr${code
      .split(/[_-]/)
      .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
      .join("")}`;
    const poll = this.poll;
    const values = {
      label: problem.option ? this.label(problem.option) : undefined,
      chosen: problem.chosen,
      min: problem.min ?? (poll.method === "approval" ? approvalLimits(poll).min : undefined),
      max: problem.max ?? (poll.method === "approval" ? approvalLimits(poll).max : undefined),
      total: problem.total ?? (poll.method === "points" ? pointsRules(poll).total : undefined),
      spent: problem.spent,
      budget:
        poll.method === "budget"
          ? this.money(problem.budget ?? budgetRules(poll).budget)
          : undefined,
      cap: problem.cap ?? (poll.method === "points" ? pointsRules(poll).cap : undefined),
    };
    for (const name of Object.keys(values)) {
      if (values[name] === undefined || values[name] === null) delete values[name];
    }
    // A server error carries only its code: a sentence it cannot complete is not used.
    const text = this.t[key] ? this.m(key, values) : "";
    if (text && !/\{\w+\}/.test(text)) return text;
    return (
      (this.describeError && this.describeError(problem)) ||
      problem.message ||
      this.m("blErrGeneric")
    );
  }

  showError(text) {
    setText(this.error, text);
    setHidden(this.error, !text);
    const fieldset = this.form?.querySelector("fieldset");
    if (fieldset) {
      const ids = (fieldset.getAttribute("aria-describedby") || "")
        .split(" ")
        .filter((id) => id && id !== this.error.id);
      if (text) ids.push(this.error.id);
      if (ids.length) fieldset.setAttribute("aria-describedby", ids.join(" "));
    }
  }

  clearError() {
    if (this.error && !this.error.hidden) this.showError("");
  }

  firstControl() {
    // The ballot's own controls: not the receipt field of a change.
    return this.form?.querySelector(".ballot-fields input, .ballot-fields button[data-action]");
  }

  async send() {
    if (this.sending) return;
    if (this.locked) {
      this.showError(this.locked);
      return;
    }
    const changing = this.changing;
    const receipt = changing ? this.receiptInput.value.trim() : "";
    this.markReceipt(false);
    if (changing && !receipt) {
      this.showError(this.m("blErrReceiptRequired"));
      this.markReceipt(true);
      this.receiptInput.focus();
      return;
    }
    const ballot = this.collect();
    const problem = checkBallot(this.poll, ballot);
    if (problem) {
      this.showError(this.describe(problem));
      this.firstControl()?.focus();
      return;
    }
    this.sending = true;
    this.showError("");
    this.submitButton.setAttribute("aria-disabled", "true");
    setText(this.submitButton, this.m("blSending"));
    try {
      const result = changing ? await this.submit(ballot, { receipt }) : await this.submit(ballot);
      this.receipt = result && result.receipt ? String(result.receipt) : "";
      if (this.receipt) storeReceipt(this.poll.id, this.receipt);
      this.changed = changing;
      this.changing = false;
      this.form = null;
      this.signature = null;
      this.formArea.replaceChildren();
      this.update({ ...this.poll, voted: true });
      let text = this.m("blDoneAnnounceNoCode");
      if (changing) text = this.m("blChangedAnnounce", { code: this.receipt });
      else if (this.receipt) text = this.m("blDoneAnnounce", { code: this.receipt });
      this.announce(text);
      this.doneHeading?.focus();
    } catch (error) {
      if (!changing && error && error.code === "already_voted") {
        this.update({ ...this.poll, voted: true });
        this.announce(this.m("blAlreadyVoted"));
        this.doneHeading?.focus();
      } else {
        this.showError(this.describe(error || {}));
        if (changing && error && error.field === "receipt") {
          this.markReceipt(true);
          this.receiptInput.focus();
        }
      }
    } finally {
      this.sending = false;
      if (this.submitButton?.isConnected) {
        this.submitButton.setAttribute("aria-disabled", String(Boolean(this.locked)));
        setText(this.submitButton, this.m(this.changing ? "blChangeSubmit" : "blSubmit"));
      }
    }
  }

  // --- changing one's vote ----------------------------------------------------------------

  /** Whether this poll takes a change of vote now. */
  canChange() {
    const poll = this.poll;
    return Boolean(poll.allow_change) && poll.status === "open" && poll.method !== "open";
  }

  /** The change form's own part: its heading and the receipt of the vote to replace
      (built with every form, shown only while changing). */
  changeFields() {
    const id = `${this.formId}-receipt`;
    this.changeHeading = h("h3", {
      id: `${this.formId}-change`,
      tabindex: "-1",
      className: "ballot-change-title",
      text: this.m("blChangeTitle"),
    });
    this.receiptInput = h("input", {
      id,
      name: "receipt",
      type: "text",
      className: "ballot-change-receipt",
      required: true,
      "aria-required": "true",
      autocomplete: "off",
      spellcheck: "false",
      maxlength: 200,
      "aria-describedby": `${id}-hint`,
    });
    this.changeArea = h(
      "div",
      { className: "ballot-change stack", hidden: true },
      this.changeHeading,
      h(
        "div",
        { className: "field" },
        h("label", { for: id, text: this.m("blChangeReceipt") }),
        this.receiptInput,
        h("p", { className: "field-hint", id: `${id}-hint`, text: this.m("blChangeHint") }),
      ),
    );
    return this.changeArea;
  }

  renderChangeFields() {
    const changing = this.changing;
    setHidden(this.changeArea, !changing);
    setHidden(this.cancelButton, !changing);
    // A hidden required field would block nothing (novalidate) but must not be sent.
    this.receiptInput.disabled = !changing;
    if (!this.sending) setText(this.submitButton, this.m(changing ? "blChangeSubmit" : "blSubmit"));
  }

  /** Mark the receipt field invalid (and described by the error) or clear it. */
  markReceipt(invalid) {
    if (!this.receiptInput) return;
    const hint = `${this.receiptInput.id}-hint`;
    if (invalid) {
      this.receiptInput.setAttribute("aria-invalid", "true");
      this.receiptInput.setAttribute("aria-describedby", `${hint} ${this.error.id}`);
    } else {
      this.receiptInput.removeAttribute("aria-invalid");
      this.receiptInput.setAttribute("aria-describedby", hint);
    }
  }

  startChange() {
    if (!this.canChange() || this.sending) return;
    this.changing = true;
    // A fresh form: the choices of the vote being replaced are not known here.
    this.form = null;
    this.signature = null;
    this.formArea.replaceChildren();
    this.update(this.poll);
    this.receiptInput.value = this.receipt || storedReceipt(this.poll.id) || "";
    this.changeHeading.focus();
  }

  cancelChange() {
    this.changing = false;
    this.showError("");
    this.markReceipt(false);
    this.update(this.poll);
    this.doneHeading?.focus();
  }

  applyLock() {
    const locked = Boolean(this.locked);
    for (const form of this.root.querySelectorAll("form")) {
      for (const control of form.querySelectorAll("input, button, textarea")) {
        if (control.dataset.action) continue; // renderRanking decides those
        if (control === this.cancelButton) continue; // leaving a change is always possible
        control.setAttribute("aria-disabled", String(locked));
        if (control.type === "number" || control.tagName === "TEXTAREA") control.readOnly = locked;
      }
      const note = form.querySelector(".ballot-lock");
      setText(note, this.locked);
      setHidden(note, !locked);
    }
    if (this.rankList?.isConnected) this.renderRanking();
  }

  // --- after voting ---------------------------------------------------------------------

  renderDone(voted) {
    setHidden(this.doneArea, !voted);
    if (!voted) return;
    const code = this.receipt || storedReceipt(this.poll.id) || "";
    const canChange = this.canChange();
    const when = this.receipt ? (this.changed ? "changed" : "now") : "before";
    const key = `${this.poll.id}|${when}|${code}|${canChange}`;
    if (this.doneKey === key) return;
    this.doneKey = key;
    const id = nextId("done");
    const title = { changed: "blChangedTitle", now: "blDoneTitle", before: "blAlreadyVoted" };
    const heading = h("h3", {
      id,
      tabindex: "-1",
      className: "ballot-done-title",
      text: this.m(title[when]),
    });
    const section = h("section", { className: "ballot-done", "aria-labelledby": id }, heading);
    if (when === "changed") section.append(h("p", { text: this.m("blChangedText") }));
    if (code) {
      const codeId = nextId("receipt");
      const input = h("input", {
        id: codeId,
        className: "ballot-receipt-code",
        type: "text",
        readonly: true,
        value: code,
        spellcheck: "false",
        autocomplete: "off",
      });
      const copied = h("span", { className: "ballot-copied" });
      copied.setAttribute("role", "status");
      const copy = h("button", { type: "button", className: "btn", text: this.m("blCopy") });
      copy.addEventListener("click", () => this.copy(input, copied));
      section.append(
        h("label", { for: codeId, className: "ballot-receipt-label", text: this.m("blReceipt") }),
        input,
        h("p", { className: "ballot-copy-row" }, copy, copied),
        h("p", { text: this.m("blKeepIt") }),
      );
    } else {
      section.append(h("p", { text: this.m("blNoReceipt") }));
    }
    const links = h("p", { className: "ballot-links" });
    links.append(
      h("a", { href: `/votaciones/${this.poll.id}/comprobante/`, text: this.m("blCheckLink") }),
      document.createTextNode(" · "),
      h("a", { href: `/votaciones/${this.poll.id}/boletin.json`, text: this.m("blBulletinLink") }),
    );
    section.append(links, h("p", { className: "muted", text: this.m("blBulletinWhen") }));
    if (canChange) {
      const change = h("button", {
        type: "button",
        className: "btn btn-ghost ballot-change-start",
        text: this.m("blChangeStart"),
      });
      change.addEventListener("click", () => this.startChange());
      section.append(
        h("p", { className: "ballot-change-offer" }, change),
        h("p", { className: "field-hint", text: this.m("blChangeOffer") }),
      );
    }
    // Redrawn under the person's focus (e.g. the poll closed and the change offer went
    // away): keep them in this section instead of dropping focus to the page.
    const hadFocus = this.doneArea.contains(document.activeElement);
    this.doneArea.replaceChildren(section);
    this.doneHeading = heading;
    if (hadFocus) heading.focus({ preventScroll: true });
  }

  async copy(input, status) {
    let done = false;
    try {
      await navigator.clipboard.writeText(input.value);
      done = true;
    } catch {
      // No clipboard API outside secure contexts (plain HTTP on a local network).
      input.focus();
      input.select();
      try {
        done = document.execCommand("copy");
      } catch {
        done = false;
      }
    }
    const text = done ? this.m("blCopied") : this.m("blCopyFailed");
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
  }

  // --- statements and open answers --------------------------------------------------------

  renderOpenForm(open) {
    const max = Number(this.poll.settings?.max_answers) || null;
    const mine = (this.poll.submissions || []).filter((s) => s.mine).length;
    const full = max !== null && mine >= max;
    if (!this.textForm) {
      this.formArea.replaceChildren(
        this.buildTextForm(this.m("blAnswerLabel"), this.m("blAnswerSubmit")),
      );
      if (this.poll.title) {
        this.formArea.prepend(h("p", { className: "ballot-legend", text: this.poll.title }));
      }
    }
    setHidden(this.formArea, false);
    setHidden(this.textForm, !open || full);
    if (max !== null) {
      setText(this.textHint, this.m("blAnswersLeft", { left: Math.max(0, max - mine), max }));
    }
  }

  buildTextForm(labelText, buttonText) {
    const id = nextId("text");
    const form = h("form", { className: "ballot-text-form stack", novalidate: true });
    const textarea = h("textarea", { id, name: "text", rows: 3, maxlength: 500, required: true });
    const hint = h("p", { className: "field-hint", id: `${id}-hint` });
    textarea.setAttribute("aria-describedby", hint.id);
    const feedback = h("p", { className: "feedback" });
    feedback.setAttribute("role", "status");
    feedback.setAttribute("aria-live", "polite");
    const lock = h("p", { className: "ballot-lock muted", hidden: true });
    form.append(
      h("div", { className: "field" }, h("label", { for: id, text: labelText }), textarea, hint),
      lock,
      h("button", { type: "submit", className: "btn", text: buttonText }),
      feedback,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (this.locked || !this.submitText || form.dataset.sending) return;
      const text = textarea.value.trim();
      if (!text) {
        textarea.setAttribute("aria-invalid", "true");
        setText(feedback, this.m("blTextEmpty"));
        textarea.focus();
        return;
      }
      textarea.removeAttribute("aria-invalid");
      form.dataset.sending = "1";
      setText(feedback, this.m("blTextSending"));
      try {
        const result = await this.submitText(text);
        textarea.value = "";
        const published = result && result.status === "approved";
        setText(feedback, published ? this.m("blTextPublished") : this.m("blTextPending"));
      } catch (error) {
        setText(feedback, this.describe(error || {}));
      } finally {
        delete form.dataset.sending;
      }
    });
    this.textForm = form;
    this.textHint = hint;
    return form;
  }

  renderSubmissions() {
    const poll = this.poll;
    const proposing = poll.method === "consensus" && Boolean(poll.settings?.allow_submissions);
    const items = (poll.submissions || []).filter((s) => s.status === "approved" || s.mine);
    const show = poll.method === "open" || proposing || items.length > 0;
    setHidden(this.submissionsArea, !show);
    if (!show) return;
    if (!this.submissionsList) {
      const headingId = nextId("subs");
      this.submissionsHeading = h("h3", {
        id: headingId,
        text: poll.method === "open" ? this.m("blAnswersTitle") : this.m("blStatementsTitle"),
      });
      this.submissionsEmpty = h("p", { className: "muted", text: this.m("blNoSubmissions") });
      this.submissionsList = h("ul", {
        className: "ballot-submission-list",
        "aria-labelledby": headingId,
      });
      this.submissionsArea.append(
        this.submissionsHeading,
        this.submissionsEmpty,
        this.submissionsList,
      );
      if (proposing) {
        const wrap = h("div", { className: "ballot-propose" });
        wrap.append(
          h("h4", { text: this.m("blProposeTitle") }),
          this.buildTextForm(this.m("blProposeLabel"), this.m("blProposeSubmit")),
        );
        this.proposeForm = wrap;
        this.submissionsArea.append(wrap);
      }
    }
    if (this.proposeForm) setHidden(this.proposeForm, poll.status !== "open");
    setHidden(this.submissionsEmpty, items.length > 0);
    const statusText = {
      pending: this.m("blSubPending"),
      approved: this.m("blSubApproved"),
      rejected: this.m("blSubRejected"),
    };
    const nodes = items.map((s) => {
      let li = this.submissionsList.querySelector(`li[data-id="${s.id}"]`);
      if (!li) {
        li = h("li", { className: "ballot-submission", "data-id": s.id });
        li.append(
          h("p", { className: "ballot-submission-text" }),
          h("p", { className: "ballot-submission-meta" }),
        );
      }
      setText(li.querySelector(".ballot-submission-text"), s.text);
      const meta = s.mine ? `${this.m("blSubMine")} · ${statusText[s.status] || ""}` : "";
      setText(li.querySelector(".ballot-submission-meta"), meta);
      setHidden(li.querySelector(".ballot-submission-meta"), !meta);
      return li;
    });
    this.place(this.submissionsList, nodes);
  }

  // --- results --------------------------------------------------------------------------

  renderResults() {
    const poll = this.poll;
    const counts = poll.counts;
    const show = Boolean(poll.results_visible && (counts || poll.result));
    setHidden(this.resultsArea, !show);
    if (!show) return;
    if (!this.resultsList) {
      const id = nextId("res");
      this.resultsTurnout = h("p", { className: "ballot-turnout" });
      this.resultsWinner = h("p", { className: "ballot-winner" });
      this.resultsList = h("ul", { className: "ballot-bars", "aria-labelledby": id });
      this.resultsExplanation = h("ul", { className: "ballot-explanation" });
      this.resultsArea.append(
        h("h3", { id, text: this.m("blResultsTitle") }),
        this.resultsTurnout,
        this.resultsWinner,
        this.resultsList,
        this.resultsExplanation,
        h("p", {}, h("a", { href: `/votaciones/${poll.id}/`, text: this.m("blResultsLink") })),
      );
    }
    setText(this.resultsTurnout, this.m("blTurnout", { count: poll.ballots ?? 0 }));
    const result = poll.result || null;
    const winners = result && Array.isArray(result.winners) ? result.winners : [];
    const winnerText = winners.length
      ? this.m(result.tie ? "blTie" : "blWinner", {
          labels: winners.map((k) => `«${this.label(k)}»`).join(", "),
        })
      : "";
    setText(this.resultsWinner, winnerText);
    setHidden(this.resultsWinner, !winnerText);

    const rows = counts && counts.options ? counts.options : {};
    let keys = (poll.options || []).map((o) => o.key);
    if (result && Array.isArray(result.ranking) && result.ranking.length) {
      const ranked = result.ranking.filter((k) => keys.includes(k));
      keys = [...ranked, ...keys.filter((k) => !ranked.includes(k))];
    } else {
      keys.sort((a, b) => optionValue(poll.method, rows[b]) - optionValue(poll.method, rows[a]));
    }
    const values = keys.map((k) => optionValue(poll.method, rows[k]));
    // Bars share one scale: the score range, a statement's votes, or the largest value.
    const seen = (k) => CONSENSUS_VOTES.reduce((sum, v) => sum + (rows[k]?.[v] || 0), 0);
    const top =
      poll.method === "score"
        ? scoreRange(poll).max
        : poll.method === "consensus"
          ? Math.max(1, ...keys.map(seen))
          : Math.max(1, ...values);
    const nodes = keys.map((key, index) => {
      let li = this.resultsList.querySelector(`li[data-key="${CSS.escape(key)}"]`);
      if (!li) {
        li = h("li", { className: "ballot-bar", "data-key": key });
        const labelId = nextId("bar");
        li.append(
          h("span", { className: "ballot-bar-label", id: labelId, text: this.label(key) }),
          h("meter", { min: 0, "aria-labelledby": labelId }),
          h("span", { className: "ballot-bar-value" }),
        );
      }
      const meter = li.querySelector("meter");
      meter.max = top;
      meter.value = values[index];
      setText(li.querySelector(".ballot-bar-value"), this.valueText(key, rows[key]));
      return li;
    });
    this.place(this.resultsList, nodes);
    const sentences = result && Array.isArray(result.explanation) ? result.explanation : [];
    this.resultsExplanation.replaceChildren(...sentences.map((s) => h("li", { text: s })));
    setHidden(this.resultsExplanation, sentences.length === 0);
  }

  /** "{count} …" in the singular when the count is 1 (key + "One"), else the plural. */
  counted(key, count) {
    return this.m(count === 1 && this.t[`${key}One`] ? `${key}One` : key, { count });
  }

  valueText(key, row) {
    const method = this.poll.method;
    const r = row || {};
    if (method === "single") return this.counted("blVotes", r.votes || 0);
    if (method === "approval" || method === "budget") {
      return this.counted("blApprovals", r.approvals || 0);
    }
    if (RANKED.has(method)) return this.counted("blFirst", r.first || 0);
    if (method === "score") {
      const average = r.count ? (r.sum / r.count).toFixed(1) : "0";
      return this.m("blAverage", { average, count: r.count || 0 });
    }
    if (method === "points") return this.counted("blPoints", r.points || 0);
    if (method === "consensus") {
      return this.m("blConsensusCounts", {
        agree: r.agree || 0,
        disagree: r.disagree || 0,
        pass: r.pass || 0,
      });
    }
    return "";
  }
}
