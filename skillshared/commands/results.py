"""What each command returns: typed dictionaries, because a result is JSON on the socket and
the ``--json`` output, and the CLI's renderers read it back (mypy checks every key they
read). The parts the lower layers build (a pass's report, git states, audit reports,
backups, trash items) are in :mod:`skillshared.core.results`.

A result marked ``@final`` is one of several shapes a command returns; the renderers tell
them apart by a key only that shape has. Types only: nothing here runs."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final

from skillshared.core.results import (
    AuditReport,
    BackupTarget,
    Change,
    ConflictItem,
    DaemonStatus,
    DiscoveryNotes,
    Failed,
    FindingItem,
    GitProblem,
    GitState,
    Interrupted,
    LogEntry,
    NotSaved,
    PullReport,
    PushReport,
    SyncReport,
    TargetReport,
    TrashItem,
    UpdateItem,
)

# -- status, diff, list, log ---------------------------------------------------------------------

TargetStateName = Literal["error", "missing", "linked", "conflict", "held", "not linked",
                          "needs sync", "synced"]


class SourceState(TypedDict):
    path: str
    exists: bool
    skills: int
    invalid: int
    ignored: int
    git: GitState | GitProblem | None


class TargetState(TypedDict):
    """A target as ``status`` (and ``doctor``) sees it, from its plan."""
    name: str
    also: list[str]
    path: str
    mode: str
    local: int
    conflicts: list[ConflictItem]
    guard: str | None
    error: str | None
    followed_link: str | None
    state: TargetStateName
    expected: int
    synced: int
    pending: int
    held: int
    guard_hint: str | None
    include: list[str]
    exclude: list[str]


class TrackedRepoState(TypedDict):
    name: str
    skills: int
    git: GitState | GitProblem | None
    source: NotRequired[str]
    recorded_in: NotRequired[str]
    missing: NotRequired[bool]


class StatusResult(TypedDict):
    scope: str
    config: str
    source: SourceState
    targets: list[TargetState]
    tracked_repos: list[TrackedRepoState]
    records_problem: str | None
    daemon: DaemonStatus
    out_of_sync: int
    held: int
    held_entries: int


class DiffItem(TypedDict):
    sign: str
    name: str
    action: str
    reason: str


class DiffTarget(TypedDict):
    name: str
    also: list[str]
    path: str
    mode: str
    error: str | None
    guard: str | None
    held: int
    guard_hint: str | None
    synced: bool
    items: list[DiffItem]


class DiffResult(TypedDict):
    scope: str
    targets: list[DiffTarget]


class ListedSkill(TypedDict):
    name: str
    path: str
    origin: Literal["tracked", "installed", "local"]
    repo: str | None
    source: str | None
    recorded_in: str | None
    title: str | None
    description: str | None
    targets: list[str] | None
    problem: str | None


class ListResult(DiscoveryNotes):
    scope: str
    source: str
    exists: bool
    skills: list[ListedSkill]


class LogResult(TypedDict):
    scope: str
    file: str
    entries: list[LogEntry]


# -- init, target, doctor ------------------------------------------------------------------------


class NamedPath(TypedDict):
    name: str
    path: str


class InitResult(TypedDict):
    scope: str
    config: str
    source: str
    mode: str
    targets: list[NamedPath]
    detected: bool
    remote: str | None
    created: list[str]
    dry_run: bool


class TargetDescription(TypedDict):
    name: str
    path: str
    mode: str
    mode_source: Literal["target", "default"]
    include: list[str]
    exclude: list[str]
    builtin: str | None  # the built-in target it is, if any
    exists: bool


@final
class TargetListResult(TypedDict):
    scope: str
    targets: list[TargetDescription]


@final
class TargetInfoResult(TargetDescription):
    state: TargetReport


@final
class TargetAddedResult(TargetDescription):
    action: Literal["added"]
    dry_run: bool


@final
class TargetUpdatedResult(TargetDescription):
    action: Literal["updated"]
    changes: list[str]
    dry_run: bool


class KeptLink(TypedDict):
    """A link ``target remove`` kept (the skill is too large to copy)."""
    name: str
    why: str


class Unlinked(TypedDict):
    """What ``target remove`` did to a target's folder."""
    converted: int
    removed_links: int
    whole_folder: bool
    shared: bool
    kept_links: list[KeptLink]
    left_as_is: NotRequired[str]


class RemovedTarget(Unlinked):
    name: str
    path: str
    backup: str | None


class ItemFailure(TypedDict):
    name: str
    error: str


@final
class TargetRemovedResult(TypedDict):
    scope: str
    removed: list[RemovedTarget]
    failed: list[ItemFailure]
    dry_run: bool
    summary: Failed


TargetResult = (TargetListResult | TargetInfoResult | TargetAddedResult | TargetUpdatedResult
                | TargetRemovedResult)

CheckStatus = Literal["pass", "warning", "error", "info"]


class DoctorCheck(TypedDict):
    name: str
    status: CheckStatus
    message: str
    details: NotRequired[list[str]]
    hint: NotRequired[str]


DoctorSummary = TypedDict("DoctorSummary", {"total": int, "pass": int, "warning": int,
                                            "error": int, "info": int})


class DoctorResult(TypedDict):
    scope: str
    checks: list[DoctorCheck]
    summary: DoctorSummary
    ok: bool


# -- sync, collect, pull, push -------------------------------------------------------------------

CollectItem = TypedDict("CollectItem", {"target": str, "name": str, "from": str})


class Collected(CollectItem):
    to: str
    replaces: str | None
    trashed: NotRequired[str | None]
    left_out: NotRequired[list[NotSaved]]


Skipped = TypedDict("Skipped", {"target": str, "name": str, "reason": str,
                                "from": NotRequired[str]})


class CollectFailure(TypedDict):
    target: str
    name: str
    error: str


class LinkedTarget(TypedDict):
    """A target the collected skills were linked into."""
    target: str
    changes: list[Change]
    conflicts: list[ConflictItem]
    error: str | None


@final
class CollectResult(TypedDict):
    scope: str
    dry_run: bool
    force: bool
    targets: list[str]
    collected: list[Collected]
    same: list[CollectItem]
    skipped: list[Skipped]
    failed: list[CollectFailure]
    linked: list[LinkedTarget]
    summary: Failed
    hint: NotRequired[str]  # `pull <target>`: the old name of `collect <target>`


@final
class PullResult(TypedDict):
    pull: PullReport
    sync: SyncReport | None
    summary: Failed


SyncResult = SyncReport
PushResult = PushReport

# -- trash -----------------------------------------------------------------------------------


@final
class TrashListResult(TypedDict):
    action: Literal["list"]
    dir: str
    items: list[TrashItem]
    bytes: int
    retention_days: int | None
    agents_kept: int


@final
class TrashEmptyResult(TypedDict):
    action: Literal["empty"]
    dry_run: bool
    items: list[TrashItem]


@final
class TrashDeleteResult(TypedDict):
    action: Literal["delete"]
    dry_run: bool
    item: TrashItem


@final
class TrashRestoreResult(TypedDict):
    action: Literal["restore"]
    dry_run: bool
    item: TrashItem
    to: str


TrashResult = TrashListResult | TrashEmptyResult | TrashDeleteResult | TrashRestoreResult

# -- backup and restore --------------------------------------------------------------------------


class WouldBackUp(TypedDict):
    target: str
    path: str
    status: str


@final
class BackupPreview(TypedDict):
    action: Literal["create"]
    dry_run: Literal[True]
    targets: list[WouldBackUp]


class Written(TypedDict):
    """A backup just written (``path`` None when nothing needed one, or it failed)."""
    path: str | None
    error: str | None
    bytes_written: int
    targets: list[BackupTarget]


@final
class BackupCreated(Written):
    action: Literal["create"]
    dry_run: Literal[False]
    summary: Failed


class ListedTarget(TypedDict):
    """A target in a backup, as ``backup --list`` shows it."""
    name: str
    readable: bool
    skills: NotRequired[int]
    bytes: NotRequired[int]
    mode: NotRequired[str | None]
    kind: NotRequired[str | None]
    path: NotRequired[str | None]
    made_by: NotRequired[Literal["original"]]
    agents: NotRequired[bool]
    problems: NotRequired[list[str]]


class ListedBackup(TypedDict):
    name: str
    path: str
    created: float | None
    order: float | None
    targets: list[ListedTarget]
    disk_bytes: int
    made_by: NotRequired[Literal["original"]]
    not_a_backup: NotRequired[list[str] | None]


@final
class BackupListResult(TypedDict):
    action: Literal["list"]
    dir: str
    backups: list[ListedBackup]
    disk_bytes: int
    unreferenced_bytes: int


class VerifiedTarget(TypedDict):
    name: str
    ok: bool
    problems: list[str]
    made_by: NotRequired[Literal["original"]]
    agents: NotRequired[bool]
    unchecked: NotRequired[str]


class VerifiedBackup(TypedDict):
    name: str
    targets: list[VerifiedTarget]
    made_by: NotRequired[Literal["original"]]


@final
class BackupVerifyResult(TypedDict):
    action: Literal["verify"]
    backups: list[VerifiedBackup]
    damaged: int
    summary: Failed


class RemovedBackup(TypedDict):
    name: str
    bytes: int
    reasons: list[str]


class Retention(TypedDict):
    keep: int
    max_age_days: int
    max_total_mb: float


@final
class BackupCleanupResult(TypedDict):
    action: Literal["cleanup"]
    dry_run: bool
    removed: list[RemovedBackup]
    kept: list[str]
    protected: list[str]
    freed_bytes: int
    store_removed: int
    files_removed: int
    chunks_removed: int
    swept: list[str]
    total_bytes: int
    not_backups: list[str]
    policy: Retention


BackupResult = (BackupPreview | BackupCreated | BackupListResult | BackupVerifyResult
                | BackupCleanupResult)

# `from` is a keyword: this one is written as a call. The keys after `backup` are there for
# a preview (`entries`), a restore done (`links` … `missing_from_source`), or a backup the
# original tool made (`made_by` … `original_manifest`).
RestoreResult = TypedDict("RestoreResult", {
    "target": str, "path": str, "from": str, "latest": bool, "dry_run": bool, "force": bool,
    "replaced": list[str], "interrupted": list[Interrupted], "backup": BackupTarget | None,
    "entries": NotRequired[int],
    "links": NotRequired[int], "folders": NotRequired[int], "files": NotRequired[int],
    "recovered": NotRequired[list[str]], "missing_from_source": NotRequired[list[str]],
    "made_by": NotRequired[Literal["original"]], "linked": NotRequired[list[str]],
    "copies_recorded": NotRequired[list[str]], "original_manifest": NotRequired[bool],
})

# -- audit, install, uninstall, update, check ----------------------------------------------------


class AuditedSkill(TypedDict):
    name: str
    path: str
    files: int
    findings: list[FindingItem]
    blocked: bool


class RuleFile(TypedDict):
    path: str
    format: str
    entries: int


class AuditResult(TypedDict):
    scope: str
    threshold: str
    rules: int
    scanned: int
    files: int
    counts: dict[str, int]
    skills: list[AuditedSkill]
    blocked: list[str]
    summary: Failed
    rule_files: list[RuleFile]
    warnings: list[str]


class InstalledCopy(TypedDict):
    name: str
    path: str
    audit: AuditReport | None
    trashed: str | None


@final
class InstallCopyResult(TypedDict):
    url: str
    dry_run: bool
    track: Literal[False]
    threshold: str
    skills: list[InstalledCopy]


@final
class InstallRepoResult(TypedDict):
    name: str
    url: str
    path: str
    track: Literal[True]
    dry_run: bool
    threshold: str
    audit: AuditReport | None
    skills: list[str]


@final
class InstallRecordedResult(TypedDict):
    recorded: Literal[True]
    dry_run: bool
    items: list[UpdateItem]
    summary: Failed


InstallResult = InstallCopyResult | InstallRepoResult | InstallRecordedResult


class Uninstalled(TypedDict):
    name: str
    path: str
    trash: str | None
    uncommitted: int


class UninstallResult(TypedDict):
    dry_run: bool
    removed: list[Uninstalled]
    forgotten: list[str]
    expired: int


class UpdateResult(TypedDict):
    dry_run: bool
    threshold: str
    items: list[UpdateItem]
    summary: Failed


class CheckItem(TypedDict):
    """A tracked repo (``path``, and how far behind it is) or an installed skill
    (``source``) of ``check``; ``error`` when it could not be checked."""
    name: str
    kind: Literal["repo", "skill"]
    status: str
    path: NotRequired[str]
    source: NotRequired[str]
    ahead: NotRequired[int]
    behind: NotRequired[int]
    dirty: NotRequired[bool]
    upstream: NotRequired[str | None]
    note: NotRequired[str | None]
    error: NotRequired[str]
    hint: NotRequired[str]


class CheckResult(TypedDict):
    items: list[CheckItem]
    behind: list[str]
    summary: Failed
