"""Helpful mistakes: the word a mistyped one most likely meant ("did you mean `skillshare
sync`?"), and how a usage error is shown: what is wrong, the command's own usage and a
hint on stderr, and under ``--json`` also one JSON document on stdout. Loaded only when a
command line has gone wrong."""

from __future__ import annotations

import json
import re

from skillshare import textout
from skillshare.commands import COMMANDS
from skillshare.suggest import did_you_mean
from skillshared.core.didyoumean import closest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import SimpleNamespace

    from skillshared.core.errors import SkillshareError

_KINDS = {"skills": "skills", "agents": "agents"}
_TRASH = {"list": "list", "ls": "ls", "restore": "restore", "delete": "delete", "rm": "rm",
          "empty": "empty"}
# The words a command takes first (and after some of them), each with what to write for it
# (backup's `list` is its --list option).
WORDS: dict[tuple[str, ...], dict[str, str]] = {
    ("target",): {w: w for w in ("add", "remove", "rm", "list", "ls")},
    ("backup",): {**_KINDS, "list": "--list", "verify": "--verify", "cleanup": "--cleanup"},
    ("audit",): {**_KINDS, "rules": "rules", "accept": "accept"},
    ("audit", "rules"): {w: w for w in ("list", "disable", "enable", "severity", "init",
                                        "reset")},
    ("trash",): {**_KINDS, **_TRASH},
    ("trash", "skills"): _TRASH,
    ("trash", "agents"): _TRASH,
    ("extras",): {w: w for w in ("list", "init", "remove", "source", "collect")},
    ("sync",): {"agents": "agents", "extras": "extras"},
    **{(name,): _KINDS for name in ("diff", "restore", "uninstall", "check")},
    ("collect",): {"agents": "agents"},
    ("update",): {"agents": "agents"},
}


def _first_words(ns: SimpleNamespace) -> list[str]:
    spec = COMMANDS.get(ns.command)
    pos = next((a for a in spec.args if a.kind == "positional"), None) if spec else None
    value = getattr(ns, pos.dest, None) if pos else None
    return [value] if isinstance(value, str) else list(value or [])


def word_guess(ns: SimpleNamespace, error: SkillshareError) -> tuple[str, str] | None:
    """For an error about a command's word (``target lsit``: "target 'lsit' not found"), the
    word and what was likely meant, when it is a near miss of one of the command's own."""
    path: tuple[str, ...] = (ns.command,)
    for word in _first_words(ns):
        known = WORDS.get(path)
        if known is None:
            return None
        if known.get(word) == word:
            path = (*path, word)
            continue
        better = word if word in known else closest(word, known)
        return (word, known[better]) if better and word in error.message else None
    return None


# What to do about an error that came without a hint, by its code.
_FALLBACK = {
    "not_found": "`skillshare list` and `skillshare target list` show the names there are",
    "config": "`skillshare doctor` checks the config and says what to fix",
    "locked": "another skillshare command is at work: run this one again when it is done",
    "git": "`skillshare doctor` checks the source's git repository and remote",
    "git_timeout": "check the network and the remote, then run it again",
    "daemon_stopping": "the daemon is stopping: run it again (in this process if need be: "
                       "--no-daemon)",
}


_VALUE = re.compile(r"invalid [^']*'([^']+)': must be (?:one of )?([\w, -]+)")


def value_guess(message: str) -> tuple[str, str] | None:
    """For "invalid mode 'coppy': must be one of merge, symlink, copy", the value and the
    allowed one it most likely meant."""
    match = _VALUE.search(message)
    if match is None:
        return None
    allowed = re.split(r",\s*(?:or\s+)?|\s+or\s+", match.group(2).strip())
    better = closest(match.group(1), allowed)
    return (match.group(1), better) if better else None


def improve(error: SkillshareError, ns: SimpleNamespace, argv: Sequence[str]) -> None:
    """Name the word likely meant in ``error``'s hint (keeping the hint it had); give an
    error without a hint the one its kind has."""
    guess = word_guess(ns, error) or (
        value_guess(error.message) if error.code == "usage" else None)
    if guess is None:
        error.hint = error.hint or _FALLBACK.get(error.code) or (
            None if error.code == "usage" else "`skillshare doctor` checks the setup")
        return
    hint, old = did_you_mean(argv, *guess), error.hint or ""
    generic = old.startswith("run `skillshare") and old.endswith("--help`")
    error.hint = f"{hint} Otherwise: {old}" if old and not generic else hint
    error.guess = guess  # type: ignore[attr-defined]


def usage_of(command: str | None) -> str:
    """``command``'s own usage lines (the top-level ones without a known command)."""
    import argparse

    from skillshare.parser import build_parser

    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return str(action.choices[command].format_usage())
    return parser.format_usage()


def report(error: SkillshareError, command: str | None, as_json: bool) -> None:
    """A usage error: what is wrong with a hint, then the command's usage (on stderr); under
    ``--json`` also the document on stdout, with the usage and the word likely meant."""
    usage = (getattr(error, "usage", None) or usage_of(command)).rstrip("\n")
    if not error.hint:
        error.hint = f"run `skillshare {command} --help`" if command else (
            "run `skillshare --help`")
    guess = getattr(error, "guess", None)
    if as_json:
        document = {**error.to_dict(), "usage": usage}
        if guess:
            document["did_you_mean"] = guess[1]
        textout.write(json.dumps({"ok": False, "error": document}, indent=2))
    lines = [f"error: {error.message} (hint: {error.hint})",
             *(f"  - {d}" for d in error.details)]
    text = "\n".join(lines)  # (text: paths under home as ~/…; beside --json: as it says)
    text = text if as_json else textout.shorten(text, textout.home_folder())
    textout.write(f"{text}\n{usage}", err=True)
