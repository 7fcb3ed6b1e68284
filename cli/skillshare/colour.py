"""Colour on a terminal: whether each stream gets it, and the text painted with ANSI SGR
escapes by the marks and words it already has (the text itself never changes: removing the
escapes gives the plain text back).

Whether: ``--color never|always`` (or ``--colour``) wins; then ``NO_COLOR`` (any non-empty
value) and ``TERM=dumb`` turn it off, ``FORCE_COLOR`` or ``CLICOLOR_FORCE`` turn it on; else
a stream gets colour when it is a terminal (stdout and stderr apart). ``--json`` output is
never coloured.

What: the marks (✓ green, ✗ red, ⚠ yellow, ℹ cyan, → dim), a finding's severity (CRITICAL
bold red, HIGH red, MEDIUM yellow, LOW cyan, INFO dim) and a log line's level (ERROR red,
WARNING yellow), the sign of a diff line (+ green,
- red, ~ yellow, ! red, ← dim) and the lines of a unified diff, and the ``error:``,
``warning:`` and ``hint:`` prefixes.

This runs on every command: it imports nothing the command line has not loaded already, and
compiles its patterns only when something is painted.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Sequence
    from re import Match, Pattern

WHENS = ("never", "auto", "always")
OPTIONS = ("--color", "--colour")
RESET = "\x1b[0m"
BOLD_RED, RED, GREEN, YELLOW, CYAN, DIM, BOLD = (
    "\x1b[1;31m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[36m", "\x1b[2m", "\x1b[1m")
STYLES = {
    "✓": GREEN, "✗": RED, "⚠": YELLOW, "ℹ": CYAN, "→": DIM,
    "CRITICAL": BOLD_RED, "HIGH": RED, "MEDIUM": YELLOW, "LOW": CYAN, "INFO": DIM,
    "ERROR": RED, "WARNING": YELLOW,
    "error:": RED, "warning:": YELLOW, "hint:": CYAN,
    "+": GREEN, "-": RED, "~": YELLOW, "!": RED, "←": DIM,
}


def when(text: str) -> str:
    """``--color``'s value, checked (the command table's type for it)."""
    if text not in WHENS:
        raise ValueError(text)
    return text


when.__name__ = "never|auto|always"  # (how argparse names the expected value in its error)

_chosen = {"when": "auto", "json": False}


def choose(argv: Sequence[str], json: bool | None = None) -> None:
    """Read ``--color``/``--colour`` (the last one wins) and ``--json`` (or ``json``, when the
    caller knows better: ``-gj``) from a command line (before a ``--``); called once, first,
    so that even a usage error is coloured as asked."""
    words = list(argv)
    words = words[:words.index("--")] if "--" in words else words
    chosen = "auto"
    for i, word in enumerate(words):
        name, eq, value = word.partition("=")
        if name in OPTIONS:
            given = value if eq else (words[i + 1] if i + 1 < len(words) else "")
            chosen = given if given in WHENS else chosen
    if json is None:
        json = "--json" in words or "-j" in words
    _chosen.update(when=chosen, json=json)


def setting(when: str = "auto", json: bool = False) -> None:
    """Set what :func:`choose` reads from a command line (for callers without one)."""
    _chosen.update(when=when, json=json)


def _forced() -> bool | None:
    env = os.environ
    if env.get("NO_COLOR"):
        return False
    if env.get("TERM") == "dumb":
        return False
    if env.get("FORCE_COLOR") or env.get("CLICOLOR_FORCE", "0") not in ("", "0"):
        return True
    return None


def enabled(err: bool = False) -> bool:
    """Whether what goes to stderr (``err``) or stdout now gets colour."""
    if not err and _chosen["json"]:
        return False
    if _chosen["when"] != "auto":
        return _chosen["when"] == "always"
    forced = _forced()
    if forced is not None:
        return forced
    stream = sys.stderr if err else sys.stdout
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


# -- painting -----------------------------------------------------------------------------------

_patterns: list[Pattern[str]] = []


def _compiled() -> tuple[Pattern[str], Pattern[str], Pattern[str]]:
    if not _patterns:
        import re

        _patterns.extend((
            re.compile(  # a line's own marks and words
                r"[✓✗⚠ℹ→]"
                r"|(?<![\w/.-])(?:CRITICAL|HIGH|MEDIUM|LOW|INFO|ERROR|WARNING)(?![\w/.-])"
                r"|(?:^\s*|(?<=\())(?:error|warning|hint):"),
            re.compile(  # a diff item's sign, or a differing file's
                r"^(?:  |      (?=[+~-] .* \(\d+ (?:→ \d+ )?bytes\)$))([+~!←-])(?= \S)"),
            re.compile(r"^(\s+)--- (?:a/|/dev/null)"),  # a unified diff begins
        ))
    token, sign, patch = _patterns
    return token, sign, patch


def _token(match: Match[str]) -> str:
    text = match.group(0)
    word = text.lstrip()
    return f"{text[:len(text) - len(word)]}{STYLES[word]}{word}{RESET}"


def _line(line: str, token: Pattern[str], sign: Pattern[str]) -> str:
    found = sign.match(line)
    if found:
        start, end = found.span(1)
        return (f"{line[:start]}{STYLES[found.group(1)]}{found.group(1)}{RESET}"
                + token.sub(_token, line[end:]))
    return token.sub(_token, line)


def _patch_line(line: str, indent: str) -> str | None:
    """A line of a unified diff indented by ``indent`` painted, or None when the diff ended
    there."""
    if not line.startswith(indent) or line[len(indent):][:1] not in (" ", "+", "-", "@", "\\"):
        return None
    body = line[len(indent):]
    if body.startswith(("--- ", "+++ ")):
        style = BOLD
    else:
        style = {"+": GREEN, "-": RED, "@": CYAN}.get(body[0], "")
    return f"{indent}{style}{body}{RESET}" if style else line


def paint(text: str) -> str:
    """``text`` with colour escapes around its marks, words and diff lines."""
    token, sign, patch = _compiled()
    painted: list[str] = []
    indent: str | None = None
    for line in text.split("\n"):
        if indent is not None:
            shown = _patch_line(line, indent)
            if shown is not None:
                painted.append(shown)
                continue
            indent = None
        began = patch.match(line)
        if began:
            indent = began.group(1)
            painted.append(_patch_line(line, indent) or line)
            continue
        painted.append(_line(line, token, sign))
    return "\n".join(painted)


def strip(text: str) -> str:
    """``text`` without the escapes :func:`paint` adds."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)
