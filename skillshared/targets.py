"""Built-in targets (``data/targets.yaml``) and name/alias resolution."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
RESERVED_NAMES = frozenset({"add", "remove", "rm", "list", "ls", "help", "all"})


@dataclass(frozen=True)
class BuiltinTarget:
    name: str
    global_path: str
    project_path: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@cache
def builtin_targets() -> tuple[BuiltinTarget, ...]:
    text = resources.files("skillshared").joinpath("data/targets.yaml").read_text("utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(text, Loader=loader)
    return tuple(
        BuiltinTarget(
            name=row["name"],
            global_path=row["global"],
            project_path=row["project"],
            aliases=tuple(row.get("aliases") or ()),
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
