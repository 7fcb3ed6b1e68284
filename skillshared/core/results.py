"""The shapes of the results the lower layers build (a pass's report, the git state of a
folder, push and pull, the audit of a folder, backups, the trash, the operation log, the
daemon's status): typed dictionaries, because they travel as JSON (on the socket and as
``--json`` output) and the CLI reads them back. The command results that hold them are in
:mod:`skillshared.commands.results`.

A key marked ``NotRequired`` is left out of some results; one typed ``X | None`` is always
there. Types only: nothing here runs."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, final

# -- a pass: the per-target report, discovery notes, collisions, the summary -------------------


class Change(TypedDict):
    action: str
    name: str


class ConflictItem(TypedDict):
    name: str  # "" when the target's folder itself is in the way
    reason: str


class Forced(TypedDict):
    """An entry ``--force`` replaced, and where its backup is."""
    name: str
    backup: str


class LeftOut(TypedDict):
    """A special file a copy cannot hold (it stays where it was)."""
    name: str
    path: str
    why: str


TargetStatus = Literal["ok", "warning", "error"]


class TargetCounts(TypedDict):
    linked: int
    local: int
    updated: int
    pruned: int
    new: int
    up_to_date: int


class TargetReport(TargetCounts):
    """One target (or the targets sharing its folder: ``also``) after, or before, a pass."""
    name: str
    also: list[str]
    path: str
    mode: str
    status: TargetStatus
    expected: int
    created_dir: bool
    changed: int
    changes: list[Change]
    conflicts: list[ConflictItem]
    local_entries: list[str]
    guard: str | None  # why the mass-delete guard held pruning back
    held: int
    guard_hint: str | None
    error: str | None
    backup: str | None
    forced: list[Forced]
    left_out: list[LeftOut]
    followed_link: str | None
    linked_to_source: bool


class Invalid(TypedDict):
    path: str
    reason: str


class FrontmatterProblem(TypedDict):
    path: str
    problem: str


class DiscoveryNotes(TypedDict):
    """What discovery found wrong: folders not synced, frontmatter problems, ignored skills."""
    invalid: list[Invalid]
    frontmatter: list[FrontmatterProblem]
    ignored: list[str]


class SameTarget(TypedDict):
    target: str
    name: str
    skills: list[str]


class Isolated(TypedDict):
    name: str
    count: int


class Collisions(TypedDict):
    same_target: list[SameTarget]
    isolated: list[Isolated]


class SyncSummary(TargetCounts):
    targets: int
    failed: int
    held: int
    conflicts: int


class Failed(TypedDict):
    """How many items of a command failed (what decides its exit code)."""
    failed: int


# -- backups -------------------------------------------------------------------------------------

BackupStatus = Literal["created", "unchanged", "empty", "missing", "failed"]


class NotSaved(TypedDict):
    path: str
    why: str


class BackupTarget(TypedDict):
    """One target in a backup just written (the keys without a value are left out)."""
    target: str
    status: BackupStatus
    path: NotRequired[str]
    skills: int
    bytes: int
    error: NotRequired[str]
    not_saved: NotRequired[list[NotSaved]]


class PassBackup(TypedDict):
    """The backup a pass made before changing targets."""
    path: str | None
    targets: list[BackupTarget]
    error: NotRequired[str]


class Interrupted(TypedDict):
    """Work an interrupted run left beside a target, and what was done with it."""
    target: str
    action: str


class SyncReport(DiscoveryNotes):
    """A pass over the targets (``sync --json``)."""
    scope: str
    source: str
    skills: int
    dry_run: bool
    force: bool
    partial: bool
    targets: list[TargetReport]
    backup: PassBackup | None
    collisions: Collisions
    summary: SyncSummary
    duration_ms: float
    interrupted_restores: NotRequired[list[Interrupted]]


# -- git -------------------------------------------------------------------------------------


@final
class GitState(TypedDict):
    """A repository's state; ``branch`` is "" on a detached HEAD, ``commits`` False before
    the first commit."""
    branch: str
    dirty: bool
    changes: int
    remotes: list[str]
    ahead: int
    behind: int
    detached: bool
    commits: bool
    upstream: str | None
    upstream_gone: bool


@final
class GitProblem(TypedDict):
    """A repository whose state git could not read."""
    error: str


class PushReport(TypedDict):
    source: str
    remote: str
    branch: str
    changes: list[str]
    message: str | None
    dry_run: bool
    committed: str | None
    pushed: bool
    upstream: str
    set_upstream: bool
    note: str | None


PullStatus = Literal["up to date", "ahead", "the remote has nothing yet", "fast-forwarded",
                     "would fast-forward", "merged", "would merge"]


class PullReport(TypedDict):
    source: str
    remote: str
    branch: str
    upstream: str
    before: str | None
    after: str | None
    dry_run: bool
    status: PullStatus
    commits: int
    note: str | None
    resolved: NotRequired[list[str]]


# -- the audit, and installs -----------------------------------------------------------------


class FindingItem(TypedDict):
    path: str
    line: int
    rule: str
    family: str
    severity: str
    message: str
    excerpt: str


class AuditReport(TypedDict):
    """The audit of a folder (an install or an update): findings, whether one blocks, and
    counts per severity (all of them, and those below the threshold)."""
    files: int
    findings: list[FindingItem]
    blocked: bool
    counts: dict[str, int]
    below: dict[str, int]


class Origin(TypedDict):
    """Where a recorded install came from, and the file that records it."""
    source: str
    tracked: bool
    file: str


class Attention(TypedDict):
    name: str
    problem: str


class OriginalRecords(TypedDict):
    """The original tool's install records, as ``doctor`` shows them."""
    file: str
    exists: bool
    records: int
    tracked: int
    untouched: int
    attention: list[Attention]
    error: str | None
    details: list[str]
    hint: NotRequired[str | None]


# -- the trash and the operation log -----------------------------------------------------------


class TrashItem(TypedDict):
    entry: str
    name: str
    origin: str | None
    reason: str | None
    trashed_at: str
    trashed_ts: float
    bytes: int
    made_by: Literal["original", "skillshared"]


class LogEntry(TypedDict):
    """A line of the operation log (read back from a file: only ``cmd`` is sure)."""
    cmd: str
    ts: NotRequired[str]
    args: NotRequired[dict[str, Any]]
    status: NotRequired[str]
    ms: NotRequired[float]
    msg: NotRequired[str | None]


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


# -- tracked repos (update and check) ----------------------------------------------------------


class UpdateItem(TypedDict):
    """One tracked repo or installed skill of ``update`` (or of ``install`` with no
    argument): every key but its name and status is there only for some outcomes."""
    name: str
    status: str
    kind: NotRequired[Literal["repo", "skill"]]
    source: NotRequired[str]
    tracked: NotRequired[bool]
    skills: NotRequired[list[str]]
    before: NotRequired[str | None]
    after: NotRequired[str | None]
    commits: NotRequired[int]
    audit: NotRequired[AuditReport | None]
    upstream: NotRequired[str | None]
    note: NotRequired[str | None]
    stashed: NotRequired[int]
    blocked_at: NotRequired[str]
    trashed: NotRequired[str | None]
    error: NotRequired[str]
    hint: NotRequired[str | None]
    details: NotRequired[list[str]]


class RepoCheck(TypedDict):
    """How far a tracked repo is behind (and ahead of) the remote branch it follows."""
    ahead: int
    behind: int
    status: str
    dirty: bool
    upstream: str | None
    note: str | None


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
