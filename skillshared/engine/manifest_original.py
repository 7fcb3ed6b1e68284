"""The copy manifest the original Go ``skillshare`` (v0.20.x) leaves in a target.

It has the same name as ours (``.skillshare-manifest.json``) in another form::

    {"managed": {"<entry>": "<checksum>" | "symlink"},
     "mtimes": {"<entry>": <unix nanoseconds>}, "updated_at": "<RFC 3339 time>"}

A checksum records a copy made in copy mode; ``"symlink"`` a link made in merge mode. The
checksum (:func:`checksum`) is SHA-256 over the folder's files sorted by relative path, each
as ``path NUL content NUL``: folders add nothing, ``.git`` folders and the copy ignore
patterns are left out, and links are followed (a link to a folder is walked as a folder at
the link's path). Ours never has such a form: it always names its ``tool``.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skillshared.core.limits import Limits
from skillshared.core.patterns import IgnoreRules
from skillshared.engine import trees

LINK = "symlink"  # the value of an entry made in merge mode
_CHECKSUM = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Original:
    """What the original's manifest records: copies (entry name -> checksum) and links."""

    copies: Mapping[str, str] = field(default_factory=dict)
    links: frozenset[str] = frozenset()


def is_original(data: Any) -> bool:
    """Whether decoded manifest JSON is in the original's form (ours names its tool)."""
    return isinstance(data, dict) and "tool" not in data and "version" not in data


def parse(data: dict[str, Any]) -> Original:
    """The entries of a manifest in the original's form. ValueError for a field of the wrong
    type (the original, too, then reads the manifest as empty) and for a value that is
    neither ``"symlink"`` nor a checksum (no copy of the original's has one). Entry names
    are checked by the caller."""
    managed, mtimes = data.get("managed"), data.get("mtimes")
    managed = {} if managed is None else managed  # (JSON null: an empty map, as in Go)
    mtimes = {} if mtimes is None else mtimes
    if not (isinstance(managed, dict) and isinstance(mtimes, dict)
            and isinstance(data.get("updated_at", ""), str)
            and all(type(v) is int for v in mtimes.values())):
        raise ValueError("wrong types")
    copies: dict[str, str] = {}
    links: set[str] = set()
    for name, value in managed.items():
        if value == LINK:
            links.add(name)
        elif isinstance(value, str) and _CHECKSUM.fullmatch(value):
            copies[name] = value
        else:
            raise ValueError(f"not a checksum: {name}")
    return Original(copies, frozenset(links))


def checksum(root: str, ignore: IgnoreRules = trees.NO_RULES,
             limits: Limits | None = None) -> str:
    """The original's checksum of the folder ``root`` (see the module docstring). Raises
    OSError where the original fails (a broken link, a link loop) or could hang (a FIFO, a
    device), and :class:`trees.TooLarge` past ``limits``."""
    files: list[tuple[bytes, str]] = []
    _Collector(ignore, limits or Limits(), files).walk(root, "")
    files.sort()
    total = hashlib.sha256()
    for rel, path in files:
        total.update(rel + b"\0")
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                total.update(chunk)
        total.update(b"\0")
    return total.hexdigest()


@dataclass
class _Collector:
    """The files a checksum reads, as (relative path, path to read)."""

    ignore: IgnoreRules
    limits: Limits
    files: list[tuple[bytes, str]]
    active: set[str] = field(default_factory=set)
    entries: int = 0
    size: int = 0

    def walk(self, folder: str, prefix: str) -> None:
        real = os.path.realpath(folder)
        if real in self.active:
            raise OSError(0, "a link loop", folder)
        if os.path.basename(real) == ".git" or (prefix and self.ignore.ignored(prefix, True)):
            return  # (a link to a folder is also matched as a folder)
        self.active.add(real)
        try:
            self._folder(folder, prefix)
        finally:
            self.active.discard(real)

    def _folder(self, folder: str, prefix: str) -> None:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            rel = f"{prefix}/{entry.name}" if prefix else entry.name
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode):
                self._count(folder)
                if entry.name != ".git" and not self.ignore.ignored(rel, True):
                    self._folder(entry.path, rel)
                continue
            if self.ignore.ignored(rel, False):
                continue
            if stat.S_ISLNK(st.st_mode):
                st = os.stat(entry.path)  # a broken link raises, as in the original
                if stat.S_ISDIR(st.st_mode):
                    self._count(folder)
                    self.walk(os.path.realpath(entry.path), rel)
                    continue
            if not stat.S_ISREG(st.st_mode):
                raise OSError(0, "not a file, a folder or a link", entry.path)
            self._count(folder, st.st_size)
            self.files.append((os.fsencode(rel), entry.path))

    def _count(self, root: str, size: int = 0) -> None:
        self.entries += 1
        self.size += size
        if self.entries > self.limits.max_files:
            raise trees.TooLarge(root, f"holds more than {self.limits.max_files:,} files "
                                       "and folders (limits.skill_max_files)")
        if self.size > self.limits.max_mb * trees.MB:
            raise trees.TooLarge(root, trees.over_mb(self.limits))
