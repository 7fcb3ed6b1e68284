"""``extras``: create, list, change and remove extras (rules, commands, prompts... synced as
plain files), set the extras source, and collect a target's own files into the source.
Everything but ``collect`` and ``--remove-target --prune`` changes only the config: a sync
(``skillshare sync extras``, or the daemon) brings the targets in line."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.commands import extras_doc as edit
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.extras_common import (
    check_mode,
    extras_parent,
    find_extra,
    load,
    pick_target,
    target_path,
    usage,
)
from skillshared.commands.extras_edit import extras_edit
from skillshared.commands.extras_ops import collect_target
from skillshared.commands.extras_state import describe_extra
from skillshared.commands.results_extras import (
    ExtraCollectResult,
    ExtraInitResult,
    ExtraRemovedResult,
    ExtrasListResult,
    ExtrasResult,
    ExtrasSourceResult,
)
from skillshared.core.config_extras import (
    name_problem,
    overlaps,
)
from skillshared.core.config_file import from_document
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.engine import fsops
from skillshared.store import configedit

if TYPE_CHECKING:
    from skillshared.commands.request import Request

ACTIONS = ("init", "list", "ls", "remove", "rm", "source", "collect")
EDIT_KEYS = ("mode", "flatten", "no_flatten", "add_target", "remove_target")


def cmd_extras(req: Request) -> ExtrasResult:
    words = req.texts("what")
    action = words[0] if words else "list"
    if action in ("list", "ls"):
        if len(words) > 1:
            raise usage("usage: skillshare extras list")
        return extras_list(req)
    if action == "source":
        if len(words) > 2:
            raise usage("usage: skillshare extras source [PATH]")
        return extras_source(req, words[1] if len(words) == 2 else None)
    handlers: dict[str, Callable[[Request, str], ExtrasResult]] = {
        "init": extras_init, "remove": extras_remove, "rm": extras_remove,
        "collect": extras_collect}
    if action in handlers:
        _arity(words, 2, f"extras {action} <name>")
        return handlers[action](req, words[1])
    _arity(words, 1, "extras <name> [--mode M | --flatten | --add-target P | ...]")
    if any(req.args.get(key) for key in EDIT_KEYS) or req.flag("prune"):
        return extras_edit(req, action)
    return extras_list(req, only=action)


def _arity(words: list[str], count: int, form: str) -> None:
    if len(words) != count:
        raise usage(f"usage: skillshare {form}")


# -- list -------------------------------------------------------------------------------------


def extras_list(req: Request, only: str | None = None) -> ExtrasListResult:
    config = req.config()
    chosen = [find_extra(config, only)] if only is not None else list(config.extras)
    return {"action": "list", "scope": config.scope.name,
            "extras_source": str(extras_parent(config)),
            "extras_source_default": config.extras_source is None,
            "extras": [describe_extra(e) for e in chosen]}


# -- init -------------------------------------------------------------------------------------


def extras_init(req: Request, name: str) -> ExtraInitResult:
    wrong = name_problem(name)
    if wrong:
        raise UsageError(f"invalid extra name: {wrong}")
    scope, doc, config = load(req)
    existing = next((e for e in config.extras if e.name == name), None)
    if existing is not None and not req.flag("force"):
        raise UsageError(f"extra '{name}' already exists",
                              hint="add --force to replace its settings (its files stay)")
    raw_targets = req.texts("target")
    if not raw_targets:
        raise usage(f"extra '{name}' needs at least one --target <path>")
    flatten = req.flag("flatten")
    mode = check_mode(req.text("mode"), flatten)
    entry: dict[str, Any] = {"name": name}
    raw_source = req.text("source")
    if raw_source is not None:
        if scope.is_project:
            raise UsageError("--source is not supported in project mode: a project's extras "
                             f"are in .skillshare/extras/{name}")
        entry["source"] = configedit.display_path(scope, scope.expand(raw_source.strip()))
    paths = list(dict.fromkeys(target_path(scope, name, raw) for raw in raw_targets))
    entry["targets"] = [edit.target_entry(scope, p, mode, flatten) for p in paths]
    new_doc = edit.put_extra(doc, entry)
    new_config = from_document(scope, new_doc)  # (bad input stops here: nothing changed)
    extra = find_extra(new_config, name)
    created = not os.path.isdir(extra.source)
    if created and os.path.lexists(extra.source):
        raise UsageError(f"the source {extra.source} is a file, not a folder")
    dry_run = req.flag("dry_run")
    if not dry_run:
        if created:
            fsops.makedirs(extra.source)
        new_config = configedit.save(scope, new_doc)
        extra = find_extra(new_config, name)
    return {"action": "init", "scope": scope.name, "dry_run": dry_run,
            "replaced": existing is not None, "source_created": created,
            "extra": describe_extra(extra), "daemon_syncs": daemon_syncs(req, scope)}


# -- remove, source ---------------------------------------------------------------------------


def extras_remove(req: Request, name: str) -> ExtraRemovedResult:
    scope, doc, config = load(req)
    extra = find_extra(config, name)
    dry_run = req.flag("dry_run")
    new_doc = edit.drop_extra(doc, name)
    if dry_run:
        from_document(scope, new_doc)
    else:
        configedit.save(scope, new_doc)
    return {"action": "remove", "scope": scope.name, "dry_run": dry_run, "name": name,
            "source": str(extra.source)}


def extras_source(req: Request, raw: str | None) -> ExtrasSourceResult:
    scope, doc, config = load(req)
    if scope.is_project:
        raise UsageError("extras source is not supported in project mode: a project's "
                         "extras are in .skillshare/extras/<name>", hint="run it with -g")
    previous = extras_parent(config)
    dry_run = req.flag("dry_run")
    if raw is None or not raw.strip():
        if raw is not None:
            raise UsageError("the extras source needs a folder path")
        return {"action": "source", "scope": scope.name, "dry_run": dry_run,
                "extras_source": str(previous), "default": config.extras_source is None,
                "changed": False, "previous": None}
    path = scope.expand(raw.strip())
    if os.path.lexists(path) and not os.path.isdir(path):
        raise UsageError(f"{path} is a file, not a folder")
    for extra in config.extras:
        for target in extra.targets:
            if overlaps(target.path, path):
                raise UsageError(f"{path} overlaps {target.path}, a target of extra "
                                 f"'{extra.name}'")
    new_doc = edit.set_extras_source(scope, doc, path)
    new_config = from_document(scope, new_doc)
    if not dry_run and new_doc != doc:
        new_config = configedit.save(scope, new_doc)
    return {"action": "source", "scope": scope.name, "dry_run": dry_run,
            "extras_source": str(extras_parent(new_config)), "default": False,
            "changed": path != previous or config.extras_source is None,
            "previous": str(previous)}


# -- collect ----------------------------------------------------------------------------------


def extras_collect(req: Request, name: str) -> ExtraCollectResult:
    scope, _, config = load(req)
    extra = find_extra(config, name)
    target = pick_target(scope, extra, req.text("from"), "--from")
    if target.extension is not None:
        raise UsageError(f"{target.path} is made by the transform extension "
                         f"'{target.extension}' (one way): nothing to collect")
    if target.mode == "symlink" or os.path.islink(target.path):
        raise UsageError(f"{target.path} is a link to the source (symlink mode): its files "
                         "are the source's already")
    if not os.path.isdir(target.path):
        raise NotFoundError(f"target folder {target.path} does not exist")
    if overlaps(Path(os.path.realpath(target.path)), extra.source):
        raise UsageError(f"{target.path} leads into the source {extra.source}")
    dry_run = req.flag("dry_run")
    done = collect_target(extra, target, scope.is_project, dry_run, config.copy_ignore())
    return {"action": "collect", "scope": scope.name, "dry_run": dry_run, "name": name,
            "target": str(target.path), "mode": target.mode, "collected": done.collected,
            "conflicts": done.conflicts, "skipped": done.skipped, "failed": done.failed,
            "summary": {"failed": len(done.failed)}}
