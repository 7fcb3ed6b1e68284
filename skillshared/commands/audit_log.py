"""The audit log the original skillshare keeps (``<log dir>/audit.log``, shown by
``log --audit``): one entry per ``audit`` scan with the original's fields (scope, name,
mode, threshold, max_severity, scanned, passed, warning, failed, the counts per severity,
risk_score, risk_label, warning_skills, failed_skills, low_skills, info_skills,
scan_errors), status ``ok``, ``blocked`` (a finding at or above the threshold) or
``error``; and, beyond the original, one entry per audit an ``install`` or ``update``
made (scope ``install`` or ``update``: the skill or repo, its counts, whether it was
blocked). Writing the log never makes a command fail."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from skillshared.commands.logcmd import AUDIT_FILE
from skillshared.core.config import SEVERITIES
from skillshared.core.errors import SkillshareError
from skillshared.store import oplog

if TYPE_CHECKING:
    from skillshared.commands.request import Request

Entry = tuple[dict[str, Any], str, str | None]  # fields, status, message
GATED = ("install", "update")
_SUMMARY = {"scope": "scope", "skill": "name", "mode": "mode", "threshold": "threshold",
            "maxSeverity": "max_severity", "scanned": "scanned", "passed": "passed",
            "warning": "warning", "failed": "failed", "critical": "critical",
            "high": "high", "medium": "medium", "low": "low", "info": "info",
            "riskScore": "risk_score", "riskLabel": "risk_label",
            "warningSkills": "warning_skills", "failedSkills": "failed_skills",
            "scanErrors": "scan_errors"}


def scan_entry(result: Mapping[str, Any]) -> Entry | None:
    """The entry of an ``audit`` scan (None: not a scan, e.g. ``audit rules``)."""
    summary = result.get("summary")
    if not isinstance(summary, Mapping) or "scanned" not in summary:
        return None
    fields = {ours: summary[theirs] for theirs, ours in _SUMMARY.items()
              if summary.get(theirs) not in (None, "", [])
              and not (theirs == "scanErrors" and not summary[theirs])}
    if not summary.get("scanned"):
        fields = {k: v for k, v in fields.items() if k in ("scope", "name", "mode",
                                                            "threshold")}
    for severity in ("LOW", "INFO"):
        names = [r.get("skillName") for r in result.get("results", [])
                 if any(f.get("severity") == severity for f in r.get("findings", []))]
        if names:
            fields[f"{severity.lower()}_skills"] = names
    if summary.get("failed"):
        return fields, "blocked", f"findings at/above {summary.get('threshold')} detected"
    return fields, "ok", None


def gate_entries(cmd: str, result: Mapping[str, Any]) -> list[Entry]:
    """One entry per audit an install or an update made."""
    threshold = result.get("threshold")
    found: list[tuple[str, Any]] = []
    if isinstance(result.get("audit"), Mapping):
        found.append((str(result.get("name") or result.get("url") or ""), result["audit"]))
    for key in ("installed", "items", "agents"):
        for item in result.get(key) or []:
            if isinstance(item, Mapping) and isinstance(item.get("audit"), Mapping):
                found.append((str(item.get("name", "")), item["audit"]))
    return [_gate_entry(cmd, name, report, threshold) for name, report in found]


def _gate_entry(cmd: str, name: str, report: Mapping[str, Any], threshold: Any) -> Entry:
    counts = report.get("counts") or {}
    blocked = bool(report.get("blocked"))
    fields: dict[str, Any] = {"scope": cmd, "name": name, "threshold": threshold,
                              "scanned": 1, "failed": int(blocked),
                              "passed": int(not any(counts.values())),
                              **{s.lower(): counts.get(s, 0) for s in SEVERITIES}}
    worst = next((s for s in SEVERITIES if counts.get(s)), None)
    if worst:
        fields["max_severity"] = worst
    message = f"findings at/above {threshold} detected" if blocked else None
    return fields, "blocked" if blocked else "ok", message


def record(req: Request, cmd: str, result: Mapping[str, Any] | None,
           error: SkillshareError | None, started: float) -> None:
    """Append the audit log's entries for one command run (``audit``, ``install``,
    ``update``); nothing for other commands."""
    entries: list[Entry] = []
    if error is not None and cmd == "audit":
        entries = [({"name": n} if (n := _first_name(req)) else {}, "error", error.message)]
    elif error is not None and cmd in GATED and "security audit" in error.message:
        entries = [({"scope": cmd, "name": _first_name(req) or ""}, "blocked", error.message)]
    elif result is not None and cmd == "audit":
        entries = [e for e in [scan_entry(result)] if e is not None]
    elif result is not None and cmd in GATED:
        entries = gate_entries(cmd, result)
    try:
        if entries:
            _write(req, cmd, entries, (time.monotonic() - started) * 1000)
    except (OSError, SkillshareError):
        pass  # the log is a record, never a reason for a command to fail


def _first_name(req: Request) -> str | None:
    for key in ("names", "source", "name"):
        value = req.args.get(key)
        if isinstance(value, list) and value and isinstance(value[0], str):
            return value[0]
        if isinstance(value, str):
            return value
    return None


def _write(req: Request, cmd: str, entries: list[Entry], ms: float) -> None:
    scope = req.scope()
    max_entries = req.loaded.log_max_entries if req.loaded is not None else 1000
    for fields, status, message in entries:
        oplog.append(scope.log_dir / AUDIT_FILE, "audit", fields, status, ms, message,
                     max_entries)
