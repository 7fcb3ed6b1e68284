"""The reports of a pass: per target (counts, changes, conflicts, errors), what discovery
found wrong, frontmatter name collisions, and the summary (README: `sync --json`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from skillshared.catalog.skills import Discovery, Skill
from skillshared.catalog.walker import Rejected
from skillshared.core.names import MANIFEST
from skillshared.core.results import (
    Collisions,
    DiscoveryNotes,
    Isolated,
    SameTarget,
    SyncSummary,
    TargetReport,
    TargetStatus,
)
from skillshared.engine.ops import Op
from skillshared.engine.plan import DIR, INSTALLING, LINK, NO_SOURCE, Conflict

if TYPE_CHECKING:
    from skillshared.engine.runs import TargetRun

COUNT_KEYS = ("linked", "local", "updated", "pruned", "new", "up_to_date")


def target_report(run: TargetRun, dry_run: bool, max_changes: int | None = None
                  ) -> TargetReport:
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
    status: TargetStatus = "error" if errors else ("warning" if conflicts or plan.guard
                                                   else "ok")
    obs = run.obs
    changes = [op for op in ops if op.action != "mkdir_target"]
    return {
        "name": group.name,
        "also": [t.name for t in group.targets[1:]],
        "path": group.spec.path,
        "mode": group.spec.mode,
        "status": status,
        "linked": counts.get("linked", 0), "local": counts.get("local", 0),
        "updated": counts.get("updated", 0), "pruned": counts.get("pruned", 0),
        "new": counts.get("new", 0), "up_to_date": counts.get("up_to_date", 0),
        "expected": len(group.wanted),
        "created_dir": any(op.action in ("mkdir_target", "link_target") for op in ops),
        "changed": len(changes),
        "changes": [{"action": op.action, "name": op.name} for op in changes[:max_changes]],
        "conflicts": [{"name": c.name, "reason": c.reason} for c in conflicts],
        "local_entries": list(plan.local),
        "guard": plan.guard,
        "held": len(plan.held),
        "guard_hint": guard_hint(plan.guard),
        "error": _join_errors(errors),
        "backup": run.backup,
        "forced": outcome.forced if outcome else [],
        "left_out": outcome.left_out if outcome else [],
        "followed_link": obs.link if obs is not None and obs.kind == DIR and obs.link else None,
        "linked_to_source": bool(obs is not None and obs.kind == LINK and not plan.ops
                                 and group.spec.mode == "symlink"),
    }


def guard_hint(guard: str | None) -> str | None:
    """What to run when pruning is held back (``guard``: the planner's reason)."""
    if not guard:
        return None
    if guard == NO_SOURCE:
        return ("put the skills back in the source folder (or fix `source:` in the config); "
                "`skillshare sync --force` prunes the links anyway")
    return ("if the skills left the source (or a target's filter) on purpose, run "
            "`skillshare sync --force` to prune them; otherwise put them back")


def _join_errors(errors: Sequence[str], shown: int = 3) -> str | None:
    if not errors:
        return None
    more = f"; and {len(errors) - shown} more errors" if len(errors) > shown else ""
    return "; ".join(errors[:shown]) + more


def discovery_report(discovery: Discovery,
                     looked_at: Sequence[Skill] | None = None) -> DiscoveryNotes:
    """What discovery found wrong; frontmatter problems of ``looked_at`` only, if given."""
    problems = discovery.problems if looked_at is None else [
        Rejected(s.rel_path, s.meta.problem) for s in looked_at if s.meta.problem]
    return {
        "invalid": [{"path": r.rel_path, "reason": r.reason} for r in discovery.rejected],
        "frontmatter": [{"path": r.rel_path, "problem": r.reason} for r in problems],
        "ignored": list(discovery.ignored),
    }


def collisions(per_target: Sequence[tuple[str, Sequence[Skill]]],
               all_skills: Sequence[Skill]) -> Collisions:
    """Skills sharing a frontmatter ``name``: per target where they meet, else isolated."""
    everywhere: dict[str, set[str]] = {}
    for skill in all_skills:
        if skill.meta.name:
            everywhere.setdefault(skill.meta.name, set()).add(skill.rel_path)
    actionable: list[SameTarget] = []
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
    isolated: list[Isolated] = [{"name": n, "count": len(p)} for n, p in sorted(everywhere.items())
                if len(p) > 1 and n not in meeting]
    return {"same_target": actionable, "isolated": isolated}


def summarize(targets: Sequence[TargetReport]) -> SyncSummary:
    return {"targets": len(targets),
            "linked": sum(t["linked"] for t in targets),
            "local": sum(t["local"] for t in targets),
            "updated": sum(t["updated"] for t in targets),
            "pruned": sum(t["pruned"] for t in targets),
            "new": sum(t["new"] for t in targets),
            "up_to_date": sum(t["up_to_date"] for t in targets),
            "failed": sum(1 for t in targets if t["status"] == "error"),
            "held": sum(1 for t in targets if t["guard"]),
            "conflicts": sum(len(t["conflicts"]) for t in targets)}
