"""The daemon's log as text people read: one line per event, with the local time, the level,
the event and what happened (``synced  linked 3 skills (a, b, c) in claude, cursor``).

The daemon writes a ``summary`` in words for what matters (passes, conflicts, pruning held
back); other events are said from their fields. A line that is not JSON is shown as is.
"""

from __future__ import annotations

import json
import os

from skillshare.textout import local_time, shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.core.results_daemon import LogEvent

LABEL_WIDTH = 13
# The name an event is shown under, where its logged name says less to a reader (a pass:
# "synced" when it changed something, else "checked").
LABELS = {"reconcile": "synced"}
SKIPPED = ("event", "level", "logger", "timestamp", "summary")


def _home(text: str, home: str) -> str:
    return shorten(text, home)


def in_text(text: str, home: str) -> str:
    """Paths under the home folder ``~``-shortened inside a sentence."""
    return shorten(text, home)


def _value(value: object, home: str) -> str:
    if isinstance(value, str):
        return _home(value, home)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(_home(v, home) for v in value)
    return json.dumps(value, ensure_ascii=False)


def _fields(entry: dict[str, Any], home: str) -> str:
    return "; ".join(f"{key} {_value(value, home)}" for key, value in entry.items()
                     if key not in SKIPPED and value not in (None, [], {}, ""))


def _count(count: object, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _reconcile(entry: dict[str, Any]) -> str:
    """What a pass did, and how: ``… (partial pass, 2 skills, 3.1 ms)``."""
    said = entry.get("summary")
    if not said:  # a line of an older daemon: its counts
        said = _count(entry.get("changed", 0), "change")
        if entry.get("conflicts"):
            said += f", {_count(entry['conflicts'], 'conflict')}"
        if entry.get("held_back"):
            said += f"; pruning held back in {', '.join(entry['held_back'])}"
    how = [f"{entry.get('kind', '?')} pass"]
    if isinstance(entry.get("skills"), int):
        how.append(f"{_count(entry['skills'], 'skill')} looked at")
    if isinstance(entry.get("ms"), (int, float)):
        how.append(f"{entry['ms']:.1f} ms")
    if entry.get("errors"):
        said += f"; errors: {'; '.join(entry['errors'])}"
    return f"{said} ({', '.join(how)})"


def text_of(entry: dict[str, Any], home: str) -> str:
    """What happened, in words: the daemon's summary, else the event's fields."""
    if entry.get("event") == "reconcile":
        return _reconcile(entry)
    said = entry.get("summary")
    if said:
        return in_text(str(said), home)
    template = TEMPLATES.get(str(entry.get("event")))
    if template is not None:
        try:
            return in_text(template(entry), home)
        except (KeyError, TypeError):
            pass  # a field missing (another version's line): its fields as they are
    return _fields(entry, home)


def _names(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


# Events without a summary (the daemon's own life), said from their fields.
TEMPLATES: dict[str, Callable[[dict[str, Any]], str]] = {
    "started": lambda e: f"pid {e['pid']}; config {e['config']}; socket {e['socket']}",
    "config_loaded": lambda e: (f"{e['file']}: source {e['source']}; targets "
                                f"{_names(e['targets']) or 'none'}"),
    "config_refused": lambda e: f"{e['error']}; {e['kept']} stays in force",
    "reconcile_failed": lambda e: e["error"],
    "watcher_restarted": lambda e: e["reason"],
    "watch_events_lost": lambda e: e["reason"],
    "reload_requested": lambda e: f"by {e['reason']}",
    "pruning_held_unknown": lambda e: f"in {_names(e['targets'])}: {e['error']}",
}


def entry_line(entry: dict[str, Any], home: str | None = None) -> str:
    home = home if home is not None else os.path.expanduser("~")
    stamp = local_time(str(entry.get("timestamp", "")))
    level = str(entry.get("level", "")).upper()
    event = str(entry.get("event", ""))
    label = label_of(event, bool(entry.get("changed", True)))
    text = text_of(entry, home)
    return f"{stamp} {level:<7} {label:<{LABEL_WIDTH}} {text}".rstrip()


def line_text(line: str, home: str | None = None) -> str:
    """One line of the log as text (the line itself when it is not a JSON object)."""
    try:
        entry = json.loads(line)
    except ValueError:
        return line
    return entry_line(entry, home) if isinstance(entry, dict) else line


def label_of(event: str, changed: bool = True) -> str:
    if event == "reconcile" and not changed:
        return "checked"
    return LABELS.get(event, event)


def recent_line(event: LogEvent, home: str) -> str:
    """A notable event as ``status`` lists it: ``16:47:01 synced: linked 3 skills …``."""
    label = label_of(event["event"])
    return (f"{local_time(event['at'], short=True)} {label}: "
            f"{in_text(event['summary'], home)}")
