"""Skill discovery: SKILL.md folders at any depth, flat names, .skillignore (frontmatter is
read by :mod:`skillshared.catalog.frontmatter`; :mod:`skillshared.catalog.rediscover` redoes
only the part of the walk that a change can reach)."""

from __future__ import annotations

import os
import re
import stat
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from skillshared.catalog.frontmatter import (
    NO_FRONTMATTER,
    SKILL_FILE,
    Frontmatter,
    read_frontmatter,
)
from skillshared.core.names import TEMP_PREFIX
from skillshared.core.patterns import IgnoreRules

SEGMENT_RE = re.compile(r"^[A-Za-z0-9._-]+$")
MAX_FLAT_BYTES = 255
IGNORE_FILES = (".skillignore", ".skillignore.local")
IGNORE_MAX_BYTES = 1 << 20  # a .skillignore larger than this is reported, not read
RESERVED_PREFIX = ".skillshare-"  # the manifest and temp entries in targets
__all__ = ["SKILL_FILE", "Frontmatter"]  # also here: a skill's file and what it says


@dataclass(frozen=True, slots=True)
class Skill:
    flat_name: str
    rel_path: str
    path: str  # absolute: the source's path joined with rel_path (text: 10,000s are kept)
    meta: Frontmatter = NO_FRONTMATTER

    @property
    def tracked_repo(self) -> str | None:
        top = self.rel_path.split("/", 1)[0]
        return top if top.startswith("_") else None


@dataclass(frozen=True, slots=True)
class Rejected:
    rel_path: str
    reason: str


@dataclass(frozen=True)
class Discovery:
    source: Path
    exists: bool
    skills: tuple[Skill, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    ignored: tuple[str, ...] = ()
    by_name: Mapping[str, Skill] = field(default_factory=dict, compare=False, repr=False)
    index: DiscoveryIndex | None = field(default=None, compare=False, repr=False)

    @property
    def problems(self) -> tuple[Rejected, ...]:
        """Frontmatter problems of skills that are still synced."""
        return tuple(Rejected(s.rel_path, s.meta.problem) for s in self.skills if s.meta.problem)


def flat_name(rel_path: str) -> str:
    return rel_path.replace("/", "__")


def segment_problem(segment: str) -> str | None:
    if segment in (".", ".."):
        return f"'{segment}' is not allowed as a folder name"
    if segment.startswith("-"):
        return f"folder name '{segment}' must not start with '-'"
    if segment.lower() == ".git":  # any case: some file systems do not tell them apart
        return f"'{segment}' is git's own folder"
    if not SEGMENT_RE.fullmatch(segment):
        return f"folder name '{segment}' may hold only letters, digits, '.', '_' and '-'"
    return None


def name_problem(rel_path: str) -> str | None:
    for segment in rel_path.split("/"):
        problem = segment_problem(segment)
        if problem:
            return problem
    flat = flat_name(rel_path)
    if len(flat.encode("utf-8")) > MAX_FLAT_BYTES:
        return f"flat name is longer than {MAX_FLAT_BYTES} bytes"
    if flat.startswith(RESERVED_PREFIX):
        return f"names starting with '{RESERVED_PREFIX}' are reserved for skillshare's own files"
    return None


def read_ignore_rules(folder: Path) -> tuple[IgnoreRules, list[str]]:
    """``.skillignore`` then ``.skillignore.local`` of ``folder``; unreadable lines reported."""
    rules = IgnoreRules()
    problems: list[str] = []
    for name in IGNORE_FILES:
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


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _is_file(entry: os.DirEntry[str]) -> bool:
    """``entry.is_file()``, False for a symlink loop or an unreadable target (it raises)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def not_walked(name: str) -> bool:
    """Folders discovery never enters: ``.git``, and our own temp folders (a copy that
    collect is building)."""
    return name == ".git" or name.startswith(TEMP_PREFIX)


def prefixes(rel: str) -> Iterator[str]:
    """``a``, ``a/b``, ``a/b/c`` for ``a/b/c``."""
    cut = rel.find("/")
    while cut != -1:
        yield rel[:cut]
        cut = rel.find("/", cut + 1)
    yield rel


def under_any(rel: str, roots: AbstractSet[str]) -> bool:
    return any(prefix in roots for prefix in prefixes(rel))


def contains(items: Sequence[str], rel: str) -> bool:
    at = bisect_left(items, rel)
    return at < len(items) and items[at] == rel


def index_spans(items: Sequence[str], rel: str) -> list[tuple[int, int]]:
    """Index ranges of ``rel`` and of the paths under it in the sorted ``items``."""
    at = bisect_left(items, rel)
    spans = [(at, at + 1)] if at < len(items) and items[at] == rel else []
    low = bisect_left(items, rel + "/", at)
    high = bisect_left(items, rel + "0", low)  # "0" follows "/"
    if low < high:
        spans.append((low, high))
    return spans


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


class _Watch(NamedTuple):
    """A symlink whose target decides something about the folder ``walk_root``: whether a
    skill escapes, or whether a folder holds a SKILL.md. ``dep`` is the target's path in the
    source when the link resolves without other symlinks (a change at or above it matters);
    None means the target must be resolved again on every change."""

    walk_root: str
    dest: str
    dep: str | None


class _Probe(NamedTuple):
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


def _linked_ignore_files(folder: str) -> list[_Probe]:
    paths = (os.path.join(folder, name) for name in IGNORE_FILES)
    return [_Probe(path, False, _probe_value(path, False)) for path in paths
            if os.path.islink(path)]


@dataclass(frozen=True)
class _Rules:
    root: IgnoreRules
    repos: Mapping[str, IgnoreRules]  # tracked repos (``_name`` holding .git) with rules
    tracked: frozenset[str]  # every top ``_name`` folder holding a .git folder
    problems: tuple[Rejected, ...]  # of .skillignore files, in the order found
    probes: tuple[_Probe, ...]  # symlinks among the files the rules come from


class Walker:
    def __init__(self, real_root: str, root_rules: IgnoreRules,
                 repo_rules: Mapping[str, IgnoreRules] | None = None) -> None:
        self.real_root = real_root
        self.root_rules = root_rules
        self.repo_rules: dict[str, IgnoreRules] = dict(repo_rules or {})
        self.filtered = bool(root_rules) or bool(self.repo_rules)
        self.found: list[str] = []
        self.escapes: dict[str, str] = {}
        self.unreadable: dict[str, Rejected] = {}
        self.ignored: list[str] = []
        self.watches: dict[str, _Watch] = {}
        self.tracked: set[str] = set()
        self.repo_problems: list[Rejected] = []
        self.probes: list[_Probe] = []

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
        while stack:
            rel, folder, skills_above = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = list(it)
            except OSError as exc:
                self.unreadable[rel] = Rejected(rel or ".",
                                                f"cannot read folder: {exc.strerror}")
                continue
            if rel and any(e.name == SKILL_FILE and _is_file(e) for e in entries):
                self.found.append(rel)
                skills_above = (*skills_above, rel)
            if not rel:
                self._load_repo_rules(entries)
            filtered = self.filtered
            for entry in entries:
                if entry.is_symlink():
                    if skills_above:
                        self._check_link(rel, entry, skills_above)
                    elif rel and entry.name == SKILL_FILE:
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
        skill_file = os.path.join(path, SKILL_FILE)
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

    def _load_repo_rules(self, entries: Iterable[os.DirEntry[str]]) -> None:
        for entry in entries:
            if not entry.name.startswith("_") or not entry.is_dir(follow_symlinks=False):
                continue
            git = os.path.join(entry.path, ".git")
            if os.path.islink(git):
                self.probes.append(_Probe(git, True, os.path.isdir(git)))
            if not os.path.isdir(git):
                continue
            self.tracked.add(entry.name)
            self.probes += _linked_ignore_files(entry.path)
            rules, problems = read_ignore_rules(Path(entry.path))
            if rules:
                self.repo_rules[entry.name] = rules
            self.repo_problems.extend(Rejected(entry.name, p) for p in problems)
        self.filtered = self.filtered or bool(self.repo_rules)

    def _check_link(self, rel: str, entry: os.DirEntry[str],
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
        self._watch(f"{rel}/{SKILL_FILE}", link, os.path.realpath(link), rel, in_skill=False)

    def _watch(self, link_rel: str, link: str, dest: str, walk_root: str,
               in_skill: bool) -> None:
        if _lexical_target(link) != dest:
            self.watches[link_rel] = _Watch(walk_root, dest, None)
            return
        if not dest.startswith(self.real_root + os.sep):
            return  # outside the source: no change inside the source moves it
        if in_skill and _within(dest, os.path.join(self.real_root, walk_root)):
            return  # a change on its way re-walks the skill anyway
        self.watches[link_rel] = _Watch(walk_root, dest, dest[len(self.real_root) + 1:])


@dataclass(frozen=True)
class DiscoveryIndex:
    """What a walk saw, kept with a :class:`Discovery` so that :func:`rediscover` can redo
    only the part of the walk that a change can reach."""

    real_root: str
    root_id: tuple[int, int]
    frontmatter: bool
    rules: _Rules
    found: tuple[str, ...]  # sorted: every folder holding a SKILL.md, valid or not
    bad: Mapping[str, str]  # found folders with a name problem or an escaping symlink
    clashes: Mapping[str, tuple[str, ...]]  # flat name -> the valid folders sharing it
    unreadable: Mapping[str, Rejected]
    watches: Mapping[str, _Watch]
    owner: tuple[object, ...]  # the discovery's own values, to notice a copy with edits

    def serves(self, discovery: Discovery) -> bool:
        mine = (discovery.source, discovery.skills, discovery.rejected, discovery.ignored,
                discovery.by_name)
        return all(a is b for a, b in zip(mine, self.owner, strict=True))


def rejections(rules: _Rules, unreadable: Mapping[str, Rejected], bad: Mapping[str, str],
              clashes: Mapping[str, tuple[str, ...]]) -> tuple[Rejected, ...]:
    """Every rejection sorted by path; for one path, in the order the walk reports them."""
    items = [*rules.problems, *unreadable.values()]
    items += (Rejected(rel, reason) for rel, reason in sorted(bad.items()))
    for flat, rels in sorted(clashes.items()):
        clash = ", ".join(rels)
        items += (Rejected(r, f"flat name '{flat}' is also produced by {clash}") for r in rels)
    return tuple(sorted(items, key=lambda r: r.rel_path))


def by_flat_name(found: Iterable[str], escapes: Mapping[str, str], bad: dict[str, str]
                 ) -> dict[str, list[str]]:
    """The valid ``found`` folders by flat name; an invalid one (a name problem, or a symlink
    escaping the skill, from ``escapes``) goes to ``bad`` with its reason."""
    valid: dict[str, list[str]] = {}
    for rel in found:
        problem = name_problem(rel) or escapes.get(rel)
        if problem:
            bad[rel] = problem
        else:
            valid.setdefault(flat_name(rel), []).append(rel)
    return valid


def new_skill(source: Path, flat: str, rel: str, frontmatter: bool) -> Skill:
    path = os.path.join(source, rel)
    meta = read_frontmatter(os.path.join(path, SKILL_FILE)) if frontmatter else NO_FRONTMATTER
    return Skill(flat, rel, path, meta)


def folder_id(source: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(source)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def discover(source: Path, frontmatter: bool = True) -> Discovery:
    """Find every skill under ``source``; invalid ones are listed in ``rejected``."""
    root_id = folder_id(source)
    if root_id is None:
        return Discovery(source, exists=False)
    root_rules, rule_problems = read_ignore_rules(source)
    real_root = os.path.realpath(source)
    walker = Walker(real_root, root_rules)
    walker.walk()
    rules = _Rules(root_rules, walker.repo_rules, frozenset(walker.tracked),
                   (*(Rejected(".skillignore", p) for p in rule_problems),
                    *walker.repo_problems),
                   (*_linked_ignore_files(str(source)), *walker.probes))
    found = tuple(sorted(walker.found))
    bad: dict[str, str] = {}
    candidates = by_flat_name(found, walker.escapes, bad)
    skills = []
    clashes: dict[str, tuple[str, ...]] = {}
    for flat, rels in sorted(candidates.items()):
        if len(rels) > 1:
            clashes[flat] = tuple(rels)
        else:
            skills.append(new_skill(source, flat, rels[0], frontmatter))
    state = DiscoveryIndex(real_root, root_id, frontmatter, rules, found, bad, clashes,
                           walker.unreadable, walker.watches, ())
    return finish_discovery(source, state, tuple(skills), {s.flat_name: s for s in skills},
                   rejections(rules, walker.unreadable, bad, clashes),
                   tuple(sorted(walker.ignored)))


def finish_discovery(source: Path, state: DiscoveryIndex, skills: tuple[Skill, ...],
            by_name: Mapping[str, Skill], rejected: tuple[Rejected, ...],
            ignored: tuple[str, ...]) -> Discovery:
    index = replace(state, owner=(source, skills, rejected, ignored, by_name))
    return Discovery(source, True, skills, rejected, ignored, by_name, index)
