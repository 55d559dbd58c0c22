/* Live poll results, shared by the console and the projector.

   The chart is a <table>: one row per option (its label is the row header) and one cell
   with the number written out next to a bar. The table is the text equivalent; the bar
   is decoration (aria-hidden), its length a CSS width. The structure is built once per
   container and rows are keyed by option, so a live update (up to twice a second) only
   changes widths and numbers: no flicker, no lost focus or selection.

   After the poll closes, `poll.result` adds the winner(s), marked in words, not only by
   colour, and the method's explanation sentences. */

import { fill, setHidden, setText, syncList } from "./realtime.js";

/** The per-option metric each method's live counts carry (voting/live.py METRICS). */
const METRIC = {
  single: "votes",
  approval: "approvals",
  budget: "approvals",
  irv: "first",
  schulze: "first",
  borda: "first",
  score: "average",
  points: "points",
  consensus: "consensus",
};

const CONSENSUS_PARTS = ["agree", "disagree", "pass"];

function numberFormat() {
  return new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 1,
  });
}

function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The options to draw: the poll's, plus any key the counts know and the options do not
    (a consensus statement approved while the poll runs). */
function chartOptions(poll) {
  const options = [...(poll.options || [])];
  const known = new Set(options.map((o) => o.key));
  for (const key of Object.keys(poll.counts?.options || {})) {
    if (!known.has(key)) options.push({ key, label: key, cost: null });
  }
  return options;
}

/** {value, text, parts?} of one option: `value` sizes the bar, `text` is written. */
export function optionFigure(poll, key, messages, format = numberFormat()) {
  const row = poll.counts?.options?.[key] || {};
  const metric = METRIC[poll.method];
  if (metric === "average") {
    const count = row.count || 0;
    const average = count ? (row.sum || 0) / count : 0;
    const max = Number(poll.settings?.max_score ?? 5);
    return {
      value: average,
      scale: max,
      text: count
        ? fill(messages.chartAverage, {
            average: format.format(average),
            max: format.format(max),
            count: format.format(count),
          })
        : fill(messages.chartNoScores, {}),
    };
  }
  if (metric === "consensus") {
    const parts = Object.fromEntries(CONSENSUS_PARTS.map((p) => [p, row[p] || 0]));
    const total = CONSENSUS_PARTS.reduce((sum, p) => sum + parts[p], 0);
    return {
      value: total,
      parts,
      text: fill(messages.chartConsensus, {
        agree: format.format(parts.agree),
        disagree: format.format(parts.disagree),
        pass: format.format(parts.pass),
      }),
    };
  }
  const value = row[metric] || 0;
  return { value, text: format.format(value) };
}

function build(container, messages) {
  container.classList.add("poll-chart");
  container.innerHTML = `
    <p class="poll-turnout"></p>
    <p class="poll-hidden-note"></p>
    <table class="poll-table">
      <caption class="visually-hidden"></caption>
      <thead><tr><th scope="col" class="poll-col-option"></th><th scope="col" class="poll-col-metric"></th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="poll-legend" aria-hidden="true" hidden>
      <span class="poll-key poll-seg-agree"></span> <span class="poll-legend-agree"></span>
      <span class="poll-key poll-seg-disagree"></span> <span class="poll-legend-disagree"></span>
      <span class="poll-key poll-seg-pass"></span> <span class="poll-legend-pass"></span>
    </p>
    <div class="poll-result" hidden>
      <p class="poll-winner"></p>
      <ul class="poll-explanation"></ul>
    </div>`;
  setText(container.querySelector(".poll-col-option"), messages.chartOption || "");
  for (const part of CONSENSUS_PARTS) {
    setText(container.querySelector(`.poll-legend-${part}`), messages[`chart${capitalised(part)}`] || part);
  }
}

function createRow() {
  const row = document.createElement("tr");
  row.innerHTML = `
    <th scope="row"><span class="poll-label"></span> <span class="poll-cost muted"></span> <strong class="poll-winner-tag" hidden></strong></th>
    <td><span class="poll-cell"><span class="poll-bar" aria-hidden="true"></span> <span class="poll-value"></span></span></td>`;
  return row;
}

function setWidth(element, fraction) {
  const width = `${Math.max(0, Math.min(1, fraction)) * 100}%`;
  if (element.style.width !== width) element.style.width = width;
}

/** The bar's segments: one fill, or agree/disagree/pass stacked for consensus. */
function drawBar(bar, figure, scale) {
  const names = figure.parts ? CONSENSUS_PARTS : ["value"];
  if (bar.childElementCount !== names.length) {
    bar.replaceChildren(
      ...names.map((name) => {
        const segment = document.createElement("span");
        segment.className = `poll-bar-fill poll-seg-${name}`;
        return segment;
      }),
    );
  }
  names.forEach((name, index) => {
    const amount = figure.parts ? figure.parts[name] : figure.value;
    setWidth(bar.children[index], scale > 0 ? amount / scale : 0);
  });
}

/**
 * Draw (or update) the results of `poll` in `container`.
 * options.showCounts: false draws only the turnout and options.hiddenText (the
 * projector passes poll.results_visible: it receives the facilitator's counts).
 */
export function renderPollChart(container, poll, messages, options = {}) {
  if (!container.querySelector(".poll-table")) build(container, messages);
  const format = numberFormat();
  const showCounts = options.showCounts ?? true;
  const counts = showCounts ? poll.counts : null;
  const ballots = poll.ballots ?? poll.counts?.ballots ?? 0;

  setText(
    container.querySelector(".poll-turnout"),
    fill(ballots === 1 ? messages.ballotsOne : messages.ballotsOther, { count: format.format(ballots) }),
  );
  const note = container.querySelector(".poll-hidden-note");
  setText(note, counts ? "" : options.hiddenText || "");
  setHidden(note, Boolean(counts) || !options.hiddenText);

  const table = container.querySelector(".poll-table");
  const hasOptions = poll.method in METRIC;
  setHidden(table, !counts || !hasOptions);
  setHidden(container.querySelector(".poll-legend"), !counts || poll.method !== "consensus");

  const result = showCounts ? poll.result : null;
  const winners = new Set(result?.winners || []);
  if (counts && hasOptions) {
    const metric = METRIC[poll.method];
    setText(table.querySelector("caption"), fill(messages.chartCaption, { title: poll.title || "" }));
    setText(table.querySelector(".poll-col-metric"), messages[`metric${capitalised(metric)}`] || metric);
    const optionList = chartOptions({ ...poll, counts });
    const figures = new Map(optionList.map((o) => [o.key, optionFigure({ ...poll, counts }, o.key, messages, format)]));
    let scale = Math.max(1, ...[...figures.values()].map((f) => f.value));
    if (metric === "average") scale = Number(poll.settings?.max_score ?? 5);
    syncList(table.tBodies[0], optionList, {
      key: (o) => o.key,
      create: createRow,
      update: (row, option) => {
        const figure = figures.get(option.key);
        setText(row.querySelector(".poll-label"), option.label);
        const cost = option.cost !== null && option.cost !== undefined;
        setText(row.querySelector(".poll-cost"), cost ? fill(messages.chartCost, { cost: format.format(option.cost) }) : "");
        const won = winners.has(option.key);
        row.classList.toggle("is-winner", won);
        const tag = row.querySelector(".poll-winner-tag");
        setText(tag, won ? messages.chartWinnerTag || "" : "");
        setHidden(tag, !won);
        drawBar(row.querySelector(".poll-bar"), figure, scale);
        setText(row.querySelector(".poll-value"), figure.text);
      },
    });
  }

  const box = container.querySelector(".poll-result");
  setHidden(box, !result);
  if (result) {
    const labels = new Map((poll.options || []).map((o) => [o.key, o.label]));
    const names = (result.winners || []).map((key) => labels.get(key) || key);
    let line = messages.chartNoWinner || "";
    if (names.length === 1) line = fill(messages.chartWinnerOne, { names: names[0] });
    else if (names.length > 1) line = fill(messages.chartWinnerMany, { names: names.join(", ") });
    if (result.tie && result.winner) {
      line = `${line} ${fill(messages.chartTieBreak, { name: labels.get(result.winner) || result.winner })}`;
    }
    setText(box.querySelector(".poll-winner"), line);
    const sentences = (result.explanation || []).map((text, index) => ({
      index,
      text, // the server writes the sentences with the options' labels
    }));
    syncList(box.querySelector(".poll-explanation"), sentences, {
      key: (s) => `${s.index}:${s.text}`,
      create: () => document.createElement("li"),
      update: (item, s) => setText(item, s.text),
    });
  }
}
