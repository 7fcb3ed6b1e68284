"""``sync extras [names]``: each extra's files to each of its target folders, in its mode,
by the same reconcile pass as skills and agents (see :mod:`skillshared.engine.resources`)."""

from __future__ import annotations

from pathlib import Path

from skillshared.commands import restore
from skillshared.commands.request import Request
from skillshared.commands.results import ExtraPass, ExtrasSync
from skillshared.core.config import Config
from skillshared.core.config_extras import ExtraConfig
from skillshared.core.errors import NotFoundError
from skillshared.engine import reconcile, resources
from skillshared.engine.reports import summarize
from skillshared.engine.units import EXTRA_UNIT
from skillshared.store.backup_write import PassBackups


def sync_extras(req: Request, names: list[str]) -> ExtrasSync:
    config = req.config()
    chosen = pick_extras(config, names)
    dry_run = req.flag("dry_run")
    passes = [_sync_one(config, extra, dry_run, req.flag("force")) for extra in chosen]
    targets = [t for p in passes if p["sync"] is not None for t in p["sync"]["targets"]]
    return {"kind": "extras", "dry_run": dry_run, "extras": passes,
            "summary": summarize(targets)}


def pick_extras(config: Config, names: list[str]) -> list[ExtraConfig]:
    """The extras named (all of them when none is)."""
    if not names:
        return list(config.extras)
    known = {e.name: e for e in config.extras}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise NotFoundError(f"unknown extra{'s' if len(unknown) > 1 else ''}: "
                            f"{', '.join(unknown)}",
                            hint="configured extras: " + (", ".join(known) or "none (add one "
                                                          "with `skillshare extras init`)"))
    return [known[n] for n in dict.fromkeys(names)]


def _sync_one(config: Config, extra: ExtraConfig, dry_run: bool, force: bool) -> ExtraPass:
    world = resources.extra_world(config, extra)
    found = world.found
    result: ExtraPass = {"name": extra.name, "source": str(extra.source),
                         "files": len(found.files), "problem": found.problem,
                         "warnings": list(world.warnings), "sync": None}
    if not found.exists:
        result["problem"] = found.problem or f"the source folder {extra.source} does not exist"
        return result
    if not dry_run:
        restore.recover(world.config)
    report = reconcile.sync(world.config, world.discovery, dry_run=dry_run, force=force,
                            backups=PassBackups(config.scope.backups_dir, config.limits),
                            auto_backup=not config.scope.is_project, unit=EXTRA_UNIT,
                            per_target=world.per_target)
    folders = {t.path for t in world.config.targets}
    for line in report["targets"]:
        line["name"] = line["path"]
        line["also"] = []
        # the subfolders the extra's files go to are its own, not local entries
        ours = [e for e in line["local_entries"] if Path(line["path"]) / e in folders]
        line["local_entries"] = [e for e in line["local_entries"] if e not in ours]
        line["local"] -= len(ours)
    result["sync"] = report
    return result
