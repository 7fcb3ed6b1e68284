"""``sync``, ``pull`` and ``push``: the commands that reconcile the targets with
the source, or share the source through git."""

from __future__ import annotations

from collections.abc import Sequence

from skillshared.catalog import skills
from skillshared.commands import audit_hold, contextcost, restore, syncextras, verbosity
from skillshared.commands.request import Request, check_source, pick_targets
from skillshared.commands.results import (
    CollectResult,
    ExtrasSync,
    PullResult,
    PushResult,
    SyncAll,
)
from skillshared.commands.results_context import CostedSync
from skillshared.core import progress
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.core.results import SyncReport, SyncSummary
from skillshared.engine import fsops, reconcile, resources
from skillshared.engine.reports import summarize
from skillshared.engine.units import AGENT_UNIT, SKILL_UNIT, Unit
from skillshared.store.backup_write import PassBackups

KINDS = ("agents", "extras")  # ``sync agents``, ``sync extras``


def cmd_sync(req: Request) -> SyncReport | SyncAll | ExtrasSync:
    """``sync [targets]`` (skills), ``sync agents [targets]``, ``sync extras [names]``, and
    ``sync --all`` (every kind; a kind without a source folder is left out); with ``-v``
    and ``-q`` in the result (:mod:`~skillshared.commands.verbosity`)."""
    return verbosity.echo(req, _sync_kinds(req))


def _sync_kinds(req: Request) -> SyncReport | SyncAll | ExtrasSync:
    words = req.texts("targets")
    kind = words[0] if words and words[0] in KINDS else None
    if kind is not None:
        words = words[1:]
        if req.flag("all"):
            raise UsageError(f"`sync {kind}` syncs only {kind}; `sync --all` syncs every kind")
    if kind == "agents":
        return _sync_agents(req, words) or _no_agents(req)
    if kind == "extras":
        return syncextras.sync_extras(req, words)
    if not req.flag("all"):
        return _sync_skills(req, words)
    if words:
        raise UsageError("`sync --all` syncs every target; name targets with `sync` or "
                         "`sync agents`")
    report = _sync_skills(req, [])
    agents = _sync_agents(req, [])
    extras = syncextras.sync_extras(req, [])
    reports = [r for r in (report, agents) if r is not None]
    reports += [p["sync"] for p in extras["extras"] if p["sync"] is not None]
    return {"kind": "all", "skills": report, "agents": agents, "extras": extras,
            "summary": reports_summary(reports), "dry_run": req.flag("dry_run")}


def _sync_skills(req: Request, words: list[str]) -> CostedSync:
    """The skills pass, with its context cost (``--quiet``: not shown, still in the JSON)."""
    config = req.config()
    only = pick_targets(config, words)
    check_source(config)
    if not req.flag("dry_run"):
        fsops.remove_temps(config.source)  # (before discovery: what an interrupted run left)
    progress.report("reading the source")
    discovery = skills.discover(config.source)
    discovery = audit_hold.Assessor().assess(  # skills from outside held back by the audit
        req.paths, config, discovery, save=not req.flag("dry_run")).hold_back(discovery)
    report: CostedSync = {**_pass(req, config, discovery, only, SKILL_UNIT),
                          "context_cost": contextcost.context_cost(config, discovery, only),
                          "quiet": req.flag("quiet")}
    return report


def _sync_agents(req: Request, words: list[str]) -> SyncReport | None:
    """The agents pass (None when there is no agents source folder: nothing to sync)."""
    base = req.config()
    if words:
        _check_agent_targets(base, words)
    config, discovery = resources.agents_world(base)
    only = pick_targets(config, words)
    if not discovery.exists:
        return None
    if not req.flag("dry_run"):
        fsops.remove_temps(config.source)
    return _pass(req, config, discovery, only, AGENT_UNIT)


def _pass(req: Request, config: Config, discovery: skills.Discovery, only: list[str] | None,
          unit: Unit) -> SyncReport:
    """One kind's pass over its targets, after finishing what an interrupted restore left;
    a global pass backs up what it is about to replace or remove."""
    dry_run = req.flag("dry_run")
    interrupted = [] if dry_run else restore.recover(config)
    report = reconcile.sync(
        config, discovery, dry_run=dry_run, force=req.flag("force"), only=only,
        backups=PassBackups(config.scope.backups_dir, config.limits),
        auto_backup=not config.scope.is_project, unit=unit)
    if interrupted:
        report["interrupted_restores"] = interrupted
    return report


def _check_agent_targets(config: Config, words: list[str]) -> None:
    pick_targets(config, words)  # unknown names: the usual error
    without = [w for w in words if (t := config.target(w)) is not None and t.agents is None]
    if without:
        raise UsageError(f"{', '.join(without)} read{'s' if len(without) == 1 else ''} no "
                         "agents: the built-in table gives no agents folder for "
                         f"{'it' if len(without) == 1 else 'them'}",
                         hint="set one with `agents: {path: ...}` in the target's entry")


def _no_agents(req: Request) -> SyncReport:
    raise NotFoundError(f"no agents folder: {req.config().agents}",
                        hint="create it and put agent .md files in it (or set "
                             "`agents_source:` in the config)")


def reports_summary(reports: Sequence[SyncReport]) -> SyncSummary:
    """One summary of several passes (``sync --all``)."""
    return summarize([t for r in reports for t in r["targets"]])


def cmd_pull(req: Request) -> PullResult | CollectResult:
    """``pull``: fetch and fast-forward the source, then sync every target. ``pull <target>``
    is the old name of ``collect <target>``."""
    from skillshared.commands import collect
    from skillshared.git import gitsync

    if req.texts("targets"):
        return {**collect.cmd_collect(req),
                "hint": "`skillshare pull <target>` is now `skillshare collect <target>`"}
    config = req.global_config(gitsync.GLOBAL_ONLY.format(what="pull"))
    pulled = gitsync.pull_source(config, req.paths.env, req.flag("dry_run"), merge=True)
    if req.flag("dry_run"):
        return {"pull": pulled, "sync": None, "summary": {"failed": 0}}
    audit_hold.note_pull(config, req.paths.env, pulled)
    report = _sync_skills(req, [])
    return {"pull": pulled, "sync": report, "summary": report["summary"]}


def cmd_push(req: Request) -> PushResult:
    from skillshared.git import gitsync

    config = req.global_config(gitsync.GLOBAL_ONLY.format(what="push"))
    return gitsync.push_source(config, req.paths.env, req.text("message"), req.flag("dry_run"))
