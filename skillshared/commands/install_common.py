"""What ``install`` and ``update`` share: the audit's threshold and gate, a failed item,
and the copy of a skill into the source."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.audit.findings import threshold
from skillshared.audit.gate import Gate
from skillshared.audit.rulefiles import rule_files
from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.core.results_git import UpdateItem
from skillshared.engine import fsops, trees
from skillshared.engine.trees import SKIP_GIT
from skillshared.git import tracked
from skillshared.store import trash

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def level_of(req: Request, config: Config) -> str:
    """The threshold of the audit: ``-T``, else the config's."""
    return threshold(req.text("threshold"), config.audit_threshold)


def gate(req: Request, config: Config, level: str) -> Gate | None:
    """How what an install brings in is audited (None with ``--skip-audit``)."""
    if req.flag("skip_audit"):
        return None
    return Gate(tuple(rule_files(req.paths, config)), level, req.flag("force"))


def failure(name: str, exc: SkillshareError, **extra: Any) -> UpdateItem:
    return tracked.update_item({"name": name, **extra}, status="failed", error=exc.message,
                               hint=exc.hint, details=exc.details)



def copy_in(config: Config, src: Path, dest: Path) -> str | None:
    """Copy a skill into the source (checked, then renamed in place); an existing one goes
    to the trash first. Returns that trash item."""
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, dest.name)
    try:
        try:
            made = fsops.copy_tree(str(src), str(temp), SKIP_GIT, durable=True,
                                   limits=config.limits)
        except trees.TooLarge as exc:
            raise SkillshareError(f"{src} is too large to install: it {exc.why}; nothing was "
                                  "installed", hint="raise the limit in the config's "
                                  "`limits:` if you trust it") from None
        if trees.digest(str(temp)) != made:
            raise SkillshareError(f"the copy of {src} does not match it; nothing was installed")
        trashed = None
        if os.path.lexists(dest):
            trashed = trash.put(config.scope.trash_dir, str(dest), dest.name,
                                "replaced by install")
        fsops.makedirs(dest.parent)
        fsops.rename_no_replace(str(temp), str(dest))
        return trashed
    finally:
        tracked.remove_clone(temp)
