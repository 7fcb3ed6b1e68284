"""The kind words of ``backup``, ``restore``, ``trash`` and ``diff``: a leading ``skills`` or
``agents`` (as the original skillshare reads it) and ``--all`` (every kind), and the names of
a target's agents folder (``claude@agents``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillshared.commands.kindpick import AGENT, SKILL, WORDS, split_kind
from skillshared.commands.results_backup import KindLabel
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.engine import resources

if TYPE_CHECKING:
    from skillshared.commands.request import Request

ALL = "all"
AGENTS_SUFFIX = "@agents"


@dataclass(frozen=True)
class KindWords:
    """What the words after a command asked for: ``kind`` is ``skill``, ``agent``, ``all``
    (``--all``) or None (not said), ``names`` the words after a kind word."""

    kind: str | None
    names: tuple[str, ...]


def words_of(req: Request, key: str) -> list[str]:
    """The positional words under ``key``: a list, or (as older callers send it) one text."""
    if isinstance(req.args.get(key), str):
        one = req.text(key)
        return [one] if one else []
    return req.texts(key)


def kind_words(req: Request, words: list[str], command: str) -> KindWords:
    """The kind a leading word (or ``--kind``) names, with ``--all``; both at once is
    refused, as there is nothing one could mean by it."""
    kind, rest = split_kind(req, words)
    if req.flag("all"):
        if kind is not None:
            said = words[0] if words and words[0].lower() in WORDS else f"--kind {kind}"
            raise UsageError(f"`{command}` was given --all (every kind) and '{said}' (one kind)",
                             hint=f"give one of them: `skillshare {command} --all ...` or "
                                  f"`skillshare {command} {said} ...`")
        kind = ALL
    return KindWords(kind, tuple(rest))


def kind_label(kind: str | None) -> KindLabel:
    """The kind as the results name it: ``skills``, ``agents`` or ``all``."""
    if kind == SKILL:
        return "skills"
    return "agents" if kind == AGENT else "all"


def agents_name(config: Config, name: str) -> str:
    """The agents folder of target ``name`` (or alias, or ``<target>@agents`` itself):
    ``claude@agents``; refused when there is no such target or it has no agents folder."""
    base = name.removesuffix(AGENTS_SUFFIX)
    target = config.target(base)
    if target is None:
        raise NotFoundError(f"target '{base}' not found",
                            hint="configured targets: "
                                 f"{', '.join(t.name for t in config.targets) or 'none'}")
    folder = target.name + AGENTS_SUFFIX
    if resources.kind_target(config, folder) is None:
        having = [t.name for _, t in resources.kind_targets(config)
                  if t.name.endswith(AGENTS_SUFFIX)]
        raise NotFoundError(f"target '{target.name}' has no agents folder",
                            hint="targets with one: " + (", ".join(having) or "none"))
    return folder


def kind_of_name(name: str) -> KindLabel:
    """``skills``, ``agents`` or ``extras``: what a backup's target name holds."""
    if name.endswith(AGENTS_SUFFIX):
        return "agents"
    return "extras" if "@" in name else "skills"
