// The backups view: a timeline per target (the backups that hold it, newest first), each with
// "Restore...", which runs through its preview.

import { button } from "./actions.js";
import { badge, capped, fill, h } from "./dom.js";
import { bytes, plural, when } from "./words.js";

function timelines(backups, targets) {
  const byTarget = new Map(targets.map((name) => [name, []]));
  for (const b of backups) {
    for (const t of b.targets || []) {
      if (!byTarget.has(t.name)) byTarget.set(t.name, []);
      byTarget.get(t.name).push({ backup: b, part: t });
    }
  }
  for (const list of byTarget.values()) list.sort((x, y) => String(y.backup.created).localeCompare(String(x.backup.created)));
  return byTarget;
}

function point(target, { backup, part }, latest) {
  return h("li", { testid: "backup-point", data: { target, backup: backup.name } },
    h("span", { class: "dot" }),
    h("div", {},
      h("strong", {}, when(backup.created)), " ", h("span", { class: "muted" }, `${backup.name}`),
      latest ? [" ", badge("latest", "info")] : null,
      h("p", { class: "muted" }, `${plural(part.skills, "skill")}, ${bytes(part.bytes)}, ${part.mode || ""} ${part.kind === "dir" ? "" : part.kind || ""}`),
      part.readable
        ? button("Restore...", "restore", { target, backup: backup.name }, { testid: "restore-button", data: { target, backup: backup.name } })
        : h("p", { class: "bad" }, "This backup of the target cannot be read.")));
}

/** Draw the timelines; ctx: {backups (the backup --list result), status, open}. */
export function render(root, ctx) {
  const list = (ctx.backups && ctx.backups.backups) || [];
  const names = ctx.status ? ctx.status.targets.map((t) => t.name) : [];
  const byTarget = timelines(list, names);
  const sections = [];
  for (const [target, points] of byTarget) {
    const ol = h("ol", { class: "timeline" });
    const more = capped(ol, points, (p) => point(target, p, p === points[0]), { cap: 10, key: `backups:${target}`, open: ctx.open });
    sections.push(h("section", { class: "panel", testid: "backup-timeline", data: { target } },
      h("h3", {}, target),
      points.length ? [ol, more] : h("p", { class: "muted" }, "No backup holds this target yet (`skillshare backup`).")));
  }
  fill(root, h("p", { class: "summary" }, `${plural(list.length, "backup")}`,
    ctx.backups && ctx.backups.disk_bytes ? `, ${bytes(ctx.backups.disk_bytes)} on disk` : ""),
  sections.length ? h("div", { class: "grid wide" }, sections) : h("p", { class: "muted" }, "No targets."));
}
