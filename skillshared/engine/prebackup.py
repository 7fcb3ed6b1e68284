"""The backup a pass takes before it changes targets: which plans call for one, and what the
pass asks of whoever keeps the backups. The engine writes no backup itself: the caller of a
pass hands it a :class:`Backups` (the store's ``PassBackups``), or none."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from skillshared.core.results import PassBackup
from skillshared.engine.apply import Outcome
from skillshared.engine.plan import DIR, TargetPlan, TargetSpec
from skillshared.engine.runs import TargetRun

Owns = Callable[[str], bool]  # whether a link's destination is in the source
Exact = bool | Collection[str]  # True: all of a target; else the top-level entries named


@dataclass(frozen=True)
class Seen:
    """What the pass saw of a target folder: the folder (device, inode), the text of each
    link at its top and the names of its other entries (but its copy manifest). A backup
    takes the folder's entries and links as seen, without listing or reading them again
    (the pass changes only what it saw, each link only if it still reads as seen)."""

    ident: tuple[int, int]
    links: Mapping[str, str]
    others: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ToSave:
    """A target to back up before the pass changes it."""

    name: str
    path: str
    mode: str
    owns: Owns
    exact: Exact  # what the pass replaces that is not ours: read, never taken on trust
    seen: Seen | None = None


@dataclass(frozen=True)
class Saved:
    """What became of one target's backup."""

    path: str | None = None  # the backup that holds it (written now, or an unchanged one)
    error: str | None = None  # it failed: the target is left unchanged
    unsaved: Mapping[str, str] = field(default_factory=dict)  # left out of it: why


@dataclass(frozen=True)
class Taken:
    """The backup taken before a pass."""

    report: PassBackup | None  # the pass report's ``backup``
    targets: tuple[Saved, ...] = ()  # one for each target asked, in order
    error: str | None = None  # the whole backup failed: no target is changed


class Backups(Protocol):
    def __call__(self, wanted: Sequence[ToSave]) -> Taken:
        """Back up ``wanted`` into one new backup (none wanted: only clear away what a
        killed backup left)."""


# Work that only adds to a target: a backup taken before it could give back nothing that it
# takes away, so it does not call for one.
ADDING_ONLY = frozenset({"mkdir_target", "clean_temp", "link", "copy"})


def needs_backup(plan: TargetPlan) -> bool:
    """Whether the CLI backs a target up before this plan: when it replaces or removes."""
    return any(op.action not in ADDING_ONLY for op in plan.ops)


def forces(plan: TargetPlan) -> bool:
    return any(op.action in ("force_replace", "force_replace_target", "relink_target")
               for op in plan.ops)


def replaced(plan: TargetPlan) -> bool | frozenset[str]:
    """What of a target a plan replaces that is not ours (True: the whole target): its
    backup reads their content instead of trusting what it looks like."""
    if any(op.action in ("force_replace_target", "relink_target") for op in plan.ops):
        return True
    return frozenset(op.name for op in plan.ops if op.action == "force_replace")


def _owns(spec: TargetSpec, owners: dict[tuple[str, ...], Owns]) -> Owns:
    """What ``spec.owns`` answers, one callable for all targets of the same source roots
    (the backup asks it once per link destination)."""
    if type(spec) is not TargetSpec:
        return spec.owns
    return owners.setdefault(spec.source_roots, spec.owns)


def _seen(run: TargetRun) -> Seen | None:
    obs = run.obs
    if obs is None or obs.kind != DIR or obs.ident is None:
        return None
    return Seen(obs.ident, obs.links, obs.dirs | obs.files | frozenset(obs.temps))


def back_up(runs: Sequence[TargetRun], backups: Backups | None, auto_backup: bool
            ) -> PassBackup | None:
    """Back up targets about to change (auto), or at least those with forced replacements.
    The backup is the safety net: a target whose backup failed is left unchanged (its
    outcome says why)."""
    chosen = [r for r in runs if r.plan.error is None and (
        (auto_backup and needs_backup(r.plan)) or forces(r.plan))]
    if backups is None:
        return None
    owners: dict[tuple[str, ...], Owns] = {}  # one per source: its answers are shared
    taken = backups([ToSave(r.group.name + r.group.spec.unit.backup_suffix, r.group.spec.path,
                            r.group.spec.mode, _owns(r.group.spec, owners), replaced(r.plan),
                            _seen(r))
                     for r in chosen])
    if taken.error is not None:
        for run in chosen:
            run.outcome = Outcome(errors=[f"backup failed, target left unchanged: {taken.error}"])
        return taken.report
    for saved, run in zip(taken.targets, chosen, strict=True):
        if saved.error is not None:
            run.outcome = Outcome(errors=[f"backup failed, target left unchanged: "
                                          f"{saved.error}"])
        run.backup = saved.path
        run.unsaved = saved.unsaved
    return taken.report
