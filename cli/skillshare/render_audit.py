"""Text rendering of `audit` results."""

from __future__ import annotations

from skillshare.textout import FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.commands.results_install import AuditResult


def render_audit(r: AuditResult, out: Out) -> int:
    marks = {"CRITICAL": FAIL, "HIGH": FAIL, "MEDIUM": WARN, "LOW": INFO, "INFO": INFO}
    for warning in r.get("warnings", []):
        out(f"{WARN} audit rules: {warning}")
    for skill in r["skills"]:
        if not skill["findings"]:
            continue
        out(f"{FAIL if skill['blocked'] else WARN} {skill['name']} ({out.path(skill['path'])})")
        for f in skill["findings"]:
            out(f"    {marks[f['severity']]} {f['severity']:<8} {f['path']}:{f['line']}  "
                f"{f['rule']}: {f['message']}")
            out(f"        {f['excerpt']}")
    counts = ", ".join(f"{n} {s.lower()}" for s, n in r["counts"].items() if n) or "no findings"
    out(f"Audit: {plural(r['scanned'], 'skill')}, {plural(r['files'], 'file')} scanned, "
        f"{r['rules']} rules; "
        f"{counts}")
    if r["blocked"]:
        out(f"{FAIL} at or above {r['threshold']}: {', '.join(r['blocked'])}")
        return 1
    out(f"{OK} nothing at or above {r['threshold']}")
    return 0


RENDERERS: dict[str, Callable[[Any, Out], int]] = {"audit": render_audit}
