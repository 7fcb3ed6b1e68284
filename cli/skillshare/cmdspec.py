"""The pieces the command table is made of: one option or positional (:class:`Arg`), one
command (:class:`Command`), the options every command takes (:data:`COMMON`) and the ones
several share. Read by :mod:`skillshare.commands` (the table), the argparse parser and the
completion scripts."""

from __future__ import annotations

from skillshare.colour import when as colour_when

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

class Arg:
    """One option or positional argument. ``kind``: flag (store_true), value (store), append,
    const (store_const), or positional (``nargs`` None, ``?`` or ``*``)."""

    __slots__ = ("choices", "const", "default", "dest", "flags", "group", "help", "kind",
                 "metavar", "nargs", "type")

    def __init__(self, kind: str, flags: tuple[str, ...], dest: str, help: str, *,
                 metavar: str | None = None, type: Callable[[str], Any] | None = None,
                 default: Any = None, choices: Sequence[str] | None = None,
                 const: Any = None, nargs: str | None = None, group: str | None = None
                 ) -> None:
        self.kind = kind
        self.flags = flags
        self.dest = dest
        self.help = help
        self.metavar = metavar
        self.type = type
        self.default = default
        self.choices = choices
        self.const = const
        self.nargs = nargs
        self.group = group

    @property
    def takes_value(self) -> bool:
        return self.kind in ("value", "append")

    def initial(self) -> Any:
        """The value argparse gives when the argument is not on the command line."""
        if self.kind == "flag":
            return False
        if self.kind == "positional" and self.nargs == "*":
            return []
        return self.default


def _dest(flags: tuple[str, ...]) -> str:
    long = next((f for f in flags if f.startswith("--")), flags[0])
    return long.lstrip("-").replace("-", "_")


def flag(*flags: str, help: str) -> Arg:
    return Arg("flag", flags, _dest(flags), help)


def value(*flags: str, help: str, metavar: str | None = None,
          type: Callable[[str], Any] | None = None, default: Any = None) -> Arg:
    return Arg("value", flags, _dest(flags), help, metavar=metavar, type=type, default=default)


def append(option: str, help: str, metavar: str) -> Arg:
    return Arg("append", (option,), _dest((option,)), help, metavar=metavar)


def positional(dest: str, help: str | None = None, nargs: str | None = None,
               metavar: str | None = None, choices: Sequence[str] | None = None) -> Arg:
    return Arg("positional", (), dest, help or "", nargs=nargs, metavar=metavar,
               choices=choices)


class Command:
    __slots__ = ("args", "examples", "name", "summary")

    def __init__(self, name: str, summary: str, examples: str, *args: Arg) -> None:
        self.name = name
        self.summary = summary
        self.examples = examples
        self.args = args


DRY_RUN = flag("-n", "--dry-run", help="change nothing; show what would happen")
LIST_ALL = flag("-v", "--verbose", help="list every item (past 20 plain successes they are "
                                        "counted, with the first names)")
FORCE_COLLECT = flag("-f", "--force", help="replace a different skill of the same name in the "
                                           "source (the old one goes to the trash)")

def audit_args(what: str, verb: str) -> tuple[Arg, Arg]:
    """``--skip-audit`` and ``-T`` of install and update: ``what`` is scanned, ``verb`` is
    what a finding at the threshold does."""
    return (flag("--skip-audit", help=f"do not scan {what}"),
            value("-T", "--threshold", "--audit-threshold", metavar="LEVEL",
                  help=f"{verb} at this severity or worse (default: audit.block_threshold)"))


# Every command takes these (-p and -g exclude each other).
COMMON = (
    Arg("const", ("-p", "--project"), "project", "project mode: use ./.skillshare/ "
        "(default when it exists here)", const=True, group="where"),
    Arg("const", ("-g", "--global"), "project", "global mode, even inside a project",
        const=False, group="where"),
    flag("-j", "--json", help="print one JSON document"),
    flag("--no-daemon", help="run in this process even if the daemon is running"),
    flag("--no-tui", help="accepted for the original's scripts (output here is always plain "
                          "text)"),
    value("--color", "--colour", metavar="WHEN", type=colour_when,
          help="colour: never, always or auto (the default: on a terminal, unless NO_COLOR "
               "is set or TERM=dumb)"),
)
