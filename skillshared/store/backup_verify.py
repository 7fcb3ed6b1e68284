"""Verifying backups: every file's size and SHA-256, every piece of a manifest, every saved
skill version's tree digest (a backup the original skillshare made: its files read to the
end, as it records no checksums)."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from skillshared.core.errors import NotFoundError
from skillshared.core.results_backup import BackupVerifyResult, VerifiedBackup, VerifiedTarget
from skillshared.engine import trees
from skillshared.store import backup_original
from skillshared.store.backup_format import CHUNKS, INDEX, STORE, chunk_path, store_path, targets_in
from skillshared.store.backup_manifest import copy_of, load_manifest, read_chunk, read_manifest


def verify(backups_dir: Path, backups: Sequence[Path], names: Sequence[str]
           ) -> BackupVerifyResult:
    """``backup --verify``: every target of ``backups`` (only those ``names``, if any)."""
    wanted = set(names)
    verifier = Verifier(backups_dir)
    checked: list[VerifiedBackup] = []
    for backup in backups:
        if backup_original.looks_original(backup):
            found = [_verify_original(backup, p) for p in backup_original.parts(backup)[0]
                     if not wanted or p in wanted]
            if found:
                checked.append({"name": backup.name, "made_by": "original", "targets": found})
            continue
        targets = [t for t in targets_in(backup) if not wanted or t in wanted]
        results: list[VerifiedTarget] = []
        for target in targets:
            problems = verifier.target(backup, target)
            results.append({"name": target, "ok": not problems, "problems": problems})
        if results:
            checked.append({"name": backup.name, "targets": results})
    if wanted and not checked:
        raise NotFoundError(f"no backup holds {', '.join(sorted(wanted))}",
                            hint="see `skillshare backup --list`")
    damaged = sum(not t["ok"] for b in checked for t in b["targets"])
    return {"action": "verify", "backups": checked, "damaged": damaged,
            "summary": {"failed": damaged}}


UNCHECKED = ("made by the original skillshare, which records no checksums: its files were "
             "read to the end, not compared with what was backed up")


def _verify_original(backup: Path, part: str) -> VerifiedTarget:
    problems = backup_original.check(backup, part)
    return {"name": part, "ok": not problems, "problems": problems, "made_by": "original",
            "agents": backup_original.is_agents(part), "unchecked": UNCHECKED}


def _same_inode(st: os.stat_result, other: Path) -> bool:
    try:
        found = os.lstat(other)
    except OSError:
        return False
    return (found.st_dev, found.st_ino) == (st.st_dev, st.st_ino)


class Verifier:
    """Re-checks backups against their manifests (every file's size and SHA-256, every piece
    of a manifest, every store entry's tree digest); what the store holds is checked once
    per instance."""

    def __init__(self, backups_dir: Path) -> None:
        self.backups_dir = backups_dir
        self._store: dict[str, str | None] = {}
        self._files: dict[str, str | None] = {}

    def target(self, backup: Path, target: str) -> list[str]:
        """The problems of one target's backup in ``backup`` (empty: it verifies)."""
        raw = load_manifest(backup, target)
        if raw is None:
            state = "missing" if not (backup / f"{target}.json").exists() else "unreadable"
            return [f"{backup.name}/{target}.json: manifest is {state}"]
        pieces = []
        for digest in raw.get("chunks", ()):
            if read_chunk(self.backups_dir, digest, fresh=True) is None:
                state = "missing" if not chunk_path(self.backups_dir, digest).exists() else (
                    "damaged")
                pieces.append(f"{backup.name}/{target}.json: its piece {CHUNKS}/"
                              f"{digest[:12]}… is {state}")
        manifest = None if pieces else read_manifest(backup, target, fresh=True)
        if manifest is None:
            return pieces or [f"{backup.name}/{target}.json: manifest is unreadable"]
        root = backup / target
        problems: list[str] = []
        for entry in manifest["entries"]:
            rel, kind = entry["path"], entry.get("type")
            where = f"{backup.name}/{target}/{rel}"
            if kind == "file":
                problem = self.file(backup, manifest, entry)
                if problem:
                    problems.append(f"{where}: {problem}")
            elif kind == "dir" and manifest["version"] == 1:
                try:
                    st = os.lstat(root / rel)
                except OSError:
                    problems.append(f"{where}: missing")
                    continue
                if not stat.S_ISDIR(st.st_mode):
                    problems.append(f"{where}: not a folder")
            content = entry.get("content")
            if isinstance(content, str):
                problem = self.store_entry(content)
                if problem:
                    problems.append(f"{where}: saved content {problem}")
            elif entry.get("saved"):
                problems.append(f"{where}: its saved content is not in {backup.name}/{INDEX}")
        if root.is_dir():
            problems += self._shown(backup, root, manifest)
        return problems

    def _shown(self, backup: Path, root: Path, manifest: Mapping[str, Any]) -> list[str]:
        """What is wrong with the real copies in a backup's folder of a target (version 1:
        the copies themselves, checked with the entries; 2: copies of some entries)."""
        listed = {e["path"]: e for e in manifest["entries"]}
        problems = []
        for rel, st in trees.walk(str(root)):
            where = f"{backup.name}/{root.name}/{rel}"
            entry = listed.get(rel)
            if entry is None:
                problems.append(f"{where}: not in the manifest")
            elif manifest["version"] == 1:
                continue
            elif entry["type"] == "file" and (not stat.S_ISREG(st.st_mode) or (
                    not _same_inode(st, copy_of(self.backups_dir, backup, manifest, entry))
                    and trees.file_sha256(str(root / rel)) != entry.get("sha256"))):
                problems.append(f"{where}: content does not match its checksum")
            elif entry["type"] != {stat.S_IFDIR: "dir", stat.S_IFLNK: "link"}.get(
                    stat.S_IFMT(st.st_mode), "file"):
                problems.append(f"{where}: not a {entry['type']}")
        return problems

    def file(self, backup: Path, manifest: Mapping[str, Any], entry: Mapping[str, Any]
             ) -> str | None:
        """What is wrong with a backup's copy of a file (None: it is right)."""
        path = copy_of(self.backups_dir, backup, manifest, entry)
        key = str(path)
        if key not in self._files:
            try:
                st = os.lstat(path)
            except OSError:
                self._files[key] = "missing"
                return "missing"
            if not stat.S_ISREG(st.st_mode):
                self._files[key] = "not a file"
            elif st.st_size != entry.get("size") or trees.file_sha256(key) != entry.get(
                    "sha256"):
                self._files[key] = "content does not match its checksum"
            else:
                self._files[key] = None
        return self._files[key]

    def store_entry(self, digest: str) -> str | None:
        if digest not in self._store:
            folder = store_path(self.backups_dir, digest)  # (an agent's: a file)
            if not folder.exists() or folder.is_symlink():
                self._store[digest] = f"{STORE}/{digest[:12]}… is missing"
            elif trees.digest(str(folder)) != digest:
                self._store[digest] = f"{STORE}/{digest[:12]}… does not match its checksum"
            else:
                self._store[digest] = None
        return self._store[digest]
