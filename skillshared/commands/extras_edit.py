"""``extras <name> --mode | --flatten | --no-flatten | --add-target | --remove-target``:
one change to an extra's targets in the config (``--prune`` also removes what a sync put in
the target that leaves; see :func:`skillshared.commands.extras_ops.prune_target`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skillshared.commands import extras_doc as edit
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.extras_common import (
    check_mode,
    find_extra,
    load,
    pick_target,
    target_path,
    usage,
)
from skillshared.commands.extras_ops import Pruned, prune_target
from skillshared.commands.extras_state import describe_extra
from skillshared.commands.results_extras import ExtraUpdatedResult
from skillshared.core.config_extras import ExtraConfig, ExtraTarget
from skillshared.core.config_file import from_document
from skillshared.core.errors import UsageError
from skillshared.core.paths import Scope
from skillshared.store import configedit

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def extras_edit(req: Request, name: str) -> ExtraUpdatedResult:
    scope, doc, config = load(req)
    extra = find_extra(config, name)
    chosen = [k for k in ("add_target", "remove_target") if req.args.get(k)]
    toggles = [k for k in ("flatten", "no_flatten") if req.flag(k)]
    if len(chosen) > 1 or len(toggles) > 1 or (chosen == ["remove_target"] and
                                                (toggles or req.text("mode"))):
        raise usage("give one change at a time: --mode, --flatten/--no-flatten, "
                     "--add-target or --remove-target")
    if req.flag("prune") and chosen != ["remove_target"]:
        raise usage("--prune goes with --remove-target")
    pruned = Pruned()
    if chosen == ["add_target"]:
        new_doc, changes = _add(req, scope, doc, extra)
    elif chosen == ["remove_target"]:
        new_doc, changes, target = _remove(req, scope, doc, extra)
    elif toggles and req.text("mode"):
        raise usage("give --mode and --flatten/--no-flatten one at a time")
    elif toggles:
        new_doc, changes = _flatten(req, scope, doc, extra, toggles == ["flatten"])
    else:
        new_doc, changes = _mode(req, scope, doc, extra)
    new_config = from_document(scope, new_doc)  # (bad input stops here: nothing changed)
    dry_run = req.flag("dry_run")
    if changes and not dry_run:
        new_config = configedit.save(scope, new_doc)
    if chosen == ["remove_target"] and req.flag("prune"):
        pruned = prune_target(extra, target, dry_run)
    return {"action": "update", "scope": scope.name, "dry_run": dry_run, "name": name,
            "changes": changes, "pruned": pruned.removed, "kept": pruned.kept,
            "extra": describe_extra(find_extra(new_config, name)),
            "daemon_syncs": daemon_syncs(req, scope)}


def _targets(req: Request, scope: Scope, extra: ExtraConfig,
             every_by_default: bool) -> list[ExtraTarget]:
    named = req.texts("target")
    if len(named) > 1:
        raise usage("name one --target")
    if not named and every_by_default:
        return list(extra.targets)
    return [pick_target(scope, extra, named[0] if named else None, "--target")]


def _mode(req: Request, scope: Scope, doc: dict[str, Any],
          extra: ExtraConfig) -> tuple[dict[str, Any], list[str]]:
    mode = check_mode(req.text("mode"), False)
    changes: list[str] = []
    for target in _targets(req, scope, extra, every_by_default=False):
        if target.extension is not None:
            raise UsageError(f"{target.path} is made by a transform extension, which this "
                             "version does not run: its mode cannot be changed here")
        if target.flatten and mode == "symlink":
            raise UsageError(f"{target.path} is flattened, which mode symlink cannot do",
                             hint=f"first: skillshare extras {extra.name} --no-flatten "
                             f"--target {target.path}")
        if target.mode != mode:
            doc = edit.set_target_field(scope, doc, extra.name, target.path, "mode", mode)
            changes.append(f"mode of {_shown(scope, target)}: {target.mode} -> {mode}")
    return doc, changes


def _flatten(req: Request, scope: Scope, doc: dict[str, Any], extra: ExtraConfig,
             on: bool) -> tuple[dict[str, Any], list[str]]:
    changes: list[str] = []
    for target in _targets(req, scope, extra, every_by_default=True):
        if on and target.mode == "symlink":
            raise UsageError(f"{target.path} is in mode symlink, which cannot be flattened",
                             hint=f"first: skillshare extras {extra.name} --mode merge "
                             f"--target {target.path}")
        if target.flatten != on:
            doc = edit.set_target_field(scope, doc, extra.name, target.path, "flatten", on)
            changes.append(f"flatten of {_shown(scope, target)}: {'on' if on else 'off'}")
    return doc, changes


def _add(req: Request, scope: Scope, doc: dict[str, Any],
         extra: ExtraConfig) -> tuple[dict[str, Any], list[str]]:
    if req.texts("target"):
        raise usage("--add-target takes the path itself (no --target)")
    path = target_path(scope, extra.name, str(req.text("add_target")))
    if any(t.path == path for t in (*extra.targets, *extra.left_out)):
        raise UsageError(f"{path} is already a target of extra '{extra.name}'")
    flatten = req.flag("flatten")
    mode = check_mode(req.text("mode"), flatten)
    entry = edit.target_entry(scope, path, mode, flatten)
    return edit.add_target(doc, extra.name, entry), [f"added target {entry['path']} ({mode}"
                                                     f"{', flatten' if flatten else ''})"]


def _remove(req: Request, scope: Scope, doc: dict[str, Any], extra: ExtraConfig
            ) -> tuple[dict[str, Any], list[str], ExtraTarget]:
    target = pick_target(scope, extra, str(req.text("remove_target")), "--remove-target")
    if len(extra.targets) + len(extra.left_out) == 1:
        raise UsageError(f"{target.path} is the only target of extra '{extra.name}'",
                         hint=f"remove the extra instead: skillshare extras remove "
                         f"{extra.name}")
    return (edit.drop_target(scope, doc, extra.name, target.path),
            [f"removed target {_shown(scope, target)}"], target)


def _shown(scope: Scope, target: ExtraTarget) -> str:
    return configedit.display_path(scope, target.path)
