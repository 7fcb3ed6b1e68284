"""Reading backups: a target's manifest (whole, or from its pieces in the store; version 1
with the saved skill versions of its index), what it refers to in the store, and whether the
store's copies are what it says."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skillshared.engine import trees
from skillshared.store.backup_format import (
    CHUNKS,
    HEX,
    INDEX,
    MANIFEST_VERSION,
    STORE,
    file_path,
    link_dest,
    list_backups,
)

_CHUNKS: dict[tuple[str, str], tuple[tuple[int, int, int], list[dict[str, Any]]]] = {}
_CACHED = [0]  # entries in _CHUNKS
CACHE_ENTRIES = 50_000


def read_chunk(backups_dir: Path, digest: str, fresh: bool = False
               ) -> list[dict[str, Any]] | None:
    """The entries in a piece of a manifest; None if it is missing or does not match its
    name. Remembered while its file is the same (``fresh``: read it again anyway)."""
    found = shared_chunk(backups_dir, digest, fresh)
    return None if found is None else [dict(e) for e in found[0]]


def shared_chunk(backups_dir: Path, digest: str, fresh: bool = False
                 ) -> tuple[list[dict[str, Any]], int] | None:
    """:func:`read_chunk`'s entries as remembered (to be read, never changed) and the length
    of the piece's JSON."""
    path = f"{backups_dir}/{CHUNKS}/{digest}"  # (chunk_path, without a Path per piece)
    try:
        st = os.stat(path)
    except OSError:
        return None
    key, cached = (st.st_ino, st.st_size, st.st_mtime_ns), _CHUNKS.get((str(backups_dir), digest))
    if cached is not None and cached[0] == key and not fresh:
        return cached[1], st.st_size - 1
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
    return entries, len(data)


def _valid_entries(entries: Any) -> bool:
    """Whether a manifest's entries are what one holds: each a path inside the target, a
    type, and checksums that name nothing but a store entry."""
    return isinstance(entries, list) and all(
        isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("type"), str)
        and not _OUTSIDE.search(e["path"])
        and all(e.get(k) is None or (isinstance(e[k], str) and HEX.match(e[k]))
                for k in ("sha256", "content"))
        for e in entries)


_OUTSIDE = re.compile(r"^/|(^|/)\.\.?(/|$)|^$")


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
        return os.path.join(link_dest(os.path.dirname(path), str(manifest.get("link"))),
                            entry["path"])
    rel = entry["path"]
    folder = path if "/" not in rel else os.path.dirname(os.path.join(path, rel))
    return link_dest(folder, entry["link"])


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
            isinstance(c, str) and HEX.match(c) for c in chunks)):
        return None
    return data


def read_manifest(backup: Path, target: str, fresh: bool = False) -> dict[str, Any] | None:
    """A target's manifest with all its entries (version 1: with the saved skill versions of
    its links filled in from the backup's index; an entry whose version cannot be found gets
    ``content`` None); None if it, or a piece of it, is missing or damaged."""
    found = read_pieces(backup, target, fresh, shared=False)
    return None if found is None else found[0]


Piece = tuple[list[dict[str, Any]], str, int]  # a piece's entries, its name, its JSON's length


def read_pieces(backup: Path, target: str, fresh: bool = False, shared: bool = True
                ) -> tuple[dict[str, Any], list[Piece]] | None:
    """:func:`read_manifest`, and the pieces its entries came from (none if the manifest
    holds them itself). ``shared``: the entries are the pieces' as remembered, to be read
    and never changed."""
    data = load_manifest(backup, target)
    if data is None:
        return None
    pieces: list[Piece] = []
    if "entries" not in data:
        entries: list[dict[str, Any]] = []
        for digest in data["chunks"]:
            found = shared_chunk(backup.parent, digest, fresh)
            if found is None:
                return None
            part = found[0] if shared else [dict(e) for e in found[0]]
            pieces.append((part, digest, found[1]))
            entries += part
        data["entries"] = entries
    if data["version"] == 1 and any(e.get("saved") for e in data["entries"]):
        index = read_index(backup) or {}
        for entry in data["entries"]:
            if entry.get("saved"):
                found_saved = index.get(saved_folder(data, entry))
                entry.update(found_saved if isinstance(found_saved, dict) else {"content": None})
    return data, pieces


def latest(backups_dir: Path, target: str) -> tuple[Path, dict[str, Any]] | None:
    found = latest_pieces(backups_dir, target, shared=False)
    return None if found is None else (found[0], found[1])


def latest_pieces(backups_dir: Path, target: str, shared: bool = True
                  ) -> tuple[Path, dict[str, Any], list[Piece]] | None:
    """A target's latest backup that can be read: its folder, manifest and pieces (see
    :func:`read_pieces`)."""
    for backup in list_backups(backups_dir):
        found = read_pieces(backup, target, shared=shared)
        if found is not None:
            return backup, found[0], found[1]
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
    the backup writer, into a private folder, complete under their final name, and never
    changed in place. Before something is deleted or replaced (``exact``), they are read."""
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
        return {n for n in os.listdir(backups_dir / STORE) if HEX.match(n)}
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

