"""``skillshare ui [start|stop|status]``: the web dashboard, served by the daemon.

Run in the CLI itself (like ``daemon``): ``start`` starts the daemon when none answers,
exactly as ``daemon start`` does, then asks it over its socket to serve the dashboard on
127.0.0.1 and to issue a one-time sign-in token; ``stop`` and ``status`` only ask a
running daemon and never start one. The original's options are accepted where they mean
something here, and refused with the reason where they would open the dashboard to others
(``--host 0.0.0.0``, a reverse-proxy ``--base-path``) or show another setup (``-p``).
Everything is checked before anything starts.
"""

from __future__ import annotations

from skillshared.core import client
from skillshared.core.errors import SkillshareError, UsageError

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from types import SimpleNamespace
    from typing import Any

    from skillshared.core.locations import Locations

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
NO_DAEMON_HINT = "`skillshare ui` serves it (starting the daemon), or `skillshare daemon start`"


def _usage(message: str, hint: str | None = None) -> UsageError:
    return UsageError(message, hint=hint or "run `skillshare ui --help`")


def checked(ns: SimpleNamespace) -> list[str]:
    """The refusals (a UsageError, before anything starts) and the notes of options that
    are accepted but change nothing here."""
    if ns.project:
        raise _usage("`skillshare ui -p`: the daemon's dashboard shows the global setup, not "
                     "a project's", "`skillshare status -p` shows the project's state")
    if ns.no_daemon:
        raise _usage("`skillshare ui --no-daemon`: the dashboard is served by the daemon",
                     "drop --no-daemon")
    if ns.port is not None and not 0 <= ns.port <= 65535:
        raise _usage(f"--port {ns.port}: a port is 0-65535 (0: any free port)")
    host = ns.host.strip().lower() if ns.host is not None else None
    if host is not None and host not in LOOPBACK:
        raise _usage(f"--host {ns.host}: the dashboard is served on loopback (127.0.0.1) only: "
                     "it can change your skills and targets, so no other machine may reach it",
                     "from another machine, forward the port over SSH: "
                     "ssh -L 19420:127.0.0.1:19420 <this host>")
    if ns.base_path is not None and ns.base_path.strip() not in ("", "/"):
        raise _usage(f"--base-path {ns.base_path}: the dashboard is served at / only (no "
                     "reverse-proxy path: its sign-in cookie and Host check are for "
                     "127.0.0.1 itself)", "drop --base-path")
    if ns.no_open and (ns.open or ns.app):
        raise _usage("--no-open and --open (or --app) say the opposite: give one")
    notes = []
    if ns.clear_cache:
        notes.append("--clear-cache: nothing to clear; the dashboard's pages ship with "
                     "skillshare and nothing is downloaded or cached")
    if host is not None and host not in ("127.0.0.1", "localhost"):
        notes.append(f"--host {ns.host}: served on 127.0.0.1 (loopback, as asked)")
    return notes


def run(ns: SimpleNamespace, where: Locations) -> dict[str, Any]:
    """The command: the daemon's reply, with what this side added (``daemon_started``,
    ``opened``, ``notes``; ``daemon_running`` for stop and status)."""
    notes = checked(ns)
    action = ns.action or "start"
    if action != "start":
        return _ask_running(action, where)
    from skillshare import daemonctl

    control = daemonctl.start(where)
    reply = client.ask_daemon("ui", {"action": "start", "port": ns.port}, where)
    if reply is None:
        raise SkillshareError("the daemon stopped before it could serve the dashboard",
                              hint="`skillshare daemon logs` says why")
    result: dict[str, Any] = {**reply, "daemon_started": bool(control.get("started"))}
    if notes:
        result["notes"] = notes
    if ns.open or ns.app:
        result["opened"] = _open(str(reply["login_url"]))
    return result


def _ask_running(action: str, where: Locations) -> dict[str, Any]:
    reply = client.ask_daemon("ui", {"action": action, "port": None}, where)
    if reply is not None:
        return {**reply, "daemon_running": True}
    if action == "stop":
        return {"served": False, "was_served": False, "url": None, "daemon_running": False,
                "hint": NO_DAEMON_HINT}
    return {"served": False, "url": None, "port": None, "since": None, "sessions": 0,
            "streams": 0, "daemon_running": False, "hint": NO_DAEMON_HINT}


def _open(url: str) -> bool:
    """Open ``url`` in the user's browser (the ``BROWSER`` variable first); False when no
    browser could be started."""
    import webbrowser

    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False
