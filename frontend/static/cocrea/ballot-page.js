/* The ballot page outside a live session (/votaciones/<id>/votar/).

   - Code step: a printed card's QR opens this page with the code in the URL fragment
     (#codigo=…), which never reaches the server or its logs; we copy it into the code
     field and drop it from the address bar and history.
   - Ballot step: ballot.js draws the ballot; we send it with fetch (JSON + CSRF
     header). One op_id until the server answers: a retry after a lost answer gets
     the same receipt instead of a second vote. For code polls the code travels again
     with the ballot and the server re-checks it in the ballot's transaction.
   - Changing the vote (polls with allow_change): ballot.js passes {receipt}, sent as
     "receipt" with the ballot (and the code); the answer is the new receipt. */

import { mountBallot } from "./ballot.js";
import { readMessages } from "./realtime.js";

const $ = (id) => document.getElementById(id);

function prefillCode() {
  const input = $("voting-code");
  const match = /^#codigo=([^&]+)/.exec(window.location.hash);
  if (!input || !match) return;
  if (!input.value) input.value = decodeURIComponent(match[1]);
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
}

function newOpId() {
  if (window.crypto?.randomUUID) return window.crypto.randomUUID();
  // randomUUID needs a secure context; plain-HTTP private networks still get 128 bits.
  const bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function readJson(id) {
  const element = $(id);
  return element ? JSON.parse(element.textContent) : null;
}

function mountPage(root) {
  const t = readMessages();
  const poll = readJson("ballot-poll");
  const code = readJson("ballot-code");
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]")?.value || "";
  const announcer = $("ballot-announcer");
  // One op_id per operation: kept while its answer is unknown (a retry after a lost
  // answer gets the same receipt), replaced once the server has answered, so a change
  // of vote after the vote (or a second change) is not taken for a retry of it.
  let opId = newOpId();

  const announce = (text) => {
    // Clear first so the same sentence twice is announced twice.
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 50);
  };

  const submit = async (ballot, { receipt = null } = {}) => {
    const body = { ballot, op_id: opId };
    if (code) body.code = code;
    if (receipt) body.receipt = receipt;
    let response;
    try {
      response = await fetch(root.dataset.submitUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrf,
        },
        body: JSON.stringify(body),
      });
    } catch {
      throw { code: "network", field: null, message: t.submitNetwork };
    }
    let data = null;
    try {
      data = await response.json();
    } catch {
      data = null;
    }
    // A JSON answer is the server's word on this op_id: the next submission is new.
    if (data) opId = newOpId();
    if (response.ok && data && data.receipt) {
      return { receipt: data.receipt, changed: Boolean(data.changed) };
    }
    throw (data && data.error) || { code: "error", field: null, message: t.submitGeneric };
  };

  const container = $("ballot-container");
  container.replaceChildren();
  mountBallot(container, poll, { messages: t, submit, announce });
  // After the code step this page is the answer to the person's action: take them to
  // the ballot rather than to the top of the site's header.
  if (code) $("ballot-title")?.focus();
}

prefillCode();
const root = $("ballot-root");
if (root) mountPage(root);
