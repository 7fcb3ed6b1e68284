"""Backups made by the original skillshare (Go, v0.20.x), read where they are.

The original writes ``<backups>/<YYYY-MM-DD_HH-MM-SS>/<target>/`` (the name in local time) and
nothing else: no manifest, no checksum. Each part is a plain copy of a target's top-level
entries, links resolved into real folders, hidden files (``.skillshare-manifest.json``)
included; an agent target's part is ``<target>-agents/``. Such a folder is told from one of
ours by its name (no ``Z``) and by holding no manifest (``<target>.json``).

- When it was made: its folder's modification time (the moment its last part was made,
  exact whatever the time zone) when that agrees with its name read in some time zone (the
  time zone's offset is a multiple of 15 minutes, between UTC-12 and UTC+14); else (the
  folder was copied or touched since) its name read in local time. So backups of both
  tools interleave by when they were made, whatever ``TZ`` says now.
- It is never written to. Restoring from it reads a manifest made from its files
  (:func:`manifest_for`): a folder whose content is the source skill of the same name
  comes back as a link to it (merge mode) or as a copy recorded as ours (copy mode), and so
  does, in copy mode, a copy the part's ``.skillshare-manifest.json`` records as the
  original's and that is unedited (its checksum still matches): a newer source updates it;
  anything else comes back as the real folder or file the backup holds (never overwritten
  by sync). That manifest itself (the original's record, in its own checksums) is not
  restored: links and our own manifest say what it said.
- What the original never writes there (a link, a FIFO, a socket, a device, a part that is
  not a folder) makes the part refused: never followed, never restored.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skillshared.core.errors import SkillshareError
from skillshared.core.patterns import IgnoreRules
from skillshared.engine import manifest_original, trees
from skillshared.engine.observe import MAX_MANIFEST_BYTES

LOCAL_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$")
LAYOUT = "%Y-%m-%d_%H-%M-%S"
AGENTS = "-agents"
MANIFEST = ".skillshare-manifest.json"
QUARTER = 900  # time zones' offsets are multiples of 15 minutes
WEST, EAST = -12 * 3600, 14 * 3600  # the range of time zones' offsets
LAG = 60  # at most this long from the moment its name records to its last part


def is_agents(part: str) -> bool:
    return part.endswith(AGENTS) and len(part) > len(AGENTS)


def _wall(name: str) -> float | None:
    """The name's wall-clock time, read as if it were UTC."""
    if not LOCAL_NAME.match(name):
        return None
    try:
        return float(calendar.timegm(time.strptime(name, LAYOUT)))
    except (ValueError, OverflowError):
        return None


def looks_original(backup: Path) -> bool:
    """Whether a backups folder's entry has the form of the original's: a local-time name
    and no manifest of ours (its content is not looked at: see :func:`parts`)."""
    if _wall(backup.name) is None:
        return False
    try:
        return not any(n.endswith(".json") for n in os.listdir(backup))
    except OSError:
        return False


def parts(backup: Path) -> tuple[list[str], list[str]]:
    """The parts of one of the original's backups (its real folders), and what else is at
    its top that the original never writes there (each with what it is)."""
    found: list[str] = []
    strays: list[str] = []
    try:
        listed = sorted(os.scandir(backup), key=lambda e: e.name)
    except OSError:
        return [], []
    for entry in listed:
        if entry.is_dir(follow_symlinks=False):
            found.append(entry.name)
        else:
            strays.append(f"{backup.name}/{entry.name}: {_kind(entry.path)}, not a folder")
    return found, strays


def is_backup(backup: Path) -> bool:
    """Whether a folder is one of the original's backups: its form, at least one part,
    nothing else at its top."""
    if not looks_original(backup):
        return False
    found, strays = parts(backup)
    return bool(found) and not strays


def made_at(backup: Path) -> float | None:
    """When the original made a backup (see the module's docstring); None if the folder is
    not named as its backups are."""
    wall = _wall(backup.name)
    if wall is None:
        return None
    try:
        mtime = os.stat(backup).st_mtime
    except OSError:
        mtime = None
    if mtime is not None:
        offset = wall - mtime  # the time zone's offset, less the moments it took
        zone = round(offset / QUARTER) * QUARTER
        if WEST <= zone <= EAST and -LAG <= offset - zone <= 1:
            return mtime
    return time.mktime(time.strptime(backup.name, LAYOUT))


def _kind(path: str) -> str:
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"unreadable ({exc.strerror})"
    if stat.S_ISLNK(mode):
        return f"a link to {os.readlink(path)}"
    for test, what in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
                       (stat.S_ISREG, "a file"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "something unknown"


# -- reading a part -------------------------------------------------------------------------


def read_part(backup: Path, part: str, read: bool = True
              ) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries of a part (folders, and files with their size, mode and, if ``read``,
    SHA-256), in the order a tree is built; and its problems: what the original never
    writes there (links, special files), which is never followed, and files that cannot
    be read."""
    root = backup / part
    where = f"{backup.name}/{part}"
    problems: list[str] = []
    try:
        st = os.lstat(root)
    except OSError as exc:
        return [], [f"{where}: {exc.strerror}"]
    if not stat.S_ISDIR(st.st_mode):
        return [], [f"{where}: {_kind(str(root))}, not a folder; not followed"]
    entries: list[dict[str, Any]] = []
    try:
        walked = list(trees.walk(str(root)))
    except OSError as exc:
        return [], [f"{where}: cannot be read ({exc.strerror}: {exc.filename})"]
    for rel, est in walked:
        mode = est.st_mode
        if stat.S_ISDIR(mode):
            entries.append({"path": rel, "type": "dir", "mode": stat.S_IMODE(mode) | 0o700})
        elif stat.S_ISREG(mode):
            entry = {"path": rel, "type": "file", "mode": stat.S_IMODE(mode) | 0o600,
                     "size": est.st_size, "mtime_ns": est.st_mtime_ns}
            if read:
                try:
                    entry["sha256"] = trees.file_sha256(str(root / rel))
                except OSError as exc:
                    problems.append(f"{where}/{rel}: cannot be read ({exc.strerror})")
            entries.append(entry)
        else:
            problems.append(f"{where}/{rel}: {_kind(str(root / rel))}, which the original "
                            "skillshare never backs up; not followed")
    return entries, problems


def check(backup: Path, part: str) -> list[str]:
    """What is wrong with a part, as far as a backup without checksums can be checked:
    every entry a folder or a regular file, every file read to its end."""
    return read_part(backup, part)[1]


def size(entries: list[dict[str, Any]]) -> tuple[int, int]:
    """``(skills, bytes)`` of a part's entries (as :func:`read_part` gives them): its
    top-level folders that are not hidden, and the size of its files."""
    skills = sum(1 for e in entries if e["type"] == "dir" and "/" not in e["path"]
                 and not e["path"].startswith("."))
    return skills, sum(e.get("size", 0) for e in entries)


# -- restoring -----------------------------------------------------------------------------


def manifest_for(backup: Path, part: str, path: str, mode: str,
                 sources: Mapping[str, str], ignore: IgnoreRules
                 ) -> tuple[dict[str, Any], dict[str, str]]:
    """A manifest (of version 1: its files are the backup's own) to restore the target at
    ``path`` (in ``mode``) from a part, and, in copy mode, the digests of the folders that
    come back as copies of ours (by name). ``sources``: the source's skill folders by flat
    name; a folder whose content is theirs comes back as a link (merge) or a recorded copy
    (copy). Raises :class:`SkillshareError` if the part holds what the original never
    writes (nothing is followed)."""
    entries, problems = read_part(backup, part)
    if problems:
        raise SkillshareError(f"backup {backup.name} of {part} holds what the original "
                              "skillshare never writes there; nothing was changed",
                              hint="restore another backup with --from", details=problems)
    root = backup / part
    linked: dict[str, str] = {}
    copies = _unedited_copies(root, ignore) if mode == "copy" else {}
    for top in [e["path"] for e in entries if e["type"] == "dir" and "/" not in e["path"]]:
        skill = sources.get(top)
        if top in copies or skill is None or not os.path.isdir(skill):
            continue
        rules = ignore if mode == "copy" else trees.SKIP_GIT
        mine = trees.digest(str(root / top), rules)
        if mine != trees.digest(skill, rules):
            continue
        if mode == "copy":
            copies[top] = mine
        else:
            linked[top] = skill
    kept: list[dict[str, Any]] = []
    for entry in entries:
        rel = entry["path"]
        top = rel.split("/", 1)[0]
        if rel == MANIFEST:
            continue
        if top in linked:
            if rel == top:
                kept.append({"path": top, "type": "link", "link": linked[top]})
            continue
        kept.append(entry)
    skills = sum(1 for e in kept if "/" not in e["path"] and e["type"] in ("dir", "link")
                 and not e["path"].startswith("."))
    manifest = {"version": 1, "format": "original", "target": part, "path": path,
                "mode": mode, "kind": "dir", "link": None, "created": made_at(backup),
                "skills": skills, "bytes": sum(e.get("size", 0) for e in kept),
                "entries": kept, "linked": sorted(linked),
                "had_manifest": any(e["path"] == MANIFEST for e in entries)}
    return manifest, copies


def _unedited_copies(root: Path, ignore: IgnoreRules) -> dict[str, str]:
    """The folders of a copy target's part that its own ``.skillshare-manifest.json`` (the
    original's) records as copies it made, unedited since (their content has the checksum
    it recorded): our digest of each. Nothing if it has no such manifest."""
    try:
        with open(root / MANIFEST, "rb") as handle:
            data = json.loads(handle.read(MAX_MANIFEST_BYTES))
        recorded = manifest_original.parse(data).copies if manifest_original.is_original(
            data) else {}
    except (OSError, ValueError):
        return {}
    found: dict[str, str] = {}
    for name, checksum in recorded.items():
        folder = root / name
        if "/" in name or name in ("", ".", "..") or not folder.is_dir() or folder.is_symlink():
            continue
        try:
            if manifest_original.checksum(str(folder), ignore) == checksum:
                found[name] = trees.digest(str(folder), ignore)
        except (OSError, trees.TooLarge):
            continue
    return found
