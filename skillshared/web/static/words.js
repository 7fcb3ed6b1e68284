// Words for what the daemon reports: changes, passes, times, sizes.

const VERBS = {
  link: "linked", link_target: "linked", replace_dir_with_link: "linked",
  relink: "relinked", relink_target: "relinked", adopt: "adopted",
  copy: "copied", update_copy: "updated", force_replace: "replaced",
  force_replace_target: "replaced", unlink: "pruned", remove_copy: "pruned",
  unlink_target: "unlinked", clean_temp: "cleaned up", mkdir_target: "created",
};
const FUTURE = {
  linked: "link", relinked: "relink", adopted: "adopt", copied: "copy", updated: "update",
  replaced: "replace", pruned: "prune", unlinked: "unlink", "cleaned up": "clean up",
  created: "create",
};
const PREPOSITION = { linked: "into", copied: "into", pruned: "from", unlinked: "from" };

export function verb(action) {
  return VERBS[action] || action;
}

/** A pass's target line, as people say it: "claude", "claude (agents)", "rules (extra)". */
export function targetWords(target) {
  if (target.endsWith("@agents")) return `${target.slice(0, -7)} (agents)`;
  const at = target.indexOf("@");
  return at > 0 ? `${target.slice(0, at)} (extra)` : target;
}

/** "linked foo into claude", "pruned bar from cursor". */
export function changeWords(change, target) {
  const done = verb(change.action);
  const where = target ? ` ${PREPOSITION[done] || "in"} ${targetWords(target)}` : "";
  return `${done} ${change.name || "the folder"}${where}`;
}

/** The same change not done yet (a dry run): "link foo". */
export function plannedWords(change) {
  const done = verb(change.action);
  return `${FUTURE[done] || change.action} ${change.name || "the folder"}`;
}

/** What a reconcile pass did, in one line. */
export function passWords(pass) {
  const changes = pass.changes || [];
  const shown = changes.slice(0, 3).map((c) => changeWords(c, c.target));
  const more = (pass.changed || changes.length) - shown.length;
  const parts = [];
  if (shown.length) parts.push(shown.join(", ") + (more > 0 ? `, and ${more} more` : ""));
  else parts.push("nothing to change");
  const conflicts = pass.conflicted || (pass.conflicts || []).length;
  if (conflicts) parts.push(`${conflicts} conflict${conflicts === 1 ? "" : "s"}`);
  if ((pass.errors || []).length) parts.push(`${pass.errors.length} error(s)`);
  if ((pass.held_back || []).length) parts.push(`pruning held back in ${pass.held_back.join(", ")}`);
  return `${pass.kind || ""} pass (${ms(pass.ms)}): ${parts.join("; ")}`;
}

export function ms(value) {
  if (value === null || value === undefined) return "-";
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

export function bytes(value) {
  if (value === null || value === undefined) return "-";
  const units = ["B", "KB", "MB", "GB"];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit += 1;
  }
  return `${unit ? n.toFixed(1) : n} ${units[unit]}`;
}

/** "12 s ago", "in 3 min", or the date for what is far away. */
export function when(iso) {
  if (!iso) return "never";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const secs = Math.round((at.getTime() - Date.now()) / 1000);
  const abs = Math.abs(secs);
  if (abs < 2) return "just now";
  // the unit is chosen from the rounded count: 59.6 min is "1 h", 23.7 h is "1 day"
  const [mins, hours, days] = [60, 3600, 86400].map((unit) => Math.round(abs / unit));
  let span;
  if (abs < 60) span = `${abs} s`;
  else if (mins < 60) span = `${mins} min`;
  else if (hours < 24) span = `${hours} h`;
  else if (days < 7) span = days === 1 ? "1 day" : `${days} days`;
  else return at.toLocaleString();
  return secs < 0 ? `${span} ago` : `in ${span}`;
}

export function clock(iso) {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? String(iso || "") : at.toLocaleTimeString();
}

export function plural(count, noun, many) {
  return `${Number(count).toLocaleString()} ${count === 1 ? noun : many || `${noun}s`}`;
}

let home = null;

/** The home folder (from /api/session) whose paths are shown as ~/... */
export function setHome(folder) {
  home = typeof folder === "string" && folder.length > 1 ? folder.replace(/\/+$/, "") : null;
}

/** A path with the home folder written as ~ (the full path stays in a title). */
export function tilde(path) {
  if (!home || typeof path !== "string") return path;
  if (path === home) return "~";
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** A sentence with every path under the home folder written as ~/... */
export function tildeIn(text) {
  if (!home || typeof text !== "string") return text;
  return text.split(`${home}/`).join("~/");
}
