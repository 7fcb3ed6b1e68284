"""What ``trash``, ``backup`` and ``restore`` return (typed dictionaries: see
:mod:`skillshared.commands.results`). Types only."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final

from skillshared.core.results import BackupTarget, Failed, Interrupted, TrashItem

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
