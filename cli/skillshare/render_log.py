"""``log``: the operations and audit sections, the stats, and the original's JSON lines."""

from __future__ import annotations

from skillshare.textout import INFO, Out, plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Sequence

    from skillshared.commands.results_log import LogResult, LogStats
    from skillshared.core.results import LogEntry


def local_time(stamp: str) -> str:
    """A time of the result (UTC) as the log's text shows it: local, with its offset
    (``2026-12-05T18:12:01+0100``); text that is not a time as it is."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")
    except (TypeError, ValueError):  # (a line of the file may hold anything)
        return str(stamp)


def _entries(entries: Sequence[LogEntry], out: Out) -> None:
    for e in entries:
        args = " ".join(f"{k}={v}" for k, v in e.get("args", {}).items())
        msg = f"  {e['msg']}" if e.get("msg") else ""
        out(f"{local_time(e.get('ts', '?'))}  {e['cmd']:<8} {e.get('status', '?'):<7} "
            f"{e.get('ms', 0):>8.0f}ms  {args}{msg}".rstrip())


def _stats(s: LogStats, out: Out) -> None:
    out.header("Log statistics")
    out(f"  {plural(s['total'], 'operation')}, {s['ok']} ok, {s['failed']} not ok "
        f"({s['success_rate']:.1f}% success)")
    for cmd, row in s["by_command"].items():
        out(f"  {cmd:<10} {row['total']:>5}  ok {row['ok']:>5}  failed {row['failed']:>5}")
    if s["last"]:
        out(f"  last: {s['last']['cmd']} at {local_time(s['last']['ts'])}")


def render_log(r: LogResult, out: Out) -> int:
    if "cleared" in r:
        out(f"{INFO} Log cleared ({plural(r['cleared'], 'entry')} removed)")
        return 0
    if "stats" in r:
        _stats(r["stats"], out)
        return 0
    audit = r.get("audit", [])
    if not r["entries"] and not audit:
        out(f"No operations logged yet ({out.path(r['file'])})")
    _entries(r["entries"], out)
    if audit:
        if r["entries"]:
            out()
        out.header("Audit")
        _entries(audit, out)
    return 0


def json_text(r: LogResult) -> str:
    """``log --json``: one JSON object per line (operations, then audit entries), as the
    original writes it, nothing at all when there are none; ``--stats`` and ``--clear``: one
    JSON document. Non-ASCII is escaped where stdout cannot show it."""
    import json
    import sys

    from skillshare import textout

    if "stats" in r or "cleared" in r:
        return textout.json_text(r)
    entries = [*r["entries"], *r.get("audit", [])]
    text = "\n".join(json.dumps(e, ensure_ascii=False, default=str) for e in entries)
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except UnicodeEncodeError:
        return "\n".join(json.dumps(e, default=str) for e in entries)
    return text
