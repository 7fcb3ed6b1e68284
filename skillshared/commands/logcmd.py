"""``log``: the operation log and the audit entries, filtered (``--cmd``, ``--status``,
``--since``), summed up (``--stats``) or cleared (``--clear``), as the original's ``log``."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from skillshared.commands.results_log import LogResult, LogStats
from skillshared.core import timefmt
from skillshared.core.errors import UsageError
from skillshared.core.results import LogEntry
from skillshared.store import oplog

if TYPE_CHECKING:
    from skillshared.commands.request import Request

STATUSES = ("ok", "error", "partial", "blocked", "interrupted")
UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
AUDIT_FILE = "audit.log"  # the original's audit log: read beside ours


def since(text: str | None, now: float) -> float | None:
    """The cutoff of ``--since``: ``30m``, ``2h``, ``2d``, ``1w`` or a date ``YYYY-MM-DD``."""
    if text is None:
        return None
    match = re.fullmatch(r"(\d+)([mhdw])", text.strip())
    if match:
        return now - int(match[1]) * UNITS[match[2]]
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").timestamp()
    except ValueError:
        raise UsageError(f"invalid --since {text!r}: give a duration (30m, 2h, 2d, 1w) or a "
                         "date (2006-01-02)") from None


def _status(req: Request) -> str | None:
    status = req.text("status")
    if status is not None and status.lower() not in STATUSES:
        raise UsageError(f"invalid --status {status!r}: must be one of {', '.join(STATUSES)}")
    return status.lower() if status else None


def _keep(entries: Sequence[LogEntry], cmd: str | None, status: str | None,
          cutoff: float | None) -> list[LogEntry]:
    kept = []
    for e in entries:
        if cmd is not None and e["cmd"].lower() != cmd:
            continue
        if status is not None and str(e.get("status", "")).lower() != status:
            continue
        if cutoff is not None and (oplog.timestamp(e) or 0) < cutoff:
            continue
        kept.append(e)
    return kept


def stats(entries: Sequence[LogEntry]) -> LogStats:
    """Totals, the success rate, and per command how many went well or not."""
    by_command: dict[str, dict[str, int]] = {}
    for e in entries:
        row = by_command.setdefault(e["cmd"], {"total": 0, "ok": 0, "failed": 0})
        row["total"] += 1
        row["ok" if e.get("status") == "ok" else "failed"] += 1
    ok = sum(r["ok"] for r in by_command.values())
    last = max(entries, key=lambda e: oplog.timestamp(e) or 0, default=None)
    return {"total": len(entries), "ok": ok, "failed": len(entries) - ok,
            "success_rate": round(100.0 * ok / len(entries), 1) if entries else 0.0,
            "by_command": dict(sorted(by_command.items())),
            "last": {"cmd": last["cmd"], "ts": timefmt.iso_text(last.get("ts", ""))}
            if last else None}


def shown(entries: Sequence[LogEntry]) -> list[LogEntry]:
    """Entries as a result shows them: each time in the one form (the file keeps its own)."""
    return [{**e, "ts": timefmt.iso_text(e["ts"])} if isinstance(e.get("ts"), str) else e
            for e in entries]


def cmd_log(req: Request) -> LogResult:
    scope = req.scope()
    tail = req.number("tail", 20)
    if tail is not None and tail < 0:
        raise UsageError("--tail must be 0 or more")
    cmd = (req.text("cmd") or "").lower() or None
    status, cutoff = _status(req), since(req.text("since"), time.time())
    audit_file = scope.log_dir / AUDIT_FILE
    if req.flag("clear"):
        cleared = oplog.clear(audit_file if req.flag("audit") else scope.oplog_file)
        return {"scope": scope.name, "file": str(scope.oplog_file), "entries": [],
                "audit": [], "cleared": cleared}
    everything = oplog.read(scope.oplog_file)
    ops = [e for e in everything if e["cmd"] != "audit"]
    audits = sorted([e for e in everything if e["cmd"] == "audit"] + oplog.read(audit_file),
                    key=lambda e: oplog.timestamp(e) or 0)
    if req.flag("audit") or cmd == "audit":
        ops = []
    ops, audits = _keep(ops, cmd, status, cutoff), _keep(audits, cmd, status, cutoff)
    result: LogResult = {"scope": scope.name, "file": str(scope.oplog_file),
                         "entries": shown(ops[-tail:] if tail else ops),
                         "audit": shown(audits[-tail:] if tail else audits),
                         "audit_file": str(audit_file)}
    if req.flag("stats"):
        result["stats"] = stats(ops + audits)
    return result
