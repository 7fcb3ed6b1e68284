"""How a target names its skills' entries (``target_naming``): ``flat``, the skill's flat
name (``frontend__dev``), or ``standard``, the ``name`` of its SKILL.md (``dev``), which must
follow the Agent Skills rules and be the skill folder's own name, as the original tool has
it. A skill whose name breaks them, and every skill of a name two skills would share in one
target, is not synced there; each is reported with the reason."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from skillshared.catalog.skills import Skill

FLAT = "flat"
STANDARD = "standard"
NAME_MAX = 64
# how every reason a skill is left out begins (renderers and doctor tell these from entries
# in the way, which --force replaces)
NOT_SYNCED = "not synced under target_naming: standard"


@dataclass(frozen=True)
class Named:
    """A target's skills by entry name, and those left out: (name, reason) each (the
    entry name of a collision, else the skill's path in the source)."""

    entries: dict[str, Skill]
    skipped: tuple[tuple[str, str], ...] = ()


def folder_name(rel_path: str) -> str:
    return rel_path.rstrip("/").rsplit("/", 1)[-1]


def name_problem(name: str | None, folder: str) -> str | None:
    """Why ``name`` cannot name a skill in ``folder`` under standard naming (None: it can)."""
    name = unicodedata.normalize("NFKC", (name or "").strip())
    if not name:
        return "SKILL.md has no name"
    if len(name) > NAME_MAX:
        return f"SKILL.md name {name!r} is longer than {NAME_MAX} characters"
    if name.startswith("-") or name.endswith("-") or "--" in name:
        return f"SKILL.md name {name!r} cannot start or end with '-' or hold '--'"
    if name != name.lower() or not all(c == "-" or c.isalnum() for c in name):
        return f"SKILL.md name {name!r} must use only lowercase letters, numbers and hyphens"
    if name != unicodedata.normalize("NFKC", folder):
        return f"SKILL.md name {name!r} does not match its folder name {folder!r}"
    return None


def name_skills(skills: Iterable[Skill], naming: str) -> Named:
    """``skills`` by the entry name ``naming`` gives each (see the module)."""
    if naming != STANDARD:
        return Named({s.flat_name: s for s in skills})
    skipped: list[tuple[str, str]] = []
    by_entry: dict[str, list[Skill]] = {}
    for skill in skills:
        folder = folder_name(skill.rel_path)
        problem = name_problem(skill.meta.name, folder)
        if problem is not None:
            skipped.append((skill.rel_path, f"{NOT_SYNCED}: {problem}"))
        else:
            by_entry.setdefault(folder, []).append(skill)
    entries: dict[str, Skill] = {}
    for entry, found in sorted(by_entry.items()):
        if len(found) == 1:
            entries[entry] = found[0]
            continue
        paths = ", ".join(sorted(s.rel_path for s in found))
        skipped.append((entry, f"{NOT_SYNCED}: name collision: {paths} are all named "
                               f"'{entry}' (rename one, or use target_naming: flat)"))
    return Named(entries, tuple(skipped))


def entry_candidates(names: Iterable[str], by_name: Mapping[str, Skill] | None = None
                     ) -> frozenset[str]:
    """The entries standard naming may give the skills ``names`` (flat names, or entries):
    each name itself, and the name of its folder (``frontend__dev`` -> ``dev``)."""
    found: set[str] = set()
    for name in names:
        found.add(name)
        skill = by_name.get(name) if by_name is not None else None
        found.add(folder_name(skill.rel_path) if skill is not None else
                  name.rsplit("__", 1)[-1])
    found.discard("")
    return frozenset(found)


def naming_of(mode: str, namings: Sequence[str]) -> str:
    """The naming of a group's folder: symlink mode names nothing (flat)."""
    return FLAT if mode == "symlink" or not namings else namings[0]
