"""What the original skillshare's ``backup`` leaves on disk, written file by file.

It follows the original's ``internal/backup/backup.go`` (``CreateInDir``,
``copyDirFollowTopSymlinks``, ``copyDir``, ``copyFile``) and ``cmd/skillshare/backup_agents.go``
(agent targets as ``<target>-agents``):

- ``<backups>/<YYYY-MM-DD_HH-MM-SS>/<target>/``: the name is the local time (Go layout
  ``2006-01-02_15-04-05``); there is no manifest, no checksum, nothing else in the folder.
- A target that is missing, a symlink (symlink mode) or an empty folder is not backed up.
- Every top-level entry of the target is copied, hidden ones too (``.skillshare-manifest.json``
  of a merge or copy target): a top-level link is resolved and what it leads to copied (so a
  merge target's skills become real folders); a broken one is left out.
- Below the top, links are left out and folders and regular files copied, each file with
  its mode; anything else (FIFOs, sockets) is left out.
- The timestamp folder's modification time is when its last target folder was made: the
  original sorts its backups by it (``ListInDir``).
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime
from pathlib import Path

LAYOUT = "%Y-%m-%d_%H-%M-%S"  # Go's "2006-01-02_15-04-05", in local time


def stamp_name(stamp: datetime) -> str:
    """The folder name the original gives a moment: its local wall-clock time (a naive
    ``stamp`` is taken as local already)."""
    local = stamp.astimezone() if stamp.tzinfo is not None else stamp
    return local.strftime(LAYOUT)


def agents_part(target: str) -> str:
    """Where the original keeps a backup of a target's agents (``backup_agents.go``)."""
    return f"{target}-agents"


def write_backup(backups: Path, stamp: datetime, targets: dict[str, Path]) -> Path:
    """Back up ``targets`` (part name -> target folder) as the original does at ``stamp``;
    returns the timestamp folder. Targets with nothing to back up are left out, as the
    original leaves them; the folder is made all the same only if one of them had content."""
    folder = backups / stamp_name(stamp)
    for name, path in targets.items():
        if _nothing_to_back_up(path):
            continue
        part = folder / name
        part.mkdir(parents=True, exist_ok=True, mode=0o755)
        _copy_top(path, part)
    if folder.is_dir():  # (made now, in the original: its mtime is the moment of the backup)
        when = stamp.timestamp()
        os.utime(folder, (when, when))
    return folder


def _nothing_to_back_up(path: Path) -> bool:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return True
    return stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode) or not os.listdir(path)


def _copy_top(src: Path, dst: Path) -> None:
    """``copyDirFollowTopSymlinks``: a top-level link is followed, once."""
    for entry in sorted(os.listdir(src)):
        real = os.path.realpath(src / entry) if (src / entry).is_symlink() else str(src / entry)
        if not os.path.exists(real):
            continue  # a broken link
        if os.path.isdir(real):
            _copy_dir(Path(real), dst / entry)
        elif os.path.isfile(real):
            _copy_file(Path(real), dst / entry)


def _copy_dir(src: Path, dst: Path) -> None:
    """``copyDir``: folders made 0755, links and special files left out."""
    dst.mkdir(mode=0o755, exist_ok=True)
    for entry in sorted(os.listdir(src)):
        st = os.lstat(src / entry)
        if stat.S_ISDIR(st.st_mode):
            _copy_dir(src / entry, dst / entry)
        elif stat.S_ISREG(st.st_mode):
            _copy_file(src / entry, dst / entry)


def _copy_file(src: Path, dst: Path) -> None:
    """``copyFile``: the content and the mode (not the times)."""
    shutil.copyfile(src, dst)
    os.chmod(dst, stat.S_IMODE(os.stat(src).st_mode))
