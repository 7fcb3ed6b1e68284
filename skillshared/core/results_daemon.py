"""The shapes of the daemon's status (as it answers, or as the client finds it when it does
not), and of the CLI's own `daemon` and `service` results (typed dictionaries: they travel
as JSON). Types only."""

from __future__ import annotations

from typing import Any, Literal, TypedDict, final

# -- the daemon's status -------------------------------------------------------------------------


class ConfigState(TypedDict):
    file: str
    loaded: bool
    error: dict[str, Any] | None  # the config refused last: at, message, hint, details


class Busy(TypedDict):
    job: str
    for_s: float


@final
class DaemonRunning(TypedDict):
    """A daemon that answered: what it watches, its last passes, its jobs."""
    running: Literal[True]
    pid: int
    version: str
    started_at: str
    uptime_s: float
    socket: str
    log: str
    config: ConfigState
    watch: dict[str, Any]  # watching, missing, restarts, overflows, alive, inotify_*
    last_reconcile: dict[str, Any] | None
    last_change: dict[str, Any] | None
    reconciles: int
    pending_events: int
    queued: int
    busy: Busy | None
    last_error: dict[str, Any] | None  # at, message
    jobs: list[dict[str, Any]]
    server: dict[str, Any]
    process: dict[str, Any]  # rss_mib, threads, open_files


@final
class DaemonSilent(TypedDict):
    """A daemon that holds its lock but does not answer."""
    running: Literal[True]
    socket: str
    error: str
    pid: int | None


@final
class DaemonStopped(TypedDict):
    running: Literal[False]
    socket: str
    stale_socket: bool


DaemonStatus = DaemonRunning | DaemonSilent | DaemonStopped


@final
class DaemonControl(TypedDict, total=False):
    """``daemon start | stop | restart`` (the CLI does them itself)."""
    started: bool
    already_running: bool
    stopped: bool
    was_running: bool
    restarted: bool
    pid: int | None
    old_pid: int | None
    socket: str
    log: str


@final
class DaemonLogs(TypedDict):
    """``daemon logs`` (not followed): the lines as shown, and as read."""
    file: str
    lines: list[str]
    entries: list[dict[str, Any]]


class ServiceResult(TypedDict, total=False):
    """``service install | uninstall | status``: what is (or was) installed and what the
    service manager said; ``message`` always, ``active`` only from ``status``."""
    kind: str
    path: str
    program: str | None
    program_error: str | None
    log_file: str | None
    dry_run: bool
    file: str
    installed: bool
    up_to_date: bool | None
    removed: bool
    manager: dict[str, Any] | None
    start_requested: bool
    started: bool
    commands: list[Any]
    ok: bool
    error: str | None
    next_steps: list[str]
    message: str
    active: str | None
    enabled: str | None
