"""Agents into the trash: ``<trash>/agents/<name>_<timestamp>/<file>.md``, as the original
skillshare keeps them, with our note beside the folder (the agent's name, its path in the
agents source, where it was, why and when). The rest (listing, finding, restoring, deleting,
expiring) is :mod:`skillshared.store.trash` with ``kind=AGENT``."""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from skillshared.core.errors import UsageError
from skillshared.engine import fsops, fsops_swap
from skillshared.store.backup_format import TS_FORMAT
from skillshared.store.trash_layout import AGENT, NOTE, base, rel_problem


def _entry_name(rel: str) -> str:
    """An agent's item name: its path in the source without ``.md``, folders joined by
    ``__`` (one name, at the top of the agents' trash)."""
    return rel.removesuffix(".md").replace("/", "__")


def put_agent(trash_dir: Path, path: str, rel: str, reason: str,
              now: float | None = None) -> str:
    """Move the agent file at ``path`` (``rel``: its path in the agents source) into the
    trash; returns the item's folder. The note is written first, so a crash leaves the file
    where it was (and a note the next listing drops) or in the trash with its note."""
    problem = rel_problem(rel)
    if problem:
        raise UsageError(f"cannot trash {rel!r}: the path {problem}")
    folder = base(trash_dir, AGENT)
    fsops.make_private_dir(trash_dir)
    fsops.makedirs(folder)
    when = time.time() if now is None else now
    stamp = time.strftime(TS_FORMAT, time.localtime(when))
    entry = first = f"{_entry_name(rel)}_{stamp}"
    count = 1
    while os.path.lexists(folder / entry) or os.path.lexists(folder / (entry + NOTE)):
        count += 1
        entry = f"{first}-{count}"
    note = {"kind": AGENT, "name": rel.removesuffix(".md"), "file": rel, "origin": path,
            "reason": reason, "trashed_at": when}
    fsops.atomic_write(folder / (entry + NOTE), json.dumps(note).encode(), mode=0o600)
    try:
        fsops.make_dir(folder / entry, 0o700)
        fsops_swap.move_tree(path, str(folder / entry / os.path.basename(rel)))
    except BaseException:
        fsops.remove_quietly(folder / (entry + NOTE))
        _remove_empty(folder / entry)
        raise
    fsops.fsync_dir(folder / entry)
    fsops.fsync_dir(folder)
    return str(folder / entry)


def _remove_empty(path: Path) -> None:
    with contextlib.suppress(OSError):
        fsops.remove_empty_dir(path)
