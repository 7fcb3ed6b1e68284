"""``sync``, ``pull``, ``push`` and ``log``: the commands that reconcile the targets with
the source, or share the source through git."""

from __future__ import annotations

from skillshared.catalog import skills
from skillshared.commands import restore
from skillshared.commands.request import Request, check_source, pick_targets
from skillshared.commands.results import CollectResult, LogResult, PullResult, PushResult
from skillshared.core.errors import UsageError
from skillshared.core.results import SyncReport
from skillshared.engine import fsops, reconcile
from skillshared.store import oplog
from skillshared.store.backup_write import PassBackups


def cmd_sync(req: Request) -> SyncReport:
    config = req.config()
    only = pick_targets(config, req.texts("targets"))
    check_source(config)
    scope = config.scope
    dry_run = req.flag("dry_run")
    interrupted = [] if dry_run else restore.recover(config)
    if not dry_run:
        fsops.remove_temps(config.source)
    discovery = skills.discover(config.source)
    report = reconcile.sync(
        config, discovery, dry_run=dry_run, force=req.flag("force"), only=only,
        backups=PassBackups(scope.backups_dir, config.limits), auto_backup=not scope.is_project,
    )
    if interrupted:
        report["interrupted_restores"] = interrupted
    return report


def cmd_log(req: Request) -> LogResult:
    scope = req.scope()
    tail = req.number("tail", 20)
    if tail is not None and tail < 0:
        raise UsageError("--tail must be 0 or more")
    entries = oplog.read(scope.oplog_file, tail or None)
    return {"scope": scope.name, "file": str(scope.oplog_file), "entries": entries}


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
    report = cmd_sync(req)
    return {"pull": pulled, "sync": report, "summary": report["summary"]}


def cmd_push(req: Request) -> PushResult:
    from skillshared.git import gitsync

    config = req.global_config(gitsync.GLOBAL_ONLY.format(what="push"))
    return gitsync.push_source(config, req.paths.env, req.text("message"), req.flag("dry_run"))
