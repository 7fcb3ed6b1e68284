// The audit view: the skills whose findings are at or above the threshold; those held back
// from the targets can be accepted (synced as they are) or rejected (moved to the trash).

import { button } from "./actions.js";
import { badge, fill, h } from "./dom.js";
import { tilde } from "./words.js";

/** Where the skill is: its path in the source, from the source's folder. */
function where(f, source) {
  return f.path.startsWith("/") || !source ? f.path : `${source.replace(/\/+$/, "")}/${f.path}`;
}

function flagged(f, source) {
  return h("article", { class: `card ${f.held ? "t-warn" : ""}`, testid: "audit-skill", data: { skill: f.name, held: String(f.held) } },
    h("header", {}, h("h3", {}, f.name), badge(f.top, f.top === "CRITICAL" || f.top === "HIGH" ? "bad" : "warn"),
      f.held ? badge("held back", "warn") : badge("synced", "good")),
    h("p", { class: "path mono", title: where(f, source) }, tilde(where(f, source))),
    h("p", { class: "muted" }, `origin: ${f.origin}`),
    f.held ? h("p", { class: "warn", testid: "audit-held" }, "Held back: synced to no target until you accept it.") : null,
    h("ul", { class: "lines findings", testid: "audit-findings" }, f.findings.map((line) => h("li", { class: "mono small" }, line))),
    f.hint ? h("p", { class: "hint" }, f.hint) : null,
    h("div", { class: "actions" },
      f.held ? button("Accept...", "accept", { skill: f.name }, { data: { skill: f.name } }) : null,
      button("Reject...", "reject", { skill: f.name }, { data: { skill: f.name } })));
}

/** Draw the flagged skills; ctx: {status}. */
export function render(root, ctx) {
  const items = (ctx.status && ctx.status.audit_findings) || [];
  fill(root, items.length
    ? [h("p", { class: "summary" }, `${items.length} skill${items.length === 1 ? "" : "s"} flagged by the audit`),
      h("div", { class: "grid wide" }, items.map((f) => flagged(f, ctx.status.source && ctx.status.source.path)))]
    : h("p", { class: "muted", testid: "audit-empty" }, "No skill is flagged by the audit."));
}
