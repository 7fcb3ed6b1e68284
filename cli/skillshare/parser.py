"""The argparse parser, built from :mod:`skillshare.commands`: help, usage errors, and the
command lines the quick parse leaves to it."""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from skillshare import __version__
from skillshare.cmdspec import COMMON, Arg
from skillshare.commands import COMMANDS
from skillshare.leading import hoist, split
from skillshare.suggest import NOT_HERE, did_you_mean
from skillshare.textout import write
from skillshared.core.didyoumean import closest
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

Run `skillshare <command> --help` for a command's options. The options every command takes
(-g, -p, --json, --no-daemon, --color) may also stand before it: skillshare -g list
"""


class _Parser(argparse.ArgumentParser):
    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        """Help, usage and errors go out like every other output (a closed pipe ends the
        command quietly)."""
        if message:
            write(message, err=file is not sys.stdout, end="")

    _guess: tuple[str, str] | None = None

    def error(self, message: str) -> NoReturn:
        """A usage error, said by the command line's one error handler (which also prints
        it as JSON under --json)."""
        guess, self._guess = self._guess, None
        if message.startswith("the following arguments are required: "):
            message += "".join(f" (one of {', '.join(map(str, a.choices))})"
                               for a in self._positionals._group_actions
                               if a.choices and a.dest in message)
        raise ParseError(message, self.format_usage(), f"run `{self.prog} --help`", guess)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """A word outside its choices: named with the closest choice, and the choices
        listed only when they are few."""
        choices = action.choices
        if choices is None or value in choices:
            return
        names = [str(c) for c in choices]
        listed = f" (choose from {', '.join(names)})" if len(names) <= 8 else ""
        better = closest(str(value), names)
        self._guess = (str(value), better) if better else None
        raise argparse.ArgumentError(None, f"invalid choice: {value!r}{listed}")


    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        """A value its type refuses: named with the closest one the type allows, for a type
        named by its values (``never|auto|always``)."""
        try:
            return super()._get_value(action, arg_string)
        except argparse.ArgumentError:
            allowed = getattr(action.type, "__name__", "").split("|")
            better = closest(arg_string, allowed) if len(allowed) > 1 else None
            self._guess = (arg_string, better) if better else None
            raise


class ParseError(SystemExit):
    """argparse's usage error: a SystemExit (with the usage exit code) for whoever parses
    without the command line's handler, carrying the message, the usage line and a hint;
    ``guess``: the word that is wrong and the one it most likely meant."""

    def __init__(self, message: str, usage: str, hint: str,
                 guess: tuple[str, str] | None = None) -> None:
        super().__init__(EXIT_USAGE)
        self.message = message
        self.usage = usage
        self.hint = hint
        self.guess = guess


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
    (``restore agents --all claude``, ``sync claude -n cursor``), as the original reads them,
    and the common options also before the command (``-g list``). A usage error is a
    :class:`ParseError` whose hint names the likely meant word when there is one."""
    words = hoist(argv)
    commands = next((a.choices for a in parser._actions
                     if isinstance(a, argparse._SubParsersAction)), None)
    try:
        if not words or not isinstance(commands, dict) or words[0].startswith("-"):
            _no_command(parser, words)
            if isinstance(commands, dict):
                _options_first(commands, words)
            return parser.parse_args(words)
        if words[0] not in commands:
            _unknown_command(parser, words[0], list(commands))
        command: argparse.ArgumentParser = commands[words[0]]
        values, extras = command.parse_known_intermixed_args(words[1:])
        if extras:
            _unrecognized(command, extras)
    except ParseError as exc:
        if exc.guess and exc.hint.startswith("run `"):
            exc.hint = did_you_mean(argv, *exc.guess)
        raise
    values.command = words[0]
    return values


def _no_command(parser: argparse.ArgumentParser, words: list[str]) -> None:
    """Common options with no command after them (``skillshare -g``)."""
    before, rest = split(words)
    if before and not rest:
        raise ParseError(f"a command is missing after {' '.join(before)}",
                         parser.format_usage(), "put a command after them, as in `skillshare "
                         f"{' '.join(before)} list`; `skillshare --help` lists the commands")


def _options_first(commands: dict[str, argparse.ArgumentParser], words: list[str]) -> None:
    """A command's own option written before it (``skillshare -n sync``): said, with the
    line that has it after the command."""
    at = next((i for i, w in enumerate(words) if w in commands), None)
    if at is None:
        return
    command, i = commands[words[at]], len(split(words)[0])
    first = words[i]
    name, guess = first.partition("=")[0], None
    if name in command._option_string_actions:
        message = f"{first} is an option of `{words[at]}`: it goes after the command"
    elif better := closest(name, list(command._option_string_actions)):
        message, guess = f"unrecognized arguments: {first}", (first, better + first[len(name):])
        words = [*words[:i], guess[1], *words[i + 1:]]
    else:
        return
    moved = shlex.join([words[at], *words[:at], *words[at + 1:]])
    raise ParseError(message, command.format_usage(), f"did you mean `skillshare {moved}`?",
                     guess)


def _unknown_command(parser: argparse.ArgumentParser, word: str, names: list[str]) -> None:
    better = closest(word, [*names, *NOT_HERE])
    hint = "run `skillshare --help` for the commands"
    raise ParseError(f"invalid choice: {word!r}: no such command", parser.format_usage(),
                     hint, (word, better) if better else None)


def _unrecognized(command: argparse.ArgumentParser, extras: list[str]) -> None:
    """The words ``command`` does not take, the first near miss of an option named."""
    message = f"unrecognized arguments: {' '.join(extras)}"
    options = list(command._option_string_actions)
    for word in extras:
        name = word.partition("=")[0]
        better = closest(name, options) if name.startswith("-") else None
        if better:
            command._guess = (word, better + word[len(name):])  # type: ignore[attr-defined]
            break
    command.error(message)


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
