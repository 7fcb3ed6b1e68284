"""``collect``: bring skills made in a target back into the source (SPEC §6; the seed's three
steps: find the target's own skills, copy each into the source, replace it with our link).

The copy is built in a hidden ``.skillshare-tmp-*`` folder in the source, checked against
the target's folder, then renamed into place. The target's folder is replaced by the sync
rule for a real folder identical to its source skill (SPEC §5), on just the collected names,
so copy-mode targets adopt it as a managed copy instead. A skill that exists in the source
with other content is a conflict (skipped) unless ``--force``, which moves the source's
version to the trash first.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.catalog import skills
from skillshared.catalog.kinds import SKILL_FILE, SKILLS
from skillshared.commands import restore, verbosity
from skillshared.commands.collect_agents import cmd_collect_agents
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.request import pick_targets
from skillshared.commands.results import (
    Collected,
    CollectFailure,
    CollectItem,
    CollectResult,
    LinkedTarget,
    Skipped,
)
from skillshared.commands.results_agents import CollectAgentsResult
from skillshared.core.config import Config, TargetConfig
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.core.results import SyncReport
from skillshared.engine import fsops, reconcile, trees
from skillshared.engine.groups import source_roots
from skillshared.engine.observe import own_original, read_manifest
from skillshared.store import trash

if TYPE_CHECKING:
    from skillshared.commands.request import Request


@dataclass(frozen=True)
class Local:
    target: str
    name: str
    path: str
    digest: str


def _escaping_link(folder: str) -> str | None:
    real = os.path.realpath(folder)
    for rel, st in trees.walk(folder):
        path = os.path.join(folder, rel)
        if stat.S_ISLNK(st.st_mode):
            dest = os.path.realpath(path)
            if dest != real and not dest.startswith(real + os.sep):
                return rel
    return None


def local_skills(config: Config, target: TargetConfig, in_source: Mapping[str, str] | None = None
                 ) -> tuple[list[Local], list[Skipped]]:
    """A target's own skills (real folders holding a SKILL.md that are not our unedited
    copies, nor the original tool's copies as they are in the source: ``in_source``, the
    source's skill folders by flat name), and the folders passed over with the reason."""
    path = str(target.path)
    if os.path.lexists(path) and not os.path.isdir(path):
        return [], [{"target": target.name, "name": "", "reason": f"the target path {path} "
                     "is not a folder"}]
    if target.mode == "symlink" or not os.path.isdir(path):
        return [], []
    if os.path.islink(path):
        dest = os.path.realpath(path)
        if any(dest == r or dest.startswith(r + os.sep)
               for r in source_roots(config.source)):
            return [], []  # the target is the source
    real = os.path.realpath(path)
    rules = config.copy_ignore()
    manifest = own_original(read_manifest(real), real, rules, config.limits)
    records = manifest.records
    found: list[Local] = []
    skipped: list[Skipped] = []
    with os.scandir(real) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = entry.name
        if name.startswith(".") or entry.is_symlink() or not entry.is_dir():
            continue
        record = records.get(name)
        try:
            if record is not None and trees.digest(entry.path, rules,
                                                   config.limits) == record.digest:
                continue  # our copy, unedited
        except trees.TooLarge:
            pass  # then it is not our copy: we copy nothing that large
        if manifest.original and _as_in_source(config, manifest.original.copies, entry.path,
                                               in_source or {}):
            continue  # the original tool's copy of the skill as the source has it
        if not SKILLS.is_unit(entry.path):
            skipped.append({"target": target.name, "name": name,
                            "reason": f"not a skill (no {SKILL_FILE})"})
            continue
        problem = skills.name_problem(name)
        if problem is None:
            link = _escaping_link(entry.path)
            if link:
                problem = f"it holds a link to outside the skill ({link})"
        if problem:
            skipped.append({"target": target.name, "name": name, "reason": problem})
            continue
        try:
            found.append(Local(target.name, name, entry.path,
                               trees.digest(entry.path, trees.COPYABLE, config.limits)))
        except trees.TooLarge as exc:
            skipped.append({"target": target.name, "name": name,
                            "reason": f"too large to collect: it {exc.why}"})
    return found, skipped


def _as_in_source(config: Config, copies: Mapping[str, str], path: str,
                  in_source: Mapping[str, str]) -> bool:
    """Whether the folder at ``path``, a copy the original tool recorded in ``copies``, is
    the same as the skill of its name in the source (``in_source``: flat name -> folder),
    under the copy rules."""
    name = os.path.basename(path)
    skill = in_source.get(name)
    if name not in copies or skill is None:
        return False
    rules = config.copy_ignore()
    try:
        return trees.digest(path, rules, config.limits) == trees.digest(skill, rules,
                                                                         config.limits)
    except OSError:
        return False


def _occupied(path: Path) -> bool:
    """Whether something is at ``path`` in the source (an empty folder does not count: the
    collected skill takes its place)."""
    if not os.path.lexists(path):
        return False
    return not (path.is_dir() and not path.is_symlink() and not any(path.iterdir()))


def _chosen(config: Config, names: list[str], every: bool) -> list[TargetConfig]:
    if names and every:
        raise UsageError("name targets or use --all, not both")
    if not names and not every:
        if len(config.targets) == 1:
            return list(config.targets)
        known = ", ".join(t.name for t in config.targets) or "none"
        raise UsageError("name the target to collect from, or use --all",
                         hint=f"configured targets: {known}")
    picked = pick_targets(config, names)
    return [t for t in config.targets if picked is None or t.name in picked]


def cmd_collect_kind(req: Request) -> CollectResult | CollectAgentsResult:
    """``collect [skills|agents] <target>... | --all``: the first word picks the kind
    (skills when it is neither); with ``-v`` and ``-q`` in the result."""
    result = verbosity.echo(req, _collect_kind(req))
    result["daemon_syncs"] = daemon_syncs(req, req.scope())
    return result


def _collect_kind(req: Request) -> CollectResult | CollectAgentsResult:
    names = req.texts("targets")
    if names[:1] == ["agents"]:
        if req.texts("skill"):
            raise UsageError("--skill chooses skills; it does not go with `collect agents`",
                             hint="collect agents from a target without --skill")
        return cmd_collect_agents(req, names[1:])
    if names[:1] == ["skills"]:
        return cmd_collect(req, names[1:])
    return cmd_collect(req)


def cmd_collect(req: Request, names: list[str] | None = None) -> CollectResult:
    config = req.config()
    chosen = _chosen(config, req.texts("targets") if names is None else names,
                     req.flag("all"))
    dry_run, force = req.flag("dry_run"), req.flag("force")
    source = config.source
    if not source.is_dir():
        raise UsageError(f"the source folder does not exist: {source}",
                         hint="create it, or run `skillshare init`")
    if not dry_run:
        fsops.remove_temps(source)
        restore.recover(config)
    discovery = skills.discover(source)
    in_source = {s.flat_name: s.path for s in discovery.skills}
    collected: list[Collected] = []
    same: list[CollectItem] = []
    skipped: list[Skipped] = []
    failed: list[CollectFailure] = []
    taken: dict[str, Local] = {}  # name -> the local skill collected (first target wins)
    found: list[Local] = []
    for target in chosen:
        here, passed = local_skills(config, target, in_source)
        found += here
        skipped += passed
    if req.texts("skill"):
        found, skipped = _only(req.texts("skill"), chosen, found, skipped)
    for local in found:
        item: CollectItem = {"target": local.target, "name": local.name, "from": local.path}
        first = taken.get(local.name)
        existing = in_source.get(local.name) or (
            str(source / local.name) if _occupied(source / local.name) else None)
        if first is not None:
            if first.digest == local.digest:
                same.append(item)
            else:
                skipped.append({**item, "reason": f"differs from the copy collected from "
                                                  f"{first.target}"})
            continue
        if existing is not None and os.path.isdir(existing) and (
                trees.digest(existing, trees.COPYABLE) == local.digest):
            same.append(item)
            taken[local.name] = local
            continue
        if existing is not None and not force:
            skipped.append({**item, "reason": f"the source already has a different "
                                              f"{local.name} (use --force to replace it; "
                                              "the source's version goes to the trash)"})
            continue
        taken[local.name] = local
        collected.append({"target": local.target, "name": local.name, "from": local.path,
                          "to": existing or str(source / local.name),
                          "replaces": existing})
    if not dry_run:
        collected = _copy_all(config, collected, taken, failed)
    names = sorted({i["name"] for i in collected + same})
    report = None
    if names and not dry_run:
        report = reconcile.sync(config, skills.discover(source), only=[t.name for t in chosen],
                                names=names)
    return {"scope": config.scope.name, "dry_run": dry_run, "force": force,
            "targets": [t.name for t in chosen], "collected": collected, "same": same,
            "skipped": skipped, "failed": failed,
            "linked": _linked(report), "summary": {"failed": len(failed)}}


def _only(wanted: list[str], chosen: list[TargetConfig], found: list[Local],
          skipped: list[Skipped]) -> tuple[list[Local], list[Skipped]]:
    """``--skill``: only the local skills of these names (as the targets hold them); a name
    that is no local skill of the chosen targets is a NotFoundError (nothing is collected)."""
    known = {local.name for local in found} | {s["name"] for s in skipped}
    missing = [name for name in dict.fromkeys(wanted) if name not in known]
    if missing:
        where = ", ".join(t.name for t in chosen)
        local = sorted({local.name for local in found})
        raise NotFoundError(
            f"no local skill named {', '.join(missing)} in {where}",
            hint="`skillshare collect <target> --dry-run` lists the local skills it would "
                 "collect" if local else "the target holds no local skill to collect",
            details=[f"local skills: {', '.join(local)}"] if local else None)
    return ([local for local in found if local.name in wanted],
            [s for s in skipped if s["name"] in wanted or not s["name"]])


def _copy_all(config: Config, planned: list[Collected], taken: dict[str, Local],
              failed: list[CollectFailure]) -> list[Collected]:
    done = []
    for item in planned:
        local = taken[item["name"]]
        left_out: list[tuple[str, str]] = []
        try:
            item["trashed"] = _copy_one(config, local, item["to"], item["replaces"], left_out)
            if left_out:  # special files: a copy cannot hold them; they stay in the target
                item["left_out"] = [{"path": p, "why": kind} for p, kind in left_out]
            done.append(item)
        except (OSError, fsops.ChangedError) as exc:
            failed.append({"target": local.target, "name": local.name,
                           "error": f"{exc.strerror or exc}" if isinstance(exc, OSError)
                           else str(exc)})
    return done


def _copy_one(config: Config, local: Local, dest: str, replaces: str | None,
              left_out: list[tuple[str, str]]) -> str | None:
    """Copy, check, (trash the old version), put in place; returns the trash item, if any
    (``left_out`` gets the special files the copy could not hold)."""
    parent = os.path.dirname(dest)
    temp = str(config.source / fsops.temp_name(fsops.TAG_NEW, local.name))
    with fsops.temp_tree(temp):
        made = fsops.copy_tree(local.path, temp, durable=True, limits=config.limits,
                               left_out=left_out)
        if made != local.digest or trees.digest(temp) != local.digest:
            raise fsops.ChangedError(0, "it changed while it was being collected; run collect "
                                        "again", local.path)
        trashed = None
        if replaces is not None:
            trashed = trash.put(config.scope.trash_dir, replaces, skills.flat_name(
                os.path.relpath(replaces, config.source)), f"replaced by collect from "
                f"{local.target}")
        if os.path.isdir(dest) and not os.path.islink(dest):
            fsops.remove_empty_dir(dest)  # an empty folder was in the way
        fsops.rename_no_replace(temp, dest)
        fsops.fsync_dir(parent)
        return trashed


def _linked(report: SyncReport | None) -> list[LinkedTarget]:
    if report is None:
        return []
    return [{"target": t["name"], "changes": t["changes"], "conflicts": t["conflicts"],
             "error": t["error"]} for t in report["targets"]]
