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

This runs on every command: it imports nothing the command line has not loaded already. The
painting is :mod:`skillshare.painting`, loaded only when something is painted.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Sequence

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
