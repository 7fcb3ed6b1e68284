"""Text rendering of the daemon's status and of `daemon` and `service` results."""

from __future__ import annotations

from skillshare.textout import FAIL, INFO, OK, WARN, Out, ago, local_time, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from skillshared.core.results_daemon import (
        DaemonControl,
        DaemonLogs,
        DaemonRunning,
        DaemonSilent,
        DaemonStatus,
        DaemonStopped,
        ServiceResult,
    )


def daemon_section(d: DaemonStatus, out: Out) -> None:
    if not d["running"]:
        stale = f" (stale socket {out.path(d['socket'])})" if d["stale_socket"] else ""
        out(f"Daemon: not running{stale} — commands run in-process; start it with "
            "'skillshare daemon start'")
        return
    if "watch" not in d:
        out(f"Daemon: running (pid {d['pid'] or '?'}) but not answering: {d['error']} — "
            "try 'skillshare daemon restart'")
        return
    _running(d, out)


def _running(d: DaemonRunning, out: Out) -> None:
    out(f"Daemon: running (pid {d['pid']}, up {ago(d['uptime_s'])})")
    proc = d["process"]
    if proc["rss_mib"] is not None:
        out(f"  Process:   {proc['rss_mib']:.1f} MiB resident, {plural(proc['threads'], 'thread')}"
            + (f", {proc['open_files']} open files" if proc["open_files"] is not None
               else ""))
    watch = d["watch"]
    count, limit = watch["inotify_watches"], watch["inotify_limit"]
    budget = f"{count} inotify watches" if count is not None else "watching"
    if count is not None and limit:
        budget += f" of {limit} allowed ({count * 100 / limit:.1f}%)"
    out(f"  Watching:  {budget}; {plural(len(watch['watching']), 'folder')}"
        + (f"; restarted {watch['restarts']}x" if watch["restarts"] else ""))
    for item in watch["watching"]:
        out(f"    {out.path(item['path'])}{' (recursive)' if item['recursive'] else ''}")
    for path in watch["missing"]:
        out(f"    {out.path(path)} (missing; watched once it appears)")
    last = d["last_reconcile"]
    if last:
        out(f"  Last reconcile: {_when(last['at'])} {last['kind']}, {last['ms']:.1f} ms, "
            f"{plural(last['changed'], 'change')}"
            + (f", {plural(last['conflicted'], 'conflict')}" if last["conflicted"] else ""))
    else:
        out("  Last reconcile: none yet")
    held = (last.get("held") if last else None) or []  # (absent from a daemon of an older version)
    if held:
        names = ", ".join(f"{h['target']} ({plural(h['held'], 'entry', 'entries')})"
                          for h in held)
        out(f"  {WARN} Pruning held back: {names}; since {_when(min(h['since'] for h in held))}")
        for hint in sorted({h["hint"] for h in held if h["hint"]}):
            out(f"      {hint}")
    change = d["last_change"]
    if change and change != last:
        shown = ", ".join(f"{c['action']} {c['target']}/{c['name']}"
                          for c in change["changes"][:3])
        more = f" and {change['changed'] - 3} more" if change["changed"] > 3 else ""
        out(f"  Last change:    {_when(change['at'])} {shown}{more}")
    _recent(d, out)
    busy = d["busy"]
    out(f"  Pending events: {d['pending_events']}" + (
        f"; busy with {busy['job']} for {busy['for_s']}s" if busy else ""))
    _dashboard(d, out)
    err = d["config"]["error"]
    if err:
        out(f"  {FAIL} config refused ({_when(err['at'])}): {err['message']} — the previous config "
            "stays in force")
        for detail in err["details"]:
            out(f"      - {detail}")
    problem = d["last_error"]
    if problem:
        out(f"  Last error: {_when(problem['at'])} {problem['message']}")
    for job in d["jobs"]:
        result: str = job["last_result"] or "not run yet"
        if job["last_summary"]:
            result += f" ({job['last_summary']})"
        if job["last_error"]:
            result += f": {job['last_error']}"
        out(f"  Job {job['name']:<8} next {_when(job['next_run'] or '-')}  last: {result}")


def _when(stamp: str) -> str:
    """A time of the daemon's status (ISO 8601) in local time, the day left out if today."""
    return local_time(stamp, short=True) if stamp[:1].isdigit() else stamp


def _dashboard(d: DaemonRunning, out: Out) -> None:
    """Where the web dashboard is served, when it is."""
    ui = d["ui"]
    if ui is None:
        return
    since = f" since {_when(ui['since'])}" if ui["since"] else ""
    out(f"  Dashboard:      {ui['url']}{since}; {plural(ui['sessions'], 'session')}, "
        f"{plural(ui['streams'], 'open stream')} (`skillshare ui` for a sign-in link)")


def _recent(d: DaemonRunning, out: Out) -> None:
    """The last notable events of the daemon's log (absent from a daemon of an older
    version)."""
    recent = d.get("recent") or []
    if not recent:
        return
    from skillshare.render_daemon_log import recent_line

    out("  Recent events:")
    for event in recent:
        mark = {"warning": WARN, "error": FAIL, "critical": FAIL}.get(event["level"], OK)
        out(f"    {mark} {recent_line(event, out.home)}")


def render_daemon(r: DaemonRunning | DaemonSilent | DaemonStopped | DaemonLogs | DaemonControl,
                  out: Out) -> int:
    if "running" in r:  # status
        daemon_section(r, out)
        return 0 if r["running"] else 1
    if "lines" in r:  # logs
        for line in r["lines"]:
            out(line)
        return 0
    if r.get("already_running"):
        out(f"{INFO} the daemon is already running (pid {r['pid']})")
    elif r.get("started"):
        again = " again" if r.get("restarted") else ""
        out(f"{OK} daemon started{again} (pid {r['pid']}); socket {out.path(r['socket'])}")
    elif r.get("stopped"):
        out(f"{OK} daemon stopped (pid {r['pid']})")
    else:
        out(f"{INFO} the daemon is not running")
    return 0


def render_service(r: ServiceResult, out: Out) -> int:
    mark = OK if r.get("ok", True) else FAIL
    out(f"{mark} {r['message']}")
    if "active" in r:  # status
        out(f"  installed: {'yes' if r['installed'] else 'no'}"
            + (f" ({'up to date' if r['up_to_date'] else 'differs from a fresh install'})"
               if r["installed"] else ""))
        if r.get("active") is not None:
            out(f"  active: {r['active']}; enabled: {r.get('enabled')}")
    if r.get("next_steps"):
        out("  next:")
        for step in r["next_steps"]:
            out(f"    {step}")
    return 0 if r.get("ok", True) else 1
