"""The pure planner: (target, wanted skills, observed target state) -> operations.

Nothing here touches the disk. ``os.path`` is used only for string arithmetic on paths.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from skillshared.engine.ops import (
    Adopt,
    CleanTemp,
    Copy,
    ForceReplace,
    ForceReplaceTarget,
    Link,
    LinkTarget,
    MkdirTarget,
    PlannedOp,
    Relink,
    RelinkTarget,
    RemoveCopy,
    ReplaceDirWithLink,
    Unlink,
    UnlinkTarget,
    UpdateCopy,
)
from skillshared.engine.units import SKILL_UNIT, Unit

GUARD_MIN = 5  # the mass-delete guard trips above this many prunes ...
GUARD_FRACTION = 0.5  # ... when they are more than this share of the target's own entries

# Actions that put a wanted skill in place.
INSTALLING = frozenset({"link", "relink", "adopt", "copy", "update_copy", "force_replace"})

# Target path kinds.
MISSING, DIR, LINK, FILE = "missing", "dir", "link", "file"


class Conflict(NamedTuple):
    name: str
    reason: str


@dataclass(frozen=True)
class TargetSpec:
    name: str
    path: str
    mode: str
    source: str
    source_roots: tuple[str, ...]
    source_link: str
    source_ok: bool = True
    unit: Unit = SKILL_UNIT

    def owns(self, dest: str) -> bool:
        return any(dest == root or dest.startswith(root + os.sep) for root in self.source_roots)


@dataclass(frozen=True)
class Observed:
    """What is at the target path; ``real_dir`` is where relative link text is resolved."""

    kind: str
    real_dir: str
    link: str | None = None
    link_dest: str | None = None
    links: Mapping[str, str] = field(default_factory=dict)
    dirs: frozenset[str] = frozenset()
    files: frozenset[str] = frozenset()
    temps: tuple[str, ...] = ()
    digests: Mapping[str, str] = field(default_factory=dict)
    manifest: Mapping[str, tuple[str, ...]] | None = None
    ident: tuple[int, int] | None = None  # the folder's (device, inode) when it was looked at

    def dest(self, text: str) -> str:
        return os.path.normpath(os.path.join(self.real_dir, text))

    def units(self, files: bool) -> frozenset[str]:
        """The entries that can be a unit: regular files for file units, else folders."""
        return self.files if files else self.dirs


@dataclass(frozen=True)
class TargetPlan:
    target: str
    mode: str
    ops: tuple[PlannedOp, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    local: tuple[str, ...] = ()
    counts: Mapping[str, int] = field(default_factory=dict)
    guard: str | None = None
    error: str | None = None
    records: Mapping[str, str] | None = None
    held: tuple[str, ...] = ()  # our entries the mass-delete guard keeps from being pruned

    @property
    def changes(self) -> bool:
        return bool(self.ops) or self.records is not None


def plan_target(spec: TargetSpec, wanted: Mapping[str, str], obs: Observed, *,
                force: bool = False, src_digests: Mapping[str, str] | None = None,
                too_large: Mapping[str, str] | None = None,
                in_sync_extra: int = 0) -> TargetPlan:
    """Plan one target. ``wanted`` maps each flat name to the link text it should have;
    ``too_large``: skills over the limits (why), which a copy target does not get.

    A partial plan passes ``wanted``, ``obs`` and the manifest restricted to some names;
    ``in_sync_extra`` is then the number of wanted skills left out of the plan, counted as in
    sync by the mass-delete guard (so that it weighs prunes against the whole target)."""
    if spec.mode == "symlink":
        return _plan_symlink(spec, obs, force)
    return _Planner(spec, wanted, obs, force, src_digests or {}, too_large or {},
                    in_sync_extra).plan()


def _describe(obs: Observed, name: str, files: bool = False) -> str:
    if name in obs.links:
        return f"a symlink to {obs.links[name]} that is not ours"
    if name in obs.dirs:
        return "a folder that is not ours" + ("" if files else " (different content)")
    return "a file that is not ours" + (" (different content)" if files else "")


def no_source(unit: Unit) -> str:
    """The mass-delete guard's reason when the source is missing or holds no ``unit``."""
    return (f"the source is missing or empty; nothing was pruned (put the {unit.plural} back, "
            f"or run `{unit.command} --force` to prune anyway)")


NO_SOURCE = no_source(SKILL_UNIT)
NOT_A_FOLDER = ("target path {} is a file, not a folder; move the file away or change the "
                "target's path")


def too_large_to_copy(why: str, unit: Unit = SKILL_UNIT) -> str:
    """The conflict of a unit that a copy target does not get: ``why`` (a
    :class:`trees.TooLarge`'s text) it is over the limits."""
    return f"too large to copy: the {unit.noun} {why}"


def _guard(spec: TargetSpec, prunes: int, owned: int, force: bool) -> str | None:
    if prunes == 0 or force:
        return None
    if not spec.source_ok:
        return no_source(spec.unit)
    if prunes > GUARD_MIN and prunes > owned * GUARD_FRACTION:
        return (f"{prunes} of {owned} entries would be pruned; nothing was pruned "
                f"(run `{spec.unit.command} --force` if that is intended)")
    return None


class _Planner:
    def __init__(self, spec: TargetSpec, wanted: Mapping[str, str], obs: Observed, force: bool,
                 src_digests: Mapping[str, str], too_large: Mapping[str, str],
                 in_sync_extra: int = 0) -> None:
        self.spec, self.wanted, self.obs, self.force = spec, wanted, obs, force
        self.src = src_digests
        self.too_large = too_large
        self.in_sync_extra = in_sync_extra
        self.ops: list[PlannedOp] = []
        self.prunes: list[Unlink | RemoveCopy] = []
        self.conflicts: list[Conflict] = []
        self.counts = {"linked": 0, "local": 0, "updated": 0, "pruned": 0,
                       "new": 0, "up_to_date": 0}
        self.records: dict[str, str] | None = None
        self.units: frozenset[str] = frozenset()  # entries that can be our copies

    def plan(self) -> TargetPlan:
        spec, obs = self.spec, self.obs
        if obs.kind == LINK:
            if obs.link is None or obs.link_dest is None or not spec.owns(obs.link_dest):
                return TargetPlan(spec.name, spec.mode,
                                  error=f"target path {spec.path} is a symlink to {obs.link} "
                                        "that does not lead to a folder (broken, a loop, or a "
                                        "file); fix the link or change the target's path")
            self.ops.append(UnlinkTarget(obs.link))
            obs = self.obs = Observed(kind=MISSING, real_dir=obs.real_dir)
        elif obs.kind == FILE:
            return TargetPlan(spec.name, spec.mode, error=NOT_A_FOLDER.format(spec.path))
        self.units = obs.units(spec.unit.files)
        if obs.kind == MISSING and spec.unit.files and not self.wanted:
            # a tool's agents (or rules) folder is made only to put something in it
            return TargetPlan(spec.name, spec.mode, tuple(self.ops), counts=self.counts)
        if obs.kind == MISSING:
            self.ops.append(MkdirTarget())
        self.ops.extend(CleanTemp(t) for t in obs.temps)
        owned = self._owned_links()
        if spec.mode == "copy":
            self._plan_copy(owned)
        else:
            self._plan_merge(owned)
        # Counted against our entries *after* the pass (the wanted ones it keeps in sync plus
        # the prunes): a count taken before would grow with the links this pass creates, and
        # the next pass (the daemon's) would prune without --force what this one held back.
        conflicted = {c.name for c in self.conflicts}
        in_sync = sum(1 for name in self.wanted if name not in conflicted) + self.in_sync_extra
        guard = _guard(spec, len(self.prunes), len(self.prunes) + in_sync, self.force)
        if guard is None:
            self.ops.extend(self.prunes)
            self.counts["pruned"] = len(self.prunes)
        elif self.records is not None:
            kept = obs.manifest or {}  # held copies keep their records (links have none)
            self.records.update({op.name: kept[op.name][0] for op in self.prunes
                                 if op.name in kept})
        local = sorted((set(obs.links) - set(owned)) | obs.dirs | obs.files)
        local = [n for n in local
                 if n not in self.wanted and n not in conflicted and not self._our_copy(n)]
        self.counts["local"] = len(local) + len(self.conflicts)
        held = tuple(op.name for op in self.prunes) if guard else ()
        return TargetPlan(spec.name, spec.mode, tuple(self.ops), tuple(self.conflicts),
                          tuple(local), self.counts, guard, None, self.records, held)

    def _owned_links(self) -> dict[str, str]:
        """Our links. A link whose text is exactly what we would write is ours without
        resolving it (the common case: this keeps a no-change pass cheap)."""
        owns, dest, wanted = self.spec.owns, self.obs.dest, self.wanted
        return {n: t for n, t in self.obs.links.items()
                if wanted.get(n) == t or owns(dest(t))}

    def _our_copy(self, name: str) -> bool:
        """A real folder recorded in the manifest whose content still matches its record."""
        manifest = self.obs.manifest or {}
        return name in self.units and self.obs.digests.get(name) in manifest.get(name, ())

    def _conflict_or_force(self, name: str, reason: str, replace_with: str) -> None:
        if self.force:
            self.ops.append(ForceReplace(name, replace_with))
            self.counts["updated"] += 1
            self.counts["linked"] += 1
        else:
            self.conflicts.append(Conflict(name, reason))

    # -- merge -------------------------------------------------------------------------------
    def _ours_or_identical(self, name: str) -> bool:
        """A real folder we may replace: our unedited copy, or identical to the source."""
        have = self.obs.digests.get(name)
        manifest = self.obs.manifest or {}
        return have is not None and (have == self.src.get(name) or have in manifest.get(name, ()))

    def _plan_merge(self, owned: dict[str, str]) -> None:
        obs, counts = self.obs, self.counts
        links = obs.links
        for name, text in self.wanted.items():
            current = links.get(name)
            if current == text:
                counts["linked"] += 1
                continue
            if current is None and name not in obs.dirs and name not in obs.files:
                op: PlannedOp = Link(name, text)
            elif name in owned:
                op = Relink(name, text, owned[name])
                counts["updated"] += 1
            elif name in self.units and self._ours_or_identical(name):
                op = Adopt(name, text, obs.digests[name])
                counts["updated"] += 1
            else:
                reason = _describe(obs, name, self.spec.unit.files)
                if name in self.units and name in (obs.manifest or {}):
                    reason = "a copy (from copy mode) that was edited in the target"
                self._conflict_or_force(name, reason, text)
                continue
            self.ops.append(op)
            counts["linked"] += 1
        self.prunes = self._prune_links(owned) + self._prune_copies(set())
        if obs.manifest is not None:
            self.records = {}

    def _prune_links(self, owned: dict[str, str]) -> list[Unlink | RemoveCopy]:
        return [Unlink(n, t) for n, t in sorted(owned.items()) if n not in self.wanted]

    def _prune_copies(self, records: set[str]) -> list[Unlink | RemoveCopy]:
        """Remove our unedited copies of units no longer wanted; edited ones are conflicts."""
        manifest = self.obs.manifest or {}
        prunes: list[Unlink | RemoveCopy] = []
        for name in sorted(set(manifest) - set(self.wanted)):
            have = self.obs.digests.get(name)
            if name not in self.units:
                continue
            if have is not None and have in manifest[name]:
                prunes.append(RemoveCopy(name, have))
            elif self.spec.mode == "copy":
                self.conflicts.append(
                    Conflict(name, f"an edited copy of {self.spec.unit.a_noun} that left the "
                                   "source; kept"))
                records.add(name)
        return prunes

    # -- copy --------------------------------------------------------------------------------
    def _plan_copy(self, owned: dict[str, str]) -> None:
        obs, counts = self.obs, self.counts
        manifest = obs.manifest or {}
        records: dict[str, str] = {}
        for name in self.wanted:
            src = self.src.get(name, "")
            ours = manifest.get(name, ())
            have = obs.digests.get(name)
            present = name in obs.dirs or name in obs.links or name in obs.files
            if name in self.too_large:  # even with --force: the limits hold
                note = "; what is there is kept as it is" if present else ""
                reason = too_large_to_copy(self.too_large[name], self.spec.unit) + note
                self.conflicts.append(Conflict(name, reason))
                if ours:
                    records[name] = ours[0]
                continue
            if name in owned:
                op: PlannedOp = Copy(name, src, owned[name])
                counts["new"] += 1
            elif not present:
                op = Copy(name, src)
                counts["new"] += 1
            elif name in self.units and have is not None and (have in ours or have == src):
                records[name] = src
                if have == src:
                    counts["up_to_date"] += 1
                    continue
                op = UpdateCopy(name, src, have)
                counts["updated"] += 1
            else:
                edited = bool(ours) and name in self.units
                reason = ("a copy that was edited in the target" if edited
                          else _describe(obs, name, self.spec.unit.files))
                if not self.force:
                    self.conflicts.append(Conflict(name, reason))
                    if ours:
                        records[name] = ours[0]
                    continue
                op = ForceReplace(name, src)
                counts["updated"] += 1
            self.ops.append(op)
            records[name] = src
        kept: set[str] = set()
        self.prunes = self._prune_links(owned) + self._prune_copies(kept)
        records.update({n: manifest[n][0] for n in kept})
        current = {n: v[0] for n, v in manifest.items()} if obs.manifest is not None else None
        interrupted = any(len(v) > 1 for v in manifest.values())  # an update's (new, prev)
        self.records = None if records == current and not interrupted else records


def _plan_symlink(spec: TargetSpec, obs: Observed, force: bool) -> TargetPlan:
    counts = {"linked": 0, "local": 0, "updated": 0, "pruned": 0, "new": 0, "up_to_date": 0}

    def done(*ops: PlannedOp, conflicts: tuple[Conflict, ...] = (), error: str | None = None,
             local: tuple[str, ...] = (), guard: str | None = None,
             held: tuple[str, ...] = ()) -> TargetPlan:
        return TargetPlan(spec.name, "symlink", ops, conflicts, local, counts, guard, error,
                          held=held)

    target = spec.source_link
    if obs.kind == MISSING:
        return done(LinkTarget(target))
    if obs.kind == FILE:
        return done(error=NOT_A_FOLDER.format(spec.path))
    if obs.kind == LINK:
        assert obs.link is not None
        if obs.link == target:
            return done()
        if (obs.link_dest is not None and spec.owns(obs.link_dest)) or force:
            return done(RelinkTarget(target, obs.link))
        return done(conflicts=(Conflict("", f"target path is a symlink to {obs.link} "
                                            "that is not ours"),))
    # A real folder: it can become our link once only our own entries are in it.
    owned = {n: t for n, t in obs.links.items() if spec.owns(obs.dest(t))}
    manifest = obs.manifest or {}
    units = obs.units(spec.unit.files)
    copies = {n for n in units if n in manifest and obs.digests.get(n) in manifest[n]}
    foreign = sorted((set(obs.links) - set(owned)) | ((obs.dirs | obs.files) - copies))
    ops: list[PlannedOp] = [CleanTemp(t) for t in obs.temps]
    ops += [Unlink(n, t) for n, t in sorted(owned.items())]
    ops += [RemoveCopy(n, obs.digests[n]) for n in sorted(copies)]
    if foreign and not force:
        counts["local"] = len(foreign)
        return done(conflicts=(Conflict("", f"target folder holds {len(foreign)} entries that "
                                            "are not ours (move them, or use --force to back "
                                            "the folder up and replace it)"),),
                    local=tuple(foreign))
    if foreign:
        return done(ForceReplaceTarget(target))
    if (owned or copies) and not spec.source_ok and not force:
        # the mass-delete guard: keep our copies (and links)
        return done(guard=no_source(spec.unit), held=tuple(sorted({*owned, *copies})))
    counts["pruned"] = len(owned) + len(copies)
    return done(*ops, ReplaceDirWithLink(target))
