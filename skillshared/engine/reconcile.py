"""A reconcile pass: observe -> plan -> (backup) -> apply, per group of targets (see
:mod:`groups`), with its report. A full pass looks at every entry of each target; a partial
pass (``names``) at just those entries."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from skillshared.catalog.skills import Discovery, Skill
from skillshared.core import progress
from skillshared.core.config import Config
from skillshared.core.names import MANIFEST
from skillshared.core.results import SyncReport
from skillshared.engine import groups
from skillshared.engine.apply import Applier, recover_temp
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
from skillshared.engine.plan import DIR, MISSING, Conflict, TargetPlan, plan_target
from skillshared.engine.prebackup import Backups, back_up
from skillshared.engine.reports import collisions, discovery_report, summarize, target_report
from skillshared.engine.runs import Group, TargetRun
from skillshared.engine.units import AGENT_UNIT, SKILL_UNIT, Unit


def plan_group(group: Group, config: Config, cache: DigestCache, force: bool,
               recover: bool = False) -> TargetRun:
    """Observe and plan one group. ``recover``: first finish or undo what an interrupted pass
    left behind, so that one pass converges."""
    if group.error:
        return TargetRun(group, TargetPlan(group.name, group.spec.mode, error=group.error))
    spec = group.spec
    progress.report("checking", spec.name)
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
        obs, src, too_large = fill_digests(obs, manifest, group.wanted, spec, skill_path,
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
    return TargetRun(group, _with_skipped(plan, group), obs, manifest)


def _with_skipped(plan: TargetPlan, group: Group) -> TargetPlan:
    """The plan with the skills the target's naming leaves out as conflicts (not synced)."""
    if not group.skipped or plan.error is not None:
        return plan
    return replace(plan, conflicts=(*plan.conflicts, *(Conflict(n, why)
                                                       for n, why in group.skipped)))


def _skill_path(group: Group) -> Callable[[str], str]:
    return group.skill_paths.__getitem__

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
        obs, src, too_large = fill_digests(obs, seen, group.wanted, spec,
                                           _skill_path(group), cache)
    except OSError:
        return None
    plan = plan_target(spec, group.wanted, obs, force=force, src_digests=src,
                       too_large=too_large, in_sync_extra=group.in_sync_extra)
    if plan.records is not None:
        kept = {n: r.digest for n, r in records.items() if n not in names}
        plan = replace(plan, records={**kept, **plan.records})
    return TargetRun(group, _with_skipped(plan, group), obs, manifest)


def _needs_full_look(manifest: Manifest, mode: str) -> bool:
    if manifest.original is not None:  # the original tool's: made ours by a full pass
        return True
    if mode != "copy":
        return manifest.present
    return not manifest.present or manifest.problem is not None or any(
        r.prev is not None for r in manifest.records.values())


def _plan_chosen(config: Config, discovery: Discovery, cache: DigestCache, *, force: bool,
                 recover: bool, only: Collection[str] | None,
                 names: Collection[str] | None, unit: Unit,
                 per_target: Mapping[str, tuple[Skill, ...]] | None) -> list[TargetRun]:
    view = groups.SourceView.of(config, discovery, unit, per_target)
    picked = None if names is None else entry_names(names)
    manifest_named = names is not None and MANIFEST in names
    reals = groups.real_paths(config)
    refused = groups.refused_targets(config, discovery, reals, view.roots)
    runs = []
    for real_path, members in groups.folders(config, only, reals).items():
        run = None
        mode = members[0].mode
        refusal = groups.refused_group(members, view, refused)
        if refusal is not None:
            run = plan_group(refusal, config, cache, force)
        elif picked is not None and groups.mode_error(members) is None and (
            mode == "merge" or (mode == "copy" and not manifest_named)
        ):
            group = groups.partial_group(members, real_path, view, picked)
            run = plan_names(group, real_path, cache, force)
        if run is None:
            run = plan_group(groups.full_group(members, real_path, view), config, cache, force,
                             recover=recover)
        runs.append(run)
    return runs


def sync(config: Config, discovery: Discovery, *, dry_run: bool = False, force: bool = False,
         only: Collection[str] | None = None, backups: Backups | None = None,
         auto_backup: bool = False, names: Collection[str] | None = None,
         max_changes: int | None = None, unit: Unit = SKILL_UNIT,
         per_target: Mapping[str, tuple[Skill, ...]] | None = None) -> SyncReport:
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
    of a target that got a full pass).

    ``backups`` takes the backup before targets change (None: no backup is taken): of every
    target about to lose or replace something with ``auto_backup``, else of those with forced
    replacements only.

    ``unit``: what the source's units are (skills; agents or an extra's files, handed in as
    a :class:`Discovery` of :class:`Skill` values by :mod:`skillshared.engine.resources`);
    ``per_target``: the units each target receives, by target name (None: all of them)."""
    if isinstance(names, str):
        raise TypeError("names must be a collection of flat names, not one string")
    started = time.monotonic()
    cache = DigestCache(config.copy_ignore(), config.limits)
    runs = _plan_chosen(config, discovery, cache, force=force, recover=not dry_run, only=only,
                        names=names, unit=unit, per_target=per_target)
    backup_report = None
    if not dry_run:
        backup_report = back_up(runs, backups, auto_backup)
        _apply(runs, cache)
    for run in runs:
        _note_temp_free(run)
    looked_at = None if names is None else _skills_of(runs)
    targets = [target_report(run, dry_run, max_changes) for run in runs]
    notes = discovery_report(discovery, looked_at)
    report: SyncReport = {
        "kind": unit.kind,
        "scope": config.scope.name,
        "source": str(config.source),
        "dry_run": dry_run,
        "force": force,
        "partial": names is not None,
        "targets": targets,
        "backup": backup_report,
        "invalid": notes["invalid"], "frontmatter": notes["frontmatter"],
        "ignored": notes["ignored"],
        "collisions": collisions([(r.group.name, r.group.skills) for r in runs],
                                 discovery.skills if looked_at is None else looked_at),
        "summary": summarize(targets),
        "duration_ms": round((time.monotonic() - started) * 1000, 1),
    }
    count = len(discovery.skills)
    if unit is SKILL_UNIT:
        report["skills"] = count
    elif unit is AGENT_UNIT:
        report["agents"] = count
    else:
        report["files"] = count
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
    sink = progress.current()  # the threads below report where this one does

    def one(run: TargetRun) -> None:
        assert run.obs is not None
        applier = Applier(run.group.spec, run.obs, run.manifest, _skill_path(run.group),
                          cache, run.backup, run.unsaved, stop)
        with progress.reporting(sink):
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

