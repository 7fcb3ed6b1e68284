"""observe -> plan -> apply, per target, with reports (SPEC §5)."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from skillshared.catalog.skills import Discovery, Skill
from skillshared.core import targets as builtin
from skillshared.core.config import Config, TargetConfig
from skillshared.core.limits import Limits
from skillshared.core.names import MANIFEST
from skillshared.core.patterns import NameFilter
from skillshared.engine.apply import Applier, Outcome, recover_temp
from skillshared.engine.observe import (
    TEMP_FREE,
    DigestCache,
    Manifest,
    entry_names,
    fill_digests,
    observe,
    observe_names,
    own_original,
    read_manifest,
)
from skillshared.engine.plan import (
    DIR,
    GUARD_MIN,
    MISSING,
    TargetPlan,
    TargetSpec,
    plan_target,
)
from skillshared.engine.reports import collisions, discovery_report, summarize, target_report
from skillshared.engine.runs import Group, TargetRun
from skillshared.store.backup_store import sweep_unfinished
from skillshared.store.backup_writer import BackupWriter


def source_roots(source: Path) -> tuple[str, ...]:
    logical = os.path.normpath(os.path.abspath(source))
    real = os.path.realpath(source)
    return (logical,) if real == logical else (logical, real)


def wanted_skills(target: TargetConfig, skills: Sequence[Skill]) -> list[Skill]:
    """The skills a target receives: include/exclude filters, then the skills' own targets."""
    if target.mode == "symlink":
        return list(skills)
    allow = NameFilter.build(target.include, target.exclude).allows if target.has_filters else None
    result = []
    for skill in skills:
        if allow is not None and not allow(skill.flat_name):
            continue
        only = skill.meta.targets
        if only is not None and not any(builtin.matches(target.name, t) for t in only):
            continue
        result.append(skill)
    return result


def _picked(members: Sequence[TargetConfig], skills: Sequence[Skill]) -> dict[str, Skill]:
    """The skills any of ``members`` receives, by flat name."""
    return {s.flat_name: s for target in members for s in wanted_skills(target, skills)}


@dataclass
class _SourceView:
    """What every group of one pass shares: the source's paths and skills."""

    discovery: Discovery
    roots: tuple[str, ...]
    real_source: str
    relative: bool
    _paths: dict[str, str] | None = None
    _by_name: Mapping[str, Skill] | None = None

    @classmethod
    def of(cls, config: Config, discovery: Discovery) -> _SourceView:
        roots = source_roots(config.source)
        return cls(discovery, roots, roots[-1], config.scope.is_project)

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


def _folders(config: Config, only: Collection[str] | None, reals: Mapping[str, str]
             ) -> dict[str, list[TargetConfig]]:
    """The chosen targets by the real path of their folder."""
    by_path: dict[str, list[TargetConfig]] = {}
    for target in config.targets:
        if only is None or target.name in only:
            by_path.setdefault(reals[target.name], []).append(target)
    return by_path


def _spec(members: Sequence[TargetConfig], view: _SourceView) -> TargetSpec:
    first = members[0]
    source_link = view.roots[0]
    if view.relative:
        parent = os.path.realpath(os.path.dirname(first.path))
        source_link = os.path.relpath(view.real_source, parent)
    return TargetSpec(first.name, str(first.path), first.mode, view.roots[0], view.roots,
                      source_link, view.source_ok)


def _mode_error(members: Sequence[TargetConfig]) -> str | None:
    if len({t.mode for t in members}) == 1:
        return None
    names = ", ".join(t.name for t in members)
    return (f"targets {names} share the folder {members[0].path} but have different modes; "
            "give them the same mode or remove one")


def _full_group(members: Sequence[TargetConfig], real_path: str, view: _SourceView) -> Group:
    spec = _spec(members, view)
    skill_paths = view.skill_paths
    error = _mode_error(members)
    if error:
        return Group(tuple(members), spec, skill_paths=skill_paths, error=error)
    picked = _picked(members, view.discovery.skills)
    skills = tuple(sorted(picked.values(), key=lambda s: s.flat_name))
    if view.relative:
        wanted = {s.flat_name: view.link_text(s, real_path) for s in skills}
    else:
        wanted = {s.flat_name: skill_paths[s.flat_name] for s in skills}
    return Group(tuple(members), spec, skills, wanted, skill_paths)


def _partial_group(members: Sequence[TargetConfig], real_path: str, view: _SourceView,
                   names: frozenset[str]) -> Group:
    """The group restricted to ``names``, without looking at the other skills (except to count
    them for the guard when enough names could be pruned for it to matter)."""
    by_name = view.by_name
    picked = _picked(members, [s for n in names if (s := by_name.get(n)) is not None])
    skills = tuple(sorted(picked.values(), key=lambda s: s.flat_name))
    extra = 0
    if len(names) - len(picked) > GUARD_MIN:
        extra = len(_picked(members, view.discovery.skills).keys() - names)
    return Group(tuple(members), _spec(members, view), skills,
                 {s.flat_name: view.link_text(s, real_path) for s in skills},
                 {s.flat_name: s.path for s in skills}, names=names, in_sync_extra=extra)


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


def _refused(members: Sequence[TargetConfig], view: _SourceView, refused: Mapping[str, str]
             ) -> Group | None:
    """A group that may not be synced (its error says why), or None."""
    why = next((f"{t.name}: {refused[t.name]}" for t in members if t.name in refused), None)
    if why is None:
        return None
    return Group(tuple(members), _spec(members, view),
                 error=f"not synced: target {why}; change its path in the config")


def build_groups(config: Config, discovery: Discovery,
                 only: Collection[str] | None = None) -> list[Group]:
    view = _SourceView.of(config, discovery)
    reals = real_paths(config)
    refused = refused_targets(config, discovery, reals, view.roots)
    return [_refused(members, view, refused) or _full_group(members, real_path, view)
            for real_path, members in _folders(config, only, reals).items()]


def plan_group(group: Group, config: Config, cache: DigestCache, force: bool,
               recover: bool = False) -> TargetRun:
    """Observe and plan one group. ``recover``: first finish or undo what an interrupted pass
    left behind, so that one pass converges."""
    if group.error:
        return TargetRun(group, TargetPlan(group.name, group.spec.mode, error=group.error))
    spec = group.spec
    try:
        obs = observe(spec)
        if recover and obs.temps:
            for entry in obs.temps:
                try:
                    recover_temp(obs.real_dir, entry, spec)
                except OSError:
                    continue  # kept; the plan reports it
            obs = observe(spec)
        manifest = read_manifest(obs.real_dir) if obs.kind == DIR else Manifest()
        manifest = own_original(manifest, obs.real_dir, cache.copy_rules, cache.limits)
        skill_path = _skill_path(group)
        obs, src, too_large = fill_digests(obs, manifest, group.wanted, spec.mode, skill_path,
                                           cache)
    except OSError as exc:
        error = f"cannot read target: {exc.strerror or exc} ({exc.filename or spec.path})"
        return TargetRun(group, TargetPlan(group.name, spec.mode, error=error))
    plan = plan_target(spec, group.wanted, obs, force=force, src_digests=src,
                       too_large=too_large)
    if manifest.original is not None and plan.records is None and spec.mode == "copy" and (
            plan.error is None):
        # the original tool's manifest becomes ours even when nothing else changes
        plan = replace(plan, records={n: r.digest for n, r in manifest.records.items()})
    return TargetRun(group, plan, obs, manifest)


def _skill_path(group: Group) -> Callable[[str], str]:
    return group.skill_paths.__getitem__


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


def plan_names(group: Group, real_path: str, cache: DigestCache,
               force: bool) -> TargetRun | None:
    """Observe and plan a partial group (whose folder's real path is ``real_path``): only its
    ``names`` are looked at. None when only a full pass will do (see ``observe_names``; also a
    copy manifest that is missing, damaged, the original tool's or records an unfinished
    update, or a manifest left in a merge-mode folder)."""
    spec, names = group.spec, group.names
    assert names is not None
    obs = observe_names(spec, names, real_path)
    if obs is None:
        return None
    manifest = read_manifest(obs.real_dir)
    if _needs_full_look(manifest, spec.mode):
        return None
    records = manifest.records
    seen = Manifest({n: records[n] for n in names if n in records}, None, manifest.present)
    try:
        obs, src, too_large = fill_digests(obs, seen, group.wanted, spec.mode,
                                           _skill_path(group), cache)
    except OSError:
        return None
    plan = plan_target(spec, group.wanted, obs, force=force, src_digests=src,
                       too_large=too_large, in_sync_extra=group.in_sync_extra)
    if plan.records is not None:
        kept = {n: r.digest for n, r in records.items() if n not in names}
        plan = replace(plan, records={**kept, **plan.records})
    return TargetRun(group, plan, obs, manifest)


def _needs_full_look(manifest: Manifest, mode: str) -> bool:
    if manifest.original is not None:  # the original tool's: made ours by a full pass
        return True
    if mode != "copy":
        return manifest.present
    return not manifest.present or manifest.problem is not None or any(
        r.prev is not None for r in manifest.records.values())


def _plan_chosen(config: Config, discovery: Discovery, cache: DigestCache, *, force: bool,
                 recover: bool, only: Collection[str] | None,
                 names: Collection[str] | None) -> list[TargetRun]:
    view = _SourceView.of(config, discovery)
    picked = None if names is None else entry_names(names)
    manifest_named = names is not None and MANIFEST in names
    reals = real_paths(config)
    refused = refused_targets(config, discovery, reals, view.roots)
    runs = []
    for real_path, members in _folders(config, only, reals).items():
        run = None
        mode = members[0].mode
        refusal = _refused(members, view, refused)
        if refusal is not None:
            run = plan_group(refusal, config, cache, force)
        elif picked is not None and _mode_error(members) is None and (
            mode == "merge" or (mode == "copy" and not manifest_named)
        ):
            group = _partial_group(members, real_path, view, picked)
            run = plan_names(group, real_path, cache, force)
        if run is None:
            run = plan_group(_full_group(members, real_path, view), config, cache, force,
                             recover=recover)
        runs.append(run)
    return runs


def sync(config: Config, discovery: Discovery, *, dry_run: bool = False, force: bool = False,
         only: Collection[str] | None = None, backups_dir: Path | None = None,
         auto_backup: bool = False, names: Collection[str] | None = None,
         max_changes: int | None = None) -> dict[str, Any]:
    """One pass over the chosen targets; returns the report (see README: `sync --json`).
    ``max_changes`` keeps only the first so many ``changes`` of each target in the report
    (the daemon's passes: a first one may make 100,000s); ``changed`` counts them all.

    ``names`` (flat names: skills that changed, skills that left the source, entries of a
    target) makes a partial pass: each merge or copy target is observed and planned only at
    those names, and the mass-delete guard counts the wanted skills outside them as in sync. A
    target that needs a full look (missing folder, a link or a file at its path, crash
    leftovers, a manifest to check in full, an error, symlink mode) gets a full pass instead.
    The report has the usual shape, with ``partial`` true; the counts, changes, conflicts,
    local entries and ``expected`` of a target planned partially cover only the names looked
    at, and so do ``collisions`` and ``frontmatter`` (the skills among ``names``, plus all those
    of a target that got a full pass)."""
    if isinstance(names, str):
        raise TypeError("names must be a collection of flat names, not one string")
    started = time.monotonic()
    cache = DigestCache(config.copy_ignore(), config.limits)
    runs = _plan_chosen(config, discovery, cache, force=force, recover=not dry_run, only=only,
                        names=names)
    backup_report = None
    if not dry_run:
        backup_report = _backup(runs, backups_dir, auto_backup, config.limits)
        _apply(runs, cache)
    for run in runs:
        _note_temp_free(run)
    looked_at = None if names is None else _skills_of(runs)
    report = {
        "scope": config.scope.name,
        "source": str(config.source),
        "skills": len(discovery.skills),
        "dry_run": dry_run,
        "force": force,
        "partial": names is not None,
        "targets": [target_report(run, dry_run, max_changes) for run in runs],
        "backup": backup_report,
        **discovery_report(discovery, looked_at),
        "collisions": collisions([(r.group.name, r.group.skills) for r in runs],
                                 discovery.skills if looked_at is None else looked_at),
    }
    report["summary"] = summarize(report["targets"])
    report["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return report


PARALLEL_MIN_CHANGES = 256  # below this many changes in all, targets are changed in turn


def _apply(runs: Sequence[TargetRun], cache: DigestCache) -> None:
    """Carry out each target's plan. Targets are separate folders, so when there is much to
    do in several of them, they are changed at the same time (a thread each, up to the CPU
    count): creating links and copies is system-call work, and on slow file systems it runs
    nearly twice as fast on two cores."""
    todo = [r for r in runs if r.outcome is None and r.obs is not None
            and r.plan.error is None and r.plan.changes]
    stop = threading.Event()

    def one(run: TargetRun) -> None:
        assert run.obs is not None
        applier = Applier(run.group.spec, run.obs, run.manifest, _skill_path(run.group),
                          cache, run.backup, run.unsaved, stop)
        run.outcome = applier.run(run.plan)

    workers = min(len(todo), os.cpu_count() or 1, 8)
    if workers < 2 or sum(len(r.plan.ops) for r in todo) < PARALLEL_MIN_CHANGES:
        for run in todo:
            one(run)
        return
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(workers, thread_name_prefix="apply")
    try:
        for done in [pool.submit(one, run) for run in todo]:
            done.result()
    except BaseException:  # Ctrl-C: each worker stops before its next change
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _skills_of(runs: Sequence[TargetRun]) -> list[Skill]:
    """The skills the runs looked at (each once)."""
    return list({s.flat_name: s for r in runs for s in r.group.skills}.values())


def _note_temp_free(run: TargetRun) -> None:
    """Remember a target folder as holding no temp entry after a pass that left none."""
    obs, outcome = run.obs, run.outcome
    if obs is None or obs.kind not in (DIR, MISSING) or obs.temps:
        return
    if outcome is not None and (outcome.errors or outcome.conflicts):
        TEMP_FREE.forget(obs.real_dir)
    elif run.group.spec.mode != "symlink":
        TEMP_FREE.remember(obs.real_dir)


def _backup(runs: list[TargetRun], backups_dir: Path | None, auto_backup: bool,
            limits: Limits) -> dict[str, Any] | None:
    """Back up targets about to change (auto), or at least those with forced replacements."""
    chosen = [r for r in runs if r.plan.error is None and (
        (auto_backup and needs_backup(r.plan)) or forces(r.plan))]
    if backups_dir is None:
        return None
    if not chosen:
        with contextlib.suppress(OSError):  # what a killed backup left (it is not in use)
            sweep_unfinished(backups_dir)
        return None
    writer = BackupWriter(backups_dir, limits=limits)
    for run in chosen:
        writer.add(run.group.name, run.group.spec.path, run.group.spec.mode, run.group.spec.owns,
                   exact=replaced(run.plan))
    try:
        writer.publish()
    except OSError as exc:
        writer.discard()
        for run in chosen:
            run.outcome = Outcome(errors=[f"backup failed, target left unchanged: {exc}"])
        return {"path": None, "error": str(exc), "targets": []}
    for result, run in zip(writer.results, chosen, strict=True):
        if result.status == "failed":
            # the backup is the safety net: no net, no change
            run.outcome = Outcome(errors=[f"backup failed, target left unchanged: "
                                          f"{result.error}"])
        run.backup = result.path if result.status in ("created", "unchanged") else None
        run.unsaved = {e["path"]: e["why"] for e in result.not_saved or ()}
    return {"path": str(writer.final) if writer.final else None,
            "targets": [r.to_dict() for r in writer.results]}
