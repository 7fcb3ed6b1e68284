"""The content store of backups (``.skills/``): files by their SHA-256, pieces of manifests,
and skill versions by their tree digest, each stored once however many backups hold it. What
one backup adds is staged under a temp name, renamed into place complete, and flushed with
the backup; what a killed writer left is swept by :func:`sweep_unfinished`."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from skillshared.core.limits import Limits
from skillshared.core.names import TEMP_PREFIX
from skillshared.engine import fsops, trees
from skillshared.store import locking
from skillshared.store.backup_format import (
    CHUNKS,
    FILES,
    STORE,
    TEMP,
    chunk_path,
    file_path,
    store_path,
)
from skillshared.store.backup_manifest import copy_intact, copy_of, read_chunk, stored_versions
from skillshared.store.backup_pieces import Entry, Known
from skillshared.store.backup_snapshot import Contents

INLINE_MAX = 64 * 1024  # a manifest's entries up to this size (JSON) are kept in it
FSYNC_MAX = 256  # files a backup flushes one by one; more: all at once
_SYNCFS = sys.platform.startswith("linux")  # one syncfs flushes a whole backup (fsops.flush)


class ContentStore:
    """What one backup puts in the store, and what it knows of it (each copy read or written
    once, each store folder listed or made once)."""

    def __init__(self, backups_dir: Path, limits: Limits | None = None) -> None:
        self.backups_dir = backups_dir
        self.contents = Contents(limits)
        self.written = 0  # bytes of content new to the store
        self.fresh: list[Path] = []  # skill versions this backup added (flushed with it)
        self.dirs: set[Path] = set()  # store folders it added entries to
        self.unsynced: list[Path] = []  # files it put in the store, not flushed yet
        self._checked: set[str] = set()  # copies read and found right, or written, by it
        self._made: set[Path] = set()  # store folders it made sure exist
        self._chunks: set[str] = set()  # pieces known to be in the store
        self._versions: set[str] | None = None

    def _folder(self, folder: Path) -> Path:
        if folder not in self._made:
            fsops.make_private_dir(folder)
            self._made.add(folder)
        return folder

    def exact_copy(self, backup: Path, manifest: Mapping[str, Any],
                   entry: Mapping[str, Any]) -> bool:
        """Whether a backup's copy of a file is read and found right (once per copy)."""
        where = str(copy_of(self.backups_dir, backup, manifest, entry))
        if where not in self._checked:
            if not copy_intact(self.backups_dir, backup, manifest, entry, exact=True):
                return False
            self._checked.add(where)
        return True

    def _file_ok(self, sha: str, size: int, exact: bool) -> bool:
        """Whether the store holds a file's content (``exact``: read and found right)."""
        where = str(file_path(self.backups_dir, sha))
        if where in self._checked:
            return True
        if not copy_intact(self.backups_dir, self.backups_dir, {},
                           {"sha256": sha, "size": size}, exact):
            return False
        if exact:
            self._checked.add(where)
        return True

    def keep_file(self, src: str, entry: dict[str, Any], exact: bool, show: str | None
                  ) -> dict[str, Any]:
        """Put a file's content in the store unless it is there (and, with ``show``, a real
        copy of it there: a hard link to the store's); its entry (with the checksum of what
        was copied, should the file have changed since it was looked at)."""
        if self._file_ok(entry["sha256"], entry["size"], exact):
            if show is not None:
                stored = str(file_path(self.backups_dir, entry["sha256"]))
                fsops.link_or_copy_file(stored, show, stored, entry["mode"], entry["mtime_ns"])
            return entry
        files = self._folder(self.backups_dir / FILES)
        copy = show or str(files / f"{TEMP}{entry['sha256'][:16]}-{os.getpid()}")
        if show is None and os.path.lexists(copy):
            fsops.remove_file(copy)
        try:
            entry = self._copy_in(src, copy, entry, show is None)
        except BaseException:
            if show is None:
                fsops.remove_quietly(copy)
            raise
        self._checked.add(str(file_path(self.backups_dir, entry["sha256"])))
        return entry

    def _copy_in(self, src: str, copy: str, entry: dict[str, Any], staged: bool
                 ) -> dict[str, Any]:
        """Copy a file to ``copy`` and from there into the store (``staged``: ``copy`` is a
        temp name, renamed into place; else the backup's own copy, hard-linked)."""
        made = fsops.copy_file(src, copy, entry["mode"] | 0o600, sync=not _SYNCFS,
                               mtime_ns=entry["mtime_ns"])
        if made != entry["sha256"]:
            entry = {**entry, "sha256": made, "size": os.lstat(copy).st_size}
        final = file_path(self.backups_dir, made)
        if not self._file_ok(made, entry["size"], exact=True):
            if os.path.lexists(final):
                fsops.remove_file(final)  # a damaged copy: its content is lost anyway
            if staged:
                fsops.rename_no_replace(copy, str(final))
            else:  # the store's copy is the backup's own, hard-linked
                fsops.link_or_copy_file(copy, str(final), copy, entry["mode"] | 0o600)
            self.written += entry["size"]
            self.dirs.add(final.parent)
            self.unsynced.append(final)
        elif staged:
            fsops.remove_file(copy)  # (the file changed into content already stored)
        return entry

    def entries(self, parts: Sequence[tuple[list[Entry], Known | None]]) -> dict[str, Any]:
        """A manifest's entries as it holds them, from their pieces (each with the latest
        backup's piece it equals, reused as it is): themselves if small, else its pieces."""
        data = [None if _reused(same) else _dumps(part) for part, same in parts]
        whole = len(parts) + 1 + sum(
            (len(d) if d is not None else same[2] if same else 0) - 2
            for d, (_, same) in zip(data, parts, strict=True))
        if whole <= INLINE_MAX:
            return {"entries": [e for part, _ in parts for e in part]}
        chunks = []
        for d, (_, same) in zip(data, parts, strict=True):
            if d is None and same is not None and same[1] is not None:
                self._chunks.add(same[1])
                chunks.append(same[1])
            elif d is not None:
                chunks.append(self._chunk(d))
        return {"chunks": chunks}

    def _chunk(self, data: bytes) -> str:
        """Put a piece of a manifest in the store unless it is there; its name."""
        digest = hashlib.sha256(data).hexdigest()
        if digest in self._chunks or read_chunk(self.backups_dir, digest) is not None:
            self._chunks.add(digest)
            return digest
        chunks = self._folder(self.backups_dir / CHUNKS)
        staged = chunks / f"{TEMP}{digest[:16]}-{os.getpid()}"
        final = chunk_path(self.backups_dir, digest)
        try:
            if os.path.lexists(staged):
                fsops.remove_file(staged)
            if _SYNCFS:  # (flushed with the backup, by one syncfs)
                fsops.append_line(staged, data.decode("ascii"))
            else:
                fsops.atomic_write(staged, data + b"\n", mode=0o600)
            if os.path.lexists(final):
                fsops.remove_file(final)  # damaged (it did not read back right)
            fsops.rename_no_replace(str(staged), str(final))
        except BaseException:
            fsops.remove_quietly(staged)
            raise
        self.written += len(data) + 1
        self.dirs.add(chunks)
        self.unsynced.append(final)
        self._chunks.add(digest)
        return digest

    def stored(self) -> set[str]:
        """The store's skill versions, listed once per backup (and kept up to date by
        :meth:`version`)."""
        if self._versions is None:
            self._versions = stored_versions(self.backups_dir)
        return self._versions

    def version(self, folder: str, digest: str) -> str:
        """Put the content of ``folder`` in the store (unless it is there); its digest."""
        if digest in self.stored():
            return digest
        store = self.backups_dir / STORE
        fsops.make_private_dir(store)
        temp = store / f"{TEMP}{digest[:16]}-{os.getpid()}"
        if os.path.lexists(temp):
            fsops.remove_tree(temp)
        with fsops.temp_tree(temp):
            made = fsops.copy_tree(folder, str(temp), trees.SKIP_GIT,  # flushed with the backup
                                   limits=self.contents.limits)
            self.written += sum(st.st_size for _, st in trees.walk(str(temp))
                                if stat.S_ISREG(st.st_mode))
            final = store_path(self.backups_dir, made)
            if made in self.stored():
                fsops.remove_tree(temp)
            else:
                fsops.rename_no_replace(str(temp), str(final))
                self.stored().add(made)
                self.fresh.append(final)
                self.dirs.add(store)
        return made

    def flush(self, backup: Path) -> None:
        """Flush a backup and what it added to the store to disk: each file and folder it
        wrote, when they are few (as when most of a backup is in the store already); else
        all at once (:func:`fsops.flush`: one ``syncfs`` on Linux, which also waits for
        whatever else is being written to the file system)."""
        listed = _listing([backup, *self.fresh], FSYNC_MAX - len(self.unsynced))
        if not _SYNCFS or listed is None:
            fsops.flush(backup, *self.fresh)
        else:
            for path in [*map(str, self.unsynced), *listed[0]]:
                _fsync_file(path)
            for written in listed[1]:
                fsops.fsync_dir(written)
        for folder in sorted(self.dirs):
            fsops.fsync_dir(folder)


def _listing(roots: list[Path], most: int) -> tuple[list[str], list[str]] | None:
    """The files and the folders under ``roots``; None if there are more than ``most``
    files."""
    files: list[str] = []
    folders: list[str] = []
    for root in roots:
        for folder, _, names in os.walk(root):
            folders.append(folder)
            files += (os.path.join(folder, n) for n in names)
            if len(files) > most:
                return None
    return files, folders


def _fsync_file(path: str) -> None:
    """Flush a file (a link is flushed with its folder)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return
        raise
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _reused(same: Known | None) -> bool:
    """Whether a piece is the latest backup's stored piece (of known length), reused."""
    return same is not None and same[1] is not None and same[2] >= 0


def _dumps(part: list[Entry]) -> bytes:
    return json.dumps(part, separators=(",", ":")).encode("utf-8")


def sweep_unfinished(backups_dir: Path) -> list[str]:
    """Delete backups (and store entries) that a process which is no longer running left
    half-written."""
    removed: list[str] = []
    for folder in (backups_dir, backups_dir / STORE, backups_dir / FILES, backups_dir / CHUNKS):
        try:  # (in chunks/, atomic_write's temp files of them too)
            names = [n for n in os.listdir(folder) if n.startswith((TEMP, TEMP_PREFIX))]
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            pid = name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not locking.alive(int(pid)):
                fsops.remove_tree(folder / name)
                removed.append(name)
    return removed
