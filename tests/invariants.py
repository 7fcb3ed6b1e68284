"""The invariants every reliability test ends with (a test takes a :class:`Snapshot` before
it does harm, then calls :meth:`Snapshot.check` after the run that must converge):

- I1: no entry in a target that is not ours changed (type, inode, size, mtime, link text,
  content hash, recursively for folders);
- I2: every valid source skill a target wants is in every healthy target (merge: our link;
  copy: a copy), unless the last pass recorded a conflict for it;
- I3: no link of ours points to a missing skill after a healthy pass;
- I4: no temp or partial residue after a completed pass (in or beside a target, in the
  source, in the backups folder);
- I5: a second pass changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshared import api
from skillshared.catalog import skills
from skillshared.core import config as configmod
from skillshared.core import config_file
from skillshared.core.names import MANIFEST, TEMP_PREFIX
from skillshared.core.paths import Paths
from skillshared.engine.beside import PREFIX as BESIDE_PREFIX
from skillshared.engine.groups import wanted_skills
from skillshared.engine.naming import name_skills
from skillshared.engine.observe import read_manifest

Fingerprint = tuple[Any, ...]


def fingerprint(path: str) -> Fingerprint:
    """What must not change about a user's entry: type, inode, size, mtime and link text or
    content hash, for a folder recursively (its entries by name)."""
    st = os.lstat(path)
    base = (stat.S_IFMT(st.st_mode), st.st_ino, st.st_mtime_ns)
    if stat.S_ISLNK(st.st_mode):
        return (*base, os.readlink(path))
    if stat.S_ISREG(st.st_mode):
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return (*base, st.st_size, digest.hexdigest())
    if stat.S_ISDIR(st.st_mode):
        return (*base, tuple((name, fingerprint(os.path.join(path, name)))
                             for name in sorted(os.listdir(path))))
    return base


def _ours(entry: str, source: str, managed: set[str]) -> bool:
    """A link into the source, a copy the manifest records, or the manifest itself."""
    if os.path.islink(entry):
        dest = os.path.normpath(os.path.join(os.path.dirname(entry), os.readlink(entry)))
        return dest == source or dest.startswith(source + os.sep)
    return os.path.basename(entry) in managed or os.path.basename(entry) == MANIFEST


@dataclass
class Snapshot:
    """The user's entries in every target, as they were before the test did harm."""

    paths: Paths
    foreign: dict[str, dict[str, Fingerprint]] = field(default_factory=dict)

    @classmethod
    def take(cls, paths: Paths | None = None) -> Snapshot:
        snap = cls(paths or Paths.from_env())
        config = snap.config()
        source = os.path.realpath(config.source)
        for target in config.targets:
            folder = str(target.path)
            if target.mode == "symlink" or not os.path.isdir(folder):
                continue
            managed = set(read_manifest(folder).records)
            snap.foreign[folder] = {
                name: fingerprint(os.path.join(folder, name)) for name in os.listdir(folder)
                if not name.startswith(TEMP_PREFIX)
                and not _ours(os.path.join(folder, name), source, managed)}
        return snap

    def config(self) -> configmod.Config:
        return config_file.load(self.paths.global_scope())

    def check(self, report: dict[str, Any] | None = None, second_pass: bool = True
              ) -> None:
        """Raise AssertionError naming every invariant that does not hold. ``report``: the
        sync report of the pass that converged (conflicts and errors it recorded)."""
        problems = self.problems(report)
        if second_pass:
            again = api.run("sync", {}, self.paths)
            changed = {t["name"]: t["changes"] for t in again["targets"] if t["changes"]}
            if changed:
                problems.append(f"I5: a second pass changed {changed}")
        assert not problems, "\n".join(problems)

    def problems(self, report: dict[str, Any] | None) -> list[str]:
        config = self.config()
        source = os.path.realpath(config.source)
        found: list[str] = []
        for folder, entries in self.foreign.items():  # I1
            for name, before in entries.items():
                path = os.path.join(folder, name)
                now = fingerprint(path) if os.path.lexists(path) else None
                if now != before:
                    found.append(f"I1: {path}, not ours, changed or went away")
        discovery = skills.discover(config.source)
        report = report or {}  # the command line's sync --json (its list: results), or api.run's
        rows = report["results"] if "results" in report else report.get("targets", [])
        by_target = {t["name"]: t for t in rows}
        for target in config.targets:
            folder = str(target.path)
            line = by_target.get(target.name, {})
            healthy = line.get("status", "ok") != "error"
            conflicts = {c["name"] for c in line.get("conflicts", [])}
            if target.mode == "symlink":
                if healthy and os.path.realpath(folder) != source:
                    found.append(f"I2: {folder} does not lead to the source")
                continue
            names = set(os.listdir(folder)) if os.path.isdir(folder) else set()
            wanted = name_skills(wanted_skills(target, discovery.skills), target.naming)
            for entry in wanted.entries:  # I2 (entries as the target's naming names them)
                if healthy and entry not in names | conflicts:
                    found.append(f"I2: {target.name} lacks {entry}")
            for name in names:  # I3, I4
                path = os.path.join(folder, name)
                if name.startswith(TEMP_PREFIX):
                    found.append(f"I4: {path} left behind")
                elif healthy and os.path.islink(path) and _ours(path, source, set()) and (
                        not os.path.exists(path)):
                    found.append(f"I3: {path} points to a missing skill")
            parent = os.path.dirname(folder)
            if os.path.isdir(parent):
                found += [f"I4: {os.path.join(parent, n)} left beside the target"
                          for n in os.listdir(parent) if n.startswith(BESIDE_PREFIX)]
        if os.path.isdir(config.source):
            found += [f"I4: {n} left in the source" for n in os.listdir(config.source)
                      if n.startswith(TEMP_PREFIX)]
        backups = Path(config.scope.backups_dir)
        for where in (backups, backups / ".skills"):
            if where.is_dir():
                found += [f"I4: {where / n} (an unfinished backup)"
                          for n in os.listdir(where) if n.startswith(".tmp-")]
        return found
