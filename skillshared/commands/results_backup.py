"""What ``backup`` and ``restore`` return (typed dictionaries: see
:mod:`skillshared.commands.results`). Types only."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final

from skillshared.core.results import BackupTarget, Failed, Interrupted
from skillshared.core.results_backup import (
    BackupCleanupResult,
    BackupListResult,
    BackupVerifyResult,
    WouldBackUp,
    WrittenBackup,
)

# -- backup and restore --------------------------------------------------------------------------


@final
class BackupPreview(TypedDict):
    action: Literal["create"]
    dry_run: Literal[True]
    targets: list[WouldBackUp]


@final
class BackupCreated(WrittenBackup):
    action: Literal["create"]
    dry_run: Literal[False]
    summary: Failed


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
