"""What ``extras`` returns (typed dictionaries: see :mod:`skillshared.commands.results`).
Types only."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final

# A target's state: every file in place (synced), some missing or different (drift), the
# folder absent (not synced), the source folder absent (no source); a target with the
# original's transform extension is "left out" (not synced by this version).
TargetStatus = Literal["synced", "drift", "not synced", "no source", "left out"]


@final
class ExtraTargetState(TypedDict):
    path: str
    mode: str
    flatten: bool
    status: TargetStatus
    extension: NotRequired[str]


@final
class RefusedFile(TypedDict):
    rel: str
    reason: str


@final
class ExtraDescription(TypedDict):
    name: str
    source: str
    source_type: str  # per-extra | extras_source | default
    source_exists: bool
    files: int
    refused: list[RefusedFile]
    warnings: list[str]
    targets: list[ExtraTargetState]


@final
class ExtrasListResult(TypedDict):
    action: Literal["list"]
    scope: str
    extras_source: str
    extras_source_default: bool
    extras: list[ExtraDescription]


@final
class ExtraInitResult(TypedDict):
    action: Literal["init"]
    scope: str
    dry_run: bool
    replaced: bool
    source_created: bool
    daemon_syncs: bool  # a daemon syncs the extra's files by itself (no sync to run)
    extra: ExtraDescription


@final
class ExtraRemovedResult(TypedDict):
    action: Literal["remove"]
    scope: str
    dry_run: bool
    name: str
    source: str  # kept, with its files; synced files stay in the targets


@final
class ExtrasSourceResult(TypedDict):
    action: Literal["source"]
    scope: str
    dry_run: bool
    extras_source: str
    default: bool
    changed: bool
    previous: str | None


@final
class PruneKept(TypedDict):
    path: str
    why: str


@final
class ExtraUpdatedResult(TypedDict):
    action: Literal["update"]
    scope: str
    dry_run: bool
    name: str
    changes: list[str]
    pruned: list[str]
    kept: list[PruneKept]
    extra: ExtraDescription
    daemon_syncs: bool  # a daemon applies the change by itself (no sync to run)


@final
class CollectedFile(TypedDict):
    path: str  # in the target
    source: str  # where it is kept now
    linked: bool  # replaced in the target by a link to it (merge mode)


@final
class CollectProblem(TypedDict):
    path: str
    why: str


@final
class CollectSummary(TypedDict):
    failed: int


@final
class ExtraCollectResult(TypedDict):
    action: Literal["collect"]
    scope: str
    dry_run: bool
    name: str
    target: str
    mode: str
    collected: list[CollectedFile]
    conflicts: list[CollectProblem]
    skipped: list[CollectProblem]
    failed: list[CollectProblem]
    summary: CollectSummary


ExtrasResult = (ExtrasListResult | ExtraInitResult | ExtraRemovedResult | ExtrasSourceResult
                | ExtraUpdatedResult | ExtraCollectResult)
