"""The end of the daemon's log (one JSON object a line), read from the end of the file only:
its last lines (``daemon logs --tail``), and its last notable events (passes that changed
something, conflicts, pruning held back, a refused config, a failed pass) that ``status``
shows. Reading it costs a few kilobytes, however long the log."""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False  # light: the command line reads the log with it
if TYPE_CHECKING:
    from typing import Any, BinaryIO

    from skillshared.core.results_daemon import LogEvent

BLOCK = 1 << 16
RECENT = 3
WINDOW = 1 << 16  # how far back `status` looks for notable events

# Events worth showing in `status` whenever they happen; a pass only when it changed
# something or failed somewhere (its conflicts and holds are events of their own).
NOTABLE = frozenset({"conflict", "pruning_held", "pruning_no_longer_held", "config_refused",
                     "reconcile_failed", "interrupted_work_finished"})


def last_lines(path: str, count: int, block: int = BLOCK) -> list[str]:
    """The last ``count`` lines of the file (all of them for 0), reading back from its end
    a block at a time."""
    with open(path, "rb") as handle:
        return tail_of(handle, count, block)


def tail_of(handle: BinaryIO, count: int, block: int = BLOCK) -> list[str]:
    """The last ``count`` complete lines of an open file (all of them for 0); the handle is
    left after the last one (a line still being written is read again later)."""
    end = handle.seek(0, os.SEEK_END)
    start, data = end, b""
    while start > 0 and (count <= 0 or data.count(b"\n") <= count):
        start = max(0, start - (block if count > 0 else end))
        handle.seek(start)
        data = handle.read(end - start)
    complete = data.rfind(b"\n") + 1
    handle.seek(start + complete)
    lines = _decode(data[:complete]).splitlines()
    return lines[-count:] if count > 0 else lines


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


_QUICK = tuple(f'"event": "{name}"' for name in (*NOTABLE, "audit_findings"))


def _maybe_notable(line: str) -> bool:
    """Whether a line may be a notable event, without parsing it (most lines are passes
    that changed nothing: the log's JSON writes ``"changed": 0,`` for those)."""
    if '"event": "reconcile"' in line:
        return '"changed": 0,' not in line or '"errors": null' not in line
    return any(quick in line for quick in _QUICK)


def notable(entry: dict[str, Any]) -> bool:
    event = entry.get("event")
    if event == "reconcile":
        return bool(entry.get("changed") or entry.get("errors"))
    if event == "audit_findings":
        return bool(entry.get("held"))
    return event in NOTABLE


def _event(entry: dict[str, Any]) -> LogEvent:
    from skillshared.core import timefmt  # (only when there is an event to show)

    summary = entry.get("summary") or entry.get("error") or entry.get("event", "")
    return {"at": timefmt.iso_text(str(entry.get("timestamp", ""))),
            "level": str(entry.get("level", "")),
            "event": str(entry.get("event", "")), "summary": str(summary)}


def recent(path: str, count: int = RECENT, window: int = WINDOW) -> list[LogEvent]:
    """The last ``count`` notable events in the last ``window`` bytes of the log, oldest
    first; an event said the same way again counts once (at its latest)."""
    try:
        with open(path, "rb") as handle:
            end = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, end - window))
            data = handle.read()
    except OSError:
        return []
    found: list[LogEvent] = []
    said: set[tuple[str, str]] = set()
    for line in reversed(_decode(data).splitlines()):
        if not _maybe_notable(line):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # the first line of the window, cut in two
        if not isinstance(entry, dict) or not notable(entry):
            continue
        event = _event(entry)
        if (event["event"], event["summary"]) in said:
            continue
        said.add((event["event"], event["summary"]))
        found.append(event)
        if len(found) >= count:
            break
    return found[::-1]


class RecentEvents:
    """``recent`` of one log file, read again only when the file changed."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._seen: tuple[tuple[int, int, int], list[LogEvent]] | None = None

    def get(self) -> list[LogEvent]:
        if self.path is None:
            return []
        try:
            st = os.stat(self.path)
        except OSError:
            return []
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        if self._seen is None or self._seen[0] != key:
            self._seen = (key, recent(self.path))
        return self._seen[1]
