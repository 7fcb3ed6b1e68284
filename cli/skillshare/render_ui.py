"""Text of ``skillshare ui [start|stop|status]``."""

from __future__ import annotations

from skillshare.textout import ARROW, INFO, OK, WARN, Out, local_time, plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from typing import Any


def render_ui(r: dict[str, Any], out: Out) -> int:
    if "login_url" in r:
        _started(r, out)
        return 0
    if r.get("daemon_running") is False:
        out(f"{INFO} no dashboard: the daemon is not running")
        out(f"  {r['hint']}")
        return 0 if "was_served" in r else 1
    if "was_served" in r:
        if r["was_served"]:
            out(f"{OK} dashboard stopped (it was at {r['url']}); its sessions and streams "
                "are closed")
        else:
            out(f"{INFO} the dashboard was not served")
        return 0
    return _status(r, out)


def _started(r: dict[str, Any], out: Out) -> None:
    if r.get("daemon_started"):
        out(f"{INFO} the daemon was not running: started it")
    verb = "already served" if r.get("already") else "served"
    out(f"{OK} dashboard {verb} at {r['url']}")
    minutes = max(1, round(int(r.get("token_expires_s") or 300) / 60))
    valid = f"valid once, within {plural(minutes, 'minute')}"
    opened = r.get("opened")
    if opened:
        out(f"  {ARROW} opened the sign-in link in the browser ({valid})")
    else:
        if opened is False:
            out(f"  {WARN} no browser could be opened: open the link yourself")
        out(f"  Sign in ({valid}): {r['login_url']}")
    for note in r.get("notes") or []:
        out(f"  {INFO} {note}")
    out("  A new sign-in link: skillshare ui; stop serving: skillshare ui stop")


def _status(r: dict[str, Any], out: Out) -> int:
    if not r["served"]:
        out("Dashboard: not served (`skillshare ui` serves it)")
        return 1
    since = f" since {local_time(r['since'], short=True)}" if r.get("since") else ""
    out(f"Dashboard: served at {r['url']}{since}")
    out(f"  {plural(r['sessions'], 'signed-in session')}, "
        f"{plural(r['streams'], 'open stream')}")
    return 0
