"""The result of ``log``."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from skillshared.core.results import LogEntry


class LastOp(TypedDict):
    cmd: str
    ts: str


class LogStats(TypedDict):
    total: int
    ok: int
    failed: int
    success_rate: float  # percent
    by_command: dict[str, dict[str, int]]  # command -> total, ok, failed
    last: LastOp | None


class LogResult(TypedDict):
    scope: str
    file: str
    entries: list[LogEntry]  # the operations (audit entries apart)
    audit: NotRequired[list[LogEntry]]  # audit entries (ours and the original's audit.log)
    audit_file: NotRequired[str]
    stats: NotRequired[LogStats]  # --stats
    cleared: NotRequired[int]  # --clear: how many entries the cleared log held
