"""``skillshare version`` and ``skillshare help [command]``: answered in this process, without
the engine (the version comes from the package, the help from the command table)."""

from __future__ import annotations

from skillshare import __version__

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from typing import Any

NAME = "skillshare"

# The original's commands this version does not have, each with what to do instead.
NOT_HERE = {
    "ui": ("the web dashboard is not part of this version",
           "`skillshare status` and `skillshare daemon logs -f` show the same state"),
    "hub": ("skill hubs (online catalogues) are not part of this version",
            "install by address: skillshare install owner/repo"),
    "search": ("searching online catalogues is not part of this version",
               "install by address: skillshare install owner/repo[/path]"),
    "upgrade": ("this version is upgraded with pip, and has no built-in skill to upgrade",
                "in a newer checkout: pip install . ; then `skillshare daemon restart`"),
}



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
