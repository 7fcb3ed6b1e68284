"""The shapes of the daemon's status (as it answers, or as the client finds it when it does
not), and of the CLI's own `daemon` and `service` results (typed dictionaries: they travel
as JSON). Types only."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final

# -- the daemon's status -------------------------------------------------------------------------


class ErrorAt(TypedDict):
    """A failure kept for ``status``: when, and what."""
    at: str
    message: str


class ConfigError(ErrorAt):
    """The config refused last (the previous one stays in force)."""
    hint: str | None
    details: list[str]


class ConfigState(TypedDict):
    file: str
    loaded: bool
    error: ConfigError | None


class Watched(TypedDict):
    path: str  # the real folder watched
    roots: list[str]  # the roots it is watched for
    recursive: bool


class WatcherState(TypedDict):
    """What the watcher holds, as it reports it."""
    watching: list[Watched]
    missing: list[str]  # roots not there (watched once they appear)
    restarts: int
    overflows: int
    alive: bool


class WatchStatus(WatcherState):
    """The watcher's state, with the inotify budget (None where it cannot be read)."""
    inotify_watches: int | None
    inotify_limit: int | None


class TargetChange(TypedDict):
    target: str
    action: str
    name: str


class TargetConflict(TypedDict):
    target: str
    name: str
    reason: str


class HeldTarget(TypedDict):
    """A target whose pruning the mass-delete guard holds back (with the targets sharing its
    folder: ``also``), since when, and what to run."""
    target: str
    also: list[str]
    held: int
    guard: str
    hint: str | None
    since: str


class ReconcilePass(TypedDict):
    """A reconcile pass of the daemon: what it looked at and what it changed (the changes and
    conflicts shown are capped; ``changed`` and ``conflicted`` count them all)."""
    at: str
    kind: Literal["full", "partial"]
    ms: float
    skills: int
    looked: list[str]  # a partial pass: the skills it looked at (capped; a full pass: none)
    targets: int
    reasons: list[str]
    changed: int
    changes: list[TargetChange]
    conflicts: list[TargetConflict]
    conflicted: int
    errors: list[str]
    held_back: list[str]  # the targets this pass held pruning back on
    held: list[HeldTarget]  # every target held back now


class LogEvent(TypedDict):
    """A notable event of the daemon's log, as ``status`` shows it: when (ISO 8601, UTC),
    its level and event name, and what happened in words."""
    at: str
    level: str
    event: str
    summary: str


class Busy(TypedDict):
    job: str
    for_s: float


JobResult = Literal["ok", "error", "timed out"]


class JobState(TypedDict):
    """A scheduled job: when it runs next, and how its last run went."""
    name: str
    interval_s: float | None
    time_limit_s: float
    next_run: str | None
    running: bool
    last_run: str | None
    last_result: JobResult | None
    last_error: str | None
    last_summary: str | None  # what the last run that finished did
    last_ms: float | None
    runs: int


class ServerState(TypedDict):
    connections: int
    handlers: int
    busy_refusals: int
    reads_reused: NotRequired[int]  # status and list answers served again (the runtime's)


class ProcessStats(TypedDict):
    rss_mib: float | None
    threads: int
    open_files: int | None  # None where /proc is not there


class UiServed(TypedDict):
    """The dashboard the daemon serves (``skillshare ui``): where, since when, how many
    browsers are signed in and how many event streams are open."""
    url: str
    port: int
    since: str
    sessions: int
    streams: int


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
    watch: WatchStatus
    last_reconcile: ReconcilePass | None
    last_change: ReconcilePass | None  # the last pass that changed something
    reconciles: int
    pending_events: int
    queued: int
    busy: Busy | None
    last_error: ErrorAt | None  # the latest of the config's, a pass's and a job's
    recent: list[LogEvent]  # the last notable events of its log (none when it logs elsewhere)
    jobs: list[JobState]
    server: ServerState
    process: ProcessStats
    ui: UiServed | None  # None: no dashboard served


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
    entries: list[object]  # each line's JSON (a log record), or the line when it is not JSON


class ServiceManagerState(TypedDict):
    """Whether the service manager (``systemctl --user``, ``launchctl``) can be used."""
    present: bool
    detail: str | None  # why not


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
    manager: ServiceManagerState | None
    start_requested: bool
    started: bool
    commands: list[str]  # the service manager's commands run (or, in a dry run, to run)
    ok: bool
    error: str | None
    next_steps: list[str]
    message: str
    active: str | None
    enabled: str | None
