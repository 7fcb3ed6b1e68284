"""``trash [skills|agents]``: list, restore, delete or empty the soft-deleted skills, or
(``trash agents ...``, ``--kind agent``) agents, as the original skillshare keeps the two
apart. An agent is restored to its path in the agents source, never over a file there (the
trash itself is :mod:`skillshared.store.trash`)."""

from __future__ import annotations

import os
from pathlib import Path

from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.kindpick import AGENT, SKILL, kind_of
from skillshared.commands.request import Request
from skillshared.commands.results_kinds import (
    Kind,
    TrashKind,
    TrashKindsList,
    TrashKindsRestore,
    TrashKindsResult,
)
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.store.trash import Item, agent_items, delete, find, items, restore


def cmd_trash(req: Request) -> TrashKindsResult:
    trash_dir = req.scope().trash_dir
    kind = _kind(req)
    action = req.text("action") or "list"
    key = req.text("name")
    dry_run = req.flag("dry_run")
    if action in ("list", "ls"):
        return _list(req, kind)
    if action == "empty":
        listed = _items(trash_dir, kind)
        if listed and not req.flag("force") and not dry_run:
            raise UsageError(f"emptying the trash deletes {len(listed)} items for good",
                             hint=f"run `skillshare trash {_word(kind)}empty --force`")
        if not dry_run:
            for item in listed:
                delete(trash_dir, item)
        return {"action": "empty", "kind": kind, "dry_run": dry_run,
                "items": [i.to_dict() for i in listed]}
    if action not in ("restore", "delete", "rm"):
        raise UsageError(f"unknown trash action '{action}'",
                         hint="use list, restore <name>, delete <name> or empty")
    if not key:
        raise UsageError(f"usage: skillshare trash {_word(kind)}{action} <name>")
    item = _find_any(trash_dir, key, action) if kind == "all" else _find(
        trash_dir, key, kind, action)
    kind = "agent" if item.kind == AGENT else "skill"
    if action in ("delete", "rm"):
        if not dry_run:
            delete(trash_dir, item)
        return {"action": "delete", "kind": kind, "dry_run": dry_run, "item": item.to_dict()}
    return _restore(req, item, kind, dry_run)


def _find(trash_dir: Path, key: str, kind: Kind, action: str) -> Item:
    """The item ``key`` names; when it is not among the skills but among the agents, the
    error says so."""
    try:
        return find(trash_dir, key, kind)
    except NotFoundError as exc:
        if kind == SKILL:
            try:
                find(trash_dir, key, AGENT)
            except SkillshareError:
                raise exc from None
            raise NotFoundError(f"'{key}' not found in the trash of skills; an agent of that "
                                "name is in the trash of agents",
                                hint=f"run `skillshare trash agents {action} {key}`") from None
        raise


def _kind(req: Request) -> TrashKind:
    """``skill`` (the default), ``agent`` (``trash agents``, ``--kind agent``) or ``all``
    (``--all``: both, as one list; an item is then found in either trash)."""
    kind = kind_of(req.text("kind"))
    if req.flag("all"):
        if kind is not None:
            raise UsageError(f"`trash` was given --all (skills and agents) and the kind "
                             f"'{kind}'", hint="give one of them")
        return "all"
    return "agent" if kind == AGENT else "skill"


def _items(trash_dir: Path, kind: TrashKind) -> list[Item]:
    """The items of one trash, or (``all``) of both, newest first."""
    if kind != "all":
        return items(trash_dir, kind=kind)
    both = items(trash_dir, kind=SKILL) + items(trash_dir, kind=AGENT)
    return sorted(both, key=lambda i: -i.trashed_at)


def _find_any(trash_dir: Path, key: str, action: str) -> Item:
    """``trash --all restore <name>``: the item in either trash; a name in both is refused
    (which one is meant is for the user to say)."""
    found = []
    for kind in (SKILL, AGENT):
        try:
            found.append(find(trash_dir, key, kind))
        except NotFoundError:
            continue
    if not found:
        raise NotFoundError(f"'{key}' not found in the trash of skills or of agents",
                            hint="see `skillshare trash --all list`")
    if len(found) > 1:
        raise UsageError(f"'{key}' is in the trash of skills and in the trash of agents; "
                         "nothing was changed", hint=f"run `skillshare trash {action} {key}` "
                         f"or `skillshare trash agents {action} {key}`")
    return found[0]


def _word(kind: str) -> str:
    return {AGENT: "agents ", "all": "--all "}.get(kind, "")


def _list(req: Request, kind: TrashKind) -> TrashKindsList:
    trash_dir = req.scope().trash_dir
    listed = _items(trash_dir, kind)
    agents = (len(items(trash_dir, tidy=False, kind=AGENT)) if kind == SKILL
              else sum(i.kind == AGENT for i in listed))
    return {"action": "list", "kind": kind, "dir": str(trash_dir),
            "items": [i.to_dict() for i in listed], "bytes": sum(i.bytes for i in listed),
            "retention_days": _retention(req), "agents_kept": agent_items(trash_dir),
            "agents": agents}


def _restore(req: Request, item: Item, kind: Kind, dry_run: bool) -> TrashKindsRestore:
    config = req.config()
    root: str | None
    if kind == AGENT:
        if item.file is None:
            raise SkillshareError(f"the trash item {item.entry} holds no agent file; nothing "
                                  "was changed")
        dest, root = str(config.agents / item.file), str(config.agents)
    else:
        dest = item.origin or os.path.join(config.source, item.name)
        root = None if item.origin else str(config.source)
    if not dry_run:
        restore(req.scope().trash_dir, item, dest, root)
    return {"action": "restore", "kind": kind, "dry_run": dry_run, "item": item.to_dict(),
            "to": dest, "daemon_syncs": daemon_syncs(req, config.scope)}


def _retention(req: Request) -> int | None:
    try:
        return req.config().trash_retention_days
    except SkillshareError:
        return None
