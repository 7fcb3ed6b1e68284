"""Which targets a pass plans together, and what each group wants: the targets by the real
path of their folder (targets that share one are planned as one), the skills each receives
(filters, the skills' own targets), the link text they get, and the targets no pass may
write into."""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from skillshared.catalog.skills import Discovery, Skill, flat_name
from skillshared.core import targets as builtin
from skillshared.core.config import Config, TargetConfig
from skillshared.core.patterns import NameFilter
from skillshared.engine import naming
from skillshared.engine.observe import read_manifest
from skillshared.engine.plan import GUARD_MIN, TargetSpec
from skillshared.engine.runs import Group
from skillshared.engine.units import SKILL_UNIT, Unit


def source_roots(source: Path) -> tuple[str, ...]:
    logical = os.path.normpath(os.path.abspath(source))
    real = os.path.realpath(source)
    return (logical,) if real == logical else (logical, real)


def wanted_skills(target: TargetConfig, skills: Sequence[Skill], unit: Unit = SKILL_UNIT
                  ) -> list[Skill]:
    """The skills a target receives: include/exclude filters, then the skills' own targets.
    File units are matched by their name without ``.md`` (``tutor``, ``team__tutor``), as
    are patterns written with it."""
    if target.mode == "symlink":
        return list(skills)
    allow = None
    if target.has_filters:
        include, exclude = target.include, target.exclude
        if unit.files:
            include = tuple(p.removesuffix(".md") for p in include)
            exclude = tuple(p.removesuffix(".md") for p in exclude)
        allow = NameFilter.build(include, exclude).allows
    result = []
    for skill in skills:
        key = skill.flat_name.removesuffix(".md") if unit.files else skill.flat_name
        if allow is not None and not allow(key):
            continue
        only = skill.meta.targets
        if only is not None and not any(builtin.matches(target.name, t) for t in only):
            continue
        result.append(skill)
    return result


def _picked(members: Sequence[TargetConfig], skills: Sequence[Skill], unit: Unit
            ) -> dict[str, Skill]:
    """The skills any of ``members`` receives, by flat name."""
    return {s.flat_name: s for target in members for s in wanted_skills(target, skills, unit)}


def group_naming(members: Sequence[TargetConfig], unit: Unit) -> str:
    """How the group's folder names its entries (skills only; agents and files are flat)."""
    if unit is not SKILL_UNIT:
        return naming.FLAT
    return naming.naming_of(members[0].mode, [t.naming for t in members])


def _named(members: Sequence[TargetConfig], skills: Sequence[Skill], unit: Unit
           ) -> naming.Named:
    """The skills any of ``members`` receives, by entry name, and those left out."""
    return naming.name_skills(_picked(members, skills, unit).values(),
                              group_naming(members, unit))


@dataclass
class SourceView:
    """What every group of one pass shares: the source's paths and units (skills, or the
    agents or an extra's files, each as a :class:`Skill`), and what a unit is."""

    discovery: Discovery
    roots: tuple[str, ...]
    real_source: str
    relative: bool
    unit: Unit = SKILL_UNIT
    # the units each target folder receives, by target name (an extra's subfolders); None:
    # every target receives from all of them
    per_target: Mapping[str, tuple[Skill, ...]] | None = None
    _paths: dict[str, str] | None = None
    _by_name: Mapping[str, Skill] | None = None

    @classmethod
    def of(cls, config: Config, discovery: Discovery, unit: Unit = SKILL_UNIT,
           per_target: Mapping[str, tuple[Skill, ...]] | None = None) -> SourceView:
        roots = source_roots(config.source)
        return cls(discovery, roots, roots[-1], config.scope.is_project, unit, per_target)

    def units_for(self, members: Sequence[TargetConfig]) -> Sequence[Skill]:
        if self.per_target is None:
            return self.discovery.skills
        return [u for t in members for u in self.per_target.get(t.name, ())]

    @property
    def source_ok(self) -> bool:
        return self.discovery.exists and bool(self.discovery.skills)

    @property
    def skill_paths(self) -> dict[str, str]:
        """Every skill's folder by flat name (built on first use)."""
        if self._paths is None:
            self._paths = {s.flat_name: s.path for s in self.discovery.skills}
        return self._paths

    @property
    def by_name(self) -> Mapping[str, Skill]:
        if self._by_name is None:
            known = self.discovery.by_name
            if len(known) != len(self.discovery.skills):
                known = {s.flat_name: s for s in self.discovery.skills}
            self._by_name = known
        return self._by_name

    def link_text(self, skill: Skill, real_path: str) -> str:
        """What a merge-mode link to ``skill`` in the folder ``real_path`` holds."""
        if self.relative:
            return os.path.relpath(os.path.join(self.real_source, skill.rel_path), real_path)
        return skill.path


def real_paths(config: Config) -> dict[str, str]:
    """Every target's real path (through every link), by name: looked at once per pass."""
    return {t.name: os.path.realpath(t.path) for t in config.targets}


def folders(config: Config, only: Collection[str] | None, reals: Mapping[str, str]
             ) -> dict[str, list[TargetConfig]]:
    """The chosen targets by the real path of their folder."""
    by_path: dict[str, list[TargetConfig]] = {}
    for target in config.targets:
        if only is None or target.name in only:
            by_path.setdefault(reals[target.name], []).append(target)
    return by_path


def _spec(members: Sequence[TargetConfig], view: SourceView) -> TargetSpec:
    first = members[0]
    source_link = view.roots[0]
    if view.relative:
        parent = os.path.realpath(os.path.dirname(first.path))
        source_link = os.path.relpath(view.real_source, parent)
    return TargetSpec(first.name, str(first.path), first.mode, view.roots[0], view.roots,
                      source_link, view.source_ok, view.unit)


def mode_error(members: Sequence[TargetConfig]) -> str | None:
    """Why targets sharing one folder cannot be synced together: different modes, or (but in
    symlink mode) different target naming."""
    names = ", ".join(t.name for t in members)
    if len({t.mode for t in members}) != 1:
        return (f"targets {names} share the folder {members[0].path} but have different "
                "modes; give them the same mode or remove one")
    if members[0].mode != "symlink" and len({t.naming for t in members}) != 1:
        return (f"targets {names} share the folder {members[0].path} but have different "
                "target_naming; give them the same one or remove one")
    return None


def full_group(members: Sequence[TargetConfig], real_path: str, view: SourceView) -> Group:
    spec = _spec(members, view)
    error = mode_error(members)
    if error:
        return Group(tuple(members), spec, skill_paths=view.skill_paths, error=error)
    named = _named(members, view.units_for(members), view.unit)
    entries = sorted(named.entries.items(), key=lambda item: item[1].flat_name)
    skills = tuple(s for _, s in entries)
    skill_paths: Mapping[str, str]
    if view.per_target is None and not named.skipped and group_naming(
            members, view.unit) == naming.FLAT:
        skill_paths = view.skill_paths
    else:
        skill_paths = {entry: s.path for entry, s in entries}
    if view.relative:
        wanted = {entry: view.link_text(s, real_path) for entry, s in entries}
    else:
        wanted = {entry: s.path for entry, s in entries}
    return Group(tuple(members), spec, skills, wanted, skill_paths, skipped=named.skipped)


def partial_group(members: Sequence[TargetConfig], real_path: str, view: SourceView,
                   names: frozenset[str]) -> Group:
    """The group restricted to ``names``, without looking at the other skills (except to count
    them for the guard when enough names could be pruned for it to matter). With standard
    naming every skill the group receives is named (a changed skill may collide with one
    that did not change), and ``names`` grows by the entries the changed skills get."""
    by_name = view.by_name
    if group_naming(members, view.unit) == naming.STANDARD:
        names = naming.entry_candidates(names, by_name)
        named = _named(members, view.discovery.skills, view.unit)
        entries = {e: s for e, s in named.entries.items() if e in names}
        skipped = tuple(item for item in named.skipped
                        if item[0] in names or flat_name(item[0]) in names)
        extra = len(named.entries) - len(entries)
    else:
        picked = _picked(members, [s for n in names if (s := by_name.get(n)) is not None],
                         view.unit)
        entries, skipped, extra = picked, (), 0
        if len(names) - len(picked) > GUARD_MIN:
            extra = len(_picked(members, view.discovery.skills, view.unit).keys() - names)
    ordered = sorted(entries.items(), key=lambda item: item[1].flat_name)
    return Group(tuple(members), _spec(members, view), tuple(s for _, s in ordered),
                 {e: view.link_text(s, real_path) for e, s in ordered},
                 {e: s.path for e, s in ordered}, names=names, in_sync_extra=extra,
                 skipped=skipped)


def refused_targets(config: Config, discovery: Discovery,
                    reals: Mapping[str, str] | None = None,
                    roots: tuple[str, ...] | None = None) -> dict[str, str]:
    """The targets no pass may write into, with the reason (see ``targets.refusals``):
    every target path is resolved again on each pass (``reals``: the pass's real paths, and
    ``roots`` the source's, if known), so a link changed since the config was loaded is
    seen."""
    if reals is None:
        reals = real_paths(config)
    if roots is None:
        roots = source_roots(config.source)

    def owns(dest: str) -> bool:
        return any(dest == r or dest.startswith(r + os.sep) for r in roots)

    names = discovery.by_name if len(discovery.by_name) == len(discovery.skills) else {
        s.flat_name for s in discovery.skills}

    def managed(folder: str, entry: str) -> bool:
        path = os.path.join(folder, entry)
        if entry in names:
            return True
        if os.path.islink(path):
            return owns(os.path.normpath(os.path.join(folder, os.readlink(path))))
        return entry in read_manifest(folder).records

    return builtin.refusals([(t.name, str(t.path), t.mode, reals[t.name])
                             for t in config.targets], roots, _real_home(str(config.scope.home)),
                            owns, managed)


@functools.lru_cache(maxsize=4)
def _real_home(home: str) -> str:
    """The home folder's real path (targets' real paths are compared with it)."""
    return os.path.realpath(home)


def refused_group(members: Sequence[TargetConfig], view: SourceView, refused: Mapping[str, str]
             ) -> Group | None:
    """A group that may not be synced (its error says why), or None."""
    why = next((f"{t.name}: {refused[t.name]}" for t in members if t.name in refused), None)
    if why is None:
        return None
    return Group(tuple(members), _spec(members, view),
                 error=f"not synced: target {why}; change its path in the config")


def build_groups(config: Config, discovery: Discovery,
                 only: Collection[str] | None = None, unit: Unit = SKILL_UNIT,
                 per_target: Mapping[str, tuple[Skill, ...]] | None = None) -> list[Group]:
    view = SourceView.of(config, discovery, unit, per_target)
    reals = real_paths(config)
    refused = refused_targets(config, discovery, reals, view.roots)
    return [refused_group(members, view, refused) or full_group(members, real_path, view)
            for real_path, members in folders(config, only, reals).items()]

