"""Incremental discovery: :func:`rediscover` updates a :class:`Discovery` after changes at
some paths of the source, walking again only the folders those changes can reach (the
daemon's per-change passes)."""

from __future__ import annotations

import os
import posixpath
import stat
from bisect import bisect_left, insort
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import replace
from pathlib import Path

from skillshared.catalog.kinds import SKILLS
from skillshared.catalog.relpaths import contains, index_spans, prefixes, under_any
from skillshared.catalog.skills import (
    Discovery,
    DiscoveryIndex,
    Skill,
    by_flat_name,
    discover,
    finish_discovery,
    flat_name,
    folder_id,
    new_skill,
    rejections,
)
from skillshared.catalog.walker import Walker, not_walked


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
    walker = Walker(SKILLS, state.real_root, state.rules.root, state.rules.repos)
    for root in roots:
        if _reachable(state, walker, root):
            walker.visit(root)
    return _update(previous, state, roots, walker, [*_outside_git(paths), *links])


def _same_root(source: Path, state: DiscoveryIndex) -> bool:
    """Whether ``source`` is still the folder that was walked (not replaced, not moved)."""
    return folder_id(source) == state.root_id and os.path.realpath(source) == state.real_root


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
    if len(parts) == 1 and SKILLS.is_ignore_file(top):
        return True
    if not top.startswith("_") or len(parts) > 2 or (
            len(parts) == 2 and parts[1] != ".git" and not SKILLS.is_ignore_file(parts[1])):
        return False
    git = os.path.join(state.real_root, top, ".git")
    if os.path.islink(git) or any(probe.path == git for probe in state.rules.probes):
        return True  # a repo whose .git is a symlink: its target decides
    tracked = top in state.rules.tracked
    if len(parts) == 1 or SKILLS.is_ignore_file(parts[1]):
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
        outer = next((p for p in prefixes(path) if contains(state.found, p)), None)
        if outer is not None:
            roots.add(outer)  # a skill depends on its whole folder (nested skills, links)
        elif parts[-1] != ".git":
            roots.add(path)
            if SKILLS.is_marker(parts[-1]) and len(parts) > 1:
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
        if not under_any(root, kept):
            kept.add(root)
    return sorted(kept)


def _reachable(state: DiscoveryIndex, walker: Walker, root: str) -> bool:
    """Whether the whole walk enters the parent of ``root``: real, readable, not ignored."""
    for folder in list(prefixes(root))[:-1]:
        if folder in state.unreadable or (walker.filtered and walker.ignored_path(folder)) or (
                not_walked(folder.rpartition("/")[2])):
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
    spans = sorted((span for root in roots for span in index_spans(found, root)), reverse=True)
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
        skill = new_skill(self.source, flat, rel, self.frontmatter)
        return old if skill == old and old is not None else skill


def _flat(skill: Skill) -> str:
    return skill.flat_name


def _update(previous: Discovery, state: DiscoveryIndex, roots: list[str], walker: Walker,
            touched_paths: list[str]) -> tuple[Discovery, frozenset[str]]:
    new = sorted(walker.found)
    found, removed = _refound(state.found, roots, new)
    gone, fresh = set(removed), set(new)
    bad = {rel: why for rel, why in state.bad.items() if rel not in gone}
    valid = by_flat_name(new, walker.escapes, bad)
    names = _Names(previous, state)
    flats = {flat_name(rel) for rel in removed} | {flat_name(rel) for rel in new}
    for flat in flats:
        kept = [rel for rel in names.holders(flat) if rel not in gone]
        names.settle(flat, sorted(kept + valid.get(flat, [])), fresh)
    root_set = set(roots)
    unreadable = {r: x for r, x in state.unreadable.items() if not under_any(r, root_set)}
    unreadable.update(walker.unreadable)
    rejected = previous.rejected
    if bad != state.bad or names.clashes != state.clashes or unreadable != state.unreadable:
        rejected = rejections(state.rules, unreadable, bad, names.clashes)
    watches = {k: w for k, w in state.watches.items() if not under_any(k, root_set)}
    watches.update(walker.watches)
    new_state = replace(state, found=found, bad=bad, clashes=names.clashes,
                        unreadable=unreadable, watches=watches)
    result = finish_discovery(previous.source, new_state, tuple(names.skills), names.by_name,
                              rejected, _ignored(previous.ignored, roots, walker.ignored))
    affected = {f for f in flats if previous.by_name.get(f) != names.by_name.get(f)}
    affected |= _skills_at(touched_paths, previous.by_name, state.found)
    affected |= _skills_at(touched_paths, names.by_name, new_state.found)
    return result, frozenset(affected)


def _ignored(previous: tuple[str, ...], roots: list[str], new: list[str]) -> tuple[str, ...]:
    if not new and not any(index_spans(previous, root) for root in roots):
        return previous
    root_set = set(roots)
    return tuple(sorted([i for i in previous if not under_any(i, root_set)] + new))


def _skills_at(paths: Iterable[str], by_name: Mapping[str, Skill],
               found: Sequence[str]) -> set[str]:
    """Flat names of the skills holding one of ``paths`` or held by one of them."""
    names: set[str] = set()

    def add(rel: str) -> None:
        skill = by_name.get(flat_name(rel))
        if skill is not None and skill.rel_path == rel:
            names.add(skill.flat_name)

    for path in paths:
        for rel in prefixes(path):
            add(rel)
        for low, high in index_spans(found, path):
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
