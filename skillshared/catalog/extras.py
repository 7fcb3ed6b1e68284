"""The files an extra syncs: every regular file under its source folder, nested folders
included, hidden files too (as the original has it), except ``.git`` folders and the
original's ``.metadata.json`` bookkeeping file.

A file keeps its path in a target (``team/style.md``), or with ``flatten`` only its base
name (``style.md``); when two flattened files share a name, the first by sorted path wins
and the others are skipped with a warning. Refused, with the reason, and never synced: a
link that is broken, leads out of the source or to a folder, a special file (FIFO, socket,
device), a name a target's file cannot safely hold (not UTF-8, control characters), and a
folder that cannot be read.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

SKIPPED_FOLDERS = frozenset({".git"})
SKIPPED_FILES = frozenset({".metadata.json"})
MAX_DEPTH = 32  # folders below the source a file may sit in


@dataclass(frozen=True)
class ExtraFile:
    """A file to sync: ``rel`` its path in the source (``/``-separated), ``dest`` its path in
    a target (``rel``, or its base name with flatten)."""

    rel: str
    dest: str


@dataclass(frozen=True)
class Refused:
    """A file of the source that is not synced, and why."""

    rel: str
    reason: str


@dataclass(frozen=True)
class ExtraFiles:
    """What an extra's source holds: the files to sync (sorted by ``rel``), the ones refused
    or skipped, the warnings (flatten collisions), and ``problem``: why the source cannot be
    read at all (None: it can; a missing source is ``exists`` False)."""

    source: Path
    exists: bool
    files: tuple[ExtraFile, ...] = ()
    refused: tuple[Refused, ...] = ()
    warnings: tuple[str, ...] = ()
    problem: str | None = None

    def by_dest(self) -> dict[str, ExtraFile]:
        return {f.dest: f for f in self.files}


def discover_extra(source: Path, flatten: bool) -> ExtraFiles:
    """The files of the extra whose source folder is ``source``."""
    try:
        info = os.stat(source)
    except FileNotFoundError:
        return ExtraFiles(source, exists=False)
    except OSError as exc:
        return ExtraFiles(source, False, problem=f"cannot read {source}: {exc.strerror}")
    if not stat.S_ISDIR(info.st_mode):
        return ExtraFiles(source, False, problem=f"{source} is not a folder")
    walk = _Walk(os.path.realpath(source))
    walk.folder(str(source), "", 0)
    rels = sorted(walk.found)
    files, skipped, warnings = _destinations(rels, flatten)
    refused = sorted(walk.refused + skipped, key=lambda r: r.rel)
    return ExtraFiles(source, True, tuple(files), tuple(refused), tuple(warnings))


def _destinations(rels: list[str], flatten: bool) -> tuple[list[ExtraFile], list[Refused],
                                                            list[str]]:
    if not flatten:
        return [ExtraFile(rel, rel) for rel in rels], [], []
    first: dict[str, str] = {}
    files: list[ExtraFile] = []
    skipped: list[Refused] = []
    warnings: list[str] = []
    for rel in rels:
        base = rel.rsplit("/", 1)[-1]
        if base in first:
            reason = f"flatten conflict: {base} already comes from {first[base]}"
            skipped.append(Refused(rel, reason))
            warnings.append(f"flatten conflict: {rel} skipped ({base} already synced from "
                            f"{first[base]})")
            continue
        first[base] = rel
        files.append(ExtraFile(rel, base))
    return files, skipped, warnings


def name_problem(name: str) -> str | None:
    """Why a file or folder called ``name`` is not synced (None: it is)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "its name is not UTF-8 text"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return "its name holds control characters"
    return None


class _Walk:
    def __init__(self, real_source: str) -> None:
        self.real_source = real_source
        self.found: list[str] = []
        self.refused: list[Refused] = []

    def folder(self, path: str, rel: str, depth: int) -> None:
        try:
            with os.scandir(path) as entries:
                listed = list(entries)
        except OSError as exc:
            self.refused.append(Refused(rel or ".", f"cannot read the folder: {exc.strerror}"))
            return
        for entry in listed:
            child = f"{rel}/{entry.name}" if rel else entry.name
            self.entry(entry, child, depth)

    def entry(self, entry: os.DirEntry[str], rel: str, depth: int) -> None:
        if entry.is_dir(follow_symlinks=False):
            if entry.name in SKIPPED_FOLDERS:
                return
            wrong = name_problem(entry.name)
            if wrong or depth >= MAX_DEPTH:
                self.refused.append(Refused(rel, wrong or f"deeper than {MAX_DEPTH} folders"))
                return
            self.folder(entry.path, rel, depth + 1)
            return
        if entry.name in SKIPPED_FILES:
            return
        wrong = name_problem(entry.name) or self.kind_problem(entry)
        if wrong:
            self.refused.append(Refused(rel, wrong))
        else:
            self.found.append(rel)

    def kind_problem(self, entry: os.DirEntry[str]) -> str | None:
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            return f"cannot be read: {exc.strerror}"
        if stat.S_ISREG(mode):
            return None
        if not stat.S_ISLNK(mode):
            return "a special file (not a regular file)"
        real = os.path.realpath(entry.path)
        if not real.startswith(self.real_source + os.sep):
            return "a link leading out of the source"
        try:
            target = os.stat(real).st_mode
        except OSError:
            return "a broken link"
        if stat.S_ISDIR(target):
            return "a link to a folder (not followed)"
        return None if stat.S_ISREG(target) else "a link to a special file"
