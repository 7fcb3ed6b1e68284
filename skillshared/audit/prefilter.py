"""The words a pattern needs, and the characters it can start with: from each pattern the
groups of words any match must hold are worked out (:func:`pattern_needs`); a rule is run
only on a file (and, when it is costly, a line or a window of a long line) holding a word of
each group. Each pattern is led by a lookahead for the characters a match can start with
(:func:`led`)."""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

NON_ASCII = "\0non-ascii"  # a need met by any character past ASCII
MAX_GROUPS = 4  # the most groups of words kept for one rule
Needs = tuple[frozenset[str], ...]  # every group must be met: one of its words is there


def fold(text: str) -> str:
    """Case-folded so that whatever an IGNORECASE pattern matches holds the folded words."""
    if text.isascii():
        return text.lower()
    return text.casefold().replace("\u0131", "i")  # dotless i: matched by `i` in IGNORECASE


def parse(pattern: str, flags: int) -> list[tuple[Any, Any]] | None:
    """The parsed pattern (what the prefilter and the lead are read from); None when this
    Python's parser is not the one expected (then neither is used). A bad pattern raises
    re.error."""
    if _PARSER is None:  # pragma: no cover - another Python
        re.compile(pattern, flags)
        return None
    return list(_PARSER.parse(pattern, flags))


try:  # the parser of the re module (private; without it, no prefilter and no lead)
    _PARSER: Any = importlib.import_module("re._parser")
    _K: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover - another Python
    _PARSER = _K = None


def pattern_needs(tree: list[tuple[Any, Any]] | None) -> Needs | None:
    """Groups of words (folded) such that any match of the parsed pattern holds a word of
    each group; None when none can be worked out (the rule is then always run)."""
    if tree is None or _K is None:
        return None
    try:
        groups = _seq_needs(tree, _K)
    except Exception:  # pragma: no cover - a parse tree of another shape: no prefilter
        return None
    return tuple(groups) or None


def _score(group: frozenset[str]) -> tuple[int, int]:
    return min(1 if n == NON_ASCII else len(n) for n in group), -len(group)


def _best(groups: list[frozenset[str]]) -> list[frozenset[str]]:
    """The most selective groups, at most MAX_GROUPS, no group twice."""
    unique = sorted(set(groups), key=_score, reverse=True)
    return unique[:MAX_GROUPS]


def _seq_needs(items: list[tuple[Any, Any]], k: Any) -> list[frozenset[str]]:
    """The groups a sequence needs: each item's and each run of literal characters'."""
    groups: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op is k.LITERAL:
            run += chr(av)
            continue
        if op in (k.AT, k.ASSERT, k.ASSERT_NOT):  # zero width: the run goes on
            continue
        if run:
            groups.append(frozenset({fold(run)}))
        run = ""
        if op is k.SUBPATTERN:
            groups += _seq_needs(list(av[-1]), k)
        elif op is k.ATOMIC_GROUP:
            groups += _seq_needs(list(av), k)
        elif op in (k.MAX_REPEAT, k.MIN_REPEAT, k.POSSESSIVE_REPEAT) and av[0] >= 1:
            groups += _seq_needs(list(av[2]), k)
        elif op is k.BRANCH:
            groups += _branch_needs([_best(_seq_needs(list(b), k)) for b in av[1]])
        elif op is k.IN:
            groups += _set_needs(av, k)
    if run:
        groups.append(frozenset({fold(run)}))
    return _best(groups)


def _branch_needs(branches: list[list[frozenset[str]]]) -> list[frozenset[str]]:
    """(A1 and A2) or (B1 and B2) implies (A1 or B1), (A2 or B2): the union of the k-th best
    group of every branch, for each k every branch has."""
    if not branches or not all(branches):
        return []
    out = []
    for index in range(min(len(b) for b in branches)):
        union = frozenset().union(*(b[index] for b in branches))
        if len(union) <= 64:
            out.append(union)
    return out


def led(pattern: str, flags: int, tree: list[tuple[Any, Any]] | None) -> re.Pattern[str]:
    """The pattern compiled, led by a lookahead for the characters a match can start with:
    the regular expression engine then skips every other position quickly (several times
    quicker for a pattern that starts with a lookbehind or a list of words)."""
    try:
        first = _first(tree, _K) if tree is not None and _K is not None else None
    except Exception:  # pragma: no cover - a parse tree of another shape: no lead
        first = None
    if first and len(first) <= 64:
        chars = "".join(re.escape(c) for c in sorted(first))
        try:
            return re.compile(f"(?=[{chars}])(?:{pattern})", flags)
        except re.error:  # a pattern that cannot be led (global flags, say): as it is
            pass
    return re.compile(pattern, flags)


def _first(items: list[tuple[Any, Any]], k: Any) -> set[str] | None:
    """The characters a match of a sequence can start with; None: any (or not known)."""
    for op, av in items:
        if op in (k.AT, k.ASSERT, k.ASSERT_NOT):
            continue
        if op is k.LITERAL:
            return {chr(av)}
        if op is k.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is k.LITERAL:
                    chars.add(chr(value))
                elif kind is k.RANGE and value[1] - value[0] < 64:
                    chars.update(chr(c) for c in range(value[0], value[1] + 1))
                else:
                    return None
            return chars
        if op is k.SUBPATTERN:
            return _first(list(av[-1]), k)
        if op is k.ATOMIC_GROUP:
            return _first(list(av), k)
        if op in (k.MAX_REPEAT, k.MIN_REPEAT, k.POSSESSIVE_REPEAT) and av[0] >= 1:
            return _first(list(av[2]), k)
        if op is k.BRANCH:
            union: set[str] = set()
            for branch in av[1]:
                got = _first(list(branch), k)
                if got is None:
                    return None
                union |= got
            return union
        return None
    return None


def _set_needs(items: list[tuple[Any, Any]], k: Any) -> list[frozenset[str]]:
    chars: set[str] = set()
    wide = False  # a range too wide to list, all past ASCII
    for op, av in items:
        if op is k.LITERAL:
            chars.add(chr(av))
        elif op is k.RANGE and av[1] - av[0] < 16:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is k.RANGE and av[0] >= 0x80:
            wide = True
        else:
            return []
    if all(ord(c) >= 0x80 for c in chars) and (wide or len(chars) > 8):
        return [frozenset({NON_ASCII})]
    if wide or len(chars) > 8:
        return []
    return [frozenset(fold(c) for c in chars)]


def present(words: Iterable[str], folded: str, ascii_only: bool) -> set[str]:
    present = {n for n in words if n in folded}
    if not ascii_only:
        present.add(NON_ASCII)
    return present


def meets(needs: Needs | None, present: AbstractSet[str]) -> bool:
    return needs is None or all(not group.isdisjoint(present) for group in needs)

