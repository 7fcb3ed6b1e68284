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

# what a kind word asked for: `backup agents`, `restore --all claude` ...
KindLabel = Literal["skills", "agents", "extras", "all"]

# -- backup and restore --------------------------------------------------------------------------


@final
class BackupPreview(TypedDict):
    action: Literal["create"]
    dry_run: Literal[True]
    kind: NotRequired[KindLabel]
    targets: list[WouldBackUp]


@final
class BackupCreated(WrittenBackup):
    action: Literal["create"]
    dry_run: Literal[False]
    kind: NotRequired[KindLabel]
    summary: Failed


BackupResult = (BackupPreview | BackupCreated | BackupListResult | BackupVerifyResult
                | BackupCleanupResult)

# `from` is a keyword: this one is written as a call. The keys after `backup` are there for
# a preview (`entries`), a restore done (`links` … `missing_from_source`), or a backup the
# original tool made (`made_by` … `original_manifest`).
RestoreResult = TypedDict("RestoreResult", {
    "target": str, "kind": NotRequired[KindLabel], "path": str, "from": str, "latest": bool,
    "dry_run": bool, "force": bool,
    "replaced": list[str], "interrupted": list[Interrupted], "backup": BackupTarget | None,
    "entries": NotRequired[int],
    "links": NotRequired[int], "folders": NotRequired[int], "files": NotRequired[int],
    "recovered": NotRequired[list[str]], "missing_from_source": NotRequired[list[str]],
    "made_by": NotRequired[Literal["original"]], "linked": NotRequired[list[str]],
    "copies_recorded": NotRequired[list[str]], "original_manifest": NotRequired[bool],
    # a restore done: whether a sync would still change the folder, and whether a running
    # daemon does that by itself (then no sync to run)
    "needs_sync": NotRequired[bool], "daemon_syncs": NotRequired[bool],
})


class RestoreAll(TypedDict):
    """``restore --all <target>``: the target's skills folder and its agents folder, each
    restored (or, ``dry_run``, checked) only once both were checked."""
    kind: Literal["all"]
    target: str
    dry_run: bool
    results: list[RestoreResult]
    daemon_syncs: NotRequired[bool]  # a daemon brings the restored folders in line by itself


RestoreCmdResult = RestoreResult | RestoreAll | BackupListResult
