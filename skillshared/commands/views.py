"""Read-only commands: ``status``, ``diff`` and ``list``, all rendered from plans."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from skillshared.catalog import skills
from skillshared.commands.kindpick import AGENT, split_kind
from skillshared.core.errors import SkillshareError, UsageError

# `list` loads only what it shows: the engine, the git layer and the results' types are
# imported where a view needs them (a status plans, a list does not)
if TYPE_CHECKING:
    from pathlib import Path

    from skillshared.commands.request import Request
    from skillshared.commands.results import (
        DiffItem,
        DiffResult,
        DiffTarget,
        SourceState,
        StatusResult,
        TargetState,
        TargetStateName,
        TrackedRepoState,
    )
    from skillshared.commands.results_audit_hold import FlaggedSkill
    from skillshared.commands.results_list import ListResult
    from skillshared.core.config import Config
    from skillshared.core.paths import Paths
    from skillshared.core.results_daemon import DaemonStatus
    from skillshared.core.results_git import Origin
    from skillshared.engine.runs import TargetRun

_DIFF = {
    "link": ("+", "in source, not in target"),
    "copy": ("+", "in source, not in target"),
    "link_target": ("+", "folder will become a link to the source"),
    "relink": ("~", "link points elsewhere; will be re-linked"),
    "relink_target": ("~", "folder link points elsewhere; will be re-linked"),
    "adopt": ("~", "real folder identical to the source; will become a link"),
    "update_copy": ("~", "source changed; copy will be updated"),
    "force_replace": ("!", "will be replaced (--force)"),
    "unlink": ("-", "ours, no longer wanted; will be pruned"),
    "remove_copy": ("-", "our copy, no longer wanted; will be pruned"),
    "unlink_target": ("~", "link from symlink mode; will become a folder"),
    "replace_dir_with_link": ("~", "folder will become a link to the source"),
    "clean_temp": ("-", "left over from an interrupted sync; will be cleaned up"),
}


def plan_all(config: Config, only: Sequence[str] | None = None,
             discovery: skills.Discovery | None = None) -> tuple[skills.Discovery,
                                                                 list[TargetRun]]:
    from skillshared.engine import reconcile
    from skillshared.engine.groups import build_groups
    from skillshared.engine.observe import DigestCache

    if discovery is None:
        from skillshared.commands import audit_views  # (the audit's code: not for `list`)

        discovery = audit_views.held_back(config, skills.discover(config.source))
    cache = DigestCache(config.copy_ignore(), config.limits)
    groups = build_groups(config, discovery, only)
    return discovery, [reconcile.plan_group(g, config, cache, force=False) for g in groups]



def target_state(run: TargetRun) -> TargetState:
    from skillshared.engine import reports
    from skillshared.engine.plan import INSTALLING, MISSING

    report = reports.target_report(run, dry_run=True)
    plan, group = run.plan, run.group
    wanted = group.wanted
    pending = sum(1 for op in plan.ops if op.action in INSTALLING and op.name in wanted)
    blocked = sum(1 for c in report["conflicts"] if c["name"] in wanted)
    state: TargetStateName
    if plan.error:
        state = "error"
    elif run.obs is not None and run.obs.kind == MISSING and (
            wanted or not group.spec.unit.files):  # (an agents folder is made only if used)
        state = "missing"
    elif group.spec.mode == "symlink":
        state = "linked" if not plan.ops and not plan.conflicts and not plan.guard else (
            "conflict" if plan.conflicts else "held" if plan.guard else "not linked")
    elif plan.ops or plan.records is not None:
        state = "needs sync"
    elif plan.guard:
        state = "held"
    elif report["conflicts"]:
        state = "conflict"
    else:
        state = "synced"
    return {"name": report["name"], "also": report["also"], "path": report["path"],
            "mode": report["mode"], "local": report["local"], "conflicts": report["conflicts"],
            "guard": report["guard"], "error": report["error"],
            "followed_link": report["followed_link"],
            "state": state,
            "expected": len(wanted),
            "synced": max(0, len(wanted) - pending - blocked),
            "pending": len(report["changes"]),
            "held": len(plan.held),
            "guard_hint": reports.guard_hint(plan.guard),
            "include": list(group.targets[0].include),
            "exclude": list(group.targets[0].exclude)}


def daemon_state(paths: Paths) -> DaemonStatus:
    """The daemon's status section (a command run in-process beside a daemon, with
    --no-daemon, asks it)."""
    from skillshared.core import client

    return client.daemon_status(paths.where, timeout=1.0)


def recorded(config: Config) -> tuple[dict[str, Origin], str | None]:
    """Where recorded installs came from (ours and the original tool's records), and the
    error when a record file cannot be read (the views show the rest anyway)."""
    from skillshared.git import installs

    try:
        return installs.origins(config), None
    except SkillshareError as exc:
        return {}, exc.message


def tracked_repos(config: Config, discovery: skills.Discovery, paths: Paths,
                  origins: dict[str, Origin] | None = None) -> list[TrackedRepoState]:
    """Every tracked repo: each ``_…`` folder at the top of the source, each one deeper
    (installed with ``--into``) that holds a skill (found from discovery, so the source is
    not walked again), and each one a record names (``missing`` when it is not there)."""
    try:
        found = {e.name for e in os.scandir(config.source)
                 if e.name.startswith("_") and e.is_dir(follow_symlinks=False)}
    except OSError:
        return []
    counts: dict[str, int] = {}
    for skill in discovery.skills:
        parts = skill.rel_path.split("/")
        at = next((i for i, part in enumerate(parts) if part.startswith("_")), None)
        if at is not None:
            repo = "/".join(parts[:at + 1])
            counts[repo] = counts.get(repo, 0) + 1
    found |= {r for r in counts if "/" in r and (config.source / r / ".git").exists()}
    records = {rel: o for rel, o in (origins or {}).items() if o["tracked"]}
    return [_repo_state(config, name, counts.get(name, 0), records.get(name), paths)
            for name in sorted(found | set(records))]


def _repo_state(config: Config, name: str, count: int, record: Origin | None,
                paths: Paths) -> TrackedRepoState:
    """One tracked repo of ``status``; a recorded one says where it came from (``source``),
    and one recorded but not there is ``missing``."""
    from skillshared.git import gitstate

    here = os.path.isdir(config.source / name)
    state: TrackedRepoState = {"name": name, "skills": count,
             "git": gitstate.state(config.source / name, paths.env) if here else None}
    if record is not None:
        state["source"], state["recorded_in"] = record["source"], record["file"]
    if not here:
        state["missing"] = True
    return state


def cmd_status(req: Request) -> StatusResult:
    if req.text("tool") is not None:  # (`status --catalog [tool]` is the catalog command)
        raise UsageError(f"a tool ({req.text('tool')}) is named only with --catalog",
                         hint="skillshare status --catalog NAME")
    from skillshared.commands import kindviews, status_original, viewcache
    from skillshared.git import gitstate

    config = req.config()
    kept = _catalog_dir(req, config)
    # what the source holds (a skill the audit holds back is one of its skills, neither
    # invalid nor missing from its tracked repo); the targets are planned without it
    discovery = viewcache.discover(kept, config.source)
    found, flagged = _audited(config, discovery)
    _, runs = plan_all(config, discovery=found)
    source: SourceState = {
        "path": str(config.source),
        "exists": discovery.exists,
        "skills": len(discovery.skills),
        "invalid": len(discovery.rejected),
        "ignored": len(discovery.ignored),
        "git": gitstate.state(config.source, req.paths.env) if discovery.exists else None,
    }
    plans = kindviews.plan_kinds(config)
    agents = kindviews.agents_state(plans, target_state)
    extras = kindviews.extras_state(plans, target_state)
    targets = [target_state(run) for run in runs]
    every = targets + (agents["targets"] if agents else []) + [
        t for e in extras for t in e["targets"]]
    held = [t for t in every if t["guard"]]
    origins, records_problem = recorded(config)
    result: StatusResult = {
        "scope": config.scope.name,
        "config": str(config.scope.config_file),
        "source": source,
        "targets": targets,
        "tracked_repos": tracked_repos(config, discovery, req.paths, origins),
        "records_problem": records_problem,
        "daemon": req.daemon() if req.daemon else daemon_state(req.paths),
        "agents": agents,
        "extras": extras,
        "out_of_sync": sum(1 for t in every if t["state"] in ("needs sync", "missing",
                                                               "not linked")),
        "held": len(held),
        "held_entries": sum(t["held"] for t in held),
    }
    status_original.add_original_fields(result, config, discovery)
    result["audit_findings"] = flagged
    return result


def _catalog_dir(req: Request, config: Config) -> Path | None:
    """Where the CLI's own process keeps the catalog and the config's parse for the next
    view (kept there now when the config was parsed); None in the daemon, which keeps its
    answers in memory."""
    from skillshared.commands import viewcache

    if req.daemon is not None:
        return None
    viewcache.keep_config(config.scope)
    return req.paths.state_dir


def _audited(config: Config, found: skills.Discovery) -> tuple[skills.Discovery,
                                                               list[FlaggedSkill]]:
    """``found`` without the skills the audit holds back, and the skills it flags (the
    audit's code is loaded only when the last look kept a finding at the threshold)."""
    from skillshared.store.audit_accepts import read_notable

    if all(seen.top is None for seen in read_notable(config.scope).values()):
        return found, []  # (nothing at the threshold: nothing held back, nothing flagged)
    from skillshared.commands import audit_views

    return audit_views.held_back(config, found), audit_views.audit_findings(config)


HELD = "ours, no longer wanted; pruning held back by the mass-delete guard"


def diff_items(run: TargetRun, held: Sequence[str] = ()) -> list[DiffItem]:
    """What a sync would change (and what keeps a target from being in sync): ``held``, the
    entries whose pruning the mass-delete guard holds back."""
    from skillshared.core.names import MANIFEST

    items: list[DiffItem] = []
    plan = run.plan
    for op in plan.ops:
        if op.action == "mkdir_target":
            continue
        sign, reason = _DIFF.get(op.action, ("~", op.action))
        items.append({"sign": sign, "name": op.name, "action": op.action, "reason": reason})
    for name in held:
        items.append({"sign": "-", "name": name, "action": "held", "reason": HELD})
    for conflict in plan.conflicts:
        sign = "~" if "edited" in conflict.reason else "!"
        items.append({"sign": sign, "name": conflict.name, "action": "conflict",
                      "reason": conflict.reason})
    if run.manifest.problem:
        items.append({"sign": "!", "name": MANIFEST, "action": "conflict",
                      "reason": run.manifest.problem})
    if plan.records is not None and not plan.error and not any(
            i["action"] != "local" for i in items):
        reason = ("the copy manifest will be brought up to date" if plan.mode == "copy" else
                  "a manifest left from copy mode will be removed")
        items.append({"sign": "~", "name": MANIFEST, "action": "manifest", "reason": reason})
    for name in plan.local:
        items.append({"sign": "←", "name": name, "action": "local", "reason": "local only"})
    return items


def cmd_diff(req: Request) -> DiffResult:
    """``diff [skills|agents] [target]`` (or ``--target``); ``--stat``: a real folder's files
    that differ from the source's skill, ``--patch``: their content diff. Without a kind
    word the agents folders and the extras' folders are shown too."""
    import time

    from skillshared.commands import difffiles, kindviews
    from skillshared.commands.request import pick_targets

    started = time.monotonic()
    kind, name = _diff_words(req)
    config = req.config()
    if kind == AGENT:
        return {"scope": config.scope.name, "kind": "agents",
                "targets": kindviews.agents_diff(config, name, diff_target),
                "duration": f"{time.monotonic() - started:.3f}s"}
    extra = kind is None and name is not None and any(e.name == name for e in config.extras)
    only = None if extra else pick_targets(config, [name] if name else [])
    runs = [] if extra else plan_all(config, only)[1]
    targets = [kindviews.with_kind(diff_target(run), "skill") for run in runs]
    if req.flag("stat") or req.flag("patch"):
        for target, run in zip(targets, runs, strict=True):
            difffiles.add_files(target["items"], run, req.flag("patch"))
    if kind is None:
        plans = kindviews.plan_kinds(config, None if name is None else [name])
        targets += kindviews.diff_targets(plans, diff_target)
    return {"scope": config.scope.name, "kind": "skills" if kind else "all",
            "targets": targets, "duration": f"{time.monotonic() - started:.3f}s"}


def _diff_words(req: Request) -> tuple[str | None, str | None]:
    """The kind a leading word names (``diff agents claude``) and the one target named."""
    from skillshared.commands.kindwords import words_of

    kind, words = split_kind(req, words_of(req, "name"))
    if len(words) > 1:
        raise UsageError(f"diff takes one target, not {', '.join(words)}",
                         hint="usage: skillshare diff [skills|agents] [target]")
    named, flagged = (words[0] if words else None), req.text("target")
    if named and flagged and named != flagged:
        raise UsageError(f"diff names two targets ({named!r} and --target {flagged!r})",
                         hint="give one of them")
    return kind, named or flagged


def diff_target(run: TargetRun) -> DiffTarget:
    from skillshared.engine import reports

    held = run.plan.held
    items = diff_items(run, held)
    first = run.group.targets[0] if run.group.targets else None
    return {
        "name": run.group.name, "also": [t.name for t in run.group.targets[1:]],
        "path": run.group.spec.path, "mode": run.group.spec.mode,
        "error": run.plan.error, "guard": run.plan.guard,
        "held": len(held), "guard_hint": reports.guard_hint(run.plan.guard),
        "synced": not any(i["sign"] != "←" for i in items) and not run.plan.error
        and not run.plan.guard,
        "items": items,
        "include": list(first.include) if first else [],
        "exclude": list(first.exclude) if first else [],
    }


def cmd_list(req: Request) -> ListResult:
    """``list [skills|agents|<pattern>]`` (or ``--kind``, ``--all``): the skills and the
    agents, or one kind (as the original's ``list agents``; then ``kind`` says which, and an
    agents listing is given even when there is no agents folder yet). A pattern, ``--type``
    and ``--sort`` filter and order the skills as the original's do."""
    from skillshared.commands import listflags, listview

    only = req.text("only")
    kind, rest = split_kind(req, [only] if only else [], names=False)
    opts = listflags.options(req, rest[0] if rest else None)
    if req.flag("all") and kind is not None:
        raise UsageError(f"`list --all` lists skills and agents; drop {only or '--kind'!s}")
    config = req.config()
    result = listview.listed_skills(config, _catalog_dir(req, config), empty=kind == AGENT)
    result["total"] = len(result["skills"])
    result["skills"] = listflags.select(result["skills"], opts)
    result["pattern"], result["type_filter"] = opts.pattern, opts.type
    result["verbose"] = req.flag("verbose")
    if kind is not None:
        result["kind"] = "agent" if kind == AGENT else "skill"
    if kind == AGENT or (kind is None and (config.agents.is_dir() or req.flag("all"))):
        result["agents"] = listview.listed_agents(config)
        if opts.filtered:
            result["agents"]["agents"] = listflags.select_agents(
                result["agents"]["agents"], opts)
    return result
