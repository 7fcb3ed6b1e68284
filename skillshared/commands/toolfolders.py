"""Whether an AI CLI is there: the folder whose presence says a built-in target's tool is
used (what ``init`` detects), and the warnings of ``target add`` for a tool that is not."""

from __future__ import annotations

import difflib
from pathlib import Path

from skillshared.core import targets as builtin
from skillshared.core.paths import Scope

# Folders that exist without any AI CLI: a target in one counts only if its skills folder
# itself is there (`.github` holds workflows in most repositories; `~/.config` everything).
SHARED_FOLDERS = (".github", ".config")


def tool_folder(scope: Scope, raw: str) -> Path | None:
    """The folder whose presence says the tool of a built-in target path ``raw`` is used:
    the skills folder's parent (``.claude`` for ``.claude/skills``), or the skills folder
    itself when that parent is the project root, the home folder or a folder shared by
    many (``.skills``, ``.github/skills``). None for a project path that does not start
    with a dot (``skills``, ``data/skills``: too common in projects to mean anything)."""
    parts = Path(raw).parts
    if scope.is_project and not parts[0].startswith("."):
        return None
    path = scope.expand(raw)
    parent = path.parent
    bases = (scope.base_dir, scope.home, scope.home / ".config")
    if parent in bases or (scope.is_project and parts[0] in SHARED_FOLDERS):
        return path
    return parent


def similar_names(name: str) -> list[str]:
    """The built-in targets whose name or alias is closest to ``name``, best first."""
    names = sorted({n for t in builtin.builtin_targets() for n in t.names})
    chosen: list[str] = []
    for close in difflib.get_close_matches(name.lower(), names, n=6, cutoff=0.6):
        target = builtin.lookup(close)
        if target is not None and target.name not in chosen:
            chosen.append(target.name)  # (one name per target: `claude`, not its aliases)
    return chosen[:3]


def missing_tool(scope: Scope, name: str, path: Path, raw: str | None) -> str | None:
    """A warning for ``target add`` when the tool's folder is not there (``raw``: the
    built-in path the target takes, or None for a path given): the folder that would say the
    tool is used, or for a path given, the folder and the folder above it. None if there."""
    if raw is not None:
        folder = tool_folder(scope, raw) or path
    else:
        folder = path if path.is_dir() else path.parent
    if folder.is_dir():
        return None
    shown = scope.contract(folder)
    if raw is None:
        return (f"{shown} does not exist: the next sync creates {scope.contract(path)}; "
                "check the path if that is not where the tool reads skills")
    return (f"{shown} does not exist, so {name} may not be installed here: the next sync "
            f"creates {scope.contract(path)}; check the name if you meant another tool")
