"""Paths inside the source, checked before anything is cloned or written there: a path a
user, a record or a URL gives stays a plain folder path inside the source and never reaches
``.git`` (in any case), skillshare's reserved names, ``..``, or a link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from skillshared.catalog import skills
from skillshared.core.errors import UsageError


def path_problem(rel: str, in_source: bool = True) -> str | None:
    """What makes ``rel`` not a plain relative path of folders (``a/b``): an empty, ``.``
    or ``..`` segment, odd characters, a ``.git`` segment in any case (git's own data, on a
    filesystem that ignores case too), and inside the source (``in_source``) a name with
    skillshare's reserved prefix (its temp folders and records)."""
    if not rel or rel.startswith("/") or "\\" in rel:
        return "it must be a relative path (a/b)"
    for segment in rel.split("/"):
        problem = skills.segment_problem(segment)
        if problem:
            return problem
        folded = segment.casefold()
        if folded == ".git":
            return f"'{segment}' is where git keeps its own data"
        if in_source and folded.startswith(skills.RESERVED_PREFIX):
            return (f"names starting with '{skills.RESERVED_PREFIX}' are kept for "
                    "skillshare's own files")
    return None


def into(raw: str | None) -> str | None:
    """``--into``: a folder path inside the source, checked (``a/b``), or None."""
    if raw is None:
        return None
    rel = raw.rstrip("/") if raw.strip("/") else raw
    problem = path_problem(rel)
    if problem:
        raise UsageError(f"invalid --into {raw!r}: {problem}",
                         hint="give a folder inside the source, like team/frontend")
    return rel


def place(base: Path, rel: str, what: str) -> Path:
    """``base/rel`` for something about to be written there, checked on disk first: no part
    of it that exists may be a link (it could lead out of ``base``), and no part above the
    last may be a file or a git repository of its own (a tracked repo). A UsageError
    otherwise, before anything is written."""
    problem = path_problem(rel)
    if problem:
        raise UsageError(f"invalid {what} {rel!r}: {problem}")
    parts = rel.split("/")
    here = base
    for index, part in enumerate(parts):
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            break
        if stat.S_ISLNK(mode):
            raise UsageError(f"invalid {what} {rel!r}: {here} is a link, and nothing is "
                             "written through a link in the source",
                             hint="choose a real folder of the source")
        if index == len(parts) - 1:
            break
        if not stat.S_ISDIR(mode):
            raise UsageError(f"invalid {what} {rel!r}: {here} is not a folder")
        if os.path.lexists(here / ".git"):
            raise UsageError(f"invalid {what} {rel!r}: {here} is a git repository of its own "
                             "(a tracked repo), and nothing is put inside one",
                             hint="choose a folder outside tracked repos")
    return base.joinpath(*parts)


def inside(root: Path, rel: str, what: str) -> Path:
    """``root/rel`` in a fetched repository or folder, refused when it is not a plain
    relative path or goes through a link (which could lead anywhere on this machine)."""
    problem = path_problem(rel, in_source=False)
    here = root
    for part in [] if problem else rel.split("/"):
        here = here / part
        if os.path.islink(here):
            problem = f"it goes through a link ({part})"
            break
    if problem:
        raise UsageError(f"invalid {what} {rel!r}: {problem}")
    return here
