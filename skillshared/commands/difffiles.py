"""``diff --stat`` and ``--patch``: what differs, file by file, between a skill in the source
and a real folder of the same name in a target (a copy edited there, a folder in the way),
and the content diff of each changed text file (the target's side old, the source's new)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

from skillshared.commands.results import DiffItem
from skillshared.commands.results_diff import FileChange
from skillshared.engine.runs import TargetRun

SKIPPED = frozenset({".git", ".skillshare-manifest.json", ".skillshare-meta.json"})
MAX_DIFF_BYTES = 1_000_000
BINARY_PROBE = 8000


def _files(root: Path) -> dict[str, int]:
    """Each regular file under ``root`` (relative path -> size); links are not followed."""
    found: dict[str, int] = {}
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED)
        for name in names:
            if name in SKIPPED:
                continue
            path = os.path.join(folder, name)
            try:
                found[os.path.relpath(path, root)] = os.lstat(path).st_size
            except OSError:
                continue
    return found


def _same(a: Path, b: Path) -> bool:
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            while True:
                chunk_a, chunk_b = fa.read(1 << 16), fb.read(1 << 16)
                if chunk_a != chunk_b:
                    return False
                if not chunk_a:
                    return True
    except OSError:
        return False


def changes(source: Path, target: Path) -> list[FileChange]:
    """add (only in the source), modify (in both, different), delete (only in the target)."""
    src, dst = _files(source), _files(target)
    found: list[FileChange] = []
    for rel in sorted(set(src) | set(dst)):
        if rel not in dst:
            found.append({"path": rel, "action": "add", "source_size": src[rel],
                          "target_size": None})
        elif rel not in src:
            found.append({"path": rel, "action": "delete", "source_size": None,
                          "target_size": dst[rel]})
        elif src[rel] != dst[rel] or not _same(source / rel, target / rel):
            found.append({"path": rel, "action": "modify", "source_size": src[rel],
                          "target_size": dst[rel]})
    return found


def _text(path: Path) -> list[str] | str:
    """The lines of a file, or why there is no text diff of it."""
    try:
        if os.lstat(path).st_size > MAX_DIFF_BYTES:
            return "(file too large for diff)"
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        return f"(cannot read: {exc.strerror})"
    if b"\0" in data[:BINARY_PROBE]:
        return "(binary file differs)"
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)


def patch(source: Path, target: Path, change: FileChange, name: str) -> str:
    """A unified diff of one changed file: ``a/`` the target's copy, ``b/`` the source's."""
    old, new = _text(target / change["path"]), _text(source / change["path"])
    if isinstance(old, str) or isinstance(new, str):
        return old if isinstance(old, str) else str(new)
    rel = f"{name}/{change['path']}"
    lines = difflib.unified_diff(old, new, f"a/{rel}" if change["action"] != "add"
                                 else "/dev/null", f"b/{rel}" if change["action"] != "delete"
                                 else "/dev/null")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def folder_pair(run: TargetRun, name: str) -> tuple[Path, Path] | None:
    """The source skill and the real folder in the target for ``name`` (None when the
    target's entry is a link, or missing, or the name is not a skill this target wants)."""
    skill = run.group.skill_paths.get(name)
    if skill is None:
        return None
    there = Path(run.group.spec.path) / name
    try:
        if os.path.islink(there) or not there.is_dir():
            return None
    except OSError:
        return None
    return Path(skill), there


def add_files(items: list[DiffItem], run: TargetRun, with_patch: bool) -> None:
    """Give each item whose target entry is a real folder of a wanted skill its ``files``
    (and with ``with_patch`` its ``patch``)."""
    for item in items:
        pair = folder_pair(run, item["name"]) if item["name"] else None
        if pair is None:
            continue
        found = changes(*pair)
        item["files"] = found
        if with_patch:
            item["patch"] = "".join(patch(*pair, c, item["name"]) for c in found)
