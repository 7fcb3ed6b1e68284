"""``uninstall``, in global and project mode: a tracked repo or a skill goes to the trash,
with its install record; an install that is recorded but gone is forgotten."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.catalog import skills
from skillshared.commands.results_install import Uninstalled, UninstallResult
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.git import gitops, installs, tracked
from skillshared.store import trash

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def _find(config: Config, repos: dict[str, Path], by_flat: dict[str, str], name: str) -> Path:
    """What ``uninstall <name>`` means: a tracked repo (its path, or its name with or without
    ``_``), or a skill (its flat name or its path in the source)."""
    if ".." not in name.split("/") and not name.startswith("/"):
        if name in repos:
            return repos[name]
        path = by_flat.get(name) or by_flat.get(skills.flat_name(name))
        if path:
            return Path(path)
        if repos:
            try:
                return repos[tracked.resolve(repos, name)]
            except NotFoundError:
                pass
    raise NotFoundError(f"nothing named '{name}' in {config.source}",
                        hint="see `skillshare list` (tracked repos are `_name`)")


def cmd_uninstall(req: Request) -> UninstallResult:
    config = req.config()
    names = req.texts("names")
    if not names:
        raise UsageError("usage: skillshare uninstall <name>...")
    repos = tracked.repos(config.source)
    by_flat = {s.flat_name: s.path for s in skills.discover(config.source).skills}
    absent = {r.rel: r for r in installs.load(config)
              if not os.path.lexists(config.source / r.rel)}
    chosen, forgotten = [], []
    for name in names:
        try:
            folder = _find(config, repos, by_flat, name)
        except NotFoundError:
            if not absent:
                raise
            forgotten.append(tracked.resolve(absent, name, "installed skill or repo"))
            continue
        try:
            changes = tracked.dirty(folder, req.paths.env)
        except gitops.GitError as exc:  # a damaged repository: it can still go to the trash
            if not req.flag("force"):
                raise SkillshareError(f"{name}: its git state cannot be read ({exc.message}), "
                                      "so uncommitted changes cannot be ruled out; nothing was "
                                      "uninstalled", hint="use --force to move it to the "
                                      "trash as it is") from None
            changes = []
        if changes and not req.flag("force"):
            many = "s" if len(changes) != 1 else ""
            raise SkillshareError(f"{name} has {len(changes)} uncommitted change{many}; "
                                  "nothing was uninstalled", hint="commit or copy them first, "
                                  "or use --force (it goes to the trash either way)",
                                  details=changes)
        chosen.append((name, folder, Path(os.path.relpath(folder, config.source)).as_posix(),
                       changes))
    removed: list[Uninstalled] = []
    dry_run = req.flag("dry_run")
    for name, folder, rel, changes in chosen:
        item = None if dry_run else trash.put(config.scope.trash_dir, str(folder),
                                              skills.flat_name(rel), "uninstall")
        removed.append({"name": name, "path": str(folder), "trash": item,
                        "uncommitted": len(changes)})
    if not dry_run:
        installs.drop(config, [*(rel for _, _, rel, _ in chosen), *forgotten])
    expired = [] if dry_run else trash.expire(config.scope.trash_dir,
                                              config.trash_retention_days)
    return {"dry_run": dry_run, "removed": removed, "forgotten": forgotten,
            "expired": len(expired)}
