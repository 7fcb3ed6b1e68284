"""Text rendering of `audit` results: the skills' findings, then the agents' in their own
section, then the totals of both."""

from __future__ import annotations

from skillshare.textout import FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:

    from skillshared.commands.results_install import AuditedSkill
    from skillshared.commands.results_kinds import AuditKindsResult

MARKS = {"CRITICAL": FAIL, "HIGH": FAIL, "MEDIUM": WARN, "LOW": INFO, "INFO": INFO}


def _units(units: list[AuditedSkill], out: Out) -> None:
    for unit in units:
        if not unit["findings"]:
            continue
        out(f"{FAIL if unit['blocked'] else WARN} {unit['name']} ({out.path(unit['path'])})")
        for f in unit["findings"]:
            out(f"    {MARKS[f['severity']]} {f['severity']:<8} {f['path']}:{f['line']}  "
                f"{f['rule']}: {f['message']}")
            out(f"        {f['excerpt']}")


def render_audit(r: AuditKindsResult, out: Out) -> int:
    for warning in r.get("warnings", []):
        out(f"{WARN} audit rules: {warning}")
    for note in r.get("notes", []):
        out(f"{INFO} {note}")
    _units(r["skills"], out)
    agents = r.get("agents", [])
    if any(a["findings"] for a in agents):
        out.header(f"Agents ({out.path(r['agents_source'])})")
        _units(agents, out)
    counts = ", ".join(f"{n} {s.lower()}" for s, n in r["counts"].items() if n) or "no findings"
    scanned = plural(len(r["skills"]), "skill")
    if agents or r.get("kind") == "agent":
        scanned = (f"{scanned} and " if r.get("kind") != "agent" else "") + plural(
            len(agents), "agent")
    out(f"Audit: {scanned}, {plural(r['files'], 'file')} scanned, {r['rules']} rules; "
        f"{counts}")
    blocked = [*r["blocked"], *(f"agent {a}" for a in r.get("blocked_agents", []))]
    if blocked:
        out(f"{FAIL} at or above {r['threshold']}: {', '.join(blocked)}")
        return 1
    out(f"{OK} nothing at or above {r['threshold']}")
    return 0
