"""Long lists, summarised: a command that reports one line per item (install, update,
check, audit, uninstall, collect) writes every line that says something (a failure, a
blocked or held-back item, a warning, a finding) and, when its plain successes are more
than :data:`LONG`, counts them in one line per kind of success with the first few names
(``✓ Installed 800 skills in ~/skills: alpha, beta, gamma, … and 797 more (-v lists them
all)``). ``-v`` lists every line as it would be without the summary; ``-q`` leaves the plain
successes out altogether. Only the text changes: ``--json`` always has every item.

:class:`Listing` collects an item's lines in the order the renderer makes them and writes
them at the end: as they are, or summarised."""

from __future__ import annotations

from skillshare.render_changes import Voice
from skillshare.textout import plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from skillshare.textout import Out

LONG = 20  # more plain successes than this are summarised
SHOWN = 3  # the names a summary line shows
MORE = "(-v lists them all)"


def names(shown: Sequence[str], most: int = SHOWN) -> str:
    """``alpha, beta, gamma, … and 797 more (-v lists them all)``; all of them when they are
    no more than ``most``."""
    if len(shown) <= most:
        return ", ".join(shown)
    return f"{', '.join(shown[:most])}, … and {len(shown) - most} more {MORE}"


def counted(before: str, count: int, noun: str | None, after: str = "") -> str:
    """``before`` + the count (``800 skills``; no ``noun``: ``800``) + ``after``."""
    return f"{before}{plural(count, noun) if noun else count}{after}"


def is_long(count: int, result: Mapping[str, Any]) -> bool:
    """Whether ``count`` plain lines of ``result`` are summarised (more than :data:`LONG`,
    without ``-v``)."""
    return count > LONG and not Voice.of(result).verbose


class Listing:
    """One command's item lines. :meth:`plain` adds a plain success: its lines, and the
    group it is counted in (``before`` + count + ``after``); :meth:`notable` adds lines that
    are always written. :meth:`write` writes them in the order they came, or, past
    :data:`LONG` plain ones without ``-v``, one summary line per group (a group of one: its
    lines) and then the notable lines (what needs attention comes last, next to the closing
    line)."""

    __slots__ = ("groups", "out", "plains", "quiet", "rows", "verbose")

    def __init__(self, out: Out, result: Mapping[str, Any]) -> None:
        voice = Voice.of(result)
        self.out = out
        self.verbose = voice.verbose
        self.quiet = voice.quiet
        self.rows: list[tuple[tuple[str, str | None, str] | None, list[str]]] = []
        self.groups: dict[tuple[str, str | None, str], list[tuple[str, list[str]]]] = {}
        self.plains = 0

    def plain(self, name: str, lines: Sequence[str], before: str, noun: str | None = None,
              after: str = "") -> None:
        """A plain success named ``name``, shown as ``lines`` (``-q``: not shown)."""
        if self.quiet:
            return
        group, kept = (before, noun, after), list(lines)
        self.groups.setdefault(group, []).append((name, kept))
        self.rows.append((group, kept))
        self.plains += 1

    def notable(self, *lines: str) -> None:
        """Lines that are always written (a problem, or what a success has to say)."""
        self.rows.append((None, list(lines)))

    @property
    def summarised(self) -> bool:
        return self.plains > LONG and not self.verbose

    def write(self) -> None:
        if not self.summarised:
            for _, lines in self.rows:
                self.out.lines.extend(lines)
            return
        for (before, noun, after), members in self.groups.items():
            if len(members) == 1:  # (alone of its kind: as it is)
                self.out.lines.extend(members[0][1])
                continue
            shown = [name for name, _ in members]
            self.out(f"{counted(before, len(members), noun, after)}: {names(shown)}")
        for group, lines in self.rows:
            if group is None:
                self.out.lines.extend(lines)


def name_lines(out: Out, shown: Sequence[str], result: Mapping[str, Any],
               indent: str = "    ") -> None:
    """A list of names under a line that counts them (a tracked repo's skills): one a line,
    or past :data:`LONG` without ``-v``, the first few on one line."""
    if is_long(len(shown), result):
        out(f"{indent}{names(shown)}")
        return
    out.lines.extend(f"{indent}{name}" for name in shown)
