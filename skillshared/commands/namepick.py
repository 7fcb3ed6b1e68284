"""Which installed skills and tracked repos the names of ``update``, ``check`` and
``uninstall`` mean, as the original skillshare reads them: a path in the source, a name with
or without ``_``, a last path segment only one has, a glob (``*``, ``?``, ``[...]``, matched
case-insensitively against the last path segment or the whole path), a folder of the source
(a group: everything in it), and ``-G/--group DIR`` (everything in that folder).

Every name is resolved before anything is done; a name, glob or group that means nothing is
an error, so nothing is half-done.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any

from skillshared.catalog.places import path_problem
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.git import tracked

GLOB_CHARS = frozenset("*?[")


def is_glob(name: str) -> bool:
    return any(c in GLOB_CHARS for c in name)


def glob_matches(pattern: str, rel: str) -> bool:
    """``pattern`` matches the path's last segment (or the whole path), ignoring case."""
    low = pattern.lower()
    return fnmatchcase(rel.rsplit("/", 1)[-1].lower(), low) or fnmatchcase(rel.lower(), low)


def group_path(raw: str) -> str:
    """A ``--group`` value as a path in the source, checked (no ``..``, no ``.git``)."""
    group = raw.strip("/")
    problem = "it is empty" if not group else path_problem(group)
    if problem:
        raise UsageError(f"invalid --group {raw!r}: {problem}")
    return group


def in_group(rel: str, group: str) -> bool:
    return rel == group or rel.startswith(group + "/")


def members(known: Iterable[str], group: str) -> list[str]:
    return [k for k in known if in_group(k, group) and k != group]


def pick(known: Mapping[str, Any], names: Iterable[str], groups: Iterable[str],
         what: str) -> list[str]:
    """The keys of ``known`` (paths in the source) the names and groups mean, in order and
    once each; a name that is a folder holding some of them (and none itself) is a group."""
    chosen: list[str] = []
    for raw in groups:
        group = group_path(raw)
        found = members(known, group)
        if not found:
            raise NotFoundError(f"no {what} in the group {group!r}",
                                hint=f"there are: {', '.join(known) or 'none'}")
        chosen += found
    for name in names:
        chosen += _one(known, name, what)
    return list(dict.fromkeys(chosen))


def _one(known: Mapping[str, Any], name: str, what: str) -> list[str]:
    if is_glob(name):
        found = [k for k in known if glob_matches(name, k)]
        if not found:
            raise NotFoundError(f"no {what} matches {name!r}",
                                hint=f"there are: {', '.join(known) or 'none'}")
        return found
    try:
        return [tracked.resolve(known, name, what)]
    except NotFoundError:
        group = name.strip("/")
        found = members(known, group) if group and path_problem(group) is None else []
        if not found:
            raise
        return found
