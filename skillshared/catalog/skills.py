"""Skill discovery: what the walk (:mod:`skillshared.catalog.walker`) found, named and
checked: the skills, the rejected folders and why, flat names (frontmatter is read by
:mod:`skillshared.catalog.frontmatter`; :mod:`skillshared.catalog.rediscover` redoes only
the part of the walk that a change can reach)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.catalog import stored_walk
from skillshared.catalog.frontmatter import NO_FRONTMATTER, Frontmatter, read_frontmatter
from skillshared.catalog.kinds import SKILL_FILE, SKILLS
from skillshared.catalog.walker import (
    Rejected,
    Rules,
    Walker,
    Watch,
    linked_ignore_files,
    list_folder,
    read_ignore_rules,
)

if TYPE_CHECKING:
    from skillshared.catalog.stored import StoredCatalog

SEGMENT_RE = re.compile(r"^[A-Za-z0-9._-]+$")
MAX_FLAT_BYTES = 255
RESERVED_PREFIX = ".skillshare-"  # the manifest and temp entries in targets


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
    return SKILLS.flat_name(rel_path)


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


@dataclass(frozen=True)
class DiscoveryIndex:
    """What a walk saw, kept with a :class:`Discovery` so that :func:`rediscover` can redo
    only the part of the walk that a change can reach."""

    real_root: str
    root_id: tuple[int, int]
    frontmatter: bool
    rules: Rules
    found: tuple[str, ...]  # sorted: every folder holding a SKILL.md, valid or not
    bad: Mapping[str, str]  # found folders with a name problem or an escaping symlink
    clashes: Mapping[str, tuple[str, ...]]  # flat name -> the valid folders sharing it
    unreadable: Mapping[str, Rejected]
    watches: Mapping[str, Watch]
    owner: tuple[object, ...]  # the discovery's own values, to notice a copy with edits

    def serves(self, discovery: Discovery) -> bool:
        mine = (discovery.source, discovery.skills, discovery.rejected, discovery.ignored,
                discovery.by_name)
        return all(a is b for a, b in zip(mine, self.owner, strict=True))


def rejections(rules: Rules, unreadable: Mapping[str, Rejected], bad: Mapping[str, str],
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


def new_skill(source: Path, flat: str, rel: str, frontmatter: bool,
              reader: Callable[[str], Frontmatter] = read_frontmatter) -> Skill:
    path = os.path.join(source, rel)
    meta = reader(os.path.join(path, SKILL_FILE)) if frontmatter else NO_FRONTMATTER
    return Skill(flat, rel, path, meta)


def folder_id(source: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(source)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISDIR(info.st_mode) else None


def discover(source: Path, frontmatter: bool = True,
             stored: StoredCatalog | None = None) -> Discovery:
    """Find every skill under ``source``; invalid ones are listed in ``rejected``.
    ``stored``: a persisted catalog giving the listings and frontmatter that did not change
    since it was written (see :mod:`skillshared.catalog.stored`)."""
    root_id = folder_id(source)
    if root_id is None:
        return Discovery(source, exists=False)
    if stored is not None and frontmatter:
        kept = stored_walk.quick(stored, str(source))
        if kept is not None:
            return _kept_discovery(source, kept)
    root_rules, rule_problems = read_ignore_rules(source, SKILLS)
    real_root = os.path.realpath(source)
    walker = Walker(SKILLS, real_root, root_rules,
                    lister=stored.list_folder if stored else list_folder)
    walker.walk()
    rules = Rules(root_rules, walker.repo_rules, frozenset(walker.tracked),
                  (*(Rejected(SKILLS.ignore_files[0], p) for p in rule_problems),
                   *walker.repo_problems),
                  (*linked_ignore_files(str(source), SKILLS), *walker.probes))
    found = tuple(sorted(walker.found))
    bad: dict[str, str] = {}
    candidates = by_flat_name(found, walker.escapes, bad)
    skills = []
    clashes: dict[str, tuple[str, ...]] = {}
    for flat, rels in sorted(candidates.items()):
        if len(rels) > 1:
            clashes[flat] = tuple(rels)
        else:
            skills.append(new_skill(source, flat, rels[0], frontmatter,
                                    stored.frontmatter if stored else read_frontmatter))
    state = DiscoveryIndex(real_root, root_id, frontmatter, rules, found, bad, clashes,
                           walker.unreadable, walker.watches, ())
    rejected, ignored = rejections(rules, walker.unreadable, bad, clashes), tuple(
        sorted(walker.ignored))
    if stored is not None and frontmatter:
        stored_walk.note(stored, str(source), walker, rules,
                         [(s.flat_name, s.rel_path) for s in skills], rejected, ignored)
    return finish_discovery(source, state, tuple(skills), {s.flat_name: s for s in skills},
                            rejected, ignored)


def _kept_discovery(source: Path, kept: stored_walk.Found) -> Discovery:
    """A discovery as the last walk found it (nothing it came from changed since)."""
    found = tuple(Skill(flat, rel, os.path.join(source, rel), meta) for flat, rel, meta in kept[0])
    return Discovery(source, True, found, tuple(Rejected(r, why) for r, why in kept[1]),
                     tuple(kept[2]), {s.flat_name: s for s in found})


def finish_discovery(source: Path, state: DiscoveryIndex, skills: tuple[Skill, ...],
            by_name: Mapping[str, Skill], rejected: tuple[Rejected, ...],
            ignored: tuple[str, ...]) -> Discovery:
    index = replace(state, owner=(source, skills, rejected, ignored, by_name))
    return Discovery(source, True, skills, rejected, ignored, by_name, index)
