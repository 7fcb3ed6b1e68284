"""``trash``: list, restore, delete or empty the soft-deleted skills (the trash itself is
:mod:`skillshared.store.trash`)."""

from __future__ import annotations

import os

from skillshared.commands.request import Request
from skillshared.commands.results_backup import TrashResult
from skillshared.core.errors import SkillshareError, UsageError
from skillshared.store.trash import agent_items, delete, find, items, restore


def cmd_trash(req: Request) -> TrashResult:
    scope = req.scope()
    trash_dir = scope.trash_dir
    action = req.text("action") or "list"
    key = req.text("name")
    dry_run = req.flag("dry_run")
    if action in ("list", "ls"):
        listed = items(trash_dir)
        return {"action": "list", "dir": str(trash_dir), "items": [i.to_dict() for i in listed],
                "bytes": sum(i.bytes for i in listed), "retention_days": _retention(req),
                "agents_kept": agent_items(trash_dir)}
    if action == "empty":
        listed = items(trash_dir)
        if listed and not req.flag("force") and not dry_run:
            raise UsageError(f"emptying the trash deletes {len(listed)} items for good",
                             hint="run `skillshare trash empty --force`")
        if not dry_run:
            for item in listed:
                delete(trash_dir, item)
        return {"action": "empty", "dry_run": dry_run, "items": [i.to_dict() for i in listed]}
    if action not in ("restore", "delete", "rm"):
        raise UsageError(f"unknown trash action '{action}'",
                         hint="use list, restore <name>, delete <name> or empty")
    if not key:
        raise UsageError(f"usage: skillshare trash {action} <name>")
    item = find(trash_dir, key)
    if action in ("delete", "rm"):
        if not dry_run:
            delete(trash_dir, item)
        return {"action": "delete", "dry_run": dry_run, "item": item.to_dict()}
    config = req.config()
    dest = item.origin or os.path.join(config.source, item.name)
    if not dry_run:
        restore(trash_dir, item, dest, None if item.origin else str(config.source))
    return {"action": "restore", "dry_run": dry_run, "item": item.to_dict(), "to": dest}


def _retention(req: Request) -> int | None:
    try:
        return req.config().trash_retention_days
    except SkillshareError:
        return None
