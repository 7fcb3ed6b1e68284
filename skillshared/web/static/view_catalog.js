// The catalog view: for each AI tool, every skill and agent it will really load, from which
// folder (its own, or one it also reads), duplicates flagged, and the always-loaded context
// against the budget.

import { button } from "./actions.js";
import { badge, capped, fill, h } from "./dom.js";
import { plural, tilde } from "./words.js";

function budgetBar(tool) {
  const used = tool.always_loaded_tokens;
  if (!tool.budget) {
    return h("p", { class: "muted", testid: "catalog-budget" }, `~${used.toLocaleString()} tokens always loaded (no budget set)`);
  }
  const share = Math.min(100, Math.round((used / tool.budget) * 100));
  const meter = h("meter", { min: 0, max: tool.budget, value: Math.min(used, tool.budget),
    high: Math.round(tool.budget * 0.8), optimum: 0 });
  return h("p", { class: tool.over_budget ? "bad" : "", testid: "catalog-budget", data: { over: String(tool.over_budget) } },
    meter, ` ~${used.toLocaleString()} of ${tool.budget.toLocaleString()} tokens always loaded (${share}%)`,
    tool.over_budget ? " - over the budget" : "");
}

function folders(tool) {
  return h("ul", { class: "folders" }, tool.folders.map((f) => h("li", { class: f.exists ? "" : "muted" },
    badge(f.role === "own" ? "own" : "also reads", f.role === "own" ? "" : "info"), " ",
    badge(f.kind, ""), " ", h("span", { class: "mono", title: f.path }, tilde(f.path)),
    f.exists ? "" : " (not there)",
    f.synced_by.length ? ` - synced by ${f.synced_by.join(", ")}` : "")));
}

function duplicates(tool) {
  if (!tool.duplicates.length) return null;
  return h("div", { class: "dups", testid: "catalog-duplicates" },
    h("h4", { class: "bad" }, `${plural(tool.duplicates.length, "duplicate")} (loaded twice)`),
    h("ul", {}, tool.duplicates.map((d) => h("li", { testid: "catalog-duplicate", data: { name: d.name, by: d.by } },
      badge(`same ${d.by}`, "warn"), " ", h("strong", {}, d.name), ": ",
      d.entries.map((p, i) => [i ? ", " : "", h("span", { class: "mono", title: p }, tilde(p))])))));
}

function entryRow(tool, roles, dupOf, kind) {
  return (e) => {
    const dup = dupOf.get(e.path);
    const role = roles.get(e.folder) || "own";
    return h("tr", { testid: "catalog-entry", data: { name: e.name, entry: e.entry, kind, origin: e.origin, role, duplicate: dup ? dup.by : null } },
      h("td", {}, h("strong", {}, e.name), e.entry !== e.name ? h("span", { class: "muted" }, ` (${e.entry})`) : null,
        dup ? [" ", badge(`duplicate (${dup.by})`, "bad", { testid: "duplicate-marker", title: `also: ${dup.entries.filter((p) => p !== e.path).map(tilde).join(", ")}` })] : null),
      h("td", { title: e.folder }, role === "own" ? badge("own folder", "")
        : [badge("also reads", "info"), " ", h("span", { class: "mono small" }, tilde(e.folder))]),
      h("td", {}, e.origin === "local" ? badge("local", "warn") : badge("skillshare", "good"),
        e.origin === "local" && kind === "skills" && role === "own"
          ? [" ", button("Collect...", "collect", { target: tool.tool, skill: e.entry }, { class: "action small" })] : null),
      h("td", { class: "num" }, e.tokens.toLocaleString()),
      h("td", { class: "desc" }, e.description));
  };
}

function entries(ctx, tool, kind, items) {
  if (!items.length) return null;
  const filter = ctx.filter;
  const shown = filter ? items.filter((e) => e.name.toLowerCase().includes(filter) || e.entry.toLowerCase().includes(filter)) : items;
  const roles = new Map(tool.folders.map((f) => [f.path, f.role]));
  const dupOf = new Map();
  for (const d of tool.duplicates) for (const p of d.entries) dupOf.set(p, d);
  const body = h("tbody", {});
  const more = capped(body, shown, entryRow(tool, roles, dupOf, kind), { cap: 100, key: `${tool.tool}:${kind}:${filter}`, open: ctx.open });
  return [h("h4", {}, `${kind === "skills" ? "Skills" : "Agents"}: ${items.length.toLocaleString()}`,
    filter ? ` (${shown.length.toLocaleString()} match)` : ""),
  h("table", { class: "entries" },
    h("thead", {}, h("tr", {}, ["Name", "Folder", "Origin", "Tokens", "Description"].map((c) => h("th", {}, c)))),
    body), more];
}

function toolSection(ctx, tool) {
  return h("section", { class: "panel tool", testid: "catalog-tool", data: { tool: tool.tool, duplicates: String(tool.duplicates.length) } },
    h("header", {}, h("h3", {}, tool.tool), tool.builtin && tool.builtin !== tool.tool ? badge(tool.builtin, "") : null,
      tool.duplicates.length ? badge(plural(tool.duplicates.length, "duplicate"), "bad") : badge("no duplicates", "good")),
    budgetBar(tool), folders(tool), duplicates(tool),
    entries(ctx, tool, "skills", tool.skills), entries(ctx, tool, "agents", tool.agents));
}

/** Fill the tool picker (keeping the choice) and draw the catalog; ctx: {catalog, tool, filter, open}. */
export function render(root, picker, ctx) {
  const cat = ctx.catalog;
  const names = cat.catalog.map((t) => t.tool);
  const choice = names.includes(ctx.tool) ? ctx.tool : "";
  fill(picker, h("option", { value: "" }, "All tools"), names.map((n) => h("option", { value: n }, n)));
  picker.value = choice;
  const tools = choice ? cat.catalog.filter((t) => t.tool === choice) : cat.catalog;
  fill(root,
    h("p", { class: "summary", testid: "catalog-summary" },
      `${plural(cat.catalog.length, "tool")} (${cat.scope}) - `,
      cat.duplicates ? badge(`${plural(cat.duplicates, "duplicate")} across tools`, "bad") : badge("no duplicates", "good")),
    tools.map((t) => toolSection(ctx, t)));
}
