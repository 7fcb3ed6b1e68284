"""Which skills of a source ``install`` takes, as the original skillshare's flags say:
``-s/--skill a,b`` (a name, else a glob, else the one name holding it), ``--exclude``
(names or globs), ``--all``/``-y`` (every skill: what a command with no prompt does anyway);
and ``install <name>`` of a recorded install."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.commands.namepick import glob_matches, is_glob
from skillshared.core.config_records import SkillRecord
from skillshared.core.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from skillshared.commands.request import Request

Picked = list[tuple[str, Path]]


def words(raw: str | None, option: str) -> list[str]:
    """A comma-separated option value as its names (an empty one is an error)."""
    if raw is None:
        return []
    found = [w.strip() for w in raw.split(",") if w.strip()]
    if not found:
        raise UsageError(f"invalid {option} {raw!r}: give comma-separated names")
    return found


def check_flags(req: Request, raw: str | None) -> None:
    """Flags that need a source, or exclude each other, refused before anything is done."""
    chosen = req.text("skill") is not None
    if req.flag("all") and chosen:
        raise UsageError("--all installs every skill; --skill picks some: give one of them")
    if not raw and (chosen or req.text("exclude") is not None or req.flag("all")
                    or req.flag("update") or req.text("branch") is not None):
        raise UsageError("--skill, --exclude, --all, --update and --branch need a source",
                         hint="with no source, `install` re-creates what is recorded")
    words(req.text("skill"), "--skill")
    words(req.text("exclude"), "--exclude")


def _base(name: str) -> str:
    return name.rsplit("__", 1)[-1].lower()


def _one(found: Picked, wanted: str, shown: str) -> Picked:
    low = wanted.lower()
    exact = [f for f in found if low in (f[0].lower(), _base(f[0]))]
    if exact:
        return exact
    if is_glob(wanted):
        matched = [f for f in found if glob_matches(wanted, f[0])
                   or glob_matches(wanted, _base(f[0]))]
    else:
        matched = [f for f in found if low in _base(f[0])]
        if len(matched) > 1:
            raise UsageError(f"--skill {wanted!r} could be any of "
                             f"{', '.join(f[0] for f in matched)} in {shown}")
    if not matched:
        raise NotFoundError(f"no skill {wanted!r} in {shown}; nothing was installed",
                            hint=f"it holds: {', '.join(f[0] for f in found)}")
    return matched


def choose(found: Picked, skill: str | None, exclude: str | None, shown: str) -> Picked:
    """The skills ``--skill`` names (all without it), less those ``--exclude`` names."""
    picked = found
    if skill is not None:
        picked = [f for wanted in words(skill, "--skill") for f in _one(found, wanted, shown)]
        picked = list(dict.fromkeys(picked))
    left_out = words(exclude, "--exclude")
    picked = [f for f in picked if not any(
        glob_matches(w, f[0]) or glob_matches(w, _base(f[0])) for w in left_out)]
    if not picked:
        raise NotFoundError(f"no skill of {shown} is left to install; nothing was installed",
                            hint="check --skill and --exclude")
    return picked


def recorded(records: Sequence[SkillRecord], raw: str) -> SkillRecord | None:
    """The recorded install ``raw`` names (its path in the source, or its own name when
    only one has it), for ``install <name>``; None when ``raw`` names no record."""
    if "://" in raw or "@" in raw or raw.startswith((".", "/", "~")):
        return None
    by_rel = [r for r in records if r.rel in (raw, f"_{raw}")]
    if by_rel:
        return by_rel[0]
    if "/" in raw:
        return None
    named = [r for r in records if r.name in (raw, f"_{raw}")]
    if len(named) > 1:
        raise UsageError(f"'{raw}' could be any of {', '.join(r.rel for r in named)}",
                         hint="give its path in the source")
    return named[0] if named else None
