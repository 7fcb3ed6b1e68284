"""What a restore leaves for a sync to do, for its closing hint.

A restore puts one target folder back as a backup held it; the source has moved on since
(skills added, removed, edited, filters changed), so the restored folder may lack links to
new skills, hold links a sync now prunes, or stale copies. Whether it does is asked the way
``status`` asks it: the folder is planned again (a dry run) after the restore. Only then does
the hint name a sync, or say that the running daemon does it (it sees the target folder
replaced and reconciles it within seconds)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from skillshared.commands import kindviews, views
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.results_backup import RestoreAll, RestoreResult
from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.engine.runs import TargetRun

if TYPE_CHECKING:
    from skillshared.commands.request import Request

OUT_OF_SYNC = ("needs sync", "missing", "not linked")  # (as status counts them)


def noted(req: Request, config: Config, result: RestoreResult) -> RestoreResult:
    """``result`` (a restore done) with ``needs_sync`` and ``daemon_syncs``."""
    if result["dry_run"]:
        return result
    return {**result, "needs_sync": needs_sync(config, result["target"], result["path"]),
            "daemon_syncs": daemon_syncs(req, config.scope)}


def noted_all(req: Request, config: Config, result: RestoreAll) -> RestoreAll:
    """``restore --all``: each folder's result noted, and the whole."""
    if result["dry_run"]:
        return result
    results = [noted(req, config, each) for each in result["results"]]
    return {**result, "results": results, "daemon_syncs": daemon_syncs(req, config.scope)}


def needs_sync(config: Config, name: str, path: str) -> bool:
    """Whether a sync would change the folder at ``path`` restored for target ``name``
    (``claude``, ``claude@agents``, ``rules@0``); True when that cannot be told."""
    try:
        states = [views.target_state(run) for run in _runs(config, name)
                  if _at(run, path)]
    except (SkillshareError, OSError):
        return True
    return not states or any(s["state"] in OUT_OF_SYNC for s in states)


def _runs(config: Config, name: str) -> Iterable[TargetRun]:
    base, at, rest = name.partition("@")
    if not at:
        return views.plan_all(config, only=[name])[1]
    kind = "agents" if rest == "agents" else "extras"
    return [run for plans in kindviews.plan_kinds(config, targets=[base])
            if plans.kind == kind for run in plans.runs]


def _at(run: TargetRun, path: str) -> bool:
    """Whether ``run`` plans the folder ``path`` or one inside it (an extra's subfolder)."""
    root = os.path.normpath(path)
    return any(os.path.normpath(str(t.path)) == root
               or os.path.normpath(str(t.path)).startswith(root + os.sep)
               for t in run.group.targets)
