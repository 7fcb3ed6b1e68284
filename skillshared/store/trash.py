"""The trash (README: "Backups, restore, trash"): soft-deleted skills, kept
``trash.retention_days``.

An item is ``<trash>/<name>_<YYYY-MM-DD_HH-MM-SS>/`` (the folder as it was) with
``<trash>/<name>_<timestamp>.json`` beside it: where it came from, why, and when. The note is
written before the folder is moved in, so a crash leaves either the folder where it was (and
a note the next listing drops) or the folder in the trash with its note. Items are found by
name (the newest one) or by their full folder name.

The original skillshare (Go) leaves items of the same name without a note, its nested names
keeping their path (``<trash>/frontend/_repo_<timestamp>/``, a skill named ``frontend/_repo``)
and its agents in ``<trash>/agents/``: its items are listed, restored, deleted and expired as
ours (their time is their name's, in local time). Nothing in the trash is followed through
a link.

Agents (single files) are items of their own kind, kept apart in ``<trash>/agents/`` as the
original keeps them: ``<trash>/agents/<name>_<timestamp>/<file>.md`` (ours with its note
beside the folder, recording the agent's path in the agents source; the original's without,
a nested name keeping its path). Every function takes the ``kind`` it works on (skills
unless told); :mod:`skillshared.store.trash_agents` puts an agent in.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillshared.core import timefmt
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.results_trash import KindTrashItem
from skillshared.engine import fsops, fsops_swap, trees
from skillshared.store.backup_format import TS_FORMAT, parse_ts
from skillshared.store.trash_layout import (
    AGENT,
    AGENTS,
    DOOMED,
    KINDS,
    NOTE,
    SKILL,
    agent_file,
    base,
    rel_problem,
)

__all__ = ["AGENT", "AGENTS", "DOOMED", "KINDS", "NOTE", "SKILL", "Item", "agent_file",
           "agent_items", "base", "delete", "expire", "find", "items", "put", "rel_problem",
           "restore", "sweep"]

DEPTH = 8  # how deep the original's nested names are looked for


@dataclass(frozen=True)
class Item:
    entry: str  # the folder's name in the trash
    name: str
    origin: str | None
    reason: str | None
    trashed_at: float
    bytes: int
    original: bool = False  # left by the original skillshare (no note)
    kind: str = SKILL
    file: str | None = None  # an agent's path in the agents source

    def to_dict(self) -> KindTrashItem:
        return {"entry": self.entry, "name": self.name, "origin": self.origin,
                "reason": self.reason, "trashed_at": timefmt.iso(self.trashed_at),
                "bytes": self.bytes,
                "made_by": "original" if self.original else "skillshared",
                "kind": "agent" if self.kind == AGENT else "skill", "file": self.file}


def _name_problem(name: str) -> str | None:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        return "must be a skill's name, without '/', '\\' or '..'"
    return None


def _key_problem(key: str) -> str | None:
    """What is wrong with a name given to find an item: a skill's name, or a nested one
    (``frontend/_repo``) as the original keeps them."""
    if key.startswith("/") or "\\" in key or "\0" in key:
        return "must be a skill's name, without '\\', '..' or a leading '/'"
    parts = key.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "must be a skill's name, without '\\', '..' or empty parts"
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
        fsops_swap.move_tree(path, str(trash_dir / entry))
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


_STAMPED = re.compile(r"^(.+)_(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})(?:-\d+)?$")


def _split(entry: str) -> tuple[str, float] | None:
    """An item folder's name and the (local) time its name records; None if it has none."""
    found = _STAMPED.match(entry)
    when = parse_ts(found.group(2)) if found else None
    return (found.group(1), when) if found and when is not None else None


def items(trash_dir: Path, tidy: bool = True, kind: str = SKILL) -> list[Item]:
    """What is in the trash of ``kind``, newest first (``tidy``: notes without their folder
    are dropped)."""
    folder = base(trash_dir, kind)
    try:
        names = os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    found: list[Item] = []
    _collect(folder, "", names, found, kind)
    present = set(names)
    for entry in names if tidy else ():  # notes of items that never arrived, or taken out
        if entry.endswith(NOTE) and entry[:-len(NOTE)] not in present:
            fsops.remove_quietly(folder / entry)
    hollow = [i for i in found if kind == AGENT and i.file is None]
    for item in hollow if tidy else ():
        _drop_hollow(folder, item.entry)
    return sorted((i for i in found if i not in hollow), key=lambda i: (i.trashed_at, i.entry),
                  reverse=True)


def _drop_hollow(folder: Path, entry: str) -> None:
    """An agent item of ours whose file never arrived (or was already taken out): its empty
    folder and its note go (a folder that is not empty stays, unlisted)."""
    if not os.path.exists(folder / (entry + NOTE)):
        return  # the original's: not ours to remove
    try:
        fsops.remove_empty_dir(folder / entry)
    except OSError:
        return
    fsops.remove_quietly(folder / (entry + NOTE))


def _collect(folder: Path, under: str, names: list[str], found: list[Item],
             kind: str) -> None:
    """Add the items among ``names`` (in the folder ``under`` of the kind's ``folder``):
    ours (with a note), the original's (a folder named with a time); a folder named without
    one holds the original's nested names (looked into, to a depth). Links are never
    followed."""
    present = set(names)
    for entry in sorted(names):
        if entry.endswith(NOTE) or entry.startswith((DOOMED, ".")):
            continue
        rel = f"{under}/{entry}" if under else entry
        path = folder / rel
        stamped = _split(entry)
        if not under and entry + NOTE in present:
            found.append(_ours(folder, rel, stamped, kind))
            continue
        if not path.is_dir() or path.is_symlink():
            continue
        if stamped is not None:
            name = f"{under}/{stamped[0]}" if under else stamped[0]
            found.append(Item(rel, name, None, None, stamped[1], _size(path), original=True,
                              kind=kind, file=_agent_rel(folder, rel, name, kind)))
        elif (under or kind == AGENT or entry != AGENTS) and rel.count("/") < DEPTH:
            try:
                inside = os.listdir(path)
            except OSError:
                continue
            _collect(folder, rel, inside, found, kind)


def _agent_rel(folder: Path, entry: str, name: str, kind: str,
               recorded: str | None = None) -> str | None:
    """Where an agent item goes back to in the agents source: as its note says, else its
    name's folders and the file it holds."""
    if kind != AGENT:
        return None
    inside = agent_file(folder / entry)
    if inside is None:  # not there yet, or already taken out
        return None
    if recorded is not None and rel_problem(recorded) is None:
        return recorded
    parent = os.path.dirname(name)
    return f"{parent}/{inside}" if parent else inside


def _ours(folder: Path, entry: str, stamped: tuple[str, float] | None, kind: str) -> Item:
    note: dict[str, Any] = {}
    try:
        with open(folder / (entry + NOTE), encoding="utf-8") as handle:
            loaded = json.load(handle)
        note = loaded if isinstance(loaded, dict) else {}
    except (OSError, ValueError):
        pass
    when = note.get("trashed_at")
    if not isinstance(when, (int, float)):
        when = stamped[1] if stamped is not None else os.lstat(folder / entry).st_mtime
    name = note.get("name")
    if not isinstance(name, str):
        name = stamped[0] if stamped is not None else entry
    rel = _text(note.get("file"))
    return Item(entry, name, _text(note.get("origin")), _text(note.get("reason")),
                float(when), _size(folder / entry), kind=kind,
                file=_agent_rel(folder, entry, name, kind, rel))


def agent_items(trash_dir: Path) -> int:
    """How many agents the original skillshare trashed (kept in ``<trash>/agents``)."""
    return sum(1 for i in items(trash_dir, tidy=False, kind=AGENT) if i.original)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def find(trash_dir: Path, key: str, kind: str = SKILL) -> Item:
    """The item named ``key`` (its folder's name, else its name: the newest of that name;
    an agent also by its file's path in the agents source)."""
    problem = _key_problem(key)
    if problem:
        raise UsageError(f"invalid trash item {key!r}: {problem}")
    listed = items(trash_dir, kind=kind)
    for keys in ((lambda i: (i.entry,)), (lambda i: (i.name, i.file))):
        for item in listed:
            if key in keys(item):
                return item
    if kind == AGENT:  # a nested agent by its file's name alone, when only one has it
        by_file = [i for i in listed if key in (os.path.basename(i.name),
                                                os.path.basename(i.file or ""))]
        names = sorted({i.name for i in by_file})
        if len(names) > 1:
            raise UsageError(f"'{key}' names {len(names)} agents in the trash: "
                             f"{', '.join(names)}", hint="name one by its path")
        if by_file:
            return by_file[0]
    what = "agent" if kind == AGENT else "item"
    raise NotFoundError(f"'{key}' not found in the trash" + (
        " of agents" if kind == AGENT else ""),
        hint=f"see `skillshare trash {'agents ' if kind == AGENT else ''}list` (a trashed "
             f"{what} is found by its name or its entry)")


def delete(trash_dir: Path, item: Item) -> None:
    folder = base(trash_dir, item.kind)
    doomed = fsops.doom(folder / item.entry,
                        folder / f"{DOOMED}{item.entry.replace('/', '%')}")
    fsops.remove_quietly(folder / (item.entry + NOTE))
    _prune(folder, item.entry)
    fsops.remove_tree(doomed)


def _prune(folder: Path, entry: str) -> None:
    """Remove the folders of a nested name that its item leaves empty (as the original
    does), up to the kind's folder itself."""
    parent = os.path.dirname(entry)
    while parent:
        try:
            fsops.remove_empty_dir(folder / parent)
        except OSError:
            return  # not empty (or gone)
        parent = os.path.dirname(parent)


def sweep(trash_dir: Path, kind: str = SKILL) -> None:
    """Finish deletions that were interrupted."""
    folder = base(trash_dir, kind)
    try:
        names = [n for n in os.listdir(folder) if n.startswith(DOOMED)]
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in names:
        fsops.remove_tree(folder / name)


def expire(trash_dir: Path, retention_days: int, now: float | None = None,
           dry_run: bool = False, kinds: tuple[str, ...] = (SKILL,)) -> list[Item]:
    """Delete the items of ``kinds`` older than ``retention_days``; returns them."""
    now = time.time() if now is None else now
    old: list[Item] = []
    for kind in kinds:
        if not dry_run:
            sweep(trash_dir, kind)
        old += [i for i in items(trash_dir, kind=kind)
                if now - i.trashed_at > retention_days * 86400]
    if not dry_run:
        for item in old:
            delete(trash_dir, item)
    return old


def restore(trash_dir: Path, item: Item, dest: str, root: str | None = None) -> None:
    """Move an item back to ``dest`` (an agent: its file); never over anything there, nor
    (``root``: the folder ``dest`` is in, a nested name's parents made in it) through a link
    at or above it."""
    if os.path.lexists(dest):
        raise SkillshareError(f"'{item.name}' already exists at {dest}",
                              hint="move it away first, or restore the item elsewhere")
    if root is not None:
        _no_link_between(root, dest)
    folder = base(trash_dir, item.kind)
    moved = folder / item.entry
    if item.kind == AGENT:
        inside = agent_file(moved)
        if inside is None:
            raise SkillshareError(f"the trash item {item.entry} holds no agent file; nothing "
                                  "was changed")
        moved = moved / inside
    fsops.makedirs(os.path.dirname(dest))
    fsops_swap.move_tree(str(moved), dest)
    if item.kind == AGENT:
        fsops.doom_and_remove(folder / item.entry,
                              folder / f"{DOOMED}{item.entry.replace('/', '%')}")
    fsops.remove_quietly(folder / (item.entry + NOTE))
    _prune(folder, item.entry)


def _no_link_between(root: str, dest: str) -> None:
    here = root
    for part in os.path.relpath(dest, root).split(os.sep)[:-1]:
        here = os.path.join(here, part)
        if os.path.islink(here):
            raise SkillshareError(f"cannot restore to {dest}: {here} is a link; it is not "
                                  "followed, nothing was changed",
                                  hint="replace the link with a folder, then restore")
        if os.path.lexists(here) and not os.path.isdir(here):
            raise SkillshareError(f"cannot restore to {dest}: {here} is not a folder; "
                                  "nothing was changed")
