"""Backups of targets (SPEC §7): links kept as links, files copied with a checksum manifest.

Layout: ``<backups>/<YYYY-MM-DD_HH-MM-SS>/<target>.json`` is a target's manifest: every entry
with its type, every link with its text (a merge-mode target is recorded, not copied), every
file with its size, mode and SHA-256. ``<backups>/<timestamp>/<target>/`` holds copies of the
target's real folders and files. A backup is written into a hidden
``.tmp-*`` folder, fsynced, then renamed into place, so a half-written backup is never
taken for one. Files identical to the previous backup's copy are hard-linked to it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillshared import fsops, trees

TS_FORMAT = "%Y-%m-%d_%H-%M-%S"
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$")
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    kind: str  # "dir" | "link" | "missing" | "file"
    link: str | None
    entries: tuple[dict[str, Any], ...]

    @property
    def empty(self) -> bool:
        return self.kind == "missing" or (self.kind == "dir" and not self.entries)

    def content(self) -> list[tuple[Any, ...]]:
        """What must be equal for two snapshots to hold the same content."""
        return [(e["path"], e["type"], e.get("link"), e.get("sha256"), e.get("mode"))
                for e in self.entries]


def list_backups(backups_dir: Path) -> list[Path]:
    """Published backups, newest first."""
    try:
        names = [n for n in os.listdir(backups_dir) if TS_RE.match(n)]
    except FileNotFoundError:
        return []
    return [backups_dir / n for n in sorted(names, reverse=True)]


def read_manifest(backup: Path, target: str) -> dict[str, Any] | None:
    try:
        with open(backup / f"{target}.json", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("version") == MANIFEST_VERSION else None


def latest(backups_dir: Path, target: str) -> tuple[Path, dict[str, Any]] | None:
    for backup in list_backups(backups_dir):
        manifest = read_manifest(backup, target)
        if manifest is not None:
            return backup, manifest
    return None


def snapshot(path: str, previous: Mapping[str, Any] | None = None) -> Snapshot:
    """Describe the target at ``path``; file checksums are reused from ``previous`` when the
    size and modification time are unchanged."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Snapshot("missing", None, ())
    if stat.S_ISLNK(st.st_mode):
        return Snapshot("link", os.readlink(path), ())
    if not stat.S_ISDIR(st.st_mode):
        return Snapshot("file", None, ())
    known = {e["path"]: e for e in (previous or {}).get("entries", []) if isinstance(e, dict)}
    entries: list[dict[str, Any]] = []
    for rel, est in trees.walk(path):
        mode = est.st_mode
        if stat.S_ISLNK(mode):
            text = os.readlink(os.path.join(path, rel))
            entries.append({"path": rel, "type": "link", "link": text})
        elif stat.S_ISDIR(mode):
            entries.append({"path": rel, "type": "dir", "mode": stat.S_IMODE(mode)})
        elif stat.S_ISREG(mode):
            old = known.get(rel)
            same = old and old.get("size") == est.st_size and old.get("mtime_ns") == est.st_mtime_ns
            sha = old["sha256"] if same and old else trees.file_sha256(os.path.join(path, rel))
            entries.append({"path": rel, "type": "file", "mode": stat.S_IMODE(mode),
                            "size": est.st_size, "mtime_ns": est.st_mtime_ns, "sha256": sha})
    return Snapshot("dir", None, tuple(entries))


def _count_skills(entries: Iterable[Mapping[str, Any]]) -> int:
    return sum(1 for e in entries if "/" not in e["path"] and e["type"] in ("dir", "link")
               and not e["path"].startswith("."))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_unfinished(backups_dir: Path) -> list[str]:
    """Delete backups that a process which is no longer running left half-written."""
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(backups_dir) if n.startswith(".tmp-")]
    except FileNotFoundError:
        return removed
    for name in names:
        pid = name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            fsops.remove_tree(backups_dir / name)
            removed.append(name)
    return removed


@dataclass(frozen=True)
class TargetBackup:
    target: str
    status: str  # "created" | "unchanged" | "empty" | "missing" | "failed"
    path: str | None = None
    skills: int = 0
    bytes: int = 0
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


class BackupWriter:
    """Writes one backup (one timestamp folder) holding any number of targets."""

    def __init__(self, backups_dir: Path, now: float | None = None) -> None:
        self.backups_dir = backups_dir
        self.now = time.time() if now is None else now
        self.temp: Path | None = None
        self.final: Path | None = None
        self.results: list[TargetBackup] = []

    def _temp(self) -> Path:
        if self.temp is None:
            fsops.make_private_dir(self.backups_dir)
            sweep_unfinished(self.backups_dir)
            stamp = time.strftime(TS_FORMAT, time.localtime(self.now))
            self.temp = self.backups_dir / f".tmp-{stamp}-{os.getpid()}"
            fsops.make_private_dir(self.temp)
        return self.temp

    def add(self, target: str, path: str, mode: str) -> TargetBackup:
        """Back up one target unless it is empty or unchanged since its latest backup."""
        try:
            result = self._add(target, path, mode)
        except OSError as exc:
            result = TargetBackup(target, "failed", error=f"{exc.strerror or exc}: {exc.filename}")
        self.results.append(result)
        return result

    def _add(self, target: str, path: str, mode: str) -> TargetBackup:
        prior = latest(self.backups_dir, target)
        prev_dir, prev_manifest = prior if prior else (None, None)
        snap = snapshot(path, prev_manifest)
        if snap.kind in ("missing", "file") or snap.empty:
            return TargetBackup(target, "missing" if snap.kind == "missing" else "empty")
        if prev_dir is not None and prev_manifest is not None and (
            prev_manifest.get("kind") == snap.kind and prev_manifest.get("link") == snap.link
            and Snapshot(snap.kind, snap.link, tuple(prev_manifest.get("entries", []))).content()
            == snap.content()
        ):
            return TargetBackup(target, "unchanged", str(prev_dir / target),
                                int(prev_manifest.get("skills", 0)),
                                int(prev_manifest.get("bytes", 0)))
        root = self._temp() / target
        previous = {e["path"]: e for e in (prev_manifest or {}).get("entries", [])}
        size = 0
        for entry in snap.entries:
            dst = os.path.join(root, entry["path"])
            if entry["type"] == "dir":
                fsops.makedirs(dst)
            elif entry["type"] == "file":
                fsops.makedirs(os.path.dirname(dst))
                old = previous.get(entry["path"])
                reuse = None
                if prev_dir is not None and old and old.get("sha256") == entry["sha256"]:
                    reuse = str(prev_dir / target / entry["path"])
                fsops.link_or_copy_file(os.path.join(path, entry["path"]), dst, reuse,
                                        entry["mode"])
                size += entry["size"]
        manifest = {
            "version": MANIFEST_VERSION, "target": target, "path": path, "mode": mode,
            "kind": snap.kind, "link": snap.link, "created": self.now,
            "skills": _count_skills(snap.entries), "bytes": size, "entries": list(snap.entries),
        }
        fsops.atomic_write(self._temp() / f"{target}.json",
                           json.dumps(manifest, indent=1).encode("utf-8"), mode=0o600)
        return TargetBackup(target, "created", None, _count_skills(snap.entries), size)

    def publish(self) -> Path | None:
        """Move the finished backup into place; returns its folder (None if nothing written)."""
        if self.temp is None:
            return None
        for folder, _, _ in os.walk(self.temp):
            fsops.fsync_dir(folder)
        stamp = self.now
        while True:
            final = self.backups_dir / time.strftime(TS_FORMAT, time.localtime(stamp))
            try:
                fsops.rename_no_replace(str(self.temp), str(final))
                break
            except FileExistsError:
                stamp += 1
        fsops.fsync_dir(self.backups_dir)
        self.final, self.temp = final, None
        self.results = [
            TargetBackup(r.target, r.status, str(final / r.target), r.skills, r.bytes)
            if r.status == "created" else r for r in self.results
        ]
        return final

    def discard(self) -> None:
        if self.temp is not None and self.temp.exists():
            fsops.remove_tree(self.temp)
        self.temp = None
