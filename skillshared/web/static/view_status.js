// The status view: a card per target (skills, agents, extras), the source, the daemon's last
// pass and its scheduled jobs.

import { button } from "./actions.js";
import { ago, badge, capped, fill, h } from "./dom.js";
import { changeWords, clock, ms, passWords, plural, tilde, tildeIn, when } from "./words.js";

const TONE = {
  synced: "good", linked: "good", "needs sync": "warn", held: "warn", "not linked": "warn",
  missing: "warn", conflict: "bad", error: "bad",
};

export function tone(state) {
  return TONE[state] || "warn";
}

function lastChange(daemon, line) {
  const pass = daemon && daemon.last_change;
  if (!pass) return null;
  const mine = (pass.changes || []).filter((c) => c.target === line);
  if (!mine.length) return null;
  const words = mine.slice(0, 3).map((c) => changeWords(c)).join(", ");
  const more = mine.length > 3 ? ` and ${mine.length - 3} more` : "";
  return h("p", { class: "muted", testid: "target-last-change" },
    "Last change ", ago(pass.at, when), ` (${ms(pass.ms)}): ${words}${more}`);
}

function localEntries(catalog, name) {
  const tool = catalog && (catalog.catalog || []).find((t) => t.tool === name);
  if (!tool) return [];
  const own = new Set(tool.folders.filter((f) => f.role === "own" && f.kind === "skills").map((f) => f.path));
  return tool.skills.filter((e) => e.origin === "local" && own.has(e.folder));
}

function collectList(ctx, t) {
  const entries = localEntries(ctx.catalog, t.name);
  if (!entries.length) return null;
  // a folder of the user's at a source skill's name is local too: it is the conflict above
  const clashes = new Set((t.conflicts || []).map((c) => c.name));
  const ul = h("ul", { class: "locals", testid: "local-entries" });
  const more = capped(ul, entries, (e) => h("li", { data: { entry: e.entry, conflict: clashes.has(e.entry) ? "1" : null } },
    h("span", {}, h("span", { class: "mono" }, e.entry),
      clashes.has(e.entry) ? h("span", { class: "muted small" }, " in place of the source's skill") : null),
    " ", button("Collect...", "collect", { target: t.name, skill: e.entry },
      { class: "action small", data: { target: t.name, skill: e.entry } })),
  { cap: 20, key: `locals:${t.name}`, open: ctx.open });
  return [h("p", {}, "Local skills (made in the tool's folder, not synced from the source):"), ul, more];
}

function card(ctx, t, kind, line) {
  const synced = `${t.synced.toLocaleString()}/${t.expected.toLocaleString()} synced`;
  const body = kind === "agents" ? { target: t.name, kind: "agents" } : { target: t.name };
  const marks = { data: { target: t.name, kind } };
  const actions = kind === "extra" ? null : h("div", { class: "actions" },
    button("Sync...", "sync", body, marks),
    t.held ? button("Release...", "release", body, marks) : null);
  return h("article", {
    class: `card t-${tone(t.state)}`, testid: "target-card",
    data: { target: t.name, kind, state: t.state },
  },
  h("header", {}, h("h3", {}, t.name), badge(t.state, tone(t.state), { testid: "target-state" })),
  h("p", { class: "path mono", title: t.path }, tilde(t.path)),
  // a folder in error was not read: its counts say nothing
  h("p", {}, t.state === "error" ? null : [h("span", { testid: "target-synced" }, synced), " - "], t.mode,
    t.pending ? ` - ${t.pending.toLocaleString()} pending` : "",
    t.local ? ` - ${plural(t.local, "local entry", "local entries")}` : ""),
  t.also && t.also.length ? h("p", { class: "muted" }, `Same folder as ${t.also.join(", ")}`) : null,
  t.error ? h("p", { class: "bad", testid: "target-error" }, tildeIn(t.error)) : null,
  conflicts(t),
  t.held ? h("div", { class: "held", testid: "target-held" },
    h("p", { class: "warn" }, `Pruning of ${plural(t.held, "entry", "entries")} held back by the guard`,
      t.guard ? `: ${tildeIn(t.guard)}` : ""),
    t.guard_hint ? h("p", { class: "hint" }, t.guard_hint) : null) : null,
  lastChange(ctx.status.daemon, line),
  kind === "skills" && t.local ? collectList(ctx, t) : null,
  actions);
}

function conflicts(t) {
  if (!t.conflicts || !t.conflicts.length) return null;
  const ul = h("ul", { class: "conflicts", testid: "target-conflicts" });
  for (const c of t.conflicts.slice(0, 50)) {
    ul.append(h("li", {}, h("span", { class: "mono" }, c.name || "(the folder)"), `: ${tildeIn(c.reason)}`));
  }
  if (t.conflicts.length > 50) ul.append(h("li", { class: "muted" }, `and ${t.conflicts.length - 50} more`));
  return ul;
}

function grid(cards) {
  return h("div", { class: "grid" }, cards);
}

function targets(ctx) {
  const s = ctx.status;
  const out = [h("h2", {}, "Skills"), grid(s.targets.map((t) => card(ctx, t, "skills", t.name)))];
  if (s.agents) {
    out.push(h("h2", {}, `Agents`),
      grid(s.agents.targets.map((t) => card(ctx, t, "agents", `${t.name}@agents`))));
  }
  for (const extra of s.extras || []) {
    out.push(h("h2", {}, `Extra: ${extra.name}`),
      extra.problem ? h("p", { class: "bad" }, tildeIn(extra.problem)) : null,
      grid(extra.targets.map((t, i) => card(ctx, t, "extra", `${extra.name}@${i}`))));
  }
  return out;
}

function gitWords(git) {
  if (!git) return "not a git repository";
  if (git.error) return `git: ${git.error}`;
  const parts = [git.branch || "detached"];
  if (git.behind) parts.push(`${git.behind} behind`);
  if (git.ahead) parts.push(`${git.ahead} ahead`);
  if (git.dirty) parts.push(`${git.changes} uncommitted`);
  if (!git.behind && !git.ahead && git.upstream) parts.push("up to date");
  return parts.join(", ");
}

function source(s) {
  const repos = s.tracked_repos || [];
  return h("section", { class: "panel", testid: "source-panel" },
    h("h2", {}, "Source"),
    h("p", { class: "mono", title: s.source.path }, tilde(s.source.path)),
    h("p", {}, `${plural(s.source.skills, "skill")}`,
      s.source.invalid ? `, ${s.source.invalid} invalid` : "",
      s.source.ignored ? `, ${s.source.ignored} ignored` : "",
      ` - ${gitWords(s.source.git)}`),
    s.agents ? h("p", {}, `${plural(s.agents.agents, "agent")} in `, h("span", { class: "mono" }, tilde(s.agents.source))) : null,
    (s.extras || []).length ? h("p", {}, `Extras: ${s.extras.map((e) => `${e.name} (${plural(e.files, "file")})`).join(", ")}`) : null,
    repos.length ? h("h3", {}, "Tracked repos") : null,
    repos.length ? h("ul", { class: "repos", testid: "tracked-repos" }, repos.map((r) =>
      h("li", { class: r.git && r.git.behind ? "warn" : "" },
        h("span", { class: "mono" }, r.name), ` - ${plural(r.skills, "skill")} - ${gitWords(r.git)}`))) : null);
}

function daemonPanel(d) {
  if (!d || !d.running || !d.jobs) return null;
  const rows = d.jobs.map((j) => h("tr", { data: { job: j.name } },
    h("td", {}, j.name),
    h("td", {}, j.running ? "running" : ago(j.next_run, when)),
    h("td", {}, j.last_run ? ago(j.last_run, when) : "never"),
    h("td", {}, j.last_result ? badge(j.last_result, j.last_result === "ok" ? "good" : "bad") : "-"),
    h("td", {}, j.last_error || j.last_summary || "")));
  const last = d.last_reconcile;
  return h("section", { class: "panel", testid: "daemon-panel" },
    h("h2", {}, "Daemon"),
    h("p", {}, last ? ["Last pass ", ago(last.at, when), ` (${clock(last.at)}): ${passWords(last)}`] : "No pass yet."),
    d.last_error ? h("p", { class: "bad" }, "Last error ", ago(d.last_error.at, when), `: ${tildeIn(d.last_error.message)}`) : null,
    h("h3", {}, "Scheduled jobs"),
    h("table", { class: "jobs", testid: "jobs" },
      h("thead", {}, h("tr", {}, ["Job", "Next run", "Last run", "Result", "What it did"].map((c) => h("th", {}, c)))),
      h("tbody", {}, rows)));
}

function everyTarget(s) {
  const extras = (s.extras || []).flatMap((e) => e.targets);
  return [...s.targets, ...(s.agents ? s.agents.targets : []), ...extras];
}

/** The page's first line: what is wrong, counted over every folder (or that nothing is). */
function summary(s) {
  const count = (state) => everyTarget(s).filter((t) => t.state === state).length;
  const folders = (n) => plural(n, "folder");
  const conflicts = count("conflict");
  const errors = count("error");
  const wrong = [
    s.out_of_sync ? badge(`${folders(s.out_of_sync)} out of sync`, "warn", { data: { kind: "out-of-sync" } }) : null,
    conflicts ? badge(`${folders(conflicts)} with a conflict`, "bad", { data: { kind: "conflict" } }) : null,
    errors ? badge(`${folders(errors)} in error`, "bad", { data: { kind: "error" } }) : null,
    s.held ? badge(`pruning held back in ${folders(s.held)}`, "warn", { data: { kind: "held" } }) : null,
  ].filter(Boolean);
  const flagged = (s.audit_findings || []).length;
  return h("p", { class: "summary", testid: "status-summary" },
    wrong.length ? wrong : badge("all in sync", "good", { data: { kind: "synced" } }),
    flagged ? badge(`${flagged} flagged by the audit`, "warn", { data: { kind: "audit" } }) : null);
}

/** Draw the status into `root`; ctx: {status, catalog, open}. */
export function render(root, ctx) {
  const s = ctx.status;
  fill(root, summary(s), h("div", { class: "columns" },
    h("div", { class: "main" }, targets(ctx)),
    h("aside", {}, source(s), daemonPanel(s.daemon))));
}
