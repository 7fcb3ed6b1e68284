"""The shapes of the results the lower layers build (a pass's report, backups, the git state
of a folder, the trash, the operation log): typed dictionaries, because they travel as JSON
(on the socket and as ``--json`` output) and the CLI reads them back. Push, pull, the audit
and installs are in :mod:`skillshared.core.results_git`, the daemon's status in
:mod:`skillshared.core.results_daemon`; the command results that hold them in
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
    """A pass over the targets (``sync --json``): of the skills (``skills``: how many), the
    agents (``agents``) or an extra's files (``files``), as ``kind`` says."""
    kind: Literal["skills", "agents", "extras"]
    scope: str
    source: str
    skills: NotRequired[int]
    agents: NotRequired[int]
    files: NotRequired[int]
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


# -- the trash and the operation log -----------------------------------------------------------


class TrashItem(TypedDict):
    entry: str
    name: str
    origin: str | None
    reason: str | None
    trashed_at: str  # RFC 3339, UTC (core.timefmt)
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
