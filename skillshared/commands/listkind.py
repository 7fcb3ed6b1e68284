"""``list [skills|agents]`` (or ``--kind``): the listing of :func:`views.cmd_list`, kept to one
kind when asked (as the original skillshare's ``list agents``); with neither, both kinds.
An agents listing is given even when there is no agents folder yet (it is empty)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NotRequired, cast

from skillshared.commands.kindpick import AGENT, SKILL, split_kind
from skillshared.commands.results import ListResult
from skillshared.commands.views import cmd_list
from skillshared.core.errors import UsageError

if TYPE_CHECKING:
    from skillshared.commands.request import Request


class ListKindsResult(ListResult):
    kind: NotRequired[Literal["skill", "agent"]]  # only this kind is listed


def list_kind(req: Request) -> str | None:
    """The kind ``list`` is kept to (None: both)."""
    only = req.text("only")
    kind, rest = split_kind(req, [only] if only else [], names=False)
    if rest:
        raise UsageError(f"`list` takes skills or agents, not {rest[0]!r}")
    return kind


def only_kind(req: Request, result: ListResult) -> ListKindsResult:
    """``result`` kept to the kind asked for (as it is when none was)."""
    kind = list_kind(req)
    kept = cast("ListKindsResult", dict(result))  # every key it has, and the kind
    if kind == SKILL:
        kept.pop("agents", None)
        kept["kind"] = "skill"
    elif kind == AGENT:
        kept["kind"] = "agent"
        kept["skills"], kept["invalid"], kept["frontmatter"], kept["ignored"] = [], [], [], []
        if "agents" not in kept:
            agents = req.loaded.agents if req.loaded else None
            kept["agents"] = {"source": str(agents), "agents": [], "invalid": [],
                              "ignored": []}
    return kept


def cmd_list_kind(req: Request) -> ListKindsResult:
    list_kind(req)  # a bad kind is refused before anything is read
    return only_kind(req, cmd_list(req))
