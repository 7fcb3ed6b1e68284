"""The walk of the source: which folders hold a unit (a SKILL.md), which are hidden by the
ignore files, unreadable, or hold a symlink leaving their skill, and which symlinks decide
something (:mod:`skillshared.catalog.skills` turns what the walk saw into a discovery)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol

from skillshared.catalog.kinds import Kind
from skillshared.core.names import TEMP_PREFIX
from skillshared.core.patterns import IgnoreRules

IGNORE_MAX_BYTES = 1 << 20  # an ignore file larger than this is reported, not read


@dataclass(frozen=True, slots=True)
class Rejected:
    rel_path: str
    reason: str


def read_ignore_rules(folder: Path, kind: Kind) -> tuple[IgnoreRules, list[str]]:
    """The ignore files of ``kind`` in ``folder``, in order (skills: ``.skillignore`` then
    ``.skillignore.local``); unreadable lines reported."""
    rules = IgnoreRules()
    problems: list[str] = []
    for name in kind.ignore_files:
        path = folder / name
        try:
            with open(path, "rb") as handle:
                data = handle.read(IGNORE_MAX_BYTES + 1)
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror}")
            continue
        if len(data) > IGNORE_MAX_BYTES:
            problems.append(f"{path}: larger than {IGNORE_MAX_BYTES:,} bytes; not read, so "
                            "it hides nothing")
            continue
        text = data.decode("utf-8", errors="replace")
        # A bad line is reported and skipped; the file's other lines still hide skills.
        rules = rules + IgnoreRules.parse(text.splitlines(), str(path), problems)
    return rules, problems


class FolderEntry(Protocol):
    """What the walk asks of a folder's entry (an ``os.DirEntry``, or one a stored catalog
    kept)."""

    @property
    def name(self) -> str: ...

    @property
    def path(self) -> str: ...

    def is_symlink(self) -> bool: ...

    def is_dir(self, *, follow_symlinks: bool = True) -> bool: ...

    def is_file(self, *, follow_symlinks: bool = True) -> bool: ...


Lister = Callable[[str, str], Sequence[FolderEntry]]  # (folder, its path in the source)


def list_folder(folder: str, rel: str = "") -> list[os.DirEntry[str]]:
    with os.scandir(folder) as it:
        return list(it)


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _is_file(entry: FolderEntry) -> bool:
    """``entry.is_file()``, False for a symlink loop or an unreadable target (it raises)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def not_walked(name: str) -> bool:
    """Folders discovery never enters: ``.git``, and our own temp folders (a copy that
    collect is building)."""
    return name == ".git" or name.startswith(TEMP_PREFIX)


def _lexical_target(link: str) -> str | None:
    """Where ``link`` points if no folder on the way is a symlink; None when its text has a
    '..' after a name (then only the file system can tell)."""
    try:
        text = os.readlink(link)
    except OSError:
        return None
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if not text.startswith("/"):
        while parts and parts[0] == "..":  # these leave the link's own, real, folders
            parts.pop(0)
    if ".." in parts:
        return None
    return os.path.normpath(os.path.join(os.path.dirname(link), text))


class Watch(NamedTuple):
    """A symlink whose target decides something about the folder ``walk_root``: whether a
    skill escapes, or whether a folder holds a SKILL.md. ``dep`` is the target's path in the
    source when the link resolves without other symlinks (a change at or above it matters);
    None means the target must be resolved again on every change."""

    walk_root: str
    dest: str
    dep: str | None


class Probe(NamedTuple):
    """A symlink that the rules depend on (an ignore file, a ``_name/.git``) and what it
    gave: the file's bytes or why it could not be read, or whether it is a folder."""

    path: str
    is_git: bool
    value: bytes | bool | str

    def holds(self) -> bool:
        return _probe_value(self.path, self.is_git) == self.value


def _probe_value(path: str, is_git: bool) -> bytes | bool | str:
    if is_git:
        return os.path.isdir(path)
    try:
        with open(path, "rb") as handle:
            return handle.read(IGNORE_MAX_BYTES + 1)  # what read_ignore_rules reads of it
    except OSError as exc:
        return f"errno {exc.errno}"


def linked_ignore_files(folder: str, kind: Kind) -> list[Probe]:
    paths = (os.path.join(folder, name) for name in kind.ignore_files)
    return [Probe(path, False, _probe_value(path, False)) for path in paths
            if os.path.islink(path)]


@dataclass(frozen=True)
class Rules:
    root: IgnoreRules
    repos: Mapping[str, IgnoreRules]  # tracked repos (``_name`` holding .git) with rules
    tracked: frozenset[str]  # every top ``_name`` folder holding a .git folder
    problems: tuple[Rejected, ...]  # of .skillignore files, in the order found
    probes: tuple[Probe, ...]  # symlinks among the files the rules come from


class Walker:
    """Walks the source (or part of it) for the folders holding ``kind``'s marker file."""

    def __init__(self, kind: Kind, real_root: str, root_rules: IgnoreRules,
                 repo_rules: Mapping[str, IgnoreRules] | None = None,
                 lister: Lister = list_folder) -> None:
        self.kind = kind
        self.lister = lister
        self.real_root = real_root
        self.root_rules = root_rules
        self.repo_rules: dict[str, IgnoreRules] = dict(repo_rules or {})
        self.filtered = bool(root_rules) or bool(self.repo_rules)
        self.found: list[str] = []
        self.escapes: dict[str, str] = {}
        self.unreadable: dict[str, Rejected] = {}
        self.ignored: list[str] = []
        self.watches: dict[str, Watch] = {}
        self.tracked: set[str] = set()
        self.repo_problems: list[Rejected] = []
        self.probes: list[Probe] = []
        self.hidden: list[str] = []  # every ignored folder met (a SKILL.md in it or not)

    def ignored_path(self, rel: str) -> bool:
        if self.root_rules.ignored(rel, True):
            return True
        top, _, inner = rel.partition("/")
        rules = self.repo_rules.get(top)
        return bool(inner and rules and rules.ignored(inner, True))

    def walk(self) -> None:
        self._run([("", self.real_root, ())])

    def visit(self, rel: str) -> None:
        """Walk the folder ``rel`` as the whole walk reaches it from its parent, for a parent
        that is reachable and not inside a skill."""
        path = os.path.join(self.real_root, rel)
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return
        if not stat.S_ISDIR(mode) or not_walked(rel.rpartition("/")[2]):
            return
        if self.filtered and self._hidden(rel, path):
            return
        self._run([(rel, path, ())])

    def _run(self, stack: list[tuple[str, str, tuple[str, ...]]]) -> None:
        marker = self.kind.marker
        while stack:
            rel, folder, skills_above = stack.pop()
            try:
                entries = self.lister(folder, rel)
            except OSError as exc:
                self.unreadable[rel] = Rejected(rel or ".",
                                                f"cannot read folder: {exc.strerror}")
                continue
            if rel and any(e.name == marker and _is_file(e) for e in entries):
                self.found.append(rel)
                skills_above = (*skills_above, rel)
            if not rel:
                self._load_repo_rules(entries)
            filtered = self.filtered
            for entry in entries:
                if entry.is_symlink():
                    if skills_above:
                        self._check_link(rel, entry, skills_above)
                    elif rel and entry.name == marker:
                        self._watch_skill_file(rel, entry.path)
                    continue
                if not_walked(entry.name) or not entry.is_dir(follow_symlinks=False):
                    continue
                child = f"{rel}/{entry.name}" if rel else entry.name
                if filtered and self._hidden(child, entry.path):
                    continue
                stack.append((child, entry.path, skills_above))

    def _hidden(self, rel: str, path: str) -> bool:
        """Whether ``rel`` is ignored; an ignored folder holding a SKILL.md is listed."""
        if not self.ignored_path(rel):
            return False
        self.hidden.append(rel)
        skill_file = os.path.join(path, self.kind.marker)
        try:
            mode = os.lstat(skill_file).st_mode
        except OSError:
            return True
        if stat.S_ISLNK(mode):
            self._watch_skill_file(rel, skill_file)
            listed = os.path.isfile(skill_file)
        else:
            listed = stat.S_ISREG(mode)
        if listed:
            self.ignored.append(rel)
        return True

    def _load_repo_rules(self, entries: Iterable[FolderEntry]) -> None:
        for entry in entries:
            if not entry.name.startswith("_") or not entry.is_dir(follow_symlinks=False):
                continue
            git = os.path.join(entry.path, ".git")
            if os.path.islink(git):
                self.probes.append(Probe(git, True, os.path.isdir(git)))
            if not os.path.isdir(git):
                continue
            self.tracked.add(entry.name)
            self.probes += linked_ignore_files(entry.path, self.kind)
            rules, problems = read_ignore_rules(Path(entry.path), self.kind)
            if rules:
                self.repo_rules[entry.name] = rules
            self.repo_problems.extend(Rejected(entry.name, p) for p in problems)
        self.filtered = self.filtered or bool(self.repo_rules)

    def _check_link(self, rel: str, entry: FolderEntry,
                    skills_above: tuple[str, ...]) -> None:
        link = entry.path
        dest = os.path.realpath(link)
        for skill in skills_above:
            if skill not in self.escapes and not _within(dest,
                                                         os.path.join(self.real_root, skill)):
                shown = os.path.relpath(link, os.path.join(self.real_root, skill))
                self.escapes[skill] = (
                    f"contains a symlink '{shown}' that points outside the skill ({dest})"
                )
        self._watch(f"{rel}/{entry.name}", link, dest, skills_above[0], in_skill=True)

    def _watch_skill_file(self, rel: str, link: str) -> None:
        """A SKILL.md symlink outside any skill: its target decides whether ``rel`` is one."""
        self._watch(f"{rel}/{self.kind.marker}", link, os.path.realpath(link), rel, in_skill=False)

    def _watch(self, link_rel: str, link: str, dest: str, walk_root: str,
               in_skill: bool) -> None:
        if _lexical_target(link) != dest:
            self.watches[link_rel] = Watch(walk_root, dest, None)
            return
        if not dest.startswith(self.real_root + os.sep):
            return  # outside the source: no change inside the source moves it
        if in_skill and _within(dest, os.path.join(self.real_root, walk_root)):
            return  # a change on its way re-walks the skill anyway
        self.watches[link_rel] = Watch(walk_root, dest, dest[len(self.real_root) + 1:])
