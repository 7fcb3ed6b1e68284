"""The filters of ``list``: a pattern (name, path or source, case-insensitive), ``--type``
(tracked, local, github) and ``--sort`` (name, newest, oldest), as the original has them."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.commands.results_list import ListedAgent, ListedSkill
from skillshared.core.errors import UsageError

if TYPE_CHECKING:
    from skillshared.commands.request import Request

TYPES = ("tracked", "local", "github")
SORTS = ("name", "newest", "oldest")


@dataclass(frozen=True)
class ListOptions:
    pattern: str | None = None
    type: str | None = None
    sort: str | None = None

    @property
    def filtered(self) -> bool:
        return bool(self.pattern or self.type)


def _choice(req: Request, key: str, allowed: tuple[str, ...]) -> str | None:
    raw = req.text(key)
    if raw is None:
        return None
    value = raw.lower()
    if value not in allowed:
        raise UsageError(f"invalid --{key} {raw!r}: must be {', '.join(allowed[:-1])} or "
                         f"{allowed[-1]}", hint="run `skillshare list --help`")
    return value


def options(req: Request, pattern: str | None) -> ListOptions:
    """The filters asked for; a bad ``--type`` or ``--sort`` is a usage error."""
    return ListOptions(pattern or None, _choice(req, "type", TYPES), _choice(req, "sort", SORTS))


def skill_type(skill: ListedSkill) -> str:
    """``tracked`` (in a tracked repo), ``local`` (no install record) or, as the original
    names every other install, by where it came from: ``github`` or ``git`` or ``local``
    for a folder installed by path (whose source is still shown)."""
    if skill["repo"]:
        return "tracked"
    source = skill["source"]
    if not source:
        return "local"
    if "github.com" in source or (source.count("/") >= 1 and not source.startswith(
            ("/", "~", ".", "file:")) and ":" not in source):
        return "github"
    return "git" if "://" in source or "@" in source else "local"


def installed_at(source: Path, rel: str) -> str | None:
    """When an installed skill arrived: its folder's modification date (``YYYY-MM-DD``)."""
    try:
        stamp = os.stat(source / rel).st_mtime
    except OSError:
        return None
    return time.strftime("%Y-%m-%d", time.localtime(stamp))


def matches(skill: ListedSkill, opts: ListOptions) -> bool:
    if opts.type == "tracked" and not skill["repo"]:
        return False
    if opts.type == "local" and (skill["source"] or skill["repo"]):
        return False
    if opts.type == "github" and (not skill["source"] or skill["repo"]):
        return False
    if opts.pattern:
        needle = opts.pattern.lower()
        hay = (skill["name"], skill["path"], skill["source"] or "")
        return any(needle in h.lower() for h in hay)
    return True


def select(skills: list[ListedSkill], opts: ListOptions) -> list[ListedSkill]:
    """The skills the filters keep, in the order asked for (undated ones last)."""
    kept = [s for s in skills if matches(s, opts)]
    if opts.sort in ("newest", "oldest"):
        dated = sorted((s for s in kept if s.get("installed_at")),
                       key=lambda s: s.get("installed_at") or "",
                       reverse=opts.sort == "newest")
        return dated + [s for s in kept if not s.get("installed_at")]
    if opts.sort == "name":
        return sorted(kept, key=lambda s: s["name"])
    return kept


def select_agents(agents: list[ListedAgent], opts: ListOptions) -> list[ListedAgent]:
    """The agents a pattern keeps (by name or path); ``--type`` keeps none but local
    ones, and agents have no install type of their own here: ``local`` keeps them all."""
    if opts.type not in (None, "local"):
        return []
    needle = (opts.pattern or "").lower()
    return [a for a in agents if needle in a["name"].lower() or needle in a["path"].lower()]
