// What an action's result says, for the preview (a dry run) and for the result (done).

import { h } from "./dom.js";
import { changeWords, plannedWords, plural, tilde } from "./words.js";

const MAX_LINES = 200;

function list(items, words, testid) {
  if (!items.length) return null;
  const ul = h("ul", { class: "lines", testid });
  for (const item of items.slice(0, MAX_LINES)) ul.append(h("li", {}, words(item)));
  if (items.length > MAX_LINES) ul.append(h("li", { class: "muted" }, `and ${items.length - MAX_LINES} more`));
  return ul;
}

function syncTarget(target, dry) {
  const changes = target.changes || [];
  const lines = [];
  const count = target.changed || changes.length;
  lines.push(h("p", {}, count
    ? `${target.name}: ${dry ? "would change" : "changed"} ${plural(count, "entry", "entries")}`
    : `${target.name}: nothing to change`));
  lines.push(list(changes, (c) => (dry ? plannedWords(c) : changeWords(c, target.name)), "preview-changes"));
  lines.push(list(target.conflicts || [], (c) => `conflict: ${c.name || "the folder"}: ${c.reason}`, "preview-conflicts"));
  if (target.held) lines.push(h("p", { class: "warn" }, `pruning of ${plural(target.held, "entry", "entries")} held back by the guard (${target.guard || ""})`, target.guard_hint ? ` - ${target.guard_hint}` : ""));
  if (target.error) lines.push(h("p", { class: "bad" }, target.error));
  return lines;
}

function sync(result, dry) {
  const targets = result.results || result.targets || [];
  return targets.flatMap((t) => syncTarget(t, dry));
}

function collect(result, dry) {
  const lines = [];
  lines.push(list(result.collected || [], (c) =>
    `${dry ? "would copy" : "copied"} ${c.name} from ${tilde(c.from)} to ${tilde(c.to)}${c.replaces ? ` (replacing ${c.replaces})` : ""}`, "preview-collected"));
  lines.push(list(result.same || [], (c) => `${c.name}: already the same in the source`));
  lines.push(list(result.skipped || [], (c) => `skipped ${c.name}: ${c.reason}`));
  lines.push(list(result.failed_items || (Array.isArray(result.failed) ? result.failed : []), (c) => `failed ${c.name}: ${c.error}`));
  if (!(result.collected || []).length) lines.push(h("p", {}, "Nothing to collect."));
  return lines;
}

function restoreOne(r, dry) {
  const from = `backup ${r.from}${r.latest ? " (the latest)" : ""}`;
  const lines = [];
  if (dry) {
    lines.push(h("p", {}, `Would restore ${tilde(r.path)} from ${from}`,
      r.entries !== undefined ? `: ${plural(r.entries, "entry", "entries")}` : "", "."));
    lines.push(list(r.replaced || [], (name) => `would replace ${name}`, "preview-replaced"));
  } else {
    const parts = ["links", "folders", "files"].filter((k) => r[k]).map((k) => `${r[k]} ${k}`);
    lines.push(h("p", {}, `Restored ${tilde(r.path)} from ${from}${parts.length ? `: ${parts.join(", ")}` : ""}.`));
    lines.push(list(r.replaced || [], (name) => `replaced ${name}`));
    if (r.backup && r.backup.path) lines.push(h("p", { class: "muted" }, `What was there is backed up in ${tilde(r.backup.path)}`));
    if (r.needs_sync && !r.daemon_syncs) lines.push(h("p", { class: "warn" }, "A sync would still change this folder."));
  }
  return lines;
}

function restore(result, dry) {
  return result.kind === "all" ? (result.results || []).flatMap((r) => restoreOne(r, dry)) : restoreOne(result, dry);
}

function accept(result, dry) {
  if (dry) {
    const skills = result.skills || [];
    const findings = skills.flatMap((s) => (s.findings || []).map((f) => ({ skill: s.name, ...f })));
    return [
      h("p", {}, `Accepting ${skills.map((s) => s.name).join(", ")} with ${plural(findings.length, "finding")}:`),
      list(findings, (f) => `${f.severity} ${f.path || f.file || ""}${f.line ? `:${f.line}` : ""} ${f.rule || f.ruleId || ""} - ${f.message || ""}`, "preview-findings"),
    ];
  }
  return [
    list(result.items || [], (i) => `accepted ${i.name || i.path}${i.top ? ` (${i.top})` : ""}`),
    list(result.synced || [], (name) => `synced ${name} to the targets`),
  ];
}

function reject(result, dry) {
  const removed = result.removed_items || (result.removed || []).map((name) => ({ name }));
  return [
    list(removed, (r) => `${dry ? "would move" : "moved"} ${r.name}${r.path ? ` (${tilde(r.path)})` : ""} to the trash`, "preview-removed"),
    list(result.failed || [], (f) => (typeof f === "string" ? f : `${f.name}: ${f.error}`)),
    removed.length ? null : h("p", {}, "Nothing to remove."),
  ];
}

const DESCRIBE = { sync, release: sync, collect, restore, accept, reject };

/** The nodes that say what `result` (of `action`) would do or did. */
export function describe(action, result, dry) {
  const fn = DESCRIBE[action];
  const nodes = fn ? fn(result || {}, dry) : [];
  const raw = h("details", { class: "raw" }, h("summary", {}, "The command's result (JSON)"),
    h("pre", {}, JSON.stringify(result, null, 2)));
  return [...nodes.flat().filter(Boolean), raw];
}
