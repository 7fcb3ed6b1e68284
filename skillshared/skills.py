"""Skill discovery: SKILL.md folders at any depth, flat names, .skillignore, frontmatter."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from skillshared.patterns import IgnoreRules

SKILL_FILE = "SKILL.md"
SEGMENT_RE = re.compile(r"^[A-Za-z0-9._-]+$")
MAX_FLAT_BYTES = 255
FRONTMATTER_MAX_BYTES = 64 * 1024
IGNORE_FILES = (".skillignore", ".skillignore.local")
RESERVED_PREFIX = ".skillshare-"  # the manifest and temp entries in targets

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Frontmatter:
    name: str | None = None
    description: str | None = None
    targets: tuple[str, ...] | None = None
    problem: str | None = None


@dataclass(frozen=True)
class Skill:
    flat_name: str
    rel_path: str
    path: Path
    meta: Frontmatter = Frontmatter()

    @property
    def tracked_repo(self) -> str | None:
        top = self.rel_path.split("/", 1)[0]
        return top if top.startswith("_") else None


@dataclass(frozen=True)
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


class _Walker:
    def __init__(self, source: Path, root_rules: IgnoreRules) -> None:
        self.source = source
        self.real_root = os.path.realpath(source)
        self.root_rules = root_rules
        self.repo_rules: dict[str, IgnoreRules] = {}
        self.found: list[str] = []
        self.escapes: dict[str, str] = {}
        self.rejected: list[Rejected] = []
        self.ignored: list[str] = []

    def ignored_path(self, rel: str) -> bool:
        if self.root_rules.ignored(rel, True):
            return True
        top, _, inner = rel.partition("/")
        rules = self.repo_rules.get(top)
        return bool(inner and rules and rules.ignored(inner, True))

    def walk(self) -> None:
        stack: list[tuple[str, str, tuple[str, ...]]] = [("", self.real_root, ())]
        filtered = bool(self.root_rules)
        while stack:
            rel, folder, skills_above = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = list(it)
            except OSError as exc:
                self.rejected.append(Rejected(rel or ".", f"cannot read folder: {exc.strerror}"))
                continue
            if rel and any(e.name == SKILL_FILE and e.is_file() for e in entries):
                self.found.append(rel)
                skills_above = (*skills_above, rel)
            if not rel:
                self._load_repo_rules(entries)
                filtered = filtered or bool(self.repo_rules)
            for entry in entries:
                if entry.is_symlink():
                    if skills_above:
                        self._check_link(entry.path, skills_above)
                    continue
                if entry.name == ".git" or not entry.is_dir(follow_symlinks=False):
                    continue
                child = f"{rel}/{entry.name}" if rel else entry.name
                if filtered and self.ignored_path(child):
                    if os.path.isfile(os.path.join(entry.path, SKILL_FILE)):
                        self.ignored.append(child)
                    continue
                stack.append((child, entry.path, skills_above))

    def _load_repo_rules(self, entries: Iterable[os.DirEntry[str]]) -> None:
        for entry in entries:
            if entry.name.startswith("_") and entry.is_dir(follow_symlinks=False) and (
                os.path.isdir(os.path.join(entry.path, ".git"))
            ):
                rules, problems = read_ignore_rules(Path(entry.path))
                if rules:
                    self.repo_rules[entry.name] = rules
                self.rejected.extend(Rejected(entry.name, p) for p in problems)

    def _check_link(self, link: str, skills_above: tuple[str, ...]) -> None:
        dest = os.path.realpath(link)
        for rel in skills_above:
            if rel not in self.escapes and not _within(dest, os.path.join(self.real_root, rel)):
                shown = os.path.relpath(link, os.path.join(self.real_root, rel))
                self.escapes[rel] = (
                    f"contains a symlink '{shown}' that points outside the skill ({dest})"
                )


def discover(source: Path, frontmatter: bool = True) -> Discovery:
    """Find every skill under ``source``; invalid ones are listed in ``rejected``."""
    if not os.path.isdir(source):
        return Discovery(source, exists=False)
    root_rules, rule_problems = read_ignore_rules(source)
    walker = _Walker(source, root_rules)
    walker.walk()
    rejected = [Rejected(".skillignore", p) for p in rule_problems] + walker.rejected
    candidates: dict[str, list[str]] = {}
    for rel in sorted(walker.found):
        problem = name_problem(rel) or walker.escapes.get(rel)
        if problem:
            rejected.append(Rejected(rel, problem))
        else:
            candidates.setdefault(flat_name(rel), []).append(rel)
    skills = []
    for flat, rels in sorted(candidates.items()):
        if len(rels) > 1:
            clash = ", ".join(rels)
            rejected.extend(Rejected(r, f"flat name '{flat}' is also produced by {clash}")
                            for r in rels)
            continue
        rel = rels[0]
        path = source / rel
        meta = read_frontmatter(str(path / SKILL_FILE)) if frontmatter else Frontmatter()
        skills.append(Skill(flat, rel, path, meta))
    return Discovery(
        source=source,
        exists=True,
        skills=tuple(skills),
        rejected=tuple(sorted(rejected, key=lambda r: r.rel_path)),
        ignored=tuple(sorted(walker.ignored)),
        by_name={s.flat_name: s for s in skills},
    )
