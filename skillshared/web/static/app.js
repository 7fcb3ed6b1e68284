// The dashboard: fetch the status, the catalog and the backups; draw the view that is shown;
// refetch when the live stream says something changed (no polling).

import { afterActions, setupDialog } from "./actions.js";
import { get, session } from "./api.js";
import { fill, h } from "./dom.js";
import { connect } from "./live.js";
import * as backupsView from "./view_backups.js";
import * as auditView from "./view_audit.js";
import * as catalogView from "./view_catalog.js";
import * as statusView from "./view_status.js";
import { changeWords, clock, passWords } from "./words.js";

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
  else if (state.view === "catalog" && state.catalog) catalogView.render(root, $("tool-picker"), state);
  else if (state.view === "backups") backupsView.render(root, state);
  else if (state.view === "audit") auditView.render(root, state);
  const flagged = (state.status.audit_findings || []).length;
  $("audit-count").textContent = flagged ? String(flagged) : "";
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

let inFlight = null;
let again = false;

/** Fetch everything again (one fetch at a time; a call during one runs once more after it). */
async function refresh() {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  inFlight = (async () => {
    try {
      const [status, catalog, backups] = await Promise.all(
        [get("/api/status"), get("/api/catalog"), get("/api/backups")]);
      Object.assign(state, { status, catalog, backups });
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

function show(view) {
  state.view = VIEWS.includes(view) ? view : "status";
  for (const v of VIEWS) {
    $(`view-${v}`).hidden = v !== state.view;
    $(`tab-${v}`).setAttribute("aria-selected", String(v === state.view));
  }
  $("catalog-controls").hidden = state.view !== "catalog";
  draw();
}

function eventWords(kind, data) {
  if (kind === "log") return data.summary;
  if (kind === "pass") return passWords(data);
  if (kind === "job") return `job ${data.name}: ${data.result}${data.summary ? ` - ${data.summary}` : ""}`;
  if (kind === "command") return `${data.cmd} changed files`;
  if (kind === "hello") return "connected to the daemon";
  if (kind === "bye") return "the dashboard was stopped";
  return kind;
}

function addEvent(kind, data, at) {
  const list = $("events");
  const item = h("li", { testid: "event-item", data: { kind }, class: kind },
    h("time", {}, clock(at || data.at || new Date().toISOString())), " ", eventWords(kind, data));
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
  afterActions(refresh);
}

async function boot() {
  wire();
  show(location.hash.slice(1));
  try {
    const info = await session();
    $("version").textContent = `v${info.version}`;
  } catch (err) {
    problem(err);
    setLive("disconnected");
    return;
  }
  await refresh();
  seedEvents();
  connect({ onEvent: (kind, data) => { if (kind !== "hello") addEvent(kind, data, data.at); },
    onChange: refresh, onState: setLive });
}

boot();
