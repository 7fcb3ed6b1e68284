"""observe -> plan -> apply, per target, with reports (SPEC §5)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshared import targets as builtin
from skillshared.apply import Applier, Outcome, recover_temp
from skillshared.backup import BackupWriter
from skillshared.config import Config, TargetConfig
from skillshared.observe import DigestCache, Manifest, fill_digests, observe, read_manifest
from skillshared.patterns import NameFilter
from skillshared.plan import (
    DIR,
    INSTALLING,
    LINK,
    MANIFEST,
    Conflict,
    Observed,
    Op,
    TargetPlan,
    TargetSpec,
    plan_target,
)
from skillshared.skills import Discovery, Skill

COUNT_KEYS = ("linked", "local", "updated", "pruned", "new", "up_to_date")


def source_roots(source: Path) -> tuple[str, ...]:
    logical = os.path.normpath(os.path.abspath(source))
    real = os.path.realpath(source)
    return (logical,) if real == logical else (logical, real)


@dataclass(frozen=True)
class Group:
    """Targets that share one folder are planned together (else they would undo each other)."""

    targets: tuple[TargetConfig, ...]
    spec: TargetSpec
    skills: tuple[Skill, ...] = ()
    wanted: dict[str, str] = field(default_factory=dict)
    skill_paths: Mapping[str, str] = field(default_factory=dict)  # flat name -> skill folder
    error: str | None = None

    @property
    def name(self) -> str:
        return self.targets[0].name


@dataclass
class TargetRun:
    group: Group
    plan: TargetPlan
    obs: Observed | None = None
    manifest: Manifest = field(default_factory=Manifest)
    outcome: Outcome | None = None
    backup: str | None = None


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


def build_groups(config: Config, discovery: Discovery,
                 only: Collection[str] | None = None) -> list[Group]:
    chosen = [t for t in config.targets if only is None or t.name in only]
    by_path: dict[str, list[TargetConfig]] = {}
    for target in chosen:
        by_path.setdefault(os.path.realpath(target.path), []).append(target)
    roots = source_roots(config.source)
    real_source = os.path.realpath(config.source)
    relative = config.scope.is_project
    source_ok = discovery.exists and bool(discovery.skills)
    skill_paths = {s.flat_name: str(s.path) for s in discovery.skills}
    groups = []
    for real_path, members in by_path.items():
        first = members[0]
        parent = os.path.realpath(os.path.dirname(first.path))
        source_link = os.path.relpath(real_source, parent) if relative else roots[0]
        spec = TargetSpec(first.name, str(first.path), first.mode, roots[0], roots, source_link,
                          source_ok)
        modes = {t.mode for t in members}
        if len(modes) > 1:
            names = ", ".join(t.name for t in members)
            groups.append(Group(tuple(members), spec, skill_paths=skill_paths, error=(
                f"targets {names} share the folder {first.path} but have different modes; "
                "give them the same mode or remove one")))
            continue
        picked = {s.flat_name: s for target in members
                  for s in wanted_skills(target, discovery.skills)}
        skills = tuple(sorted(picked.values(), key=lambda s: s.flat_name))
        if relative:
            wanted = {s.flat_name: os.path.relpath(os.path.join(real_source, s.rel_path),
                                                   real_path) for s in skills}
        else:
            wanted = {s.flat_name: skill_paths[s.flat_name] for s in skills}
        groups.append(Group(tuple(members), spec, skills, wanted, skill_paths))
    return groups


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
        skill_path = _skill_path(group)
        obs, src = fill_digests(obs, manifest, group.wanted, spec.mode, skill_path, cache)
    except OSError as exc:
        error = f"cannot read target: {exc.strerror or exc} ({exc.filename or spec.path})"
        return TargetRun(group, TargetPlan(group.name, spec.mode, error=error))
    plan = plan_target(spec, group.wanted, obs, force=force, src_digests=src)
    return TargetRun(group, plan, obs, manifest)


def _skill_path(group: Group) -> Callable[[str], str]:
    return group.skill_paths.__getitem__


def needs_backup(plan: TargetPlan) -> bool:
    return any(op.action not in ("mkdir_target", "clean_temp") for op in plan.ops)


def forces(plan: TargetPlan) -> bool:
    return any(op.action in ("force_replace", "force_replace_target", "relink_target")
               for op in plan.ops)


def sync(config: Config, discovery: Discovery, *, dry_run: bool = False, force: bool = False,
         only: Collection[str] | None = None, backups_dir: Path | None = None,
         auto_backup: bool = False) -> dict[str, Any]:
    """One pass over the chosen targets; returns the report (see README: `sync --json`)."""
    started = time.monotonic()
    cache = DigestCache(config.copy_ignore())
    runs = [plan_group(g, config, cache, force, recover=not dry_run)
            for g in build_groups(config, discovery, only)]
    backup_report = None
    if not dry_run:
        backup_report = _backup(runs, backups_dir, auto_backup)
        for run in runs:
            if run.outcome is None and run.obs is not None and run.plan.error is None and (
                run.plan.changes
            ):
                applier = Applier(run.group.spec, run.obs, run.manifest,
                                  _skill_path(run.group), cache, run.backup)
                run.outcome = applier.run(run.plan)
    report = {
        "scope": config.scope.name,
        "source": str(config.source),
        "skills": len(discovery.skills),
        "dry_run": dry_run,
        "force": force,
        "targets": [target_report(run, dry_run) for run in runs],
        "backup": backup_report,
        **discovery_report(discovery),
        "collisions": collisions([(r.group.name, r.group.skills) for r in runs],
                                 discovery.skills),
    }
    report["summary"] = summarize(report["targets"])
    report["duration_ms"] = round((time.monotonic() - started) * 1000, 1)
    return report


def _backup(runs: list[TargetRun], backups_dir: Path | None,
            auto_backup: bool) -> dict[str, Any] | None:
    """Back up targets about to change (auto), or at least those with forced replacements."""
    chosen = [r for r in runs if r.plan.error is None and (
        (auto_backup and needs_backup(r.plan)) or forces(r.plan))]
    if backups_dir is None or not chosen:
        return None
    writer = BackupWriter(backups_dir)
    for run in chosen:
        writer.add(run.group.name, run.group.spec.path, run.group.spec.mode)
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
    return {"path": str(writer.final) if writer.final else None,
            "targets": [r.to_dict() for r in writer.results]}


def target_report(run: TargetRun, dry_run: bool) -> dict[str, Any]:
    group, plan, outcome = run.group, run.plan, run.outcome
    ops: Sequence[Op] = plan.ops if dry_run or outcome is None else outcome.done
    conflicts = list(plan.conflicts) + (outcome.conflicts if outcome else [])
    if run.manifest.problem:
        conflicts.append(Conflict(MANIFEST, run.manifest.problem))
    errors = ([plan.error] if plan.error else []) + (outcome.errors if outcome else [])
    counts = dict(plan.counts) or dict.fromkeys(COUNT_KEYS, 0)
    if outcome is not None and not dry_run:
        done = set(outcome.done)
        failed = sum(1 for op in plan.ops if op not in done and op.action in INSTALLING)
        counts["linked"] = max(0, counts.get("linked", 0) - failed)
    status = "error" if errors else ("warning" if conflicts or plan.guard else "ok")
    obs = run.obs
    return {
        "name": group.name,
        "also": [t.name for t in group.targets[1:]],
        "path": group.spec.path,
        "mode": group.spec.mode,
        "status": status,
        **{k: counts.get(k, 0) for k in COUNT_KEYS},
        "expected": len(group.wanted),
        "created_dir": any(op.action in ("mkdir_target", "link_target") for op in ops),
        "changes": [{"action": op.action, "name": op.name} for op in ops
                    if op.action not in ("mkdir_target",)],
        "conflicts": [{"name": c.name, "reason": c.reason} for c in conflicts],
        "local_entries": list(plan.local),
        "guard": plan.guard,
        "error": _join_errors(errors),
        "backup": run.backup,
        "forced": outcome.forced if outcome else [],
        "followed_link": obs.link if obs is not None and obs.kind == DIR and obs.link else None,
        "linked_to_source": bool(obs is not None and obs.kind == LINK and not plan.ops
                                 and group.spec.mode == "symlink"),
    }


def _join_errors(errors: Sequence[str], shown: int = 3) -> str | None:
    if not errors:
        return None
    more = f"; and {len(errors) - shown} more errors" if len(errors) > shown else ""
    return "; ".join(errors[:shown]) + more


def discovery_report(discovery: Discovery) -> dict[str, Any]:
    return {
        "invalid": [{"path": r.rel_path, "reason": r.reason} for r in discovery.rejected],
        "frontmatter": [{"path": r.rel_path, "problem": r.reason} for r in discovery.problems],
        "ignored": list(discovery.ignored),
    }


def collisions(per_target: Sequence[tuple[str, Sequence[Skill]]],
               all_skills: Sequence[Skill]) -> dict[str, Any]:
    """Skills sharing a frontmatter ``name``: per target where they meet, else isolated."""
    everywhere: dict[str, set[str]] = {}
    for skill in all_skills:
        if skill.meta.name:
            everywhere.setdefault(skill.meta.name, set()).add(skill.rel_path)
    actionable = []
    meeting: set[str] = set()
    for target, skills in per_target:
        by_name: dict[str, list[str]] = {}
        for skill in skills:
            if skill.meta.name and len(everywhere[skill.meta.name]) > 1:
                by_name.setdefault(skill.meta.name, []).append(skill.rel_path)
        for name, paths in sorted(by_name.items()):
            if len(paths) > 1:
                actionable.append({"target": target, "name": name, "skills": sorted(paths)})
                meeting.add(name)
    isolated = [{"name": n, "count": len(p)} for n, p in sorted(everywhere.items())
                if len(p) > 1 and n not in meeting]
    return {"same_target": actionable, "isolated": isolated}


def summarize(targets: Sequence[dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {"targets": len(targets)}
    for key in COUNT_KEYS:
        summary[key] = sum(t[key] for t in targets)
    summary["failed"] = sum(1 for t in targets if t["status"] == "error")
    summary["held"] = sum(1 for t in targets if t["guard"])
    summary["conflicts"] = sum(len(t["conflicts"]) for t in targets)
    return summary
