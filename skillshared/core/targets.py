"""Built-in targets (``data/targets.yaml``, read from its JSON copy ``data/targets.json``),
name/alias resolution, and where a target may be (never at the root, the home folder, a
system folder, in the source or inside another target's managed entry)."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
RESERVED_NAMES = frozenset({"add", "remove", "rm", "list", "ls", "help", "all"})


@dataclass(frozen=True)
class BuiltinTarget:
    name: str
    global_path: str
    project_path: str
    aliases: tuple[str, ...] = ()
    agents_global: str | None = None  # where the tool reads agents, if it does
    agents_project: str | None = None
    also_global: tuple[str, ...] = ()  # other folders the tool also loads skills from
    also_project: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@cache
def builtin_targets() -> tuple[BuiltinTarget, ...]:
    import json  # (the table as JSON beside data/targets.yaml, checked equal by a test)

    table = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "targets.json")
    with open(table, encoding="utf-8") as handle:
        data = json.load(handle)
    return tuple(
        BuiltinTarget(
            name=row["name"],
            global_path=row["global"],
            project_path=row["project"],
            aliases=tuple(row.get("aliases") or ()),
            agents_global=row.get("agents_global"),
            agents_project=row.get("agents_project"),
            also_global=tuple(row.get("also_global") or ()),
            also_project=tuple(row.get("also_project") or ()),
        )
        for row in data["targets"]
    )


@cache
def _index() -> dict[str, BuiltinTarget]:
    index: dict[str, BuiltinTarget] = {}
    for target in builtin_targets():
        for name in target.names:
            index.setdefault(name.lower(), target)
    return index


def lookup(name: str) -> BuiltinTarget | None:
    """The built-in target called ``name`` or with ``name`` as an alias (case-insensitive)."""
    return _index().get(name.lower())


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a target, or None if it can."""
    if not NAME_RE.fullmatch(name):
        return (
            "must start with a letter and hold only letters, digits, '-' and '_' "
            "(at most 64 characters)"
        )
    if name.lower() in RESERVED_NAMES:
        return f"'{name}' is a reserved word"
    return None


def matches(target_name: str, wanted: str) -> bool:
    """Whether a skill's ``targets:`` entry ``wanted`` designates the target ``target_name``."""
    if wanted.lower() == target_name.lower():
        return True
    mine, theirs = lookup(target_name), lookup(wanted)
    return mine is not None and mine is theirs


# -- folders one tool reads that another target syncs into -------------------------------------


@dataclass(frozen=True)
class Overlap:
    """Target ``scanner``'s tool also loads skills from ``folder``, where ``writers`` sync:
    a skill synced to both is loaded twice there."""

    scanner: str
    folder: str
    writers: tuple[str, ...]

    def warning(self) -> str:
        writers = ", ".join(self.writers)
        many = "s" if len(self.writers) > 1 else ""
        return (f"{self.scanner} also loads skills from {self.folder}, where target{many} "
                f"{writers} sync{'' if many else 's'}: a skill synced to both is loaded twice "
                f"by {self.scanner} (filter one with include/exclude, or keep one target)")


def overlaps(targets: Sequence[tuple[str, str | None, str]], expand: Callable[[str], str],
             project: bool) -> list[Overlap]:
    """The overlaps among ``targets`` (``(name, built-in name or None, path)``): the folders a
    target's tool also reads (the table's ``also_*``, each passed through ``expand``) that
    other targets sync into. Paths are compared as real paths; nothing else is looked at."""
    real = {name: os.path.realpath(path) for name, _, path in targets}
    by_path: dict[str, list[str]] = {}
    for name, path in real.items():
        by_path.setdefault(path, []).append(name)
    found: list[Overlap] = []
    for name, builtin, _ in targets:
        known = lookup(builtin or name)
        for raw in (known.also_project if project else known.also_global) if known else ():
            folder = os.path.realpath(expand(raw))
            writers = tuple(sorted(w for w in by_path.get(folder, ()) if w != name))
            if folder != real[name] and writers:
                found.append(Overlap(name, folder, writers))
    return found


def overlap_warnings(added: Sequence[str], targets: Sequence[tuple[str, str | None, str]],
                     expand: Callable[[str], str], project: bool) -> list[str]:
    """The warnings for the overlaps ``targets`` hold that involve a target of ``added``
    (what ``init`` and ``target add`` print before making such an overlap)."""
    new = set(added)
    return [o.warning() for o in overlaps(targets, expand, project)
            if o.scanner in new or new & set(o.writers)]


# -- where a target may be --------------------------------------------------------------------

# System folders: no target may be at or inside one (nor at the root, the home folder or a
# folder holding it).
SYSTEM_DIRS = ("/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc",
               "/sbin", "/sys", "/usr", "/System", "/Library", "/private/etc")
_SYSTEM_UNDER = tuple(folder + os.sep for folder in SYSTEM_DIRS)


def place_problem(path: str, home: str) -> str | None:
    """Why no target may be at the absolute, normalised ``path`` (None if it may)."""
    if path == os.sep:
        return "it is the root folder /"
    if path == home:
        return "it is the home folder"
    if home.startswith(path.rstrip(os.sep) + os.sep):
        return f"it holds the home folder {home}"
    if path in SYSTEM_DIRS or path.startswith(_SYSTEM_UNDER):
        folder = next(f for f in SYSTEM_DIRS if path == f or path.startswith(f + os.sep))
        return f"it is in the system folder {folder}"
    return None


def landing(path: str, mode: str, owns: Callable[[str], bool], real: str) -> str:
    """Where a target's entries go: its path with every link on the way resolved (``real``,
    its real path), and a link at the path itself followed too, unless it is our own (a
    symlink-mode target's link into the source, or one left by it, which a sync replaces
    by a folder)."""
    if not os.path.islink(path):
        return real  # (the common case: one lstat)
    parent, base = os.path.split(path)
    here = os.path.join(os.path.realpath(parent), base)
    if mode != "symlink":
        dest = os.path.normpath(os.path.join(os.path.dirname(here), os.readlink(here)))
        if not owns(dest):
            return real
    return here


def refusals(targets: Sequence[tuple[str, str, str, str]], roots: Sequence[str], home: str,
             owns: Callable[[str], bool], managed: Callable[[str, str], bool]
             ) -> dict[str, str]:
    """The targets (``(name, path, mode, real path)``) no pass may write into, each with the
    reason:
    one that lands at the root, the home folder or a system folder, in the source (``roots``:
    its paths), around the source, or inside another target's folder at an entry that
    ``managed(other target's folder, entry name)`` says skillshare manages there (else a
    sync would write into the skill behind our link, that is, into the source)."""
    lands = {name: (landing(path, mode, owns, real), mode) for name, path, mode, real in targets}
    inside = tuple(root + os.sep for root in roots)
    folders = {at + os.sep: (other, mode) for other, (at, mode) in lands.items()}
    under = tuple(folders)
    found: dict[str, str] = {}
    for name, (at, _) in lands.items():
        problem = place_problem(at, home)
        if problem is None and (at in roots or at.startswith(inside)):
            problem = f"it leads into the source folder ({at})"
        elif problem is None and any(root.startswith(at + os.sep) for root in roots):
            problem = f"it holds the source folder ({at})"
        if problem is None and at.startswith(under):  # (rare: nested in another target)
            for prefix, (other, mode) in folders.items():
                entry = at[len(prefix):].split(os.sep, 1)[0]
                if at.startswith(prefix) and (mode == "symlink" or managed(prefix[:-1], entry)):
                    problem = (f"it is inside target {other}'s entry {entry} ({at}), which "
                               "skillshare manages")
                    break
        if problem is not None:
            found[name] = problem
    return found
