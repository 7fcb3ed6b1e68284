"""A walk's whole result kept with the persisted catalog (:mod:`skillshared.catalog.stored`):
when every folder the last walk listed, every ignored folder it met, every ignore file it
read and every skill's SKILL.md still has the identity it had then, the skills, the
rejections and the ignored folders are those kept, and the source is not walked again.

Kept only for a walk that depends on nothing else: no symlink whose target the walk had to
resolve beyond its own skill (a watch, an escape, a linked ignore file or ``.git``), no folder
it could not read, and everything settled before the walk began. Anything else walks, as
without a catalog (which reuses the listings); so this spares the walk's own work and never
changes what it finds."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from skillshared.catalog.frontmatter import Frontmatter
from skillshared.catalog.kinds import SKILL_FILE, SKILLS
from skillshared.catalog.stored import kept_frontmatter, key_of, settled_before

if TYPE_CHECKING:
    from skillshared.catalog.stored import StoredCatalog
    from skillshared.catalog.walker import Rejected, Rules, Walker

# the skills (flat name, path, frontmatter), the rejections (path, reason), the ignored folders
Found = tuple[list[tuple[str, str, Frontmatter]], list[list[str]], list[str]]


def quick(catalog: StoredCatalog, source: str) -> Found | None:
    """The kept result when nothing it came from changed (None: walk)."""
    walk = catalog.walk
    try:
        skills = _skills(catalog, source, walk["skills"])
        found: Found = (skills, walk["rejected"], walk["ignored"]) if skills is not None else (
            [], [], [])
        if skills is None or not _same_folders(catalog, walk["folders"]) or not all(
                key_of(os.lstat(f"{catalog.real_root}/{rel}")) == key
                for rel, key in walk["others"].items()):
            return None
        if not all(isinstance(x, str) for pair in found[1] for x in pair) or not all(
                isinstance(x, str) for x in found[2]):
            return None
    except (TypeError, KeyError, ValueError, AttributeError, OSError):
        return None
    catalog.seen_folders, catalog.seen_files = catalog.folders, catalog.files
    catalog.seen_walk = walk
    return found


def _same_folders(catalog: StoredCatalog, folders: list[str]) -> bool:
    root, kept = catalog.real_root, catalog.folders
    for rel in folders:
        listing = kept[rel]
        if not (isinstance(listing, str) and listing.startswith(
                key_of(os.stat(f"{root}/{rel}" if rel else root)) + "/")):
            return False
    return True


def _skills(catalog: StoredCatalog, source: str, kept: list[list[str]]
            ) -> list[tuple[str, str, Frontmatter]] | None:
    """The kept skills with their frontmatter, while each SKILL.md is unchanged."""
    files, found = catalog.files, []
    inside = catalog.rel(source)
    for flat, rel in kept:
        path = f"{source}/{rel}/{SKILL_FILE}"
        entry = files[f"{inside}/{rel}/{SKILL_FILE}" if inside else f"{rel}/{SKILL_FILE}"]
        meta = kept_frontmatter(entry, key_of(os.stat(path)))
        if meta is None or not isinstance(flat, str):
            return None
        found.append((flat, rel, meta))
    return found


def note(catalog: StoredCatalog, source: str, walker: Walker, rules: Rules,
         skills: Sequence[tuple[str, str]], rejected: Iterable[Rejected],
         ignored: Sequence[str]) -> None:
    """Keep a walk's result for :func:`quick` when it depends on nothing but what is kept
    (else keep none)."""
    catalog.seen_walk = None
    if walker.watches or walker.escapes or walker.unreadable or rules.probes:
        return
    if catalog.visited != len(catalog.seen_folders) or not all(
            catalog.rel(os.path.join(source, rel, SKILL_FILE)) in catalog.seen_files
            for _, rel in skills):
        return  # (something was not settled: not kept)
    others: dict[str, str] = {}
    for rel in [*walker.hidden, *_rule_files(catalog.real_root, rules.tracked)]:
        info = os.lstat(os.path.join(catalog.real_root, rel))
        if not settled_before(info, catalog.started):
            return
        others[rel] = key_of(info)
    catalog.seen_walk = {"folders": list(catalog.seen_folders), "others": others,
                         "skills": [list(s) for s in skills],
                         "rejected": [[r.rel_path, r.reason] for r in rejected],
                         "ignored": list(ignored)}


def _rule_files(real_root: str, tracked: Iterable[str]) -> list[str]:
    """The ignore files the walk read (the source's and each tracked repo's) that exist; one
    made later changes its folder's identity."""
    found = []
    for folder in ("", *sorted(tracked)):
        for name in SKILLS.ignore_files:
            rel = f"{folder}/{name}" if folder else name
            if os.path.lexists(os.path.join(real_root, rel)):
                found.append(rel)
    return found
