"""The operation log: one JSON line per command (time, command, arguments, status, duration)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from skillshared.core.results import LogEntry
from skillshared.engine import fsops

MAX_LINE_BYTES = 64 * 1024


def append(log_file: Path, cmd: str, args: dict[str, Any], status: str, ms: float,
           message: str | None = None, max_entries: int = 1000) -> None:
    """Append an entry; when the log holds 20% more than ``max_entries``, keep the newest."""
    entry: dict[str, Any] = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cmd": cmd,
        "args": args,
        "status": status,
        "ms": round(ms, 1),
    }
    if message:
        entry["msg"] = message
    fsops.make_private_dir(log_file.parent)
    line = json.dumps(entry, ensure_ascii=False, default=str)
    if not line.isascii():
        try:
            line.encode("utf-8")
        except UnicodeEncodeError:  # a path or name that is not valid UTF-8: escaped
            line = json.dumps(entry, default=str)
    fsops.append_line(log_file, line)
    if max_entries:
        with open(log_file, "rb") as handle:
            lines = handle.read().splitlines(keepends=True)
        if len(lines) > max_entries * 1.2:
            fsops.atomic_write(log_file, b"".join(lines[-max_entries:]), mode=0o600)


def read(log_file: Path, tail: int | None = None) -> list[LogEntry]:
    """Entries, oldest first (the last ``tail`` if given); malformed lines are skipped."""
    try:
        with open(log_file, encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except FileNotFoundError:
        return []
    entries: list[LogEntry] = []
    for line in lines:
        if len(line) > MAX_LINE_BYTES:
            continue
        try:
            entry: LogEntry = json.loads(line)  # (kept if it is an object with a "cmd")
        except ValueError:
            continue
        if isinstance(entry, dict) and "cmd" in entry:
            entries.append(entry)
    return entries[-tail:] if tail else entries


def clear(log_file: Path) -> int:
    """Empty a log (``log --clear``); how many entries it held. A log not there stays so."""
    held = len(read(log_file))
    if log_file.exists():
        fsops.atomic_write(log_file, b"", mode=0o600)
    return held


def timestamp(entry: LogEntry) -> float | None:
    """An entry's time in seconds since the epoch: ours (``+0000``) and the original's
    (``Z``, fractions of a second) alike; None when it has none that can be read."""
    from datetime import datetime

    raw = entry.get("ts")
    if not isinstance(raw, str):
        return None
    head, dot, rest = raw.partition(".")
    if dot:  # the original's nanoseconds: keep microseconds
        digits = len(rest) - len(rest.lstrip("0123456789"))
        raw = head + "." + rest[:min(digits, 6)] + rest[digits:]
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when.timestamp() if when.tzinfo else when.astimezone().timestamp()
