// Every action goes the same way: the dry run first, its preview in the dialog, and only on
// "Confirm" the same body again with dry_run false; then the result (or the error and its
// hint). The dialog's data-stage says where it is: loading, preview, running, done, error.

import { act } from "./api.js";
import { fill, h } from "./dom.js";
import { describe } from "./preview.js";

const folder = (b) => `${b.target}${b.kind === "agents" ? " (agents)" : ""}`;
const TITLES = {
  sync: (b) => `Sync ${folder(b)}`,
  release: (b) => `Release the held pruning of ${folder(b)}`,
  collect: (b) => `Collect ${b.skill || "every local skill"} from ${b.target}`,
  restore: (b) => `Restore ${folder(b)} from ${b.backup || "the latest backup"}`,
  accept: (b) => `Accept ${b.skill} (its findings)`,
  reject: (b) => `Reject ${b.skill} (move it to the trash)`,
};

let onDone = () => {};

/** Called after an action that was done (not a dry run): the page refetches. */
export function afterActions(fn) {
  onDone = fn;
}

function parts() {
  const dialog = document.getElementById("preview");
  return {
    dialog,
    title: dialog.querySelector("[data-part=title]"),
    body: dialog.querySelector("[data-part=body]"),
    confirm: dialog.querySelector("[data-testid=confirm-button]"),
    cancel: dialog.querySelector("[data-testid=cancel-button]"),
  };
}

// restore and collect refuse to replace what skillshare did not make (or a different
// source skill) unless told to: the page offers the same --force, through its own preview
const FORCEABLE = new Set(["restore", "collect"]);

function errorNodes(err, action, body) {
  const offer = action && FORCEABLE.has(action) && !body.force && /--force/.test(err.hint || "");
  return h("div", { class: "error", testid: "action-error" },
    h("p", { class: "bad" }, err.message),
    err.hint ? h("p", { class: "hint" }, err.hint) : null,
    offer ? h("button", { type: "button", class: "action", testid: "force-button",
      on: { click: () => run(action, { ...body, force: true }) } }, "Preview with --force") : null);
}

function stage(p, name, ...nodes) {
  p.dialog.dataset.stage = name;
  fill(p.body, ...nodes);
  p.confirm.hidden = name !== "preview";
  p.confirm.disabled = name !== "preview";
  p.cancel.textContent = name === "done" || name === "error" ? "Close" : "Cancel";
}

let current = 0; // the action the dialog shows: a reply to an earlier one is dropped

/** Run `action` with `body` (without dry_run) through its preview. */
export async function run(action, body) {
  current += 1;
  const mine = current;
  const p = parts();
  fill(p.title, (TITLES[action] || ((b) => action))(body), body.force ? " (--force)" : "");
  p.dialog.dataset.action = action;
  stage(p, "loading", h("p", { class: "muted" }, "Looking at what it would do..."));
  p.confirm.onclick = () => confirmed(p, action, body, mine);
  if (!p.dialog.open) p.dialog.showModal();
  try {
    const reply = await act(action, { ...body, dry_run: true });
    if (mine !== current) return;
    stage(p, "preview", h("p", { class: "muted" }, "Nothing is changed until you confirm:"),
      ...describe(action, reply.result, true));
    p.confirm.focus();
  } catch (err) {
    if (mine === current) stage(p, "error", errorNodes(err, action, body));
  }
}

async function confirmed(p, action, body, mine) {
  stage(p, "running", h("p", { class: "muted" }, "Running..."));
  try {
    const reply = await act(action, { ...body, dry_run: false });
    if (mine !== current) return;
    stage(p, "done", h("p", { class: "good", testid: "action-done" }, "Done."),
      ...describe(action, reply.result, false));
  } catch (err) {
    if (mine === current) stage(p, "error", errorNodes(err));
  }
  onDone();
}

/** A button that runs an action. */
export function button(label, action, body, attrs) {
  return h("button", {
    type: "button", class: "action", testid: `${action}-button`,
    on: { click: () => run(action, body) }, ...(attrs || {}),
  }, label);
}

export function setupDialog() {
  const p = parts();
  p.cancel.addEventListener("click", () => p.dialog.close());
  p.dialog.addEventListener("close", () => { current += 1; });
}
