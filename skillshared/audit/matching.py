"""Matching the rules against a decoded text: lines (shell continuations joined),
normalised, each rule run only where what it needs is there; long lines in windows."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from skillshared.audit.findings import Finding
from skillshared.audit.normalise import (
    CONTROLS,
    excerpt,
    named,
    normalise,
    raw_position,
    split_lines,
    squash,
)
from skillshared.audit.prefilter import NON_ASCII, Needs, fold, meets, present
from skillshared.audit.reading import LONG_LINE
from skillshared.audit.rules import SCANS, Rule

OVERLAP = 1024  # the windows of a long line overlap by this much (the built-in patterns span less)
JOIN_LINES = 50  # the most physical lines one continued line is joined from
MAX_SQUASHED = 20  # findings of one squashed rule in one file


def _words(rules: Sequence[Rule]) -> tuple[str, ...]:
    """The words of each rule's rarest group: the first looked for in a text."""
    return tuple(sorted({n for r in rules if r.needs is not None
                         for n in _rarest_first(r.needs)[0] if n != NON_ASCII}))


def _active(rules: Sequence[Rule], words: tuple[str, ...], folded: str, ascii_only: bool
            ) -> list[Rule]:
    """The rules whose needs ``folded`` meets. The words of each rule's rarest group
    (``words``) are looked for first, all at once; a rule that passes its rarest group has
    its other groups looked for then."""
    found = present(words, folded, ascii_only)
    active = []
    for rule in rules:
        if rule.needs is not None:
            first, *rest = _rarest_first(rule.needs)
            if found.isdisjoint(first) or not all(
                    any((not ascii_only) if w == NON_ASCII else w in folded for w in group)
                    for group in rest):
                continue
        active.append(rule)
    return active


@functools.lru_cache(maxsize=1024)
def _rarest_first(needs: Needs) -> tuple[frozenset[str], ...]:
    """The groups of ``needs``, those of long (rare) words first."""
    return tuple(sorted(needs, key=lambda g: -min(len(w) for w in g)))


def _search(rule: Rule, text: str) -> re.Match[str] | None:
    """The first match; a long line is searched in overlapping windows (bounded work), each
    only when it holds what the rule needs."""
    if len(text) <= LONG_LINE:
        return rule.pattern.search(text)
    words = [w for g in rule.needs or () for w in g]
    for start in range(0, len(text), LONG_LINE - OVERLAP):
        if words:
            window = text[start:start + LONG_LINE]
            if not meets(rule.needs, present(words, fold(window), window.isascii())):
                continue
        match = rule.pattern.search(text, start, start + LONG_LINE)
        if match is not None:
            return match
    return None


@dataclass(frozen=True)
class _Logical:
    raw: str  # as written (continuations joined, their backslashes dropped)
    first: int  # index of its first physical line
    breaks: tuple[int, ...] = ()  # offsets in raw where each further physical line starts


def _logical(lines: list[str]) -> list[_Logical]:
    """Lines with shell continuations (a backslash at the end) joined."""
    out = []
    index = 0
    while index < len(lines):
        first = index
        pieces = [lines[index]]
        breaks = []
        size = len(lines[index])
        while (pieces[-1].endswith("\\") and index + 1 < len(lines)
               and len(pieces) < JOIN_LINES):
            pieces[-1] = pieces[-1][:-1]
            size -= 1
            breaks.append(size)
            index += 1
            pieces.append(lines[index])
            size += len(lines[index])
        out.append(_Logical("".join(pieces), first, tuple(breaks)))
        index += 1
    return out


@dataclass(frozen=True)
class Prepared:
    text: tuple[Rule, ...]
    raw: tuple[Rule, ...]
    squashed: tuple[Rule, ...]
    file: tuple[Rule, ...]
    words: Mapping[str, tuple[str, ...]]  # scan -> the needs of its rules
    costly: frozenset[str]  # text rules whose needs are checked on each line first


_PREPARED: list[tuple[tuple[Rule, ...], Prepared]] = []  # the last rules prepared


def prepare(rules: Sequence[Rule]) -> Prepared:
    """The rules sorted for scanning; the last set prepared is kept (an install or a sync
    scans every skill with the same rules)."""
    key = tuple(rules)
    last = _PREPARED[-1] if _PREPARED else None
    if last is not None and last[0] == key:
        return last[1]
    prepared = _prepare(key)
    _PREPARED[:] = [(key, prepared)]
    return prepared


def _prepare(rules: Sequence[Rule]) -> Prepared:
    by: dict[str, list[Rule]] = {s: [] for s in SCANS}
    for rule in rules:
        by[rule.scan].append(rule)
    return Prepared(tuple(by["text"]), tuple(by["raw"]), tuple(by["squashed"]),
                    tuple(by["file"]), {s: _words(by[s]) for s in SCANS},
                    frozenset(r.id for r in by["text"] if _costly(r)))


def _costly(rule: Rule) -> bool:
    """A rule that needs words from more than one group and whose pattern is not led by a
    few first characters: checking its words on a line is cheaper than running it there."""
    if rule.needs is None or len(rule.needs) < 2:
        return False
    lead = re.match(r"\(\?=\[((?:\\.|[^\]\\])*)\]\)", rule.pattern.pattern)
    return lead is None or len(lead.group(1).replace("\\", "")) > 8


def _line_meets(needs: Needs, folded: str) -> bool:
    for group in needs:
        for word in group:
            if (not folded.isascii()) if word == NON_ASCII else word in folded:
                break
        else:
            return False
    return True


def scan_text(text: str, first_line: int | None, rel: str, rules: Prepared, raw_rules: bool,
              squashed: bool, found: list[Finding]) -> None:
    """The findings of the text rules (and the raw and squashed ones, when asked) in one
    decoded text whose first line has the number ``first_line`` (None: no line numbers)."""
    lines = split_lines(text)
    joined = "\\\n" in text or "\\\r" in text
    logical = _logical(lines) if joined else [_Logical(line, i) for i, line in enumerate(lines)]
    plain = text.isascii() and "&" not in text and not CONTROLS.search(text)
    norms = [item.raw for item in logical] if plain else [normalise(i.raw) for i in logical]
    norm_text = "\n".join(norms) if joined or not plain else text
    folded = fold(norm_text)
    norm_ascii = norm_text.isascii()
    start = len(found)

    def number(index: int) -> int:
        return 0 if first_line is None else first_line + index

    active = _active(rules.text, rules.words["text"], folded, norm_ascii)
    if active:
        costly = [r.id in rules.costly for r in active]
        for item, norm in zip(logical, norms, strict=True):
            folded_line = None
            for rule, check in zip(active, costly, strict=True):
                if check and rule.needs is not None:
                    if folded_line is None:
                        folded_line = fold(norm)
                    if not _line_meets(rule.needs, folded_line):
                        continue
                match = _search(rule, norm)
                if match is None or (rule.exclude is not None and rule.exclude.search(norm)):
                    continue
                at = match.start() if norm is item.raw else raw_position(
                    item.raw, match.start(), len(norm))
                line = item.first + bisect.bisect_right(item.breaks, at)
                found.append(Finding(rel, number(line), rule.id, rule.family, rule.severity,
                                     rule.message, excerpt(item.raw, at)))
    if raw_rules and rules.raw:
        ascii_only = text.isascii()
        raw_folded = "" if ascii_only and all(
            r.needs is not None and any(g <= {NON_ASCII} for g in r.needs)
            for r in rules.raw) else fold(text)
        for rule in _active(rules.raw, rules.words["raw"], raw_folded, ascii_only):
            for index, physical in enumerate(lines):
                match = _search(rule, physical)
                if match is None or (rule.exclude is not None
                                     and rule.exclude.search(physical)):
                    continue
                found.append(Finding(rel, number(index), rule.id, rule.family, rule.severity,
                                     named(rule.message, match.group()),
                                     excerpt(physical, match.start())))
    if squashed and rules.squashed:
        flat = squash(folded)
        taken = {(f.line, f.family) for f in found[start:]}
        ends: list[int] = []
        for rule in _active(rules.squashed, rules.words["squashed"], flat, True):
            for count, match in enumerate(rule.pattern.finditer(flat)):
                if count == MAX_SQUASHED:
                    break
                if not ends:  # where each logical line ends in the squashed text
                    total = 0
                    for norm in norms:
                        total += len(squash(fold(norm)))
                        ends.append(total)
                index = min(bisect.bisect_right(ends, match.start()), len(logical) - 1)
                item = logical[index]
                if (number(item.first), rule.family) in taken:
                    continue
                taken.add((number(item.first), rule.family))
                found.append(Finding(rel, number(item.first), rule.id, rule.family,
                                     rule.severity, rule.message, excerpt(item.raw, 0)))

