"""What the original skillshare's ``sync`` leaves in a target, written file by file.

Copy mode follows the original's ``internal/sync/copy.go`` (``SyncTargetCopyWithSkillsOptions``,
``DirChecksumWithIgnore``, ``DirMaxMtimeWithIgnore``), ``internal/sync/sync.go``
(``copyDirectoryWithIgnore``) and ``internal/sync/file_ignore.go``; merge mode, ``sync.go``
(``SyncTargetMerge``: one absolute link per skill in global mode, then the manifest);
the manifest, ``internal/sync/manifest.go``:

- ``<target>/<flat name>/``: a real copy of the skill folder. ``.git`` folders and the ignore
  patterns (built in: ``.DS_Store``, ``.git/``, ``__pycache__/``) are left out; a link to a
  folder becomes a real folder, a link to a file a real file; modes are kept.
- ``<target>/.skillshare-manifest.json`` (Go ``json.MarshalIndent``, two spaces, keys sorted
  within a map): ``{"managed": {name: checksum | "symlink"}, "mtimes": {name: ns},
  "updated_at": RFC 3339 time}``; ``mtimes`` only in copy mode (left out when empty), and
  only for skills without links (the newest file's modification time, in nanoseconds).
- The checksum: SHA-256 over the files sorted by relative path (bytes), each as
  ``path NUL content NUL``, with the same things left out as the copy; links followed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import datetime
from pathlib import Path

MANIFEST = ".skillshare-manifest.json"
IGNORED_NAMES = (".DS_Store",)  # the original's built-in file ignores ...
IGNORED_FOLDERS = (".git", "__pycache__")  # ... and folder ignores


def skill_folder(source: Path, name: str) -> Path:
    """The source folder of the skill with flat name ``name`` (``a__b`` is ``a/b``)."""
    return source / name.replace("__", "/")


def _files(folder: Path, prefix: str = "") -> list[tuple[str, Path]]:
    """(relative path, path) of every file the original copies and checksums, links
    followed (a link to a folder is walked as a folder at the link's path)."""
    found: list[tuple[str, Path]] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        rel = f"{prefix}/{entry.name}" if prefix else entry.name
        if entry.is_dir():  # (follows links, as the original does for a folder link)
            if entry.name not in IGNORED_FOLDERS:
                found += _files(Path(entry.path), rel)
        elif entry.name not in IGNORED_NAMES:
            found.append((rel, Path(entry.path)))
    return found


def checksum(folder: Path) -> str:
    """The original's checksum of ``folder`` (``DirChecksumWithIgnore``, built-in ignores)."""
    total = hashlib.sha256()
    for rel, path in sorted(_files(folder), key=lambda f: f[0].encode()):
        total.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return total.hexdigest()


def max_mtime(folder: Path) -> int | None:
    """``DirMaxMtimeWithIgnore``: the newest file's mtime in nanoseconds; None (no record)
    when the skill holds a link."""
    newest = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in IGNORED_FOLDERS]
        for name in dirs + files:
            path = Path(root, name)
            if path.is_symlink():
                return None
            if name in files and name not in IGNORED_NAMES:
                newest = max(newest, path.lstat().st_mtime_ns)
    return newest


def copy_skill(src: Path, dest: Path) -> None:
    """``copyDirectoryWithIgnore``: files copied with their modes, links dereferenced."""
    dest.mkdir(mode=src.stat().st_mode & 0o777)
    for rel, path in _files(src):
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, out)
        os.chmod(out, path.stat().st_mode & 0o777)


def write_manifest(target: Path, managed: dict[str, str],
                   mtimes: dict[str, int] | None = None) -> Path:
    """The original's manifest (``WriteManifest``), as Go writes it."""
    data: dict[str, object] = {"managed": dict(sorted(managed.items()))}
    if mtimes:
        data["mtimes"] = dict(sorted(mtimes.items()))
    data["updated_at"] = datetime.now().astimezone().isoformat()
    path = target / MANIFEST
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    os.chmod(path, 0o644)
    return path


def write_copy_target(target: Path, source: Path, names: list[str]) -> Path:
    """A copy-mode target after the original's ``sync`` of the skills ``names`` (flat
    names) from ``source``: their copies and its manifest. Returns the manifest's path."""
    target.mkdir(parents=True, exist_ok=True)
    managed: dict[str, str] = {}
    mtimes: dict[str, int] = {}
    for name in names:
        src = skill_folder(source, name)
        copy_skill(src, target / name)
        managed[name] = checksum(src)
        if (mtime := max_mtime(src)) is not None:
            mtimes[name] = mtime
    return write_manifest(target, managed, mtimes)


def write_merge_target(target: Path, source: Path, names: list[str],
                       relative: bool = False) -> Path:
    """A merge-mode target after the original's ``sync``: a link per skill (absolute in
    global mode; ``relative`` as a project sync makes them, both ends in the project), and
    the manifest recording each as ``"symlink"``. Returns the manifest's path."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        dest = skill_folder(source, name)
        (target / name).symlink_to(os.path.relpath(dest, target) if relative else dest)
    return write_manifest(target, dict.fromkeys(names, "symlink"))
