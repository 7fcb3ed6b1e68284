"""The backup format: where a backup keeps what, its name, and the order backups were taken.

Layout of ``<backups>/``:

- ``<YYYY-MM-DD_HH-MM-SSZ>/<target>.json``: a target's manifest (the name is the time in UTC;
  ``-2``, ``-3``… when two backups are taken in the same second). It records the backup's
  creation time and its place in the order backups were taken (``order``, which never goes
  backwards: :func:`list_backups` sorts by it), the target's path, mode and kind, and every
  entry: its type; a link's text; a file's size, mode, times, inode and SHA-256; for a link
  of ours, the version of the skill behind it (``content``). A small manifest holds its
  ``entries`` itself; a big one lists ``chunks``: pieces of a few top-level entries each
  (a line of JSON), stored once (``.skills/chunks/<sha256>``), so a backup of a big target
  that changed a little costs the pieces that changed: the pieces equal to the latest
  backup's are named again as they are (:mod:`backup_pieces`), neither serialised nor hashed.
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

:mod:`backup_writer` writes a backup: into a hidden ``.tmp-*`` folder; what it adds to
``.skills`` is renamed into place complete; it is all flushed to disk, then the folder is
renamed into place, so a half-written backup is never taken for one.
"""

from __future__ import annotations

import calendar
import os
import re
import time
from pathlib import Path

from skillshared.store import backup_original

TS_FORMAT = "%Y-%m-%d_%H-%M-%S"  # local time: the trash's names, and backups of version 1
NAME_FORMAT = TS_FORMAT + "Z"  # UTC: backups
NAME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})(Z(?:-[1-9]\d{0,5})?)?$")
MANIFEST_VERSION = 2
STORE = ".skills"
FILES = f"{STORE}/files"
CHUNKS = f"{STORE}/chunks"
INDEX = ".index.json"  # version 1: the saved version of each folder a backup's links lead to
TEMP = ".tmp-"
HEX = re.compile(r"^[0-9a-f]{64}$")  # the names in the store


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


def link_dest(folder: str, text: str) -> str:
    """Where a link in ``folder`` whose text is ``text`` leads (normalised, not resolved)."""
    if text.startswith("/") and not (
            "//" in text or "/./" in text or "/../" in text or text.endswith(("/", "/.", "/.."))):
        return text  # already in normal form (as the links we make are): the common case
    return os.path.normpath(text if text.startswith("/") else os.path.join(folder, text))
