"""``-v/--verbose`` and ``-q/--quiet`` of the commands that say what they changed (sync,
collect, restore, backup, update): they change only the text, which the command line
writes from the result, so the result carries them (whether the daemon or the command
line's own process ran the command). Each is put in only when given: the JSON of a plain
run stays as it was."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from skillshared.commands.request import Request

R = TypeVar("R")


def echo(req: Request, result: R) -> R:
    """``result`` with ``verbose: true`` and ``quiet: true`` where those flags were given."""
    fields = cast("dict[str, Any]", result)
    for key in ("verbose", "quiet"):
        if req.flag(key):
            fields[key] = True
    return result
