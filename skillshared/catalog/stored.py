"""A persisted catalog for read-only views: each folder's listing and each SKILL.md's parsed
frontmatter, kept with the identity of what they were read from (inode, device, size, mtime
and ctime in nanoseconds), so a later ``list`` or ``status`` stats instead of reading.

It never shows stale data: anything whose identity differs from the one kept is read again,
and an entry changed shortly before it was read is not kept (a change within the same clock
tick can leave the same mtime; the ctime cannot be set by hand). A cache file that cannot be
read, is damaged or comes from another version is ignored and replaced. Writing is the
caller's (through the engine's atomic write: this layer changes no file), and a cache that
cannot be written changes nothing but the next run's speed."""

from __future__ import annotations

import json
import os
import stat
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from skillshared import __version__
from skillshared.catalog.frontmatter import Frontmatter, read_frontmatter
from skillshared.catalog.kinds import SKILL_FILE

VERSION = 2
_VERSION = f"{VERSION}/{__version__}"  # (a new release may read frontmatter otherwise)
SETTLED_NS = 3_000_000_000  # kept only when unchanged for this long before it was read
DIR, LINK, FILE = "d", "l", "f"


def cache_file(cache_dir: Path, source: str) -> Path:
    """The catalog of the source at ``source`` (one file per source)."""
    tag = zlib.crc32(source.encode("utf-8", "surrogateescape"))
    return cache_dir / f"catalog-{tag:08x}.json"


def key_of(info: os.stat_result) -> str:
    """The identity of what was read: inode, device, size, mtime and ctime (ns)."""
    return (f"{info.st_ino:x}.{info.st_dev:x}.{info.st_size:x}.{info.st_mtime_ns:x}."
            f"{info.st_ctime_ns - info.st_mtime_ns:x}")


def settled_before(info: os.stat_result, now_ns: int) -> bool:
    """Whether what ``info`` describes last changed well before ``now_ns``."""
    return now_ns - max(info.st_mtime_ns, info.st_ctime_ns) > SETTLED_NS


def _entries(folder: str, kept: Any, key: str, marker: str) -> list[Entry] | None:
    """A kept listing of ``folder`` whose identity is ``key``: its subfolders, its symlinks
    and whether it holds the marker file (a walk looks at nothing else), as one text
    ``key/marker/dirs/name/name...``; None when there is none, it is another identity's or
    it is damaged."""
    if not isinstance(kept, str) or not kept.startswith(key):
        return None
    if kept.endswith("/0/0/") and len(kept) == len(key) + 5:
        return []  # (the common case: a folder of files only)
    parts = kept[len(key):].split("/")
    if parts[0]:
        return None
    try:
        has_marker, dirs = parts[1], int(parts[2])
    except (IndexError, ValueError):
        return None
    names = parts[3:] if parts[3:] != [""] else []
    if has_marker not in ("0", "1") or not 0 <= dirs <= len(names) or "" in names:
        return None
    listed = [Entry(name, f"{folder}/{name}", DIR) for name in names[:dirs]]
    listed += [Entry(name, f"{folder}/{name}", LINK) for name in names[dirs:]]
    if has_marker == "1":
        listed.append(Entry(marker, f"{folder}/{marker}", FILE))
    return listed


def _listing(key: str, entries: list[os.DirEntry[str]], marker: str) -> str:
    """What is kept of a folder's entries (see :func:`_entries`)."""
    dirs, links, has_marker = [], [], False
    for entry in entries:
        if entry.is_symlink():
            links.append(entry.name)
        elif entry.is_dir(follow_symlinks=False):
            dirs.append(entry.name)
        elif entry.name == marker:
            has_marker = entry.is_file(follow_symlinks=False)
    return f"{key}/{int(has_marker)}/{len(dirs)}/" + "/".join(dirs + links)


def kept_frontmatter(kept: Any, key: str) -> Frontmatter | None:
    """Kept frontmatter of a SKILL.md whose identity is ``key`` (None: as for a listing)."""
    try:
        if kept[0] != key:
            return None
        name, description, targets, problem = kept[1]
    except (TypeError, ValueError, IndexError, KeyError):
        return None
    texts = (name, description, problem)
    if not all(t is None or isinstance(t, str) for t in texts) or not (
            targets is None or (isinstance(targets, list)
                                and all(isinstance(t, str) for t in targets))):
        return None
    return Frontmatter(name, description, None if targets is None else tuple(targets), problem)


class Entry:
    """A folder entry read from the catalog, answering as the ``os.DirEntry`` it was."""

    __slots__ = ("kind", "name", "path")

    def __init__(self, name: str, path: str, kind: str) -> None:
        self.name, self.path, self.kind = name, path, kind

    def is_symlink(self) -> bool:
        return self.kind == LINK

    def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        if self.kind == LINK:
            return follow_symlinks and os.path.isdir(self.path)
        return self.kind == DIR

    def is_file(self, *, follow_symlinks: bool = True) -> bool:
        if self.kind == LINK:
            return follow_symlinks and os.path.isfile(self.path)
        return self.kind == FILE


class StoredCatalog:
    """The catalog of one source, as read from ``file`` (empty when it cannot be used)."""

    def __init__(self, file: Path, real_root: str, marker: str = SKILL_FILE) -> None:
        self.file, self.real_root, self.marker = file, real_root, marker
        self.folders: dict[str, Any] = {}
        self.files: dict[str, Any] = {}
        self.seen_folders: dict[str, str] = {}
        self.seen_files: dict[str, list[Any]] = {}
        self.walk: Any = None  # a walk's whole result (see stored_walk)
        self.seen_walk: Any = None
        self.visited = 0  # folders listed
        self.started = time.time_ns()
        self.changed = False
        self._load()

    def _load(self) -> None:
        try:
            with open(self.file, "rb") as handle:
                doc = json.loads(handle.read())
            if doc["version"] != _VERSION or doc["source"] != self.real_root:
                raise ValueError("another catalog")
            folders, files = doc["folders"], doc["files"]
            if not isinstance(folders, dict) or not isinstance(files, dict):
                raise ValueError("not a catalog")
        except (OSError, ValueError, KeyError, TypeError):
            self.changed = True  # (missing, damaged or another version's: written anew)
            return
        self.folders, self.files, self.walk = folders, files, doc.get("walk")

    def rel(self, path: str) -> str:
        """``path`` as the catalog names it (in the source, else whole)."""
        root = self.real_root
        if path.startswith(root + os.sep):
            return path[len(root) + 1:]
        return "" if path == root else path

    def _keep(self, kept: object, settled: bool) -> None:
        """A miss: the file is written again when what it holds was wrong (``kept``) or
        what was read now can be kept (``settled``)."""
        self.changed = self.changed or kept is not None or settled

    def list_folder(self, folder: str, rel: str) -> list[Entry] | list[os.DirEntry[str]]:
        """The entries of ``folder`` (``rel`` in the source), from the catalog while its
        identity holds."""
        self.visited += 1
        info = os.stat(folder)
        key = key_of(info)
        kept = self.folders.get(rel)
        listed = _entries(folder, kept, key, self.marker)
        if listed is not None:
            self.seen_folders[rel] = kept  # type: ignore[assignment]
            return listed
        now = time.time_ns()
        with os.scandir(folder) as it:
            entries = list(it)
        settled = settled_before(info, now) and stat.S_ISDIR(info.st_mode)
        self._keep(kept, settled)
        if settled:
            self.seen_folders[rel] = _listing(key, entries, self.marker)
        return entries

    def frontmatter(self, path: str) -> Frontmatter:
        """The frontmatter of the SKILL.md at ``path``, from the catalog while its identity
        holds (a file that cannot be read is read again each time)."""
        try:
            info = os.stat(path)
        except OSError:
            return read_frontmatter(path)
        key, rel = key_of(info), self.rel(path)
        kept = self.files.get(rel)
        meta = kept_frontmatter(kept, key)
        if meta is not None:
            self.seen_files[rel] = kept  # type: ignore[assignment]
            return meta
        now = time.time_ns()
        meta = read_frontmatter(path)
        settled = settled_before(info, now) and stat.S_ISREG(info.st_mode)
        self._keep(kept, settled)
        if settled:
            targets = list(meta.targets) if meta.targets is not None else None
            self.seen_files[rel] = [key, [meta.name, meta.description, targets, meta.problem]]
        return meta

    def save(self, write: Callable[[Path, bytes], None]) -> bool:
        """Write what this run saw (entries no longer there are dropped) when it differs
        from what was read; True when written."""
        gone = len(self.seen_folders) != len(self.folders) or len(
            self.seen_files) != len(self.files)
        if not (self.changed or gone or self.seen_walk != self.walk):
            return False
        doc = {"version": _VERSION, "source": self.real_root, "folders": self.seen_folders,
               "files": self.seen_files, "walk": self.seen_walk}
        write(self.file, json.dumps(doc, separators=(",", ":")).encode("utf-8"))
        return True
