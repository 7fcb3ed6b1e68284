"""One folder an AI tool loads from, read as the tool reads it: one scandir, then one open
per ``SKILL.md`` (a skill: an entry, or a link to one, holding it) or per agent (a ``.md``
file, or a link to one). Each entry's name and description come from its frontmatter
(discovery's reader), its digest from the file's bytes, its origin from the link's text or
the folder's copy manifest."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from skillshared.catalog.agents import EXCLUDED
from skillshared.catalog.frontmatter import FRONTMATTER_MAX_BYTES, Frontmatter, parse_frontmatter
from skillshared.catalog.kinds import SKILL_FILE
from skillshared.commands.contextcost import tokens
from skillshared.commands.results_catalog import CatalogEntry
from skillshared.engine.observe import read_manifest

Kind = Literal["skills", "agents"]
AGENT_SUFFIX = ".md"
CHUNK = 1 << 20
Read = tuple[Frontmatter, str] | str | None  # what :func:`read_file` found


@dataclass(frozen=True)
class FolderRead:
    """What a folder holds for its tool; ``problem``: why it could not be listed."""

    entries: tuple[CatalogEntry, ...] = ()
    exists: bool = False
    problem: str | None = None


@dataclass(frozen=True)
class _Place:
    """The folder being read: its path as configured, its real path, the roots a link of
    ours points into, the copies its manifest lists, whether it is itself ours (a
    symlink-mode target's link to the source)."""

    folder: str
    real: str
    roots: tuple[str, ...]
    managed: frozenset[str]
    whole: bool
    files: dict[str, Read]  # the files read, by real path (shared by every folder read)
    parents: dict[str, str] = field(default_factory=dict)  # real paths of links' folders

    def read(self, path: str, real: str | None) -> Read:
        """:func:`read_file` of ``path``, once for all the links to one file (``real``:
        where it really is, when known): a skill synced to five folders is read once."""
        key = real or path
        if key not in self.files:
            self.files[key] = read_file(path)
        return self.files[key]

    def resolve(self, dest: str) -> str:
        """The real path of ``dest`` (an absolute, normalised path that exists): its folder's
        real path, looked up once for every link into that folder, and its last part
        followed only when it is a link too."""
        parent, base = os.path.split(dest)
        if parent not in self.parents:
            self.parents[parent] = os.path.realpath(parent)
        return os.path.realpath(dest) if os.path.islink(dest) else os.path.join(
            self.parents[parent], base)


def inside(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root + os.sep) for root in roots)


def read_folder(folder: str, kind: Kind, roots: tuple[str, ...],
                files: dict[str, Read] | None = None) -> FolderRead:
    """The skills (``kind`` "skills") or agents in ``folder``; ``roots``: the paths of the
    source its links of ours point into; ``files``: what was read already, by real path
    (updated)."""
    try:
        with os.scandir(folder) as found:
            listed = sorted((e for e in found if not e.name.startswith(".")),
                            key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return FolderRead()
    except OSError as exc:
        return FolderRead(exists=True, problem=f"cannot list {folder}: {exc.strerror}")
    real = os.path.realpath(folder)
    place = _Place(folder, real, roots, frozenset(read_manifest(folder).records),
                   inside(real, roots), {} if files is None else files)
    read = _skill if kind == "skills" else _agent
    entries = (read(e, place) for e in listed)
    return FolderRead(tuple(e for e in entries if e is not None), exists=True)


def _skill(entry: os.DirEntry[str], place: _Place) -> CatalogEntry | None:
    try:
        if not entry.is_dir():  # (a link is followed: a link to a skill is a skill)
            return None
    except OSError:
        return None
    ours, source = _where(entry, place)
    read = place.read(os.path.join(entry.path, SKILL_FILE),
                      os.path.join(source, SKILL_FILE) if source else None)
    return None if read is None else _entry(entry, entry.name, read, place, ours, source)


def _agent(entry: os.DirEntry[str], place: _Place) -> CatalogEntry | None:
    name = entry.name
    if not name.endswith(AGENT_SUFFIX) or name in EXCLUDED:
        return None
    ours, source = _where(entry, place)
    read = place.read(entry.path, source)
    return None if read is None else _entry(entry, name.removesuffix(AGENT_SUFFIX), read,
                                            place, ours, source)


def read_file(path: str) -> Read:
    """A file's frontmatter and digest (sha256, 12 hex digits); the reason it cannot be
    read; None when there is no regular file at ``path`` (then there is no skill or agent).
    Opened without blocking, so a FIFO in its place cannot hang the read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        return f"cannot read {os.path.basename(path)}: {exc.strerror}"
    head, digest = b"", hashlib.sha256()
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        while chunk := os.read(fd, CHUNK):
            digest.update(chunk)
            if len(head) <= FRONTMATTER_MAX_BYTES:  # (what the frontmatter reader reads)
                head += chunk[:FRONTMATTER_MAX_BYTES + 1 - len(head)]
    except OSError as exc:
        return f"cannot read {os.path.basename(path)}: {exc.strerror}"
    finally:
        os.close(fd)
    return parse_frontmatter(head), digest.hexdigest()[:12]


def _entry(entry: os.DirEntry[str], plain: str, read: tuple[Frontmatter, str] | str,
           place: _Place, ours: bool, source: str | None) -> CatalogEntry:
    path = os.path.join(place.folder, entry.name)
    found: CatalogEntry = {
        "name": plain, "entry": entry.name, "folder": place.folder, "path": path,
        "origin": "skillshare" if ours else "local", "source": source,
        "digest": "", "tokens": 0, "description": ""}
    if isinstance(read, str):
        found["problem"] = read
        return found
    meta, digest = read
    found["name"] = meta.name or plain
    found["description"] = meta.description or ""
    found["digest"] = digest
    found["tokens"] = tokens(len(found["name"]) + len(found["description"]))
    return found


def _where(entry: os.DirEntry[str], place: _Place) -> tuple[bool, str | None]:
    """Whether the entry is ours (a link whose text points into the source, an entry of a
    folder that is itself in the source, or a copy the folder's manifest lists), and the
    real path a link leads to (or, in a folder in the source, the entry's)."""
    if not entry.is_symlink():
        here = os.path.join(place.real, entry.name)
        return (True, here) if place.whole else (entry.name in place.managed, None)
    try:
        dest = os.path.normpath(os.path.join(place.real, os.readlink(entry.path)))
    except OSError:
        return place.whole, None
    real = place.resolve(dest)
    return place.whole or inside(dest, place.roots) or inside(real, place.roots), real
