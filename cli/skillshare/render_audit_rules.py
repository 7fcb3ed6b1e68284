"""Text rendering of `audit rules` results: the rules (id, severity, group, where each is
defined or changed), or what an edit of a rule file did."""

from __future__ import annotations

from skillshare.textout import INFO, OK, WARN, Out, json_text, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from skillshared.commands.results_audit_rules import (
        AuditRulesEditResult,
        AuditRulesListResult,
    )


def render_audit_rules(r: AuditRulesListResult | AuditRulesEditResult, out: Out) -> int:
    if r.get("format") == "json":  # `audit rules --format json` (as --json)
        out.verbatim(json_text(r))
        return 0
    if r["rules_action"] == "list":
        return _render_list(r, out)  # type: ignore[arg-type]
    return _render_edit(r, out)  # type: ignore[arg-type]


def _render_list(r: AuditRulesListResult, out: Out) -> int:
    for warning in r["warnings"]:
        out(f"{WARN} audit rules: {warning}")
    if not r["rules"]:
        out(f"{INFO} no rule matches the filters ({r['total']} rules)")
        return 0
    width = max(len(row["id"]) for row in r["rules"])
    for row in r["rules"]:
        where = row["defined"] + "".join(f", changed in {c}" for c in row["changed_in"])
        state = "" if row["enabled"] else "  (disabled)"
        out(f"  {row['id']:<{width}}  {row['severity']:<8}  {row['pattern']:<18} "
            f"{where}{state}")
    off = sum(1 for row in r["rules"] if not row["enabled"])
    shown = plural(len(r["rules"]), "rule")
    of = f" of {r['total']}" if len(r["rules"]) != r["total"] else ""
    out()
    out(f"{shown}{of}" + (f", {off} disabled" if off else ""))
    for f in r["files"]:
        there = "" if f["exists"] else " (not there)"
        out(f"{f['scope']} rules: {out.path(f['path'])}{there}")
    return 0


def _render_edit(r: AuditRulesEditResult, out: Out) -> int:
    for line in r["done"]:
        out(f"{OK} {line}")
    for note in r["notes"]:
        out(f"{WARN} {note}")
    what = "written" if r["changed"] else "already so: not written"
    form = "the original's format" if r["file_format"] == "original" else "skillshare's format"
    out(f"{out.path(r['file'])} ({form}): {what}")
    return 0
