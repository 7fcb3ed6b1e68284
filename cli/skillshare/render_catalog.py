"""``status --catalog [tool]``: per tool, the folders it reads (its own, and those it also
reads), every skill and agent it loads with where it comes from, its duplicates, and its
always-loaded context against the budget."""

from __future__ import annotations

from skillshare.render_context import short
from skillshare.textout import ARROW, FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from skillshared.commands.results_catalog import (
        CatalogEntry,
        CatalogFolder,
        CatalogResult,
        ToolCatalog,
    )


def render_catalog(r: CatalogResult, out: Out) -> int:
    out.header("What each tool loads" + (" (project)" if r["scope"] == "project" else ""))
    if not r["catalog"]:
        out("No targets (add one: skillshare target add <name>)")
        return 0
    for tool in r["catalog"]:
        _tool(tool, out)
        out()
    many = plural(r["duplicates"], "duplicate")
    out(f"{plural(len(r['catalog']), 'tool')}, "
        + (f"{WARN} {many}" if r["duplicates"] else f"{OK} no duplicates"))
    return 0


def _tool(t: ToolCatalog, out: Out) -> None:
    builtin = f" ({t['builtin']})" if t["builtin"] and t["builtin"] != t["tool"] else ""
    out(f"{t['tool']}{builtin}")
    _folders(t["folders"], out)
    doubled = {path for d in t["duplicates"] for path in d["entries"]}
    _entries("Skills", t["skills"], doubled, out)
    if any(f["kind"] == "agents" for f in t["folders"]):
        _entries("Agents", t["agents"], doubled, out)
    for d in t["duplicates"]:
        what = ("loaded twice under one name" if d["by"] == "name"
                else "the same content under different names")
        out(f"  {WARN} duplicate {d['name']}: {what}")
        for path in d["entries"]:
            out(f"      {out.path(path)}")
    _context(t, out)


def _folders(folders: Sequence[CatalogFolder], out: Out) -> None:
    width = max(len(out.path(f["path"])) for f in folders)
    for f in folders:
        role = "reads" if f["role"] == "own" else "also reads"
        state = ""
        if f.get("problem"):
            state = f"  {FAIL} {f.get('problem')}"
        elif not f["exists"]:
            state = "  (missing)"
        synced = f"  synced by {', '.join(f['synced_by'])}" if f["synced_by"] else ""
        out(f"  {role:<10}  {f['kind']:<6}  {out.path(f['path']):<{width}}{synced}{state}")


def _entries(title: str, entries: Sequence[CatalogEntry], doubled: Collection[str],
             out: Out) -> None:
    out(f"  {title}: {len(entries)}" if entries else f"  {title}: none")
    width = max([len(e["name"]) for e in entries] + [4])
    for e in entries:
        if e.get("problem"):
            out(f"    {FAIL} {e['entry']}  {out.path(e['path'])}: {e.get('problem')}")
            continue
        origin = "skillshare" if e["origin"] == "skillshare" else "local"
        where = out.path(e["path"])
        if e["source"] and e["source"] != e["path"]:
            where += f" {ARROW} {out.path(e['source'])}"
        mark = f"  {WARN} duplicate" if e["path"] in doubled else ""
        out(f"    {e['name']:<{width}}  {origin:<10}  {where}{mark}")


def _context(t: ToolCatalog, out: Out) -> None:
    total, budget = t["always_loaded_tokens"], t["budget"]
    if t["over_budget"]:
        out(f"  {WARN} Context: ~{short(total)} tokens always loaded, over the budget of "
            f"{budget:,} (context_budget.warn_always_loaded_tokens)")
    elif budget:
        out(f"  {INFO} Context: ~{short(total)} tokens always loaded (budget: {budget:,})")
    else:
        out(f"  {INFO} Context: ~{short(total)} tokens always loaded")
