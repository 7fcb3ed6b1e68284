"""What the original skillshare's ``uninstall`` leaves in its trash, written file by file.

It follows the original's ``internal/trash/trash.go`` (``MoveToTrash``, ``MoveAgentToTrash``,
``parseTrashName``) and ``cmd/skillshare/uninstall.go``:

- ``<trash>/<name>_<YYYY-MM-DD_HH-MM-SS>/``: the skill's folder as it was (moved there), the
  name's time in local time (Go layout ``2006-01-02_15-04-05``); nothing beside it, no note.
- A nested name keeps its path: ``frontend/_repo`` goes to ``<trash>/frontend/_repo_<ts>/``
  (the parent folders are made 0755).
- Agents go to ``<trash>/agents/<name>_<ts>/<name>.md`` (one folder per agent, holding its
  file).
- The global trash is ``$XDG_DATA_HOME/skillshare/trash``; a project's,
  ``<project>/.skillshare/trash``.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from tests.original_world.backups import stamp_name

AGENTS = "agents"  # the original's reserved folder for trashed agents


def write_trash_item(trash: Path, name: str, content_from: Path, when: datetime,
                     move: bool = False) -> Path:
    """Put a copy of the skill folder ``content_from`` (``move``: the folder itself, as
    ``uninstall`` does) into ``trash`` as the original does for ``name`` at ``when``;
    returns the item's folder."""
    item = trash / f"{name}_{stamp_name(when)}"
    item.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    if move:
        content_from.rename(item)
    else:
        shutil.copytree(content_from, item, symlinks=True)
    return item


def write_agent_trash_item(trash: Path, name: str, agent_file: Path, when: datetime) -> Path:
    """An agent's file, trashed as the original does (``MoveAgentToTrash``)."""
    item = trash / AGENTS / f"{name}_{stamp_name(when)}"
    item.mkdir(parents=True, mode=0o755)
    shutil.copyfile(agent_file, item / agent_file.name)
    return item
