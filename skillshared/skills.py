"""Skill discovery: SKILL.md folders at any depth, flat names, .skillignore, frontmatter."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from skillshared.patterns import IgnoreRules

SKILL_FILE = "SKILL.md"
SEGMENT_RE = re.compile(r"^[A-Za-z0-9._-]+$")
MAX_FLAT_BYTES = 255
FRONTMATTER_MAX_BYTES = 64 * 1024
IGNORE_FILES = (".skillignore", ".skillignore.local")
RESERVED_PREFIX = ".skillshare-"  # the manifest and temp entries in targets

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Frontmatter:
    name: str | None = None
    description: str | None = None
    targets: tuple[str, ...] | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Skill:
    flat_name: str
    rel_path: str
    path: str  # absolute: the source's path joined with rel_path (text: 10,000s are kept)
    meta: Frontmatter = Frontmatter()

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
            text = path.read_text("utf-8", errors="replace")
        except FileNotFoundError:
            continue
        except OSError as exc:
            problems.append(f"{path}: {exc.strerror}")
            continue
        # A bad line is reported and skipped; the file's other lines still hide skills.
        rules = rules + IgnoreRules.parse(text.splitlines(), str(path), problems)
    return rules, problems


def parse_frontmatter(data: bytes) -> Frontmatter:
    """Read ``name``, ``description`` and ``targets`` from the start of a SKILL.md."""
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")  # editors' BOM
    if not text.startswith("---"):
        return Frontmatter()
    first, _, rest = text.partition("\n")
    if first.rstrip() != "---":
        return Frontmatter()
    end = re.search(r"^---[ \t]*\r?$", rest, re.MULTILINE)
    if end is None:
        if len(data) > FRONTMATTER_MAX_BYTES:
            return Frontmatter(problem=f"frontmatter is longer than {FRONTMATTER_MAX_BYTES} bytes")
        return Frontmatter(problem="frontmatter has no closing '---' line")
    body = rest[: end.start()]
    doc = simple_frontmatter(body)
    if doc is not None:
        return _frontmatter_fields(doc)
    try:
        doc = yaml.load(body, Loader=_YAML_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f" (line {mark.line + 2})" if mark else ""
        return Frontmatter(problem=f"frontmatter is not valid YAML{line}: {exc.problem}")
    except (yaml.YAMLError, RecursionError):
        return Frontmatter(problem="frontmatter is not valid YAML")
    if doc is None:
        return Frontmatter()
    if not isinstance(doc, dict):
        return Frontmatter(problem="frontmatter must be a mapping of keys to values")
    return _frontmatter_fields(doc)


_LINE_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*?))? *")
_PLAIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9 ._/(),'+=;?-]*")
_LIST_RE = re.compile(r"\[ *([A-Za-z][A-Za-z0-9_.-]*(?: *, *[A-Za-z][A-Za-z0-9_.-]*)*) *\]")
_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})


def simple_frontmatter(body: str) -> dict[str, Any] | None:
    """Parse frontmatter made only of ``key: plain text`` and ``key: [a, b]`` lines without
    YAML (a fast path: most skills look like that). None when it is anything else; the result
    is then what YAML gives, which a test checks."""
    doc: dict[str, Any] = {}
    for raw in body.split("\n"):
        line = raw.rstrip("\r")
        if "\t" in line:
            return None
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE_RE.fullmatch(line)
        if match is None:
            return None
        key, value = match.group(1), match.group(2)
        if not value:
            doc[key] = None
        elif _PLAIN_RE.fullmatch(value) and value.lower() not in _YAML_WORDS:
            doc[key] = value
        elif (items := _LIST_RE.fullmatch(value)) is not None:
            words = [w.strip() for w in items.group(1).split(",")]
            if any(w.lower() in _YAML_WORDS for w in words):
                return None
            doc[key] = words
        else:
            return None
    return doc


def _frontmatter_fields(doc: dict[Any, Any]) -> Frontmatter:
    problems = []
    name, description = doc.get("name"), doc.get("description")
    if name is not None and not isinstance(name, str):
        problems.append("'name' must be text")
        name = None
    if description is not None and not isinstance(description, str):
        problems.append("'description' must be text")
        description = None
    metadata = doc.get("metadata")
    raw_targets = doc.get("targets")
    if isinstance(metadata, dict) and metadata.get("targets") is not None:
        raw_targets = metadata["targets"]
    targets: tuple[str, ...] | None = None
    if isinstance(raw_targets, str) and raw_targets.strip():
        raw_targets = [t.strip() for t in raw_targets.split(",") if t.strip()]
    if raw_targets is not None:
        if isinstance(raw_targets, list) and raw_targets and all(
            isinstance(t, str) and t for t in raw_targets
        ):
            targets = tuple(raw_targets)
        else:
            problems.append("'targets' must be a non-empty list of target names; ignored")
    return Frontmatter(name, description, targets, "; ".join(problems) or None)


def read_frontmatter(path: str) -> Frontmatter:
    try:
        with open(path, "rb") as handle:
            data = handle.read(FRONTMATTER_MAX_BYTES + 1)
    except OSError as exc:
        return Frontmatter(problem=f"cannot read {SKILL_FILE}: {exc.strerror}")
    return parse_frontmatter(data)


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)


def _is_file(entry: os.DirEntry[str]) -> bool:
    """``entry.is_file()``, False for a symlink loop or an unreadable target (it raises)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def _prefixes(rel: str) -> Iterator[str]:
    """``a``, ``a/b``, ``a/b/c`` for ``a/b/c``."""
    cut = rel.find("/")
    while cut != -1:
        yield rel[:cut]
        cut = rel.find("/", cut + 1)
    yield rel


def _under_any(rel: str, roots: AbstractSet[str]) -> bool:
    return any(prefix in roots for prefix in _prefixes(rel))


def _contains(items: Sequence[str], rel: str) -> bool:
    at = bisect_left(items, rel)
    return at < len(items) and items[at] == rel


def _spans(items: Sequence[str], rel: str) -> list[tuple[int, int]]:
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
            return handle.read()
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


class _Walker:
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
        if not stat.S_ISDIR(mode) or rel.rpartition("/")[2] == ".git":
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
                if entry.name == ".git" or not entry.is_dir(follow_symlinks=False):
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


def _rejected(rules: _Rules, unreadable: Mapping[str, Rejected], bad: Mapping[str, str],
              clashes: Mapping[str, tuple[str, ...]]) -> tuple[Rejected, ...]:
    """Every rejection sorted by path; for one path, in the order the walk reports them."""
    items = [*rules.problems, *unreadable.values()]
    items += (Rejected(rel, reason) for rel, reason in sorted(bad.items()))
    for flat, rels in sorted(clashes.items()):
        clash = ", ".join(rels)
        items += (Rejected(r, f"flat name '{flat}' is also produced by {clash}") for r in rels)
    return tuple(sorted(items, key=lambda r: r.rel_path))


def _new_skill(source: Path, flat: str, rel: str, frontmatter: bool) -> Skill:
    path = os.path.join(source, rel)
    meta = read_frontmatter(os.path.join(path, SKILL_FILE)) if frontmatter else Frontmatter()
    return Skill(flat, rel, path, meta)


def _root_id(source: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(source)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def discover(source: Path, frontmatter: bool = True) -> Discovery:
    """Find every skill under ``source``; invalid ones are listed in ``rejected``."""
    root_id = _root_id(source)
    if root_id is None:
        return Discovery(source, exists=False)
    root_rules, rule_problems = read_ignore_rules(source)
    real_root = os.path.realpath(source)
    walker = _Walker(real_root, root_rules)
    walker.walk()
    rules = _Rules(root_rules, walker.repo_rules, frozenset(walker.tracked),
                   (*(Rejected(".skillignore", p) for p in rule_problems),
                    *walker.repo_problems),
                   (*_linked_ignore_files(str(source)), *walker.probes))
    found = tuple(sorted(walker.found))
    bad: dict[str, str] = {}
    candidates: dict[str, list[str]] = {}
    for rel in found:
        problem = name_problem(rel) or walker.escapes.get(rel)
        if problem:
            bad[rel] = problem
        else:
            candidates.setdefault(flat_name(rel), []).append(rel)
    skills = []
    clashes: dict[str, tuple[str, ...]] = {}
    for flat, rels in sorted(candidates.items()):
        if len(rels) > 1:
            clashes[flat] = tuple(rels)
        else:
            skills.append(_new_skill(source, flat, rels[0], frontmatter))
    state = DiscoveryIndex(real_root, root_id, frontmatter, rules, found, bad, clashes,
                           walker.unreadable, walker.watches, ())
    return _finish(source, state, tuple(skills), {s.flat_name: s for s in skills},
                   _rejected(rules, walker.unreadable, bad, clashes),
                   tuple(sorted(walker.ignored)))


def _finish(source: Path, state: DiscoveryIndex, skills: tuple[Skill, ...],
            by_name: Mapping[str, Skill], rejected: tuple[Rejected, ...],
            ignored: tuple[str, ...]) -> Discovery:
    index = replace(state, owner=(source, skills, rejected, ignored, by_name))
    return Discovery(source, True, skills, rejected, ignored, by_name, index)


# -- incremental discovery ------------------------------------------------------------------


def rediscover(previous: Discovery, changed: Iterable[str]
               ) -> tuple[Discovery, frozenset[str]]:
    """Update ``previous`` after changes at or under the ``changed`` paths (relative to the
    source, ``/``-separated; both ends of a move; paths that are gone too).

    Returns what :func:`discover` would return now and the flat names whose skill may differ
    (added, removed, accepted, rejected, frontmatter or any file changed). Only the folders a
    change can reach are walked again; a change to the rules (a ``.skillignore`` at the root
    or at the top of a tracked repo, a tracked repo's ``.git`` or the repo itself, the source
    itself), or a ``previous`` without the walk's index, rediscovers everything. Paths inside
    ``.git`` folders change nothing."""
    paths = _normalised(changed)
    state = previous.index
    if (paths is None or state is None or not previous.exists or not state.serves(previous)
            or "" in state.unreadable or not _same_root(previous.source, state)
            or not all(probe.holds() for probe in state.rules.probes)):
        return _rediscover_all(previous, paths)
    plan = _plan(state, paths)
    if plan is None:
        return _rediscover_all(previous, paths)
    roots, links = plan
    if not roots:
        return previous, frozenset()
    walker = _Walker(state.real_root, state.rules.root, state.rules.repos)
    for root in roots:
        if _reachable(state, walker, root):
            walker.visit(root)
    return _update(previous, state, roots, walker, [*_outside_git(paths), *links])


def _same_root(source: Path, state: DiscoveryIndex) -> bool:
    """Whether ``source`` is still the folder that was walked (not replaced, not moved)."""
    return _root_id(source) == state.root_id and os.path.realpath(source) == state.real_root


def _normalised(changed: Iterable[str]) -> list[str] | None:
    """The paths in normal form; None when one is the source itself or outside it."""
    paths = []
    for raw in changed:
        path = posixpath.normpath(raw) if raw else "."
        if path in (".", "..") or path.startswith(("/", "../")):
            return None
        paths.append(path)
    return paths


def _in_git(path: str) -> bool:
    return ".git" in path.split("/")[:-1]


def _outside_git(paths: Iterable[str]) -> list[str]:
    return [p for p in paths if not _in_git(p)]


def _has_git(real_root: str, top: str) -> bool:
    folder = os.path.join(real_root, top)
    try:
        mode = os.lstat(folder).st_mode
    except OSError:
        return False
    return stat.S_ISDIR(mode) and os.path.isdir(os.path.join(folder, ".git"))


def _changes_rules(state: DiscoveryIndex, parts: list[str]) -> bool:
    """Whether a change at ``parts`` can change the ignore rules or which repos are tracked."""
    top = parts[0]
    if len(parts) == 1 and top in IGNORE_FILES:
        return True
    if not top.startswith("_") or len(parts) > 2 or (
            len(parts) == 2 and parts[1] not in (*IGNORE_FILES, ".git")):
        return False
    git = os.path.join(state.real_root, top, ".git")
    if os.path.islink(git) or any(probe.path == git for probe in state.rules.probes):
        return True  # a repo whose .git is a symlink: its target decides
    tracked = top in state.rules.tracked
    if len(parts) == 1 or parts[1] in IGNORE_FILES:
        return tracked or _has_git(state.real_root, top)
    return tracked != _has_git(state.real_root, top)


def _plan(state: DiscoveryIndex, paths: list[str]) -> tuple[list[str], list[str]] | None:
    """The folders to walk again (none inside another) and the watched links whose target
    moved; None when the whole source must be walked again."""
    roots: set[str] = set()
    for path in paths:
        parts = path.split("/")
        if ".git" in parts[:-1]:
            continue
        if _changes_rules(state, parts):
            return None
        outer = next((p for p in _prefixes(path) if _contains(state.found, p)), None)
        if outer is not None:
            roots.add(outer)  # a skill depends on its whole folder (nested skills, links)
        elif parts[-1] != ".git":
            roots.add(path)
            if parts[-1] == SKILL_FILE and len(parts) > 1:
                roots.add(path.rpartition("/")[0])
    links = _moved_links(state, paths)
    roots.update(state.watches[link].walk_root for link in links)
    return _topmost(roots), links


def _moved_links(state: DiscoveryIndex, paths: list[str]) -> list[str]:
    moved = []
    for link, watch in state.watches.items():
        if watch.dep is None:
            if os.path.realpath(os.path.join(state.real_root, link)) != watch.dest:
                moved.append(link)
        elif any(watch.dep == p or watch.dep.startswith(p + "/") for p in paths):
            moved.append(link)
    return moved


def _topmost(roots: set[str]) -> list[str]:
    kept: set[str] = set()
    for root in sorted(roots):  # an ancestor sorts before its descendants
        if not _under_any(root, kept):
            kept.add(root)
    return sorted(kept)


def _reachable(state: DiscoveryIndex, walker: _Walker, root: str) -> bool:
    """Whether the whole walk enters the parent of ``root``: real, readable, not ignored."""
    for folder in list(_prefixes(root))[:-1]:
        if folder in state.unreadable or (walker.filtered and walker.ignored_path(folder)):
            return False
        try:
            mode = os.lstat(os.path.join(state.real_root, folder)).st_mode
        except OSError:
            return False
        if not stat.S_ISDIR(mode):
            return False
    return True


def _refound(found: tuple[str, ...], roots: list[str], new: list[str]
             ) -> tuple[tuple[str, ...], list[str]]:
    """``found`` (sorted) with what was at or under ``roots`` replaced by ``new`` (sorted);
    and what was there."""
    spans = sorted((span for root in roots for span in _spans(found, root)), reverse=True)
    removed = [rel for low, high in spans for rel in found[low:high]]
    if sorted(removed) == new:
        return found, removed
    items = list(found)
    for low, high in spans:
        del items[low:high]
    if len(new) < 32:
        for rel in new:
            insort(items, rel)
    else:
        items += new
        items.sort()
    return tuple(items), removed


class _Names:
    """The accepted skills and the clashes, updated one flat name at a time."""

    def __init__(self, previous: Discovery, state: DiscoveryIndex) -> None:
        self.source = previous.source
        self.frontmatter = state.frontmatter
        self.skills: Sequence[Skill] = previous.skills
        self.by_name: Mapping[str, Skill] = previous.by_name
        self.clashes = dict(state.clashes)
        self._own_copies: tuple[list[Skill], dict[str, Skill]] | None = None

    def holders(self, flat: str) -> list[str]:
        skill = self.by_name.get(flat)
        return [skill.rel_path] if skill else list(self.clashes.get(flat, ()))

    def settle(self, flat: str, rels: list[str], fresh: AbstractSet[str]) -> None:
        """Make ``rels`` (sorted, valid) the folders producing ``flat``; a folder in
        ``fresh`` was walked again and its frontmatter is read again."""
        old = self.by_name.get(flat)
        self.clashes.pop(flat, None)
        skill = self._skill(flat, rels[0], old, fresh) if len(rels) == 1 else None
        if len(rels) > 1:
            self.clashes[flat] = tuple(rels)
        if skill is old:
            return
        skills, by_name = self._own()
        if old is not None:
            del by_name[flat]
            del skills[bisect_left(skills, flat, key=_flat)]
        if skill is not None:
            insort(skills, skill, key=_flat)
            by_name[flat] = skill

    def _own(self) -> tuple[list[Skill], dict[str, Skill]]:
        """The skills and names, copied on the first change (the previous ones are shared)."""
        if self._own_copies is None:
            self._own_copies = (list(self.skills), dict(self.by_name))
            self.skills, self.by_name = self._own_copies
        return self._own_copies

    def _skill(self, flat: str, rel: str, old: Skill | None, fresh: AbstractSet[str]) -> Skill:
        """The previous Skill object when nothing about it changed, else a new one."""
        if old is not None and old.rel_path == rel and rel not in fresh:
            return old
        skill = _new_skill(self.source, flat, rel, self.frontmatter)
        return old if skill == old and old is not None else skill


def _flat(skill: Skill) -> str:
    return skill.flat_name


def _update(previous: Discovery, state: DiscoveryIndex, roots: list[str], walker: _Walker,
            touched_paths: list[str]) -> tuple[Discovery, frozenset[str]]:
    new = sorted(walker.found)
    found, removed = _refound(state.found, roots, new)
    gone, fresh = set(removed), set(new)
    bad = {rel: why for rel, why in state.bad.items() if rel not in gone}
    valid: dict[str, list[str]] = {}
    for rel in new:
        problem = name_problem(rel) or walker.escapes.get(rel)
        if problem:
            bad[rel] = problem
        else:
            valid.setdefault(flat_name(rel), []).append(rel)
    names = _Names(previous, state)
    flats = {flat_name(rel) for rel in removed} | {flat_name(rel) for rel in new}
    for flat in flats:
        kept = [rel for rel in names.holders(flat) if rel not in gone]
        names.settle(flat, sorted(kept + valid.get(flat, [])), fresh)
    root_set = set(roots)
    unreadable = {r: x for r, x in state.unreadable.items() if not _under_any(r, root_set)}
    unreadable.update(walker.unreadable)
    rejected = previous.rejected
    if bad != state.bad or names.clashes != state.clashes or unreadable != state.unreadable:
        rejected = _rejected(state.rules, unreadable, bad, names.clashes)
    watches = {k: w for k, w in state.watches.items() if not _under_any(k, root_set)}
    watches.update(walker.watches)
    new_state = replace(state, found=found, bad=bad, clashes=names.clashes,
                        unreadable=unreadable, watches=watches)
    result = _finish(previous.source, new_state, tuple(names.skills), names.by_name, rejected,
                     _ignored(previous.ignored, roots, walker.ignored))
    affected = {f for f in flats if previous.by_name.get(f) != names.by_name.get(f)}
    affected |= _skills_at(touched_paths, previous.by_name, state.found)
    affected |= _skills_at(touched_paths, names.by_name, new_state.found)
    return result, frozenset(affected)


def _ignored(previous: tuple[str, ...], roots: list[str], new: list[str]) -> tuple[str, ...]:
    if not new and not any(_spans(previous, root) for root in roots):
        return previous
    root_set = set(roots)
    return tuple(sorted([i for i in previous if not _under_any(i, root_set)] + new))


def _skills_at(paths: Iterable[str], by_name: Mapping[str, Skill],
               found: Sequence[str]) -> set[str]:
    """Flat names of the skills holding one of ``paths`` or held by one of them."""
    names: set[str] = set()

    def add(rel: str) -> None:
        skill = by_name.get(flat_name(rel))
        if skill is not None and skill.rel_path == rel:
            names.add(skill.flat_name)

    for path in paths:
        for rel in _prefixes(path):
            add(rel)
        for low, high in _spans(found, path):
            for rel in found[low:high]:
                add(rel)
    return names


def _rediscover_all(previous: Discovery, paths: list[str] | None
                    ) -> tuple[Discovery, frozenset[str]]:
    state = previous.index
    fresh = discover(previous.source, state.frontmatter if state else True)
    old = dict(previous.by_name) or {s.flat_name: s for s in previous.skills}
    if paths is None:
        return fresh, frozenset(old.keys() | fresh.by_name.keys())
    affected = {f for f in old.keys() | fresh.by_name.keys() if old.get(f) != fresh.by_name.get(f)}
    touched = _outside_git(paths)
    old_found = sorted(s.rel_path for s in old.values())
    affected |= _skills_at(touched, old, old_found)
    affected |= _skills_at(touched, fresh.by_name, fresh.index.found if fresh.index else ())
    return fresh, frozenset(affected)
