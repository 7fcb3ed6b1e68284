"""Text rendering of `commit`, `new`, `enable`/`disable` and `analyze` results."""

from __future__ import annotations

from skillshare.textout import ARROW, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:

    from skillshared.commands.results_new import (
        AnalyzedTarget,
        AnalyzeResult,
        BudgetWarning,
        CommitResult,
        NewResult,
        ToggleResult,
    )

TOP = 10  # the largest descriptions `analyze --verbose` lists per target


def render_commit(r: CommitResult, out: Out) -> int:
    if not r["changes"]:
        out("No changes to commit")
        return 0
    if r["dry_run"]:
        out(f"{WARN} [dry-run] No changes will be made")
        out(f"Would stage {plural(len(r['changes']), 'file')}:")
        for line in r["changes"]:
            out(f"  {line}")
        out(f"Would commit with message: {r['message']}")
        return 0
    out(f"{OK} Commit complete: {(r['committed'] or '')[:12]} {r['message']} "
        f"({plural(len(r['changes']), 'file')})")
    return 0


def render_new(r: NewResult, out: Out) -> int:
    where = " (project)" if r["scope"] == "project" else ""
    if r["dry_run"]:
        out.header(f"New Skill (dry-run){where}")
        out(f"{ARROW} Would create: {out.path(r['path'])}")
        out(f"{ARROW} Would write: {out.path(r['file'])}")
        for folder in r["folders"]:
            out(f"{ARROW} Would create: {out.path(r['path'])}/{folder}/")
        out()
        out("Template preview:")
        out.verbatim(r["content"].rstrip("\n"))
        return 0
    out.header(f"New Skill Created{where}")
    out(f"{OK} Created: {out.path(r['file'])}")
    for folder in r["folders"]:
        out(f"{OK} Created: {out.path(r['path'])}/{folder}/")
    out()
    out("Next steps:")
    out(f"  1. Edit {out.path(r['file'])}")
    out("  2. The daemon links it to the targets as it changes" if r.get("daemon_syncs") else
        "  2. Run 'skillshare sync' to deploy")
    return 0


def render_toggle(r: ToggleResult, out: Out) -> int:
    enable = r["action"] == "enable"
    label = r["file"].rsplit("/", 1)[-1]
    noun = "agents" if r["kind"] == "agent" else "skills"
    for item in r["patterns"]:
        pattern, matches = item["pattern"], item["matches"]
        if not item["changed"]:
            out(f"{WARN} {pattern} is {'not disabled' if enable else 'already disabled'}")
            continue
        if r["dry_run"]:
            verb = f"Would remove '{pattern}' from" if enable else f"Would add '{pattern}' to"
            out(f"{verb} {out.path(r['file'])}")
        elif enable:
            out(f"{OK} Enabled: {pattern} (removed from {label})")
        else:
            out(f"{OK} Disabled: {pattern} (added to {label})")
        if matches:
            shown = ", ".join(matches[:8]) + (f" and {len(matches) - 8} more"
                                               if len(matches) > 8 else "")
            out(f"  {'shows' if enable else 'hides'} {noun}: {shown}")
        elif not enable:
            out(f"  (no {noun[:-1]} in the source matches it now)")
    if r["sync_needed"] and not r["dry_run"]:
        out("The daemon applies it within a moment" if r.get("daemon_syncs") else
            "Run 'skillshare sync' to apply changes.")
    return 0


def tokens_text(chars: int) -> str:
    return f"~{chars // 4:,}"


def _entry(t: AnalyzedTarget, verbose: bool, out: Out) -> None:
    out(f"  Always loaded:  {tokens_text(t['always_loaded']['chars'])} tokens")
    out(f"  On-demand max:  {tokens_text(t['on_demand_max']['chars'])} tokens")
    if verbose:
        out()
        out("  Largest descriptions:")
        for s in t["skills"][:TOP]:
            name = s["name"] if len(s["name"]) <= 30 else s["name"][:29] + "…"
            out(f"  {name:<32} {tokens_text(s['description_chars'])} tokens")
        if len(t["skills"]) > TOP:
            out(f"  ... {len(t['skills']) - TOP} more")
    out()


def _identical(targets: list[AnalyzedTarget]) -> bool:
    first = targets[0]
    return len(targets) > 1 and all(
        (t["skill_count"], t["always_loaded"]["chars"], t["on_demand_max"]["chars"])
        == (first["skill_count"], first["always_loaded"]["chars"],
            first["on_demand_max"]["chars"]) for t in targets)


def render_analyze(r: AnalyzeResult, out: Out) -> int:
    if not r["skills_found"]:
        out("No skills found")
        return 0
    out.header("Context Analysis" + (" (project)" if r["scope"] == "project" else ""))
    targets = r["targets"]
    if not targets:
        out(f"No target receives any of the {plural(r['skills_found'], 'skill')}")
    elif _identical(targets):
        names = ", ".join(t["name"] for t in targets)
        out(f"{INFO} {targets[0]['skill_count']} skills across {len(targets)} targets "
            f"({names})")
        _entry(targets[0], r["verbose"], out)
    else:
        for t in targets:
            out(f"{INFO} {t['name']} ({plural(t['skill_count'], 'skill')})")
            _entry(t, r["verbose"], out)
    _lint(targets, r["verbose"], out)
    if not r["verbose"]:
        out(f"Use --verbose to see top {TOP} largest skill descriptions.")
    _warnings(r["warnings"], out)
    return 0


def _lint(targets: list[AnalyzedTarget], verbose: bool, out: Out) -> None:
    skills = {s["name"]: s for t in targets for s in t["skills"]}
    flagged = [s for s in skills.values() if s.get("lint_issues")]
    if not flagged:
        return
    issues = [i for s in flagged for i in s.get("lint_issues", [])]
    errors = sum(1 for i in issues if i["severity"] == "error")
    out(f"Lint: {plural(errors, 'error')}, {plural(len(issues) - errors, 'warning')} in "
        f"{plural(len(flagged), 'skill')}" + ("" if verbose else " (--verbose lists them)"))
    if verbose:
        for s in sorted(flagged, key=lambda s: s["name"]):
            for i in s.get("lint_issues", []):
                mark = "✗" if i["severity"] == "error" else WARN
                out(f"  {mark} {s['name']}: {i['message']} [{i['rule']}]")
        out()


def _warnings(warnings: list[BudgetWarning], out: Out) -> None:
    for w in warnings:
        label = "Always-loaded" if w["type"] == "always_loaded" else "On-demand"
        out(f"{WARN} {w['target']}: {label} context is ~{w['actual']:,} tokens "
            f"(budget: {w['budget']:,})")
