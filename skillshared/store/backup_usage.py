"""What backups hold and the disk space they take: ``backup --list``, and the references
from backups into the store that cleanup keeps."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from skillshared.core import timefmt
from skillshared.core.results_backup import (
    BackupListResult,
    ListedBackup,
    ListedTarget,
    OriginalListed,
)
from skillshared.store import backup_original
from skillshared.store.backup_format import (
    chunk_path,
    created_at,
    file_path,
    list_backups,
    store_path,
    targets_in,
)
from skillshared.store.backup_manifest import (
    files_of,
    load_manifest,
    read_chunk,
    read_manifest,
    referenced,
)


class Usage:
    """Disk space as ``du`` counts it: the blocks of every file, folder and link, each inode
    once (hard links), attributed to the first backup (newest first) that holds or refers to
    it; what no backup refers to counts in the total only."""

    def __init__(self, backups_dir: Path) -> None:
        self.backups_dir = backups_dir
        self.seen: set[tuple[int, int]] = set()
        self.refs: dict[str, tuple[set[str], set[str], set[str]]] = {}  # backup -> its refs

    def _one(self, path: Path | str) -> int:
        try:
            st = os.lstat(path)
        except OSError:
            return 0
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            return 0
        self.seen.add(key)
        return int(st.st_blocks) * 512

    def tree(self, folder: Path | str) -> int:
        total = self._one(folder)
        for top, dirs, files in os.walk(folder):
            total += sum(self._one(os.path.join(top, name)) for name in (*dirs, *files))
        return total

    def backup(self, backup: Path) -> int:
        """What ``backup`` takes that no backup counted before it takes."""
        versions, files, chunks = self.references(backup)
        return (self.tree(backup)
                + sum(self._one(chunk_path(self.backups_dir, c)) for c in chunks)
                + sum(self._one(file_path(self.backups_dir, f)) for f in files)
                + sum(self.tree(store_path(self.backups_dir, d)) for d in versions))

    def references(self, backup: Path) -> tuple[set[str], set[str], set[str]]:
        """The skill versions, files and pieces of manifests ``backup`` refers to."""
        if str(backup) not in self.refs:
            self.refs[str(backup)] = references(self.backups_dir, backup)
        return self.refs[str(backup)]

    def mark(self) -> set[tuple[int, int]]:
        return set(self.seen)

    def undo(self, mark: set[tuple[int, int]]) -> None:
        self.seen = mark


def references(backups_dir: Path, backup: Path) -> tuple[set[str], set[str], set[str]]:
    """The skill versions, files and pieces of manifests a backup refers to: every piece its
    manifests list, and what the pieces that can be read refer to (so a damaged manifest
    still keeps what it can)."""
    versions: set[str] = set()
    files: set[str] = set()
    chunks: set[str] = set()
    for target in targets_in(backup):
        raw = load_manifest(backup, target)
        if raw is None:
            continue
        listed = raw.get("chunks", [])
        chunks.update(listed)
        entries = list(raw.get("entries", ()))
        for digest in listed:
            entries += read_chunk(backups_dir, digest) or []
        if raw["version"] == 1:
            manifest = read_manifest(backup, target) or {}
            versions |= referenced(manifest)
            continue
        part = {"version": raw["version"], "entries": entries}
        versions |= referenced(part)
        files |= files_of(part)
    return versions, files, chunks


def listing(backups_dir: Path) -> BackupListResult:
    """``backup --list``: every backup, newest first, its targets and the disk space it
    takes (see :class:`Usage`)."""
    items: list[ListedBackup] = []
    usage = Usage(backups_dir)
    saved: dict[str, int] = {}  # store entry -> its bytes
    for backup in list_backups(backups_dir):
        if backup_original.looks_original(backup):
            items.append({**original_item(backup), "disk_bytes": usage.backup(backup)})
            continue
        targets: list[ListedTarget] = []
        for name in targets_in(backup):
            manifest = read_manifest(backup, name)
            if manifest is None:
                targets.append({"name": name, "readable": False})
                continue
            for digest in referenced(manifest) - saved.keys():
                saved[digest] = _content_bytes(store_path(backups_dir, digest))
            targets.append({"name": name, "readable": True, "skills": manifest.get("skills", 0),
                            "bytes": manifest.get("bytes", 0) + sum(
                                saved[d] for d in referenced(manifest)),
                            "mode": manifest.get("mode"), "kind": manifest.get("kind"),
                            "path": manifest.get("path")})
        items.append({"name": backup.name, "path": str(backup),
                      "created": timefmt.iso_or_none(created_at(backup)), "targets": targets,
                      "disk_bytes": usage.backup(backup)})
    attributed = sum(i["disk_bytes"] for i in items)
    total = attributed + usage.tree(backups_dir) if backups_dir.is_dir() else attributed
    return {"action": "list", "dir": str(backups_dir), "backups": items, "disk_bytes": total,
            "unreferenced_bytes": total - attributed}


def original_item(backup: Path) -> OriginalListed:
    """A backup the original skillshare made, as ``--list`` shows it (nothing is read but
    its folders' listings): its parts (``agents``: an agent target's, kept but never
    restored as skills), and what at its top it never writes (then it is not taken for a
    backup: never restored from, never removed)."""
    found, strays = backup_original.parts(backup)
    targets: list[ListedTarget] = []
    for part in found:
        entries, problems = backup_original.read_part(backup, part, read=False)
        skills, size = backup_original.size(entries)
        targets.append({"name": part, "readable": not problems, "skills": skills,
                        "bytes": size, "kind": "dir", "made_by": "original",
                        "agents": backup_original.is_agents(part), "problems": problems})
    return {"name": backup.name, "path": str(backup),
            "created": timefmt.iso_or_none(created_at(backup)), "made_by": "original",
            "targets": targets,
            "not_a_backup": (strays or [f"{backup.name}: empty"]) if strays or not found
            else None}


def _content_bytes(folder: Path) -> int:
    """The size of the files under ``folder``."""
    total = 0
    for top, _, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(top, name))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total
