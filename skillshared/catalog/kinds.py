"""Resource kinds: what one unit of a kind is in the source, how it is named in a target,
which files hide units, and where the config and the built-in targets table say it goes.

Discovery (:mod:`skillshared.catalog.walker`, :mod:`skillshared.catalog.skills`,
:mod:`skillshared.catalog.rediscover`) and the daemon's watcher read these facts from the
kind rather than from literals of their own, so a kind is mostly data. Skills are the only
kind so far."""

from __future__ import annotations

import os
from dataclasses import dataclass

SKILL_FILE = "SKILL.md"


@dataclass(frozen=True)
class Kind:
    """One kind of resource.

    ``marker`` makes a unit: a folder holding a file of that name when ``folders`` is true
    (skills: ``SKILL.md``), else a file whose name ends with it. A unit at ``a/b`` in the
    source is ``a<separator>b`` in a target. ``ignore_files`` are read in this order at the
    source's top (and at the top of each tracked repo); the later ones add rules.
    ``config_key`` names the kind's folder under ``sources:`` and its section in a target's
    entry of the config; ``table_columns`` are the built-in targets table's columns saying
    where each tool wants the kind (global mode, project mode)."""

    name: str
    marker: str
    folders: bool
    ignore_files: tuple[str, ...]
    config_key: str
    table_columns: tuple[str, str]
    separator: str = "__"

    def flat_name(self, rel_path: str) -> str:
        """The name of the unit at ``rel_path`` (``/``-separated) in a target."""
        return rel_path.replace("/", self.separator)

    def is_ignore_file(self, name: str) -> bool:
        return name in self.ignore_files

    def is_unit(self, path: str | os.PathLike[str]) -> bool:
        """Whether ``path`` on disk is a unit of this kind (a folder holding the marker file,
        or a regular file whose name ends with it); links are followed, as a target's are."""
        if self.folders:
            return os.path.isfile(os.path.join(path, self.marker))
        return os.path.isfile(path) and os.fspath(path).endswith(self.marker)

    def is_marker(self, name: str) -> bool:
        """Whether an entry called ``name`` makes (or unmakes) a unit where it is."""
        return name == self.marker if self.folders else name.endswith(self.marker)


SKILLS = Kind(
    name="skills",
    marker=SKILL_FILE,
    folders=True,
    ignore_files=(".skillignore", ".skillignore.local"),
    config_key="skills",
    table_columns=("global", "project"),
)

AGENTS = Kind(
    name="agents",
    marker=".md",
    folders=False,
    ignore_files=(".agentignore", ".agentignore.local"),
    config_key="agents",
    table_columns=("agents_global", "agents_project"),
)
