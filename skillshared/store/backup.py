"""Backups of targets (SPEC §7): links kept as links, files copied with a checksum manifest.

Layout of ``<backups>/``:

- ``<YYYY-MM-DD_HH-MM-SSZ>/<target>.json``: a target's manifest (the name is the time in UTC;
  ``-2``, ``-3``… when two backups are taken in the same second). It records the backup's
  creation time and its place in the order backups were taken (``order``, which never goes
  backwards: :func:`list_backups` sorts by it), the target's path, mode and kind, and every
  entry: its type; a link's text; a file's size, mode, times, inode and SHA-256; for a link
  of ours, the version of the skill behind it (``content``). A small manifest holds its
  ``entries`` itself; a big one lists ``chunks``: pieces of a few top-level entries each
  (a line of JSON), stored once (``.skills/chunks/<sha256>``), so a backup of a big target
  that changed a little costs the pieces that changed.
- ``.skills/files/<sha256>``: the content of every file backed up, stored once however many
  backups and targets hold it.
- ``.skills/<digest>/``: the content behind our links, one folder per distinct version of a
  skill (its tree digest names it), shared by every backup and target that saw it. So a
  skill deleted through its link (or a source deleted through a symlink-mode target) can
  still be restored, while an unchanged skill costs nothing in a new backup.

Backups of version 1 (named in local time, without ``Z``) are read as they are: a copy of
each file in ``<name>/<target>/``, the skill versions of their links in ``<name>/.index.json``.
Backups made by the original skillshare (local-time names, no manifest) are read by
:mod:`backup_original`.

A backup is written into a hidden ``.tmp-*`` folder; what it adds to ``.skills`` is renamed
into place complete; it is all flushed to disk, then the folder is renamed into place, so a
half-written backup is never taken for one.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import re
import stat
import sys
import time
import zlib
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skillshared.core.limits import Limits
from skillshared.core.names import TEMP_PREFIX
from skillshared.engine import fsops, trees
from skillshared.store import locking

TS_FORMAT = "%Y-%m-%d_%H-%M-%S"  # local time: the trash's names, and backups of version 1
NAME_FORMAT = TS_FORMAT + "Z"  # UTC: backups
NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})(Z(?:-[1-9]\d{0,5})?)?$")
MANIFEST_VERSION = 2
STORE = ".skills"
FILES = f"{STORE}/files"
CHUNKS = f"{STORE}/chunks"
INDEX = ".index.json"  # version 1: the saved version of each folder a backup's links lead to
TEMP = ".tmp-"
INLINE_MAX = 64 * 1024  # a manifest's entries up to this size (JSON) are kept in it
CHUNK_TOPS = 16  # top-level entries per piece of a bigger one, on average
_HEX = re.compile(r"^[0-9a-f]{64}$")
_SYNCFS = sys.platform.startswith("linux")  # one syncfs flushes a whole backup (fsops.flush)

Owns = Callable[[str], bool]
Exact = bool | Collection[str]  # True: all of a target; else the top-level entries named


def parse_ts(name: str) -> float | None:
    """The time a backup's (or trash item's) name stands for: UTC with ``Z``, else local
    time (the names of version 1); None if it is not such a name."""
    found = NAME_RE.match(name)
    if not found:
        return None
    try:
        parsed = time.strptime(found.group(1), TS_FORMAT)
        return float(calendar.timegm(parsed)) if found.group(2) else time.mktime(parsed)
    except (ValueError, OverflowError):
        return None


_HEAD = re.compile(rb'[{,]"(order|created)":(-?[0-9][0-9.eE+-]*)')
_RECORDED: dict[str, tuple[tuple[int, int], tuple[float | None, float | None]]] = {}


def recorded(backup: Path) -> tuple[float | None, float | None]:
    """``(order, created)`` as a backup's manifests record them (version 1 records no
    ``order``: its creation time stands for it). Read from the head of a manifest, where
    they are, and remembered while the folder is the same."""
    try:
        st = os.stat(backup)
    except OSError:
        return None, None
    key, cached = (st.st_ino, st.st_mtime_ns), _RECORDED.get(str(backup))
    if cached is not None and cached[0] == key:
        return cached[1]
    order = created = None
    for target in targets_in(backup):
        try:
            with open(backup / f"{target}.json", "rb") as handle:
                head = handle.read(16384)
        except OSError:
            continue
        found: dict[bytes, float] = {}
        for match in _HEAD.finditer(head):
            try:
                found.setdefault(match.group(1), float(match.group(2)))
            except ValueError:
                continue
        created = found.get(b"created")
        order = found.get(b"order", created)
        if created is not None:
            break
    _RECORDED[str(backup)] = (key, (order, created))
    return order, created


def sort_key(backup: Path) -> tuple[float, str]:
    """Where a backup stands in the order backups were taken: its recorded order, else (a
    backup whose manifests cannot be read) the time its name stands for, else its mtime."""
    order = recorded(backup)[0]
    if order is None:
        order = named_time(backup)
    if order is None:
        try:
            order = os.stat(backup).st_mtime
        except OSError:
            order = 0.0
    return order, backup.name


def created_at(backup: Path) -> float | None:
    """When a backup was taken (its recorded creation time, else its name's)."""
    return recorded(backup)[1] or named_time(backup)


def named_time(backup: Path) -> float | None:
    """When a backup without a readable manifest was taken, as its name (and, for one the
    original skillshare made, its folder's time: :func:`backup_original.made_at`) says."""
    from skillshared.store import backup_original

    return backup_original.made_at(backup) or parse_ts(backup.name)


def list_backups(backups_dir: Path) -> list[Path]:
    """Published backups, newest (the last one taken) first."""
    try:
        names = [n for n in os.listdir(backups_dir) if NAME_RE.match(n)]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted((backups_dir / n for n in names), key=sort_key, reverse=True)


def targets_in(backup: Path) -> list[str]:
    """The targets a backup holds a manifest for (valid or not)."""
    try:
        return sorted(n[:-5] for n in os.listdir(backup)
                      if n.endswith(".json") and not n.startswith("."))
    except OSError:
        return []


# -- the store ---------------------------------------------------------------------------------


def store_path(backups_dir: Path, digest: str) -> Path:
    return backups_dir / STORE / digest


def file_path(backups_dir: Path, sha: str) -> Path:
    return backups_dir / FILES / sha


def chunk_path(backups_dir: Path, digest: str) -> Path:
    return backups_dir / CHUNKS / digest


_CHUNKS: dict[tuple[str, str], tuple[tuple[int, int, int], list[dict[str, Any]]]] = {}
_CACHED = [0]  # entries in _CHUNKS
CACHE_ENTRIES = 50_000


def read_chunk(backups_dir: Path, digest: str, fresh: bool = False
               ) -> list[dict[str, Any]] | None:
    """The entries in a piece of a manifest; None if it is missing or does not match its
    name. Remembered while its file is the same (``fresh``: read it again anyway)."""
    path = chunk_path(backups_dir, digest)
    try:
        st = os.stat(path)
    except OSError:
        return None
    key, cached = (st.st_ino, st.st_size, st.st_mtime_ns), _CHUNKS.get((str(backups_dir), digest))
    if cached is not None and cached[0] == key and not fresh:
        return [dict(e) for e in cached[1]]
    try:
        with open(path, "rb") as handle:
            data = handle.read().removesuffix(b"\n")
        entries = json.loads(data)
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != digest or not _valid_entries(entries):
        return None
    _CACHED[0] += len(entries)
    if _CACHED[0] > CACHE_ENTRIES:  # (a long-running daemon keeps a bounded number)
        _CHUNKS.clear()
        _CACHED[0] = len(entries)
    _CHUNKS[(str(backups_dir), digest)] = (key, entries)
    return [dict(e) for e in entries]


def _valid_entries(entries: Any) -> bool:
    """Whether a manifest's entries are what one holds: each a path inside the target, a
    type, and checksums that name nothing but a store entry."""
    return isinstance(entries, list) and all(
        isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("type"), str)
        and not _OUTSIDE.search(e["path"])
        and all(e.get(k) is None or (isinstance(e[k], str) and _HEX.match(e[k]))
                for k in ("sha256", "content"))
        for e in entries)


_OUTSIDE = re.compile(r"^/|(^|/)\.\.?(/|$)|^$")


def _pieces(entries: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Split a manifest's entries (each top-level entry followed by what is inside it) into
    pieces that end after a top-level entry whose name's hash says so: a change to one
    entry changes one piece, whatever was added or removed elsewhere."""
    part: list[dict[str, Any]] = []
    for index, entry in enumerate(entries):
        part.append(entry)
        last = index + 1 == len(entries)
        if last or "/" not in entries[index + 1]["path"]:
            top = entry["path"].split("/", 1)[0].encode("utf-8", "surrogateescape")
            if last or zlib.crc32(top) % CHUNK_TOPS == 0:
                yield part
                part = []


# -- manifests -------------------------------------------------------------------------------


_INDEXES: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}


def read_index(backup: Path) -> dict[str, Any] | None:
    """A version 1 backup's index of saved skill versions (``{folder: {"content"}}``),
    shared by its targets' manifests; None if it is missing or unreadable. Its stat
    signatures are dropped: they were made by an older, weaker signature."""
    path = backup / INDEX
    try:
        st = os.stat(path)
    except OSError:
        return None
    key, cached = (st.st_ino, st.st_mtime_ns), _INDEXES.get(str(path))
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    skills = data.get("skills") if isinstance(data, dict) else None
    if not isinstance(skills, dict):
        return None
    skills = {k: {"content": v.get("content")} for k, v in skills.items() if isinstance(v, dict)}
    _INDEXES[str(path)] = (key, skills)
    return skills


def saved_folder(manifest: Mapping[str, Any], entry: Mapping[str, Any]) -> str:
    """The folder whose content a link entry (or a symlink-mode ``saved`` entry) saved."""
    path = str(manifest.get("path", ""))
    if entry["type"] == "saved":
        return os.path.join(_link_dest(os.path.dirname(path), str(manifest.get("link"))),
                            entry["path"])
    rel = entry["path"]
    folder = path if "/" not in rel else os.path.dirname(os.path.join(path, rel))
    return _link_dest(folder, entry["link"])


def load_manifest(backup: Path, target: str) -> dict[str, Any] | None:
    """A target's manifest as written (its entries maybe still in pieces), or None."""
    try:
        with open(backup / f"{target}.json", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") not in (1, MANIFEST_VERSION):
        return None
    if "entries" in data:
        return data if _valid_entries(data["entries"]) else None
    chunks = data.get("chunks")
    if data["version"] == 1 or not (isinstance(chunks, list) and all(
            isinstance(c, str) and _HEX.match(c) for c in chunks)):
        return None
    return data


def read_manifest(backup: Path, target: str, fresh: bool = False) -> dict[str, Any] | None:
    """A target's manifest with all its entries (version 1: with the saved skill versions of
    its links filled in from the backup's index; an entry whose version cannot be found gets
    ``content`` None); None if it, or a piece of it, is missing or damaged."""
    data = load_manifest(backup, target)
    if data is None:
        return None
    if "entries" not in data:
        entries: list[dict[str, Any]] = []
        for digest in data["chunks"]:
            part = read_chunk(backup.parent, digest, fresh)
            if part is None:
                return None
            entries += part
        data["entries"] = entries
    if data["version"] == 1 and any(e.get("saved") for e in data["entries"]):
        index = read_index(backup) or {}
        for entry in data["entries"]:
            if entry.get("saved"):
                found = index.get(saved_folder(data, entry))
                entry.update(found if isinstance(found, dict) else {"content": None})
    return data


def latest(backups_dir: Path, target: str) -> tuple[Path, dict[str, Any]] | None:
    for backup in list_backups(backups_dir):
        manifest = read_manifest(backup, target)
        if manifest is not None:
            return backup, manifest
    return None


def referenced(manifest: Mapping[str, Any]) -> set[str]:
    """The saved skill versions (content digests) a manifest refers to."""
    return {e["content"] for e in manifest.get("entries", []) if isinstance(e.get("content"), str)}


def files_of(manifest: Mapping[str, Any]) -> set[str]:
    """The stored files (SHA-256) a manifest of version 2 refers to."""
    if manifest.get("version") == 1:
        return set()
    return {e["sha256"] for e in manifest.get("entries", [])
            if e.get("type") == "file" and isinstance(e.get("sha256"), str)}


def copy_of(backups_dir: Path, backup: Path, manifest: Mapping[str, Any],
            entry: Mapping[str, Any]) -> Path:
    """Where a backup keeps its copy of a file entry."""
    if manifest.get("version") == 1:
        return backup / str(manifest["target"]) / str(entry["path"])
    return file_path(backups_dir, str(entry.get("sha256")))


def copy_intact(backups_dir: Path, backup: Path, manifest: Mapping[str, Any],
                entry: Mapping[str, Any], exact: bool = False) -> bool:
    """Whether a backup's copy of a file is what its manifest says: cheaply (one lstat) its
    size, and for a copy of version 1 its modification time; ``exact``: its SHA-256.

    Cheap is enough to skip a backup of an unchanged target: the copies are written only by
    this module, into a private folder, complete under their final name, and never changed
    in place. Before something is deleted or replaced (``exact``), they are read."""
    path = copy_of(backups_dir, backup, manifest, entry)
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not (stat.S_ISREG(st.st_mode) and st.st_size == entry.get("size")) or (
            manifest.get("version") == 1 and st.st_mtime_ns != entry.get("mtime_ns")):
        return False
    if not exact:
        return True
    try:
        return trees.file_sha256(str(path)) == entry.get("sha256")
    except OSError:
        return False


def stored_versions(backups_dir: Path) -> set[str]:
    """The skill versions in the store."""
    try:
        return {n for n in os.listdir(backups_dir / STORE) if _HEX.match(n)}
    except (FileNotFoundError, NotADirectoryError):
        return set()


def looks_intact(backups_dir: Path, backup: Path, target: str, manifest: Mapping[str, Any],
                 stored: set[str] | None = None) -> bool:
    """Cheaply: every file of the target's backup (as :func:`read_manifest` read it, with
    every piece of it) has its size (and time), every saved version it refers to is in the
    store (``stored``: the store's names, if known)."""
    for entry in manifest["entries"]:
        if entry.get("type") == "file" and not copy_intact(backups_dir, backup, manifest, entry):
            return False
    return referenced(manifest) <= (stored_versions(backups_dir) if stored is None else stored)


# -- what a target holds ---------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    kind: str  # "dir" | "link" | "missing" | "file"
    link: str | None
    entries: tuple[dict[str, Any], ...]
    origins: Mapping[str, str] = field(default_factory=dict)  # entry path -> folder saved
    not_saved: tuple[dict[str, str], ...] = ()  # over the limits: {"path", "why"}

    @property
    def empty(self) -> bool:
        return self.kind == "missing" or (self.kind == "dir" and not self.entries
                                          and not self.not_saved)

    def content(self) -> list[tuple[Any, ...]]:
        """What must be equal for two snapshots to hold the same content."""
        return [*((e["path"], e["type"], e.get("link"), e.get("sha256"), e.get("mode"),
                   e.get("content")) for e in self.entries),
                *((e["path"], e["why"]) for e in self.not_saved)]


class _Contents:
    """Digests of the folders behind our links, reusing a previous manifest's digest while a
    folder's stat signature (:func:`trees.signature`: sizes, times, inodes) is unchanged. One
    instance per backup: each folder is looked at once however many targets link to it. A
    folder over ``limits`` is not saved."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits
        self.known: dict[str, dict[str, str] | None] = {}  # folder -> signature and digest
        self.too_large: dict[str, str] = {}  # folder -> why it is not saved

    def describe(self, folder: str, previous: Mapping[str, Any] | None
                 ) -> dict[str, str] | None:
        """``{"signature", "content"}`` of ``folder``; None if it is not a folder."""
        if folder in self.known:
            return self.known[folder]
        try:
            sig = trees.signature(folder, trees.SKIP_GIT, self.limits)
            if previous and previous.get("signature") == sig and isinstance(
                    previous.get("content"), str):
                digest = str(previous["content"])
            else:
                digest = trees.digest(folder, trees.SKIP_GIT, self.limits)
        except (NotADirectoryError, FileNotFoundError):
            self.known[folder] = None
            return None
        except trees.TooLarge as exc:
            self.too_large[folder] = exc.why
            self.known[folder] = None
            return None
        self.known[folder] = {"signature": sig, "content": digest}
        return self.known[folder]


def _link_dest(folder: str, text: str) -> str:
    if text.startswith("/") and not (
            "//" in text or "/./" in text or "/../" in text or text.endswith(("/", "/.", "/.."))):
        return text  # already in normal form (as the links we make are): the common case
    return os.path.normpath(text if text.startswith("/") else os.path.join(folder, text))


def exact_for(exact: Exact, rel: str) -> bool:
    """Whether the entry at ``rel`` is looked at exactly (its files read, not trusted)."""
    if isinstance(exact, bool):
        return exact
    return rel.split("/", 1)[0] in exact


def _same_file(old: Mapping[str, Any] | None, st: os.stat_result) -> bool:
    """Whether a file may be taken as unchanged since ``old`` recorded it, unread: same size,
    modification and change times, and inode. The change time cannot be set by a user
    (``cp -p``, ``touch -r``, ``rsync -a`` set the modification time), and a file replaced
    by another has another inode or a new change time. A record without them (version 1)
    never matches."""
    return (old is not None and isinstance(old.get("sha256"), str)
            and old.get("size") == st.st_size and old.get("mtime_ns") == st.st_mtime_ns
            and old.get("ctime_ns") == st.st_ctime_ns and old.get("ino") == st.st_ino)


def snapshot(path: str, previous: Mapping[str, Any] | None = None, owns: Owns | None = None,
             contents: _Contents | None = None, exact: Exact = False) -> Snapshot:
    """Describe the target at ``path``. A file's checksum is reused from ``previous`` while
    its size, times and inode are unchanged (:func:`_same_file`), except in the entries
    ``exact`` names (True: all), whose files are all read. A link that ``owns`` (into the
    source) and that leads to a folder also gets the digest of that folder's content
    (``content``). An entry of the target (or the folder behind a link of ours) over the
    ``contents``' limits is left out (``not_saved``)."""
    contents = contents or _Contents()
    not_saved: list[dict[str, str]] = []

    def unsaved(name: str, folder: str) -> None:
        if folder in contents.too_large:
            not_saved.append({"path": name, "why": contents.too_large[folder]})

    known = {e["path"]: e for e in (previous or {}).get("entries", []) if isinstance(e, dict)}
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Snapshot("missing", None, ())
    if stat.S_ISLNK(st.st_mode):
        text = os.readlink(path)
        dest = _link_dest(os.path.dirname(path), text)
        saved: list[dict[str, Any]] = []
        origins: dict[str, str] = {}
        if owns is not None and owns(dest) and os.path.isdir(dest):
            with os.scandir(dest) as found:
                tops = sorted((e.name, e.path) for e in found
                              if e.name != ".git" and e.is_dir(follow_symlinks=False))
            for name, folder in tops:
                described = contents.describe(folder, known.get(name))
                if described is not None:
                    saved.append({"path": name, "type": "saved", **described})
                    origins[name] = folder
                unsaved(name, folder)
        return Snapshot("link", text, tuple(saved), origins, tuple(not_saved))
    if not stat.S_ISDIR(st.st_mode):
        return Snapshot("file", None, ())
    entries: list[dict[str, Any]] = []
    origins = {}

    def add_link(rel: str, full: str, top: bool) -> None:
        text = os.readlink(full)
        item: dict[str, Any] = {"path": rel, "type": "link", "link": text}
        dest = _link_dest(path if top else os.path.dirname(full), text)
        saving = top and owns is not None and owns(dest)
        described = contents.describe(dest, known.get(rel)) if saving else None
        if described is not None:
            item.update(described)
            origins[rel] = dest
        elif saving:
            unsaved(rel, dest)
        entries.append(item)

    def add(rel: str, est: os.stat_result, read: bool) -> None:
        mode = est.st_mode
        if stat.S_ISLNK(mode):
            add_link(rel, os.path.join(path, rel), "/" not in rel)
        elif stat.S_ISDIR(mode):
            entries.append({"path": rel, "type": "dir", "mode": stat.S_IMODE(mode)})
        elif stat.S_ISREG(mode):
            old = known.get(rel)
            sha = old["sha256"] if old and not read and _same_file(old, est) else (
                trees.file_sha256(os.path.join(path, rel)))
            entries.append({"path": rel, "type": "file", "mode": stat.S_IMODE(mode),
                            "size": est.st_size, "mtime_ns": est.st_mtime_ns,
                            "ctime_ns": est.st_ctime_ns, "ino": est.st_ino, "sha256": sha})

    limits = contents.limits
    with os.scandir(path) as found:
        listed = sorted(found, key=lambda e: e.name)
    for top in listed:  # each top entry whole, or (over the limits) left out: as trees.walk
        if top.is_symlink():  # (the common case, known without a stat)
            add_link(top.name, top.path, True)
            continue
        est = top.stat(follow_symlinks=False)
        if limits is not None and stat.S_ISREG(est.st_mode) and (
                est.st_size > limits.max_mb * trees.MB):
            not_saved.append({"path": top.name, "why": trees.over_mb(limits)})
            continue
        inner: list[tuple[str, os.stat_result]] = []
        if stat.S_ISDIR(est.st_mode):
            try:  # its walk stops at the limits, before anything over them is read
                inner = list(trees.walk(top.path, limits=limits))
            except trees.TooLarge as exc:
                not_saved.append({"path": top.name, "why": exc.why})
                continue
        read = exact_for(exact, top.name)
        add(top.name, est, read)
        for rel, inner_st in inner:
            add(f"{top.name}/{rel}", inner_st, read)
    return Snapshot("dir", None, tuple(entries), origins, tuple(not_saved))


def _changed(before: Iterable[Mapping[str, Any]], now: Iterable[Mapping[str, Any]]
             ) -> set[str]:
    """The top-level entries whose content differs between two lists of entries."""
    def groups(entries: Iterable[Mapping[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
        found: dict[str, list[tuple[Any, ...]]] = {}
        for e in entries:
            found.setdefault(e["path"].split("/", 1)[0], []).append((
                e["path"], e["type"], e.get("link"), e.get("sha256"), e.get("mode"),
                e.get("content")))
        return found

    old = groups(before)
    return {top for top, content in groups(now).items() if old.get(top) != content}


def real_target(path: str, mode: str, owns: Owns | None) -> str:
    """Where a target's entries are: a target path that is a link to a folder of the user's
    own (not into the source) stands for that folder, except in symlink mode."""
    if mode != "symlink" and os.path.islink(path):
        dest = os.path.realpath(path)
        if os.path.isdir(dest) and not (owns is not None and owns(dest)):
            return dest
    return path


def count_skills(entries: Iterable[Mapping[str, Any]]) -> int:
    return sum(1 for e in entries if "/" not in e["path"] and e["type"] in ("dir", "link", "saved")
               and not e["path"].startswith("."))


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


@dataclass(frozen=True)
class TargetBackup:
    target: str
    status: str  # "created" | "unchanged" | "empty" | "missing" | "failed"
    path: str | None = None
    skills: int = 0
    bytes: int = 0
    error: str | None = None
    not_saved: tuple[dict[str, str], ...] | None = None  # entries over the limits

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()
                if v is not None}


class BackupWriter:
    """Writes one backup (one timestamp folder) holding any number of targets."""

    def __init__(self, backups_dir: Path, now: float | None = None,
                 limits: Limits | None = None) -> None:
        self.backups_dir = backups_dir
        self.now = time.time() if now is None else now
        self.order = self.now
        self.temp: Path | None = None
        self.final: Path | None = None
        self.results: list[TargetBackup] = []
        self.written = 0  # bytes written: file content and manifests new to the store
        self._contents = _Contents(limits)
        self._versions: set[str] | None = None
        self._fresh: list[Path] = []  # skill versions this backup added (flushed with it)
        self._dirs: set[Path] = set()  # store folders it added entries to
        self._checked: set[str] = set()  # copies read and found right, or written, by it
        self._made: set[Path] = set()  # folders it made sure exist
        self._chunks: set[str] = set()  # pieces known to be in the store

    def _temp(self) -> Path:
        if self.temp is None:
            fsops.make_private_dir(self.backups_dir)
            sweep_unfinished(self.backups_dir)
            newest = list_backups(self.backups_dir)[:1]
            if newest:  # after the last one taken, whatever the clock says
                self.order = max(self.now, sort_key(newest[0])[0] + 0.001)
            stamp = time.strftime(NAME_FORMAT, time.gmtime(self.now))
            self.temp = self.backups_dir / f"{TEMP}{stamp}-{os.getpid()}"
            fsops.make_private_dir(self.temp)
        return self.temp

    def add(self, target: str, path: str, mode: str, owns: Owns | None = None,
            always: bool = False, exact: Exact = False) -> TargetBackup:
        """Back up one target unless it is empty, or unchanged since its latest backup (and
        that backup looks intact) and not ``always``.

        ``exact``: the caller is about to replace or delete these top-level entries of the
        target (True: all of it). Their files are read (no checksum is taken on trust), and
        the latest backup counts as holding them only if its copies of them are read and
        found right; else a new backup is written, with fresh copies of any that were not."""
        if isinstance(exact, str):
            exact = {exact}
        try:
            result = self._add(target, real_target(path, mode, owns), mode, owns, always, exact)
        except OSError as exc:
            result = TargetBackup(target, "failed", error=f"{exc.strerror or exc}: {exc.filename}")
            self._drop(target)
        self.results.append(result)
        return result

    def examine(self, target: str, path: str, owns: Owns | None = None, always: bool = False,
                exact: Exact = False
                ) -> tuple[str | None, Snapshot, tuple[Path, dict[str, Any]] | None]:
        """What backing up the target would do: ("missing" | "empty" | "unchanged" | None
        for a new backup, its snapshot, its latest backup)."""
        prior = latest(self.backups_dir, target)
        snap = snapshot(path, prior[1] if prior else None, owns, self._contents, exact)
        if snap.kind in ("missing", "file") or snap.empty:
            return ("missing" if snap.kind == "missing" else "empty"), snap, prior
        if not always and prior is not None and (
            prior[1].get("kind") == snap.kind and prior[1].get("link") == snap.link
            and Snapshot(snap.kind, snap.link, tuple(prior[1]["entries"]),
                         not_saved=tuple(prior[1].get("not_saved", ()))).content()
            == snap.content()
            and looks_intact(self.backups_dir, prior[0], target, prior[1], self._stored())
            and all(self._exact_copy(prior[0], prior[1], e) for e in prior[1]["entries"]
                    if e["type"] == "file" and exact_for(exact, e["path"]))
        ):
            return "unchanged", snap, prior
        return None, snap, prior

    def _exact_copy(self, backup: Path, manifest: Mapping[str, Any],
                    entry: Mapping[str, Any]) -> bool:
        """Whether a backup's copy of a file is read and found right (once per copy)."""
        where = str(copy_of(self.backups_dir, backup, manifest, entry))
        if where not in self._checked:
            if not copy_intact(self.backups_dir, backup, manifest, entry, exact=True):
                return False
            self._checked.add(where)
        return True

    def _add(self, target: str, path: str, mode: str, owns: Owns | None,
             always: bool, exact: Exact) -> TargetBackup:
        status, snap, prior = self.examine(target, path, owns, always, exact)
        if snap.kind == "file":
            return TargetBackup(target, "failed", error=f"{path} is a file, not a folder")
        if status == "unchanged" and prior is not None:
            return TargetBackup(target, status, str(prior[0] / target),
                                int(prior[1].get("skills", 0)), int(prior[1].get("bytes", 0)),
                                not_saved=snap.not_saved or None)
        if status is not None:
            return TargetBackup(target, status)
        root = self._temp() / target
        shown = _changed(prior[1]["entries"] if prior else (), snap.entries)
        size = 0
        entries = []
        for seen in snap.entries:
            rel, entry = seen["path"], seen
            show = rel.split("/", 1)[0] in shown or exact_for(exact, rel)
            if show and root not in self._made:
                fsops.makedirs(root)
                self._made.add(root)
            if entry["type"] == "file":
                entry = self._keep_file(os.path.join(path, rel), entry, exact_for(exact, rel),
                                        os.path.join(root, rel) if show else None)
                size += entry["size"]
            elif show:
                self._show(root, entry)
            origin = snap.origins.get(rel)
            if origin is not None:
                entry = {**entry, "content": self._store(origin, entry["content"])}
            entries.append(entry)
        skills = count_skills(entries)
        manifest: dict[str, Any] = {
            "version": MANIFEST_VERSION, "order": self.order, "created": self.now,
            "target": target, "path": path, "mode": mode, "kind": snap.kind, "link": snap.link,
            "skills": skills, "bytes": size,
        }
        if snap.not_saved:
            manifest["not_saved"] = list(snap.not_saved)
        whole = json.dumps(entries, separators=(",", ":"))
        if len(whole) <= INLINE_MAX:
            manifest["entries"] = entries
        else:
            manifest["chunks"] = [self._chunk(part) for part in _pieces(entries)]
        data = json.dumps(manifest, separators=(",", ":")).encode("utf-8")
        fsops.atomic_write(root.parent / f"{target}.json", data, mode=0o600)
        self.written += len(data)
        return TargetBackup(target, "created", None, skills, size,
                            not_saved=snap.not_saved or None)

    def _show(self, root: Path, entry: Mapping[str, Any]) -> None:
        """Make a real copy of a folder or link in the backup's folder of the target (of the
        entries that changed, or that are about to be replaced), where people (and
        ``sync --force``'s report) find them. (A folder comes before what is in it.)"""
        rel, kind = entry["path"], entry["type"]
        if kind == "dir":
            fsops.makedirs(os.path.join(root, rel))
        elif kind == "link" and "/" in rel:  # (a link at the top is recorded only)
            fsops.create_link(entry["link"], os.path.join(root, rel))

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

    def _keep_file(self, src: str, entry: dict[str, Any], exact: bool, show: str | None
                   ) -> dict[str, Any]:
        """Put a file's content in the store unless it is there (and, with ``show``, a real
        copy of it there: a hard link to the store's); its entry (with the checksum of what
        was copied, should the file have changed since it was looked at)."""
        if self._file_ok(entry["sha256"], entry["size"], exact):
            if show is not None:
                stored = str(file_path(self.backups_dir, entry["sha256"]))
                fsops.link_or_copy_file(stored, show, stored, entry["mode"], entry["mtime_ns"])
            return entry
        files = self.backups_dir / FILES
        if files not in self._made:
            fsops.make_private_dir(files)
            self._made.add(files)
        copy = show or str(files / f"{TEMP}{entry['sha256'][:16]}-{os.getpid()}")
        if show is None and os.path.lexists(copy):
            fsops.remove_file(copy)
        try:
            made = fsops.copy_file(src, copy, entry["mode"] | 0o600, sync=not _SYNCFS,
                                   mtime_ns=entry["mtime_ns"])
            if made != entry["sha256"]:
                entry = {**entry, "sha256": made, "size": os.lstat(copy).st_size}
            final = file_path(self.backups_dir, made)
            if not self._file_ok(made, entry["size"], exact=True):
                if os.path.lexists(final):
                    fsops.remove_file(final)  # a damaged copy: its content is lost anyway
                if show is None:
                    fsops.rename_no_replace(copy, str(final))
                else:  # the store's copy is the backup's own, hard-linked
                    fsops.link_or_copy_file(copy, str(final), copy, entry["mode"] | 0o600)
                self.written += entry["size"]
                self._dirs.add(files)
            elif show is None:
                fsops.remove_file(copy)  # (the file changed into content already stored)
        except BaseException:
            if show is None:
                fsops.remove_quietly(copy)
            raise
        self._checked.add(str(final))
        return entry

    def _chunk(self, part: list[dict[str, Any]]) -> str:
        """Put a piece of a manifest in the store unless it is there; its name."""
        data = json.dumps(part, separators=(",", ":")).encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        if digest in self._chunks or read_chunk(self.backups_dir, digest) is not None:
            self._chunks.add(digest)
            return digest
        chunks = self.backups_dir / CHUNKS
        if chunks not in self._made:
            fsops.make_private_dir(chunks)
            self._made.add(chunks)
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
        self._dirs.add(chunks)
        self._chunks.add(digest)
        return digest

    def _drop(self, target: str) -> None:
        """Remove what a failed target left in the unpublished backup."""
        if self.temp is None:
            return
        for leftover in (self.temp / target, self.temp / f"{target}.json"):
            try:
                if os.path.lexists(leftover):
                    fsops.remove_tree(leftover)
            except OSError:
                pass  # the sweep of unfinished backups gets it if the backup is dropped

    def _stored(self) -> set[str]:
        """The store's names, listed once per backup (and kept up to date by :meth:`_store`)."""
        if self._versions is None:
            self._versions = stored_versions(self.backups_dir)
        return self._versions

    def _store(self, folder: str, digest: str) -> str:
        """Put the content of ``folder`` in the store (unless it is there); its digest."""
        if digest in self._stored():
            return digest
        store = self.backups_dir / STORE
        fsops.make_private_dir(store)
        temp = store / f"{TEMP}{digest[:16]}-{os.getpid()}"
        if os.path.lexists(temp):
            fsops.remove_tree(temp)
        try:
            made = fsops.copy_tree(folder, str(temp), trees.SKIP_GIT,  # flushed with the backup
                                   limits=self._contents.limits)
            self.written += sum(st.st_size for _, st in trees.walk(str(temp))
                                if stat.S_ISREG(st.st_mode))
            final = store_path(self.backups_dir, made)
            if made in self._stored():
                fsops.remove_tree(temp)
            else:
                fsops.rename_no_replace(str(temp), str(final))
                self._stored().add(made)
                self._fresh.append(final)
                self._dirs.add(store)
        except BaseException:
            if os.path.lexists(temp):
                fsops.remove_tree(temp)
            raise
        return made

    def publish(self) -> Path | None:
        """Move the finished backup into place; returns its folder (None if nothing written)."""
        if self.temp is None or not any(r.status == "created" for r in self.results):
            self.discard()
            return None
        fsops.flush(self.temp, *self._fresh)
        for folder in sorted(self._dirs):
            fsops.fsync_dir(folder)
        base = time.strftime(NAME_FORMAT, time.gmtime(self.now))
        count = 1
        while True:
            final = self.backups_dir / (base if count == 1 else f"{base}-{count}")
            try:
                fsops.rename_no_replace(str(self.temp), str(final))
                break
            except FileExistsError:
                count += 1
        fsops.fsync_dir(self.backups_dir)
        self.final, self.temp = final, None
        self.results = [replace(r, path=str(final / r.target)) if r.status == "created" else r
                        for r in self.results]
        return final

    def discard(self) -> None:
        if self.temp is not None and self.temp.exists():
            fsops.remove_tree(self.temp)
        self.temp = None


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
            folder = store_path(self.backups_dir, digest)
            if not folder.is_dir():
                self._store[digest] = f"{STORE}/{digest[:12]}… is missing"
            elif trees.digest(str(folder)) != digest:
                self._store[digest] = f"{STORE}/{digest[:12]}… does not match its checksum"
            else:
                self._store[digest] = None
        return self._store[digest]
