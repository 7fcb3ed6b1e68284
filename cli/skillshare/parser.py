"""The argparse parser, built from :mod:`skillshare.commands`: help, usage errors, and the
command lines the quick parse leaves to it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from skillshare import __version__
from skillshare.cmdspec import COMMON, Arg
from skillshare.commands import COMMANDS
from skillshare.textout import write
from skillshared.core.errors import EXIT_USAGE

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

EPILOG = """\
examples:
  skillshare init                      create the config; add every AI CLI found here
  skillshare target add cursor         add a built-in target (path from the built-in table)
  skillshare target add my-tool ~/code/tool/skills
  skillshare sync --dry-run            preview, then: skillshare sync
  skillshare status                    what is synced where
  skillshare init -p --targets claude  per-project skills in ./.skillshare/

Run `skillshare <command> --help` for a command's options.
"""


class _Parser(argparse.ArgumentParser):
    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        """Help, usage and errors go out like every other output (a closed pipe ends the
        command quietly)."""
        if message:
            write(message, err=file is not sys.stdout, end="")

    def error(self, message: str) -> NoReturn:
        """A usage error, said by the command line's one error handler (which also prints
        it as JSON under --json)."""
        raise ParseError(message, self.format_usage(), f"run `{self.prog} --help`")


class ParseError(SystemExit):
    """argparse's usage error: a SystemExit (with the usage exit code) for whoever parses
    without the command line's handler, carrying the message, the usage line and a hint."""

    def __init__(self, message: str, usage: str, hint: str) -> None:
        super().__init__(EXIT_USAGE)
        self.message = message
        self.usage = usage
        self.hint = hint


def _add(parser: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup, arg: Arg) -> None:
    if arg.kind == "positional":
        parser.add_argument(arg.dest, nargs=arg.nargs, metavar=arg.metavar,
                            choices=arg.choices, help=arg.help or None)
    elif arg.kind == "flag":
        parser.add_argument(*arg.flags, action="store_true", help=arg.help)
    elif arg.kind == "const":
        parser.add_argument(*arg.flags, action="store_const", const=arg.const, dest=arg.dest,
                            help=arg.help)
    else:
        parser.add_argument(*arg.flags, action="append" if arg.kind == "append" else "store",
                            type=arg.type or str, default=arg.default, metavar=arg.metavar,
                            help=arg.help)


def parse_line(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` read by ``parser``, a command's options allowed between its words
    (``restore agents --all claude``, ``sync claude -n cursor``), as the original reads them."""
    words = list(argv)
    commands = next((a.choices for a in parser._actions
                     if isinstance(a, argparse._SubParsersAction)), None)
    if not words or not isinstance(commands, dict) or words[0] not in commands:
        return parser.parse_args(words)
    command: argparse.ArgumentParser = commands[words[0]]
    values = command.parse_intermixed_args(words[1:])
    values.command = words[0]
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="skillshare", description="Share one folder of AI-agent skills with "
                     "every AI CLI on this machine.", epilog=EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-v", "--version", action="version",
                        version=f"skillshare v{__version__}")
    sub = parser.add_subparsers(dest="command", metavar="<command>")
    common = _Parser(add_help=False)
    groups: dict[str, argparse._MutuallyExclusiveGroup] = {}
    for arg in COMMON:
        if arg.group and arg.group not in groups:
            groups[arg.group] = common.add_mutually_exclusive_group()
        _add(groups[arg.group] if arg.group else common, arg)
    for command in COMMANDS.values():
        examples = "".join(f"  {line}\n" for line in command.examples.splitlines())
        cmd = sub.add_parser(command.name, parents=[common], help=command.summary,
                             description=command.summary, epilog=f"examples:\n{examples}",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
        for arg in command.args:
            _add(cmd, arg)
    return parser
