// The dashboard: fetch the status, the catalog and the backups; draw the view that is shown;
// refetch when the live stream says something changed (no polling).

import { afterActions, setupDialog } from "./actions.js";
import { get, session } from "./api.js";
import { fill, h, refreshTimes } from "./dom.js";
import { connect } from "./live.js";
import * as backupsView from "./view_backups.js";
import * as auditView from "./view_audit.js";
import * as catalogView from "./view_catalog.js";
import * as statusView from "./view_status.js";
import { changeWords, clock, passWords, setHome, tildeIn, when } from "./words.js";

const VIEWS = ["status", "catalog", "backups", "audit"];
const MAX_EVENTS = 200;

const state = {
  view: "status", status: null, catalog: null, backups: null,
  tool: "", filter: "", open: new Set(), loaded: false,
};
const $ = (id) => document.getElementById(id);

function draw() {
  if (!state.status) return;
  const root = $(`view-${state.view}`);
  if (state.view === "status") statusView.render(root, state);
  else if (state.view === "catalog") {
    if (state.catalog) catalogView.render(root, $("tool-picker"), state);
    else fill(root, h("p", { class: "muted" }, "Reading every tool's folders..."));
  } else if (state.view === "backups") {
    if (state.backups) backupsView.render(root, state);
    else fill(root, h("p", { class: "muted" }, "Reading the backups..."));
  }
  else if (state.view === "audit") auditView.render(root, state);
  const held = (state.status.audit_findings || []).filter((f) => f.held).length;
  $("audit-count").textContent = held ? String(held) : "";
  $("audit-count").title = held ? `${held} held back until accepted` : "";
  document.body.dataset.loaded = "true";
}

function problem(err) {
  const box = $("problem");
  if (!err) {
    box.hidden = true;
    return;
  }
  fill(box, h("strong", {}, err.message), err.hint ? h("span", {}, ` ${err.hint}`) : null);
  box.hidden = false;
}

// The status is fetched on every change; the catalog and the backups (larger, and slower to
// read at thousands of skills) only when a view shows them: after a change they are marked
// stale and fetched when their view is shown. The status view uses the catalog for the
// local entries it offers to collect: it is fetched again there when the targets' counts of
// local entries change.
const stale = { catalog: true, backups: true };

function localSignature(status) {
  return status.targets.map((t) => `${t.name}:${t.local}`).join("\n");
}

function wanted(status) {
  const sig = localSignature(status);
  return {
    catalog: state.view === "catalog" ? stale.catalog || !state.catalog
      : state.view === "status" && status.targets.some((t) => t.local)
        && (!state.catalog || sig !== state.catalogSignature),
    backups: state.view === "backups" && (stale.backups || !state.backups),
    sig,
  };
}

async function load() {
  const status = await get("/api/status");
  const want = wanted(status);
  const [catalog, backups] = await Promise.all([
    want.catalog ? get("/api/catalog") : null, want.backups ? get("/api/backups") : null]);
  state.status = status;
  if (catalog) Object.assign(state, { catalog, catalogSignature: want.sig });
  if (backups) state.backups = backups;
  stale.catalog &&= !catalog;
  stale.backups &&= !backups;
}

let inFlight = null;
let again = false;

/** Fetch again what the page shows (one fetch at a time; a call during one runs once more
 * after it). */
async function refresh() {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  inFlight = (async () => {
    try {
      await load();
      problem(null);
      draw();
    } catch (err) {
      problem(err);
    }
  })();
  await inFlight;
  inFlight = null;
  if (again) {
    again = false;
    await refresh();
  }
}

/** Something changed on disk (a pass, a job, a command, an action done here). */
function changed() {
  stale.catalog = true;
  stale.backups = true;
  return refresh();
}

function show(view) {
  state.view = VIEWS.includes(view) ? view : "status";
  for (const v of VIEWS) {
    $(`view-${v}`).hidden = v !== state.view;
    $(`tab-${v}`).setAttribute("aria-selected", String(v === state.view));
  }
  $("catalog-controls").hidden = state.view !== "catalog";
  draw();
  const want = state.status && wanted(state.status);
  if (want && (want.catalog || want.backups)) refresh();
}

function eventWords(kind, data) {
  if (kind === "log") return tildeIn(data.summary);
  if (kind === "pass") return passWords(data);
  if (kind === "job") return `job ${data.name}: ${data.result}${data.summary ? ` - ${data.summary}` : ""}`;
  if (kind === "command") return `the ${data.cmd} command changed files`;
  if (kind === "hello") return "connected to the daemon";
  if (kind === "bye") return "the dashboard was stopped";
  return kind;
}

/** A pass that changed nothing and found nothing wrong. */
function quiet(kind, data) {
  return kind === "pass" && !data.changed && !data.conflicted && !(data.errors || []).length
    && !(data.held_back || []).length;
}

function addEvent(kind, data, at) {
  const list = $("events");
  const time = clock(at || data.at || new Date().toISOString());
  const top = list.firstElementChild;
  if (quiet(kind, data) && top && top.dataset.quiet) {
    // quiet passes in a row: one line, counted
    const count = Number(top.dataset.quiet) + 1;
    top.dataset.quiet = String(count);
    fill(top, h("time", {}, time), ` ${count} passes (the last ${passWords(data)})`);
    return;
  }
  const item = h("li", { testid: "event-item", data: { kind, quiet: quiet(kind, data) ? "1" : null }, class: kind },
    h("time", {}, time), " ", eventWords(kind, data));
  if (kind === "pass" && (data.changes || []).length > 3) {
    const more = h("ul", { class: "lines" }, data.changes.map((c) => h("li", {}, changeWords(c, c.target))));
    item.append(h("details", {}, h("summary", {}, "every change"), more));
  }
  list.prepend(item);
  while (list.childElementCount > MAX_EVENTS) list.lastElementChild.remove();
}

function seedEvents() {
  const recent = (state.status && state.status.daemon && state.status.daemon.recent) || [];
  for (const e of recent) addEvent("log", e, e.at);
}

function setLive(mode) {
  if (mode === "stopped") {
    problem({ message: "The dashboard was stopped.", hint: "Run `skillshare ui` to serve it again." });
  }
  const dot = $("live");
  dot.dataset.state = mode;
  dot.textContent = { live: "live", disconnected: "disconnected - reconnecting", stopped: "stopped" }[mode] || mode;
}

function wire() {
  for (const v of VIEWS) $(`tab-${v}`).addEventListener("click", () => { location.hash = v; });
  window.addEventListener("hashchange", () => show(location.hash.slice(1)));
  $("tool-picker").addEventListener("change", (ev) => { state.tool = ev.target.value; draw(); });
  let typing = null;
  $("filter").addEventListener("input", (ev) => {
    clearTimeout(typing);
    typing = setTimeout(() => { state.filter = ev.target.value.trim().toLowerCase(); draw(); }, 150);
  });
  setupDialog();
  afterActions(changed);
}

async function boot() {
  wire();
  show(location.hash.slice(1));
  try {
    const info = await session();
    $("version").textContent = `v${info.version}`;
    setHome(info.home);
  } catch (err) {
    problem(err);
    setLive("disconnected");
    return;
  }
  await refresh();
  seedEvents();
  setInterval(() => refreshTimes(when), 15000); // words only: nothing is fetched
  connect({ onEvent: (kind, data) => { if (kind !== "hello") addEvent(kind, data, data.at); },
    onChange: changed, onState: setLive });
}

boot();
