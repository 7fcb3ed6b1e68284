"""``target``: add, remove (the safe way to unlink), list, show and edit targets."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from skillshared.catalog import skills
from skillshared.commands import target_views, toolfolders
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.results import (
    ItemFailure,
    RemovedTarget,
    TargetAddedResult,
    TargetInfoResult,
    TargetListResult,
    TargetRemovedResult,
    TargetResult,
    TargetUpdatedResult,
    Unlinked,
)
from skillshared.commands.target_settings import find, given_settings, target_set
from skillshared.commands.target_views import describe
from skillshared.core import targets as builtin
from skillshared.core.config import MODES, Config, TargetConfig
from skillshared.core.config_file import from_document, read_document
from skillshared.core.errors import SkillshareError, UsageError
from skillshared.core.names import MANIFEST
from skillshared.engine import fsops, fsops_swap, reconcile, reports, trees
from skillshared.engine.groups import build_groups, refused_targets
from skillshared.engine.observe import DigestCache, observe
from skillshared.engine.plan import DIR, LINK, TargetSpec
from skillshared.store import backup_write, configedit

if TYPE_CHECKING:
    from skillshared.commands.request import Request

def cmd_target(req: Request) -> TargetResult:
    action = req.text("action") or "list"
    handlers: dict[str, Callable[[Request], TargetResult]] = {
        "list": target_list, "add": target_add, "remove": target_remove, "info": target_info,
        "set": target_set}
    if action not in handlers:
        raise UsageError(f"unknown target action '{action}'",
                         hint="use add, remove, list, or a target name")
    return handlers[action](req)


def target_list(req: Request) -> TargetListResult:
    _refuse_settings(req, "list")
    config = req.config()
    sync = target_views.sync_fields(config)
    return {"scope": config.scope.name,
            "targets": [{**describe(t), **sync.get(t.name, {})} for t in config.targets]}


def _refuse_settings(req: Request, action: str, allowed: tuple[str, ...] = ()) -> None:
    """Settings flags go with `target <name>`: refused with another action."""
    given = [f for f in given_settings(req.args) if f not in allowed]
    if given:
        raise UsageError(f"{', '.join(given)} cannot be used with `target {action}`",
                         hint="change a target's settings with `skillshare target <name> "
                         + " ".join(given) + " ...`")


def target_info(req: Request) -> TargetInfoResult | TargetUpdatedResult:
    if given_settings(req.args):
        return target_set(req)
    config = req.config()
    target = find(config, req.text("name"))
    discovery = skills.discover(config.source)
    group = next(g for g in build_groups(config, discovery, [target.name]))
    cache = DigestCache(config.copy_ignore(), config.limits)
    run = reconcile.plan_group(group, config, cache, force=False)
    report = reports.target_report(run, dry_run=True)
    sync = target_views.sync_fields(config, [target.name]).get(target.name, {})
    return {**describe(target), **sync, "state": report}


def target_add(req: Request) -> TargetAddedResult:
    _refuse_settings(req, "add", ("--mode",))
    name = req.text("name")
    if not name:
        raise UsageError("usage: skillshare target add <name> [path]")
    problem = builtin.name_problem(name)
    if problem:
        raise UsageError(f"invalid target name '{name}': {problem}")
    scope = req.scope()
    doc = read_document(scope)
    config = from_document(scope, doc)
    if any(t.name == name for t in config.targets):
        raise SkillshareError(f"target '{name}' already exists",
                              hint=f"see it with `skillshare target {name}`")
    known = builtin.lookup(name)
    raw_path = req.text("path")
    if raw_path is None and known is None:
        close = toolfolders.similar_names(name)
        guess = f"did you mean {' or '.join(f'`{n}`' for n in close)}? Else: " if close else ""
        raise UsageError(f"'{name}' is not a built-in target, so it needs a path",
                         hint=f"{guess}skillshare target add {name} <path>")
    mode = req.text("mode")
    if mode is not None and mode not in MODES:
        raise UsageError(f"invalid mode '{mode}': must be one of {', '.join(MODES)}")
    if raw_path is not None:
        path = scope.expand(raw_path)
    else:
        assert known is not None
        path = scope.expand(known.project_path if scope.is_project else known.global_path)
    if os.path.lexists(path) and not os.path.isdir(path):
        raise UsageError(f"target path {path} is a file, not a folder")
    for other in config.targets:
        if os.path.realpath(other.path) == os.path.realpath(path):
            raise SkillshareError(f"{path} is already the folder of target '{other.name}'",
                                  hint="two targets in one folder would fight over it")
    stored = path if (raw_path is not None or not scope.is_project) else None
    new_doc = configedit.add_target(doc, scope, name, stored, mode)
    dry_run = req.flag("dry_run")
    new_config = from_document(scope, new_doc) if dry_run else configedit.save(scope, new_doc)
    added = new_config.target(name)
    assert added is not None
    warnings = builtin.overlap_warnings(
        [name], [(t.name, t.builtin, str(t.path)) for t in new_config.targets],
        lambda raw: str(scope.expand(raw)), scope.is_project)
    builtin_raw = None if raw_path is not None or known is None else (
        known.project_path if scope.is_project else known.global_path)
    missing = toolfolders.missing_tool(scope, name, path, builtin_raw)
    return {"action": "added", "dry_run": dry_run, **describe(added),
            "warnings": [*([missing] if missing else []), *warnings],
            "daemon_syncs": daemon_syncs(req, scope)}


def target_remove(req: Request) -> TargetRemovedResult:
    _refuse_settings(req, "remove")
    scope = req.scope()
    doc = read_document(scope)
    config = from_document(scope, doc)
    single = req.text("name")
    names = req.texts("names") or ([single] if single else [])
    if req.flag("all"):
        if names:
            raise UsageError("`target remove --all` removes every target; name none",
                             hint="or drop --all to remove only the targets named")
        names = [t.name for t in config.targets]
        if not names:
            raise UsageError("there are no targets to remove")
    if not names:
        raise UsageError("usage: skillshare target remove <name>... (or --all)")
    chosen = list({t.name: t for t in (find(config, n) for n in names)}.values())
    dry_run = req.flag("dry_run")
    backups = {} if scope.is_project or dry_run else _backup_targets(config, chosen)
    discovery = skills.discover(config.source)
    groups = build_groups(config, discovery, [t.name for t in chosen])
    leaving = {t.name for t in chosen}
    staying = {os.path.realpath(t.path) for t in config.targets if t.name not in leaving}
    refused = refused_targets(config, discovery)
    removed: list[RemovedTarget] = []
    failed: list[ItemFailure] = []
    for target in chosen:
        group = next(g for g in groups if target in g.targets)
        backup = backups.get(target.name)
        try:
            if isinstance(backup, SkillshareError):
                raise backup
            if os.path.realpath(target.path) in staying or target.name in refused:
                # shared with a target that stays, or a folder no pass may write into (it
                # leads into the source, say): dropped from the config, its folder left as is
                detail: Unlinked = {"converted": 0, "removed_links": 0,
                                    "whole_folder": False,
                                    "shared": target.name not in refused, "kept_links": []}
                if target.name in refused:
                    detail["left_as_is"] = refused[target.name]
            else:
                detail = unlink_target(group.spec, group.skill_paths, config, dry_run)
            removed.append({"name": target.name, "path": str(target.path), "backup": backup,
                            **detail})
        except (OSError, SkillshareError) as exc:
            message = exc.message if isinstance(exc, SkillshareError) else str(exc)
            failed.append({"name": target.name, "error": message})
    if removed and not dry_run:
        new_doc = doc
        for item in removed:
            new_doc = configedit.remove_target(new_doc, item["name"])
        configedit.save(scope, new_doc)
    return {"scope": scope.name, "removed": removed, "failed": failed, "dry_run": dry_run,
            "summary": {"failed": len(failed)}}


def _backup_targets(config: Config, chosen: list[TargetConfig]
                    ) -> dict[str, str | SkillshareError | None]:
    """Back up each target (published before anything is unlinked): its backup folder, None
    when there was nothing to back up, or the error that stops its removal."""
    written = backup_write.write(config, chosen)
    outcome: dict[str, str | SkillshareError | None] = {}
    for target, result in zip(chosen, written.results, strict=True):
        if result.status == "failed":
            outcome[target.name] = SkillshareError(f"backup failed: {result.error}")
        else:
            outcome[target.name] = result.path
    return outcome


def unlink_target(spec: TargetSpec, skill_paths: Mapping[str, str], config: Config,
                  dry_run: bool) -> Unlinked:
    """Turn our links in a target into real copies, so the AI CLI keeps its skills."""
    rules = config.copy_ignore()
    obs = observe(dataclasses.replace(spec, mode="merge"))
    detail: Unlinked = {"converted": 0, "removed_links": 0, "whole_folder": False,
                              "shared": False, "kept_links": []}
    if obs.kind == LINK and obs.link_dest is not None and spec.owns(obs.link_dest):
        detail["whole_folder"] = True
        if not dry_run:
            parent, base = os.path.split(spec.path)
            fsops_swap.replace_link_with_copy(parent, base, obs.link or "", spec.source, rules)
        return detail
    if obs.kind != DIR:
        return detail
    for name, text in sorted(obs.links.items()):
        dest = obs.dest(text)
        if not spec.owns(dest):
            continue
        source = skill_paths.get(name, dest)
        if os.path.isdir(source):
            try:
                if dry_run:
                    trees.signature(source, rules, config.limits)  # (over them: raises)
                else:
                    fsops_swap.replace_link_with_copy(obs.real_dir, name, text, source, rules,
                                                 config.limits)
            except trees.TooLarge as exc:  # a link costs nothing: it stays
                detail["kept_links"].append({"name": name, "why": exc.why})
                continue
            detail["converted"] += 1
        else:
            detail["removed_links"] += 1
            if not dry_run:
                fsops.remove_link(obs.real_dir, name, text)
    manifest = os.path.join(obs.real_dir, MANIFEST)
    if not dry_run and os.path.lexists(manifest):
        fsops.remove_file(manifest)
    return detail
