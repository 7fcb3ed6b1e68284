"""Where the trash keeps what (see :mod:`skillshared.store.trash`): the kinds and their
folders, the notes, and what an agent item holds."""

from __future__ import annotations

import os
from pathlib import Path

from skillshared.core.errors import UsageError

NOTE = ".json"
DOOMED = ".del-"  # an item being deleted (renamed first: never listed half-deleted)
AGENTS = "agents"  # the folder of trashed agents (the original's too)
SKILL = "skill"
AGENT = "agent"
KINDS = (SKILL, AGENT)


def base(trash_dir: Path, kind: str = SKILL) -> Path:
    """The folder the items of ``kind`` are in."""
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}: must be skill or agent")
    return trash_dir / AGENTS if kind == AGENT else trash_dir


def rel_problem(rel: str) -> str | None:
    """What is wrong with an agent's path in the agents source (``dir/name.md``)."""
    parts = rel.split("/")
    if (not rel.endswith(".md") or rel.startswith("/") or "\\" in rel or "\0" in rel
            or any(p in ("", ".", "..") for p in parts)):
        return "must be an agent's path in the agents source (dir/name.md)"
    return None


def agent_file(folder: Path) -> str | None:
    """The name of the agent file an agent item's folder holds (None: none, or not one)."""
    if folder.is_symlink():
        return None
    try:
        files = [n for n in os.listdir(folder) if n.endswith(".md")
                 and (os.path.islink(folder / n) or os.path.isfile(folder / n))]
    except OSError:
        return None
    return files[0] if len(files) == 1 else None
