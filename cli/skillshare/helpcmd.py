"""``skillshare version`` and ``skillshare help [command]``: answered in this process, without
the engine (the version comes from the package, the help from the command table)."""

from __future__ import annotations

from skillshare import __version__
from skillshare.suggest import NOT_HERE

__all__ = ["NOT_HERE", "help_result", "help_text", "version", "version_line"]

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from typing import Any

NAME = "skillshare"


def version_line() -> str:
    """What ``skillshare --version`` prints (the original's form: ``skillshare v1.2.3``)."""
    return f"{NAME} v{__version__}"


def version() -> dict[str, Any]:
    return {"name": NAME, "version": __version__}


def help_text(topic: str | None) -> str:
    """The command list (no topic), or the help of one command, as ``<command> --help``
    prints it."""
    import argparse

    from skillshare.parser import build_parser

    parser = build_parser()
    if topic is None:
        return parser.format_help()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return str(action.choices[topic].format_help())
    raise AssertionError("the parser has no commands")  # pragma: no cover


def help_result(topic: str | None) -> dict[str, Any]:
    return {"command": topic, "text": help_text(topic)}
