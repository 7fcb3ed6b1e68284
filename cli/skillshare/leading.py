"""The options every command takes, written before the command (``skillshare -g list``,
``skillshare --json status``): moved to just after it, where both parsers read them exactly
as if they had been written there. Light: this runs on every command."""

from __future__ import annotations

from skillshare.cmdspec import COMMON

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Sequence

_OPTIONS = {flag: arg for arg in COMMON for flag in arg.flags}
_SHORT = frozenset(f[1] for f, a in _OPTIONS.items() if len(f) == 2 and not a.takes_value)


def _width(words: Sequence[str], i: int) -> int:
    """How many words the common option at ``words[i]`` spans (0: it is none)."""
    token = words[i]
    name, eq, _ = token.partition("=") if token.startswith("--") else (token, "", "")
    arg = _OPTIONS.get(name)
    if arg is not None:
        return 2 if arg.takes_value and not eq and i + 1 < len(words) else 1
    cluster = token[1:]
    if token.startswith("-") and not token.startswith("--") and len(cluster) > 1 and (
            set(cluster) <= _SHORT):
        return 1  # -gj
    return 0


def is_json_cluster(token: str) -> bool:
    """Whether ``token`` is common short flags written together, -j among them (``-gj``)."""
    return _width([token], 0) == 1 and "j" in token and not token.startswith("--") and (
        len(token) > 2)


def split(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """The common options at the start of ``argv``, and the rest (from the command on)."""
    words = list(argv)
    i = 0
    while i < len(words) and (width := _width(words, i)):
        i += width
    return words[:i], words[i:]


def hoist(argv: Sequence[str]) -> list[str]:
    """``argv`` with the common options before the command moved to just after it (as is
    when there are none, or no command word follows them)."""
    before, rest = split(argv)
    if not before or not rest or rest[0].startswith("-"):
        return list(argv)
    return [rest[0], *before, *rest[1:]]
