// The backups view: a timeline per target folder (the backups that hold it, newest first),
// each with "Restore...", which runs through its preview. A backup names a skills folder by
// its target (`claude`), an agents folder `claude@agents` and an extra's folder `rules@0`.

import { button } from "./actions.js";
import { ago, badge, capped, fill, h } from "./dom.js";
import { bytes, plural, tilde, when } from "./words.js";

/** What a backup's folder name stands for: the target, the kind, how to say it. */
function folderOf(name) {
  if (name.endsWith("@agents")) {
    const target = name.slice(0, -7);
    return { target, kind: "agents", label: `${target} (agents)` };
  }
  const at = name.indexOf("@");
  if (at > 0) return { target: name, kind: "extra", label: `${name.slice(0, at)} (extra)` };
  return { target: name, kind: "skills", label: name };
}

function timelines(backups, names) {
  const byName = new Map(names.map((name) => [name, []]));
  for (const b of backups) {
    for (const t of b.targets || []) {
      if (!byName.has(t.name)) byName.set(t.name, []);
      byName.get(t.name).push({ backup: b, part: t });
    }
  }
  for (const list of byName.values()) {
    list.sort((x, y) => String(y.backup.created).localeCompare(String(x.backup.created)));
  }
  return byName;
}

function restoreButton(where, backup) {
  if (where.kind === "extra") {
    return h("p", { class: "muted" }, "An extra's folder is restored with `skillshare restore`.");
  }
  const body = { target: where.target, backup: backup.name };
  if (where.kind === "agents") body.kind = "agents";
  return button("Restore...", "restore", body,
    { testid: "restore-button", data: { target: where.target, kind: where.kind, backup: backup.name } });
}

function point(where, { backup, part }, latest) {
  return h("li", { testid: "backup-point", data: { target: where.target, kind: where.kind, backup: backup.name } },
    h("span", { class: "dot" }),
    h("div", {},
      h("strong", {}, ago(backup.created, when)), " ", h("span", { class: "muted" }, backup.name),
      latest ? [" ", badge("latest", "info")] : null,
      h("p", { class: "muted" }, `${plural(part.skills, "entry", "entries")}, ${bytes(part.bytes)}`,
        part.mode ? `, ${part.mode}` : "", part.kind && part.kind !== "dir" ? ` (${part.kind})` : ""),
      part.readable ? restoreButton(where, backup)
        : h("p", { class: "bad" }, "This backup of the folder cannot be read.")));
}

function section(ctx, name, points) {
  const where = folderOf(name);
  const ol = h("ol", { class: "timeline" });
  const more = capped(ol, points, (p) => point(where, p, p === points[0]),
    { cap: 10, key: `backups:${name}`, open: ctx.open });
  const path = points.length ? points[0].part.path : null;
  return h("section", { class: "panel", testid: "backup-timeline", data: { target: where.target, kind: where.kind } },
    h("h3", {}, where.label), path ? h("p", { class: "path mono" }, tilde(path)) : null,
    points.length ? [ol, more]
      : h("p", { class: "muted" }, "No backup holds this folder yet (`skillshare backup`)."));
}

/** Draw the timelines; ctx: {backups (the backup --list result), status, open}. */
export function render(root, ctx) {
  const list = (ctx.backups && ctx.backups.backups) || [];
  const s = ctx.status;
  const names = s ? [...s.targets.map((t) => t.name),
    ...(s.agents ? s.agents.targets.map((t) => `${t.name}@agents`) : [])] : [];
  const sections = [...timelines(list, names)].map(([name, points]) => section(ctx, name, points));
  fill(root, h("p", { class: "summary" }, plural(list.length, "backup"),
    ctx.backups && ctx.backups.disk_bytes ? `, ${bytes(ctx.backups.disk_bytes)} on disk` : ""),
  sections.length ? h("div", { class: "grid wide" }, sections) : h("p", { class: "muted" }, "No targets."));
}
