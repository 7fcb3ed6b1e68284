"""The shapes of what the backup store builds for ``backup``: a backup just written, the
listing, the verification and the cleanup (typed dictionaries: they travel as JSON). Types
only."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final

from skillshared.core.results import BackupTarget, Failed


class WouldBackUp(TypedDict):
    target: str
    path: str
    status: str


class WrittenBackup(TypedDict):
    """A backup just written (``path`` None when nothing needed one, or it failed)."""
    path: str | None
    error: str | None
    bytes_written: int
    targets: list[BackupTarget]


class OriginalListed(TypedDict):
    """A backup the original tool made, as ``--list`` shows it (before its disk space)."""
    name: str
    path: str
    created: str | None  # RFC 3339, UTC (core.timefmt)
    made_by: Literal["original"]
    targets: list[ListedTarget]
    not_a_backup: list[str] | None


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
    created: str | None  # RFC 3339, UTC (core.timefmt)
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
