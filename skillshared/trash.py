"""The trash (SPEC §7): soft-deleted skills, kept ``trash.retention_days``.

An item is ``<trash>/<name>_<YYYY-MM-DD_HH-MM-SS>/`` (the folder as it was) with
``<trash>/<name>_<timestamp>.json`` beside it: where it came from, why, and when. The note is
written before the folder is moved in, so a crash leaves either the folder where it was (and
a note the next listing drops) or the folder in the trash with its note. Items are found by
name (the newest one) or by their full folder name.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared import fsops, trees
from skillshared.backup import TS_FORMAT, parse_ts
from skillshared.errors import NotFoundError, SkillshareError, UsageError

if TYPE_CHECKING:
    from skillshared.service import Request

NOTE = ".json"
DOOMED = ".del-"  # an item being deleted (renamed first: never listed half-deleted)


@dataclass(frozen=True)
class Item:
    entry: str  # the folder's name in the trash
    name: str
    origin: str | None
    reason: str | None
    trashed_at: float
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {"entry": self.entry, "name": self.name, "origin": self.origin,
                "reason": self.reason, "trashed_at": time.strftime(
                    "%Y-%m-%dT%H:%M:%S%z", time.localtime(self.trashed_at)),
                "trashed_ts": self.trashed_at, "bytes": self.bytes}


def _name_problem(name: str) -> str | None:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        return "must be a skill's name, without '/', '\\' or '..'"
    return None


def put(trash_dir: Path, path: str, name: str, reason: str, now: float | None = None) -> str:
    """Move the folder at ``path`` into the trash as ``name``; returns the item's folder."""
    problem = _name_problem(name)
    if problem:
        raise UsageError(f"cannot trash {name!r}: the name {problem}")
    fsops.make_private_dir(trash_dir)
    when = time.time() if now is None else now
    stamp = time.strftime(TS_FORMAT, time.localtime(when))
    entry, count = f"{name}_{stamp}", 1
    while os.path.lexists(trash_dir / entry) or os.path.lexists(trash_dir / (entry + NOTE)):
        count += 1
        entry = f"{name}_{stamp}-{count}"
    note = {"name": name, "origin": path, "reason": reason, "trashed_at": when}
    fsops.atomic_write(trash_dir / (entry + NOTE), json.dumps(note).encode(), mode=0o600)
    try:
        fsops.move_tree(path, str(trash_dir / entry))
    except BaseException:
        fsops.remove_quietly(trash_dir / (entry + NOTE))
        raise
    fsops.fsync_dir(trash_dir)
    return str(trash_dir / entry)


def _size(path: Path) -> int:
    try:
        return sum(st.st_size for _, st in trees.walk(str(path)))
    except OSError:
        return 0


def items(trash_dir: Path) -> list[Item]:
    """What is in the trash, newest first (notes without their folder are dropped)."""
    try:
        names = os.listdir(trash_dir)
    except FileNotFoundError:
        return []
    found = []
    present = set(names)
    for entry in names:
        if entry.endswith(NOTE) or entry.startswith((DOOMED, ".")):
            continue
        note: dict[str, Any] = {}
        try:
            with open(trash_dir / (entry + NOTE), encoding="utf-8") as handle:
                loaded = json.load(handle)
            note = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            pass
        stamped = parse_ts(entry[-19:]) if entry[-20:-19] == "_" else None
        when = note.get("trashed_at")
        if not isinstance(when, (int, float)):
            when = stamped if stamped is not None else os.lstat(trash_dir / entry).st_mtime
        name = note.get("name")
        if not isinstance(name, str):
            name = entry[:-20] if stamped is not None else entry
        found.append(Item(entry, name, _text(note.get("origin")), _text(note.get("reason")),
                          float(when), _size(trash_dir / entry)))
    for entry in names:  # notes of items that never arrived, or were taken out
        if entry.endswith(NOTE) and entry[:-len(NOTE)] not in present:
            fsops.remove_quietly(trash_dir / entry)
    return sorted(found, key=lambda i: (i.trashed_at, i.entry), reverse=True)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def find(trash_dir: Path, key: str) -> Item:
    problem = _name_problem(key)
    if problem:
        raise UsageError(f"invalid trash item {key!r}: {problem}")
    listed = items(trash_dir)
    for item in listed:
        if item.entry == key:
            return item
    for item in listed:
        if item.name == key:
            return item
    raise NotFoundError(f"'{key}' not found in the trash",
                        hint="see `skillshare trash list`")


def delete(trash_dir: Path, item: Item) -> None:
    doomed = trash_dir / f"{DOOMED}{item.entry}"
    os.rename(trash_dir / item.entry, doomed)
    fsops.remove_quietly(trash_dir / (item.entry + NOTE))
    fsops.remove_tree(doomed)


def sweep(trash_dir: Path) -> None:
    """Finish deletions that were interrupted."""
    try:
        names = [n for n in os.listdir(trash_dir) if n.startswith(DOOMED)]
    except FileNotFoundError:
        return
    for name in names:
        fsops.remove_tree(trash_dir / name)


def expire(trash_dir: Path, retention_days: int, now: float | None = None,
           dry_run: bool = False) -> list[Item]:
    """Delete the items older than ``retention_days``; returns them."""
    now = time.time() if now is None else now
    if not dry_run:
        sweep(trash_dir)
    old = [i for i in items(trash_dir) if now - i.trashed_at > retention_days * 86400]
    if not dry_run:
        for item in old:
            delete(trash_dir, item)
    return old


def restore(trash_dir: Path, item: Item, dest: str) -> None:
    if os.path.lexists(dest):
        raise SkillshareError(f"'{item.name}' already exists at {dest}",
                              hint="move it away first, or restore the item elsewhere")
    fsops.makedirs(os.path.dirname(dest))
    fsops.move_tree(str(trash_dir / item.entry), dest)
    fsops.remove_quietly(trash_dir / (item.entry + NOTE))


def cmd_trash(req: Request) -> dict[str, Any]:
    scope = req.scope()
    trash_dir = scope.trash_dir
    action = req.text("action") or "list"
    key = req.text("name")
    dry_run = req.flag("dry_run")
    if action in ("list", "ls"):
        listed = items(trash_dir)
        return {"action": "list", "dir": str(trash_dir), "items": [i.to_dict() for i in listed],
                "bytes": sum(i.bytes for i in listed), "retention_days": _retention(req)}
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
        restore(trash_dir, item, dest)
    return {"action": "restore", "dry_run": dry_run, "item": item.to_dict(), "to": dest}


def _retention(req: Request) -> int | None:
    try:
        return req.config().trash_retention_days
    except SkillshareError:
        return None
