"""The security audit (SPEC §8): rules as data, a scan of every file of a skill, findings.

Rules come from ``data/audit-rules.yaml`` (shipped), then the user's
``<config dir>/audit-rules.yaml``, then a project's ``.skillshare/audit-rules.yaml``: a rule
with a known id replaces it (``enabled: false`` turns it off), a new id adds one. A user file
may also be in the original Go skillshare's format: :mod:`skillshared.git.audit_original` tells
the two apart and maps the original's fields and rule ids onto these rules.

What a rule is matched against is its ``scan``:

- ``text`` (the default): each line of each file, normalised first (HTML entities decoded,
  NFKD compatibility forms folded, accents, zero-width and other invisible characters
  removed, Unicode tag characters read as the ASCII they stand for, common Cyrillic, Greek
  and Armenian look-alikes folded to Latin), with shell line continuations joined. Line
  numbers and excerpts point at the text as written.
- ``raw``: each line as written (for the hiding characters themselves).
- ``squashed``: a file's whole normalised text in lower case with everything but the
  letters a-z removed (phrases spaced out, split by markup or across lines); reported at the
  line it starts on, unless that line already has a finding of the rule's family.
- ``file``: what is known of a file rather than its text: ``executable <format>``,
  ``archive <format>``, ``media <format>``, ``document <format>``, ``data <format>`` (a
  binary file), ``encoding <name>`` (text not in UTF-8), ``nul-bytes``, ``carriage-return``,
  ``too-large <bytes>``, ``unreadable <why>``, ``link-outside <target> (<resolved>)``.

Nothing is skipped for its name or its encoding: every regular file is read (``.git`` and
the folders in ``skip`` are left out; links are reported, never followed). Text is decoded
by its byte-order mark, as UTF-16 when its NUL bytes say so, else as UTF-8 with any byte
that is not UTF-8 read as Latin-1. A binary file (by its share of control bytes, or a
signature) is reported by kind; an unknown one is still scanned as text, a known one
(program, archive, image, ...) by its printable strings. Of a file over
:data:`MAX_FILE_BYTES` the first MiB and the last :data:`TAIL_BYTES` are scanned, and what
lies between is reported (``too-large``).

Speed: from each pattern the groups of words any match must hold are worked out
(:func:`_needs`); a rule is run only on a file (and, when it is costly, a line or a window
of a long line) holding a word of each group. Each pattern is led by a lookahead for the
characters a match can start with (:func:`_fast`).
"""

from __future__ import annotations

import bisect
import codecs
import html
import importlib
import os
import re
import stat
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from skillshared.core import yamlio
from skillshared.core.config import SEVERITIES
from skillshared.core.errors import ConfigError, UsageError

MAX_FILE_BYTES = 1 << 20  # of a larger file, the first MAX_FILE_BYTES are scanned ...
TAIL_BYTES = 256 << 10  # ... and the last TAIL_BYTES (what lies between is reported)
COUNT_LINES_UP_TO = 64 << 20  # the tail of a larger file has no line numbers (0)
LONG_LINE = 8192  # a longer line is matched in windows of this size ...
OVERLAP = 1024  # ... overlapping by this much (the built-in patterns span less)
JOIN_LINES = 50  # the most physical lines one continued line is joined from
MAX_SQUASHED = 20  # findings of one squashed rule in one file
EXACT_POSITION = 1 << 16  # past this far into a changed line, excerpts are placed roughly
RULES_FILE = "audit-rules.yaml"
SCANS = ("text", "raw", "squashed", "file")
SHORT = {"c": "CRITICAL", "crit": "CRITICAL", "h": "HIGH", "m": "MEDIUM", "med": "MEDIUM",
         "l": "LOW", "i": "INFO"}
_RULE_KEYS = {"id", "family", "severity", "pattern", "message", "ignore_case", "exclude",
              "enabled", "scan"}

TOO_LARGE = "too-large-to-scan"  # the rule of a file over MAX_FILE_BYTES


def rank(severity: str) -> int:
    """CRITICAL 0 … INFO 4 (lower is worse)."""
    return SEVERITIES.index(severity)


def threshold(raw: str | None, default: str) -> str:
    """A severity from ``-T`` (a name in any case, or c, crit, h, m, med, l, i)."""
    if raw is None:
        return default
    value = SHORT.get(raw.lower(), raw.upper())
    if value not in SEVERITIES:
        raise UsageError(f"invalid threshold {raw!r}: must be one of "
                         f"{', '.join(s.lower() for s in SEVERITIES)} (or c, h, m, l, i)")
    return value


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    pattern: re.Pattern[str]
    message: str
    exclude: re.Pattern[str] | None = None
    scan: str = "text"  # one of SCANS
    # words (folded) one of which any match holds; None: no such words are known
    needs: tuple[frozenset[str], ...] | None = None


@dataclass(frozen=True)
class Finding:
    path: str  # relative to what was scanned
    line: int  # 0: the file as a whole (or a place in it without a line number)
    rule: str
    family: str
    severity: str
    message: str
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# -- rules ------------------------------------------------------------------------------------


def make_rule(rule_id: str, family: str, severity: str, pattern: str, message: str, *,
              flags: int = re.IGNORECASE, exclude: str | None = None,
              exclude_flags: int = re.IGNORECASE, scan: str = "text") -> Rule:
    """A rule from its parts (``severity`` one of SEVERITIES, ``scan`` one of SCANS); raises
    :class:`re.error` when ``pattern`` or ``exclude`` is not a regular expression."""
    tree = _parse(pattern, flags)
    compiled = _fast(pattern, flags, tree) if scan != "file" else re.compile(pattern, flags)
    skip = re.compile(exclude, exclude_flags) if exclude is not None else None
    return Rule(rule_id, family, severity, compiled, message or rule_id, skip, scan,
                _needs(tree))


def _compile(raw: Mapping[str, Any], where: str, problems: list[str]) -> Rule | None:
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(unknown)}")
    rule_id, severity = raw.get("id"), raw.get("severity")
    pattern, message = raw.get("pattern"), raw.get("message", "")
    scan = raw.get("scan", "text")
    if not isinstance(rule_id, str) or not rule_id:
        problems.append(f"{where}.id: must be a name")
        return None
    if not isinstance(severity, str) or severity.upper() not in SEVERITIES:
        problems.append(f"{where}.severity: must be one of {', '.join(SEVERITIES)}")
        return None
    if not isinstance(pattern, str) or not isinstance(message, str):
        problems.append(f"{where}: pattern and message must be text")
        return None
    if scan not in SCANS:
        problems.append(f"{where}.scan: must be one of {', '.join(SCANS)}")
        return None
    exclude = raw.get("exclude")
    try:
        return make_rule(rule_id, str(raw.get("family", "custom")), severity.upper(), pattern,
                         message, flags=re.IGNORECASE if raw.get("ignore_case", True) else 0,
                         exclude=exclude if isinstance(exclude, str) else None, scan=scan)
    except re.error as exc:
        problems.append(f"{where}.pattern: not a valid regular expression: {exc}")
        return None


@dataclass
class RuleState:
    """The rules as the rule files read so far leave them: every rule by id (the shipped
    ones first), and the ids turned off."""

    shipped: dict[str, Rule]
    rules: dict[str, Rule] = field(default_factory=dict)
    off: set[str] = field(default_factory=set)

    def active(self) -> list[Rule]:
        return [r for rule_id, r in self.rules.items() if rule_id not in self.off]


def merge(state: RuleState, doc: Any, origin: str, problems: list[str]) -> None:
    """Apply a rule file of this tool's format: a rule with a known id replaces it
    (``enabled: false`` turns it off), a new id adds one."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("rules"), list):
        problems.append(f"{origin}: must be a mapping with a list of `rules`")
        return
    for index, raw in enumerate(doc["rules"]):
        where = f"{origin}: rules[{index}]"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        if raw.get("enabled", True) is False and isinstance(raw.get("id"), str):
            state.off.add(raw["id"])
            continue
        rule = _compile(raw, where, problems)
        if rule is not None:
            state.rules[rule.id] = rule
            state.off.discard(rule.id)


def shipped_rules() -> RuleState:
    """The built-in rules (``data/audit-rules.yaml``)."""
    problems: list[str] = []
    state = RuleState({})
    builtin = resources.files("skillshared").joinpath("data", RULES_FILE).read_text("utf-8")
    merge(state, yamlio.load(builtin, RULES_FILE), RULES_FILE, problems)
    if problems:  # pragma: no cover - the shipped file is tested
        raise ConfigError("the built-in audit rules are broken", details=problems)
    state.shipped = dict(state.rules)
    return state


def load_rules() -> list[Rule]:
    """The built-in rules (with the user's: :func:`skillshared.git.audit_original.load_rule_set`,
    which reads rule files of this tool's format and of the original skillshare's)."""
    return shipped_rules().active()


# -- the words a pattern needs (the prefilter) -------------------------------------------------

NON_ASCII = "\0non-ascii"  # a need met by any character past ASCII
MAX_GROUPS = 4  # the most groups of words kept for one rule
Needs = tuple[frozenset[str], ...]  # every group must be met: one of its words is there


def _fold(text: str) -> str:
    """Case-folded so that whatever an IGNORECASE pattern matches holds the folded words."""
    if text.isascii():
        return text.lower()
    return text.casefold().replace("\u0131", "i")  # dotless i: matched by `i` in IGNORECASE


def _parse(pattern: str, flags: int) -> list[tuple[Any, Any]] | None:
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


def _needs(tree: list[tuple[Any, Any]] | None) -> Needs | None:
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
            groups.append(frozenset({_fold(run)}))
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
        groups.append(frozenset({_fold(run)}))
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


def _fast(pattern: str, flags: int, tree: list[tuple[Any, Any]] | None) -> re.Pattern[str]:
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
    return [frozenset(_fold(c) for c in chars)]


def _words(rules: Sequence[Rule]) -> tuple[str, ...]:
    return tuple(sorted({n for r in rules if r.needs is not None for g in r.needs for n in g
                         if n != NON_ASCII}))


def _present(words: Iterable[str], folded: str, ascii_only: bool) -> set[str]:
    present = {n for n in words if n in folded}
    if not ascii_only:
        present.add(NON_ASCII)
    return present


def _meets(needs: Needs | None, present: AbstractSet[str]) -> bool:
    return needs is None or all(not group.isdisjoint(present) for group in needs)


def _active(rules: Sequence[Rule], words: tuple[str, ...], folded: str, ascii_only: bool
            ) -> list[Rule]:
    """The rules whose needs ``folded`` meets (``words``: all their needs, each looked for
    once)."""
    present = _present(words, folded, ascii_only)
    return [r for r in rules if _meets(r.needs, present)]


# -- normalisation -----------------------------------------------------------------------------

# characters removed before matching: every Unicode format character (Cf), invisible letters
# and marks, variation selectors, C0 controls (but tab and line ends) and DEL
_REMOVED = [(0x00, 0x08), (0x0E, 0x1F), (0x7F, 0x7F), (0xAD, 0xAD), (0x34F, 0x34F),
            (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891),
            (0x8E2, 0x8E2), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F),
            (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
            (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB),
            (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
            (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE007F, 0xE007F),
            (0xE0100, 0xE01EF)]
# combining marks (after NFKD: the accents of Latin, Greek and Cyrillic letters)
_MARKS = [(0x300, 0x36F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF),
          (0xFE20, 0xFE2F)]
# letters of other scripts that look like Latin ones (the common part of Unicode's
# confusables), and typographic quotes
CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
    "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l",
    "ү": "y", "ɡ": "g", "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H",
    "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J",
    "Ѕ": "S", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I", "Ү": "Y",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ι": "i", "κ": "k", "ν": "v", "υ": "u", "χ": "x",
    "τ": "t", "ε": "e", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I",
    "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Armenian, Latin variants
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q", "ı": "i", "ȷ": "j",
    "ɑ": "a", "ɩ": "i", "ʟ": "L",
    # quotes and dashes
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-",
    "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2800": " ",
}


def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for low, high in _REMOVED + _MARKS:
        table.update(dict.fromkeys(range(low, high + 1)))
    table.update({c: chr(c - 0xE0000) for c in range(0xE0020, 0xE007F)})  # tags: as ASCII
    table.update({ord(k): v for k, v in CONFUSABLES.items()})
    table.update({0x0B: " ", 0x0C: " "})
    return table


_FOLD = _table()
INVISIBLE = frozenset(chr(c) for c, v in _FOLD.items() if v is None and c > 0x7F) | {
    chr(c) for c in range(0xE0020, 0xE007F)}
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _entity(match: re.Match[str]) -> str:
    try:
        return html.unescape(match.group())
    except (ValueError, OverflowError):  # pragma: no cover - unescape copes with them all
        return match.group()


def normalise(line: str) -> str:
    """A line as the rules see it (see the module's docstring)."""
    if "&" in line:
        line = _ENTITY.sub(_entity, line)
    if not line.isascii():
        line = unicodedata.normalize("NFKD", line)
    return line.translate(_FOLD)


def _piece(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
    return text.translate(_FOLD)


def _raw_position(raw: str, target: int, size: int) -> int:
    """The index in ``raw`` of what is at ``target`` in ``normalise(raw)`` (whose length is
    ``size``); far into a long line, an estimate (the work stays bounded)."""
    if target > EXACT_POSITION:
        return min(len(raw) - 1, target * len(raw) // max(size, 1))
    out = index = 0
    while index < len(raw):
        match = _ENTITY.match(raw, index) if raw[index] == "&" else None
        step = match.end() - index if match else 1
        size = len(_piece(_entity(match) if match else raw[index]))
        if out + size > target:
            return index
        out += size
        index += step
    return len(raw)


_NON_LETTERS = bytes(b for b in range(256) if not 0x61 <= b <= 0x7A)


_TAG = re.compile(r"</?[a-z][^<>\n]{0,200}>")


def _squash(folded: str) -> str:
    """Only the letters a-z of an already folded text (HTML tags left out)."""
    if "<" in folded:
        folded = _TAG.sub("", folded)
    return folded.encode("ascii", "ignore").translate(None, _NON_LETTERS).decode("ascii")


# -- reading a file ----------------------------------------------------------------------------


def _latin1(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):  # pragma: no cover - decoding only
        raise exc
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("skillshared-latin1", _latin1)

_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_STRINGS = re.compile(rb"[\t\x20-\x7e]{6,}")


@dataclass(frozen=True)
class _Magic:
    kind: str  # executable, archive, media, document, data
    format: str
    marks: tuple[tuple[int, bytes], ...]  # (offset, bytes) that must all be there
    strong: bool = True  # False: only when the content is binary anyway (an ASCII mark)
    extensions: tuple[str, ...] = ()  # media: the names it may have (else it is data)


MAGIC = (
    _Magic("executable", "elf", ((0, b"\x7fELF"),)),
    _Magic("executable", "mach-o", ((0, b"\xcf\xfa\xed\xfe"),)),
    _Magic("executable", "mach-o", ((0, b"\xce\xfa\xed\xfe"),)),
    _Magic("executable", "mach-o", ((0, b"\xfe\xed\xfa\xcf"),)),
    _Magic("executable", "mach-o", ((0, b"\xfe\xed\xfa\xce"),)),
    _Magic("executable", "mach-o-or-java-class", ((0, b"\xca\xfe\xba\xbe"),)),
    _Magic("executable", "wasm", ((0, b"\0asm"),)),
    _Magic("executable", "dex", ((0, b"dex\n"),)),
    _Magic("executable", "windows", ((0, b"MZ"),), strong=False),
    _Magic("executable", "msi", ((0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),),
           extensions=(".msi",)),
    _Magic("archive", "zip", ((0, b"PK\x03\x04"),)),
    _Magic("archive", "zip", ((0, b"PK\x05\x06"),)),
    _Magic("archive", "gzip", ((0, b"\x1f\x8b"),)),
    _Magic("archive", "bzip2", ((0, b"BZh"),), strong=False),
    _Magic("archive", "xz", ((0, b"\xfd7zXZ\0"),)),
    _Magic("archive", "7z", ((0, b"7z\xbc\xaf\x27\x1c"),)),
    _Magic("archive", "rar", ((0, b"Rar!\x1a\x07"),)),
    _Magic("archive", "zstd", ((0, b"\x28\xb5\x2f\xfd"),)),
    _Magic("archive", "tar", ((257, b"ustar"),), strong=False),
    _Magic("archive", "ar", ((0, b"!<arch>\n"),), strong=False),
    _Magic("archive", "cab", ((0, b"MSCF"),), strong=False),
    _Magic("archive", "rpm", ((0, b"\xed\xab\xee\xdb"),)),
    _Magic("document", "pdf", ((0, b"%PDF-"),)),
    _Magic("document", "ole", ((0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),)),
    _Magic("data", "sqlite", ((0, b"SQLite format 3\0"),)),
    _Magic("media", "png", ((0, b"\x89PNG\r\n\x1a\n"),), extensions=(".png", ".apng")),
    _Magic("media", "jpeg", ((0, b"\xff\xd8\xff"),), extensions=(".jpg", ".jpeg", ".jpe")),
    _Magic("media", "gif", ((0, b"GIF8"),), extensions=(".gif",)),
    _Magic("media", "webp", ((0, b"RIFF"), (8, b"WEBP")), extensions=(".webp",)),
    _Magic("media", "wav", ((0, b"RIFF"), (8, b"WAVE")), extensions=(".wav",)),
    _Magic("media", "avi", ((0, b"RIFF"), (8, b"AVI ")), extensions=(".avi",)),
    _Magic("media", "bmp", ((0, b"BM"),), strong=False, extensions=(".bmp",)),
    _Magic("media", "ico", ((0, b"\0\0\x01\0"),), extensions=(".ico", ".cur")),
    _Magic("media", "tiff", ((0, b"II*\0"),), extensions=(".tif", ".tiff")),
    _Magic("media", "tiff", ((0, b"MM\0*"),), extensions=(".tif", ".tiff")),
    _Magic("media", "font", ((0, b"\0\x01\0\0"),), extensions=(".ttf", ".otf", ".ttc")),
    _Magic("media", "font", ((0, b"OTTO"),), strong=False, extensions=(".otf", ".ttf")),
    _Magic("media", "font", ((0, b"ttcf"),), strong=False, extensions=(".ttc",)),
    _Magic("media", "font", ((0, b"wOFF"),), strong=False, extensions=(".woff",)),
    _Magic("media", "font", ((0, b"wOF2"),), strong=False, extensions=(".woff2",)),
    _Magic("media", "audio", ((0, b"ID3"),), strong=False, extensions=(".mp3",)),
    _Magic("media", "audio", ((0, b"OggS"),), strong=False,
           extensions=(".ogg", ".oga", ".opus")),
    _Magic("media", "audio", ((0, b"fLaC"),), strong=False, extensions=(".flac",)),
    _Magic("media", "video", ((4, b"ftyp"),), strong=False,
           extensions=(".mp4", ".m4a", ".m4v", ".mov", ".heic", ".avif")),
    _Magic("media", "video", ((0, b"\x1a\x45\xdf\xa3"),), extensions=(".webm", ".mkv")),
)


_MAGIC_AT_START: dict[int, list[_Magic]] = {}
for _entry in MAGIC:
    if _entry.marks[0][0] == 0:
        _MAGIC_AT_START.setdefault(_entry.marks[0][1][0], []).append(_entry)
_MAGIC_ELSEWHERE = [m for m in MAGIC if m.marks[0][0] != 0]


def _magic(head: bytes, name: str, binary: bool) -> tuple[str, str] | None:
    """The kind and format of a file from its first bytes (and, for media, its name)."""
    lower = name.lower()
    candidates = _MAGIC_AT_START.get(head[0], []) if head else []
    for magic in candidates + _MAGIC_ELSEWHERE if binary else candidates:
        if not (magic.strong or binary):
            continue
        if not all(head[o:o + len(m)] == m for o, m in magic.marks):
            continue
        if magic.kind == "executable" and magic.extensions:
            if not lower.endswith(magic.extensions):
                continue
        elif magic.extensions and not lower.endswith(magic.extensions):
            return "data", magic.format  # an image (say) under another name
        return magic.kind, magic.format
    if binary and head.startswith(b"#!"):
        return "executable", "script-with-binary-payload"
    if binary and lower.endswith((".pyc", ".pyo")) and head[2:4] == b"\r\n":
        return "executable", "python-bytecode"
    return None


def _codec(head: bytes) -> tuple[str, int]:
    """The codec of a file from its start, and the length of its byte-order mark."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
                       (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return codec, len(bom)
    sample = head[:8192]
    if b"\0" in sample and len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        zeros_even, zeros_odd = even.count(0), odd.count(0)
        if zeros_odd > len(odd) * 0.3 and zeros_even <= len(even) * 0.02:
            return "utf-16-le", 0
        if zeros_even > len(even) * 0.3 and zeros_odd <= len(odd) * 0.02:
            return "utf-16-be", 0
    return "utf-8", 0


@dataclass
class _Content:
    """What a scan reads of one regular file."""
    facts: list[tuple[str, int, str]] = field(default_factory=list)  # (fact, line, excerpt)
    parts: list[tuple[str, int | None]] = field(default_factory=list)  # (text, first line)
    raw_rules: bool = True  # text as written (not decoded garbage or a binary's strings)
    squashed: bool = True


def _read(path: str) -> tuple[bytes, bytes, int, int | None] | str:
    """(head, tail, size, the line number the tail starts on), or why it cannot be read. A
    file up to MAX_FILE_BYTES + TAIL_BYTES is all head; of a larger one the head runs on to
    the end of its last line and the tail starts at a line (text with NUL bytes aside)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(MAX_FILE_BYTES)
            more = handle.read(TAIL_BYTES + 1)
            if len(more) <= TAIL_BYTES:
                return head + more, b"", len(head) + len(more), None
            size = os.fstat(handle.fileno()).st_size
            lines_kept = b"\0" not in head[:8192]  # (UTF-16 has no byte-wide lines)
            if lines_kept and not head.endswith(b"\n"):
                end = more.find(b"\n", 0, LONG_LINE)
                head += more[:end + 1] if end >= 0 else b""
            start = max(len(head), size - TAIL_BYTES)
            handle.seek(start)
            tail = handle.read(TAIL_BYTES)
            if lines_kept and start > len(head):
                cut = tail.find(b"\n", 0, LONG_LINE)
                if cut >= 0:
                    tail, start = tail[cut + 1:], start + cut + 1
            lines: int | None = None
            if lines_kept and size <= COUNT_LINES_UP_TO:
                lines = head.count(b"\n") + 1
                handle.seek(len(head))
                left = start - len(head)
                while left > 0:
                    chunk = handle.read(min(left, 1 << 20))
                    if not chunk:
                        break
                    lines += chunk.count(b"\n")
                    left -= len(chunk)
            return head, tail, size, lines
    except OSError as exc:
        return exc.strerror or str(exc)


def _decode(data: bytes, codec: str, binary: bool = False) -> tuple[str, bool]:
    """The text, and whether it was all valid in ``codec`` (binary data not in UTF-8 is
    read as Latin-1 through and through: byte for character, and quick)."""
    if codec != "utf-8":
        return data.decode(codec, "replace"), True
    try:
        return data.decode("utf-8"), True
    except UnicodeDecodeError:
        return data.decode("latin-1" if binary else "utf-8", "skillshared-latin1"), False


def _partial_end(data: bytes) -> int:
    """How many bytes at the end of ``data`` begin a UTF-8 character they do not finish."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return 0
        if byte >= 0xC0:  # a lead byte: how long its character is
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return back if back < length else 0
    return 0


def _content(path: str, name: str) -> _Content:
    got = _read(path)
    content = _Content()
    if isinstance(got, str):
        content.facts.append((f"unreadable {got}", 0, got))
        return content
    head, tail, size, tail_line = got
    if tail:
        content.facts.append((f"too-large {size}", 0, f"{size} bytes; scanned: the first "
                              f"{MAX_FILE_BYTES >> 20} MiB and the last {TAIL_BYTES >> 10} KiB"))
    codec, bom = _codec(head)
    sample = head[:8192]
    binary = False
    if codec == "utf-8":
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        binary = controls > max(len(sample) * 0.05, 8)  # a stray NUL leaves it text
        kind = _magic(head, name, binary)
        if kind is not None:
            category, fmt = kind
            content.facts.append((f"{category} {fmt}", 0, f"{category} ({fmt})"))
            if category != "data" or not binary:
                # a known binary: its printable strings are what a scan can read of it
                strings = b"\n".join(_STRINGS.findall(head) + _STRINGS.findall(tail))
                content.parts.append((strings.decode("ascii"), None))
                content.raw_rules = content.squashed = False
                return content
        elif binary:
            content.facts.append(("data unknown", 0, "binary data of no known kind"))
        if binary:  # decoded anyway: text an agent could still read
            content.raw_rules = False
    if tail and codec.startswith(("utf-16", "utf-32")):
        unit = 2 if codec.startswith("utf-16") else 4
        tail = tail[-(size - len(tail)) % unit:]  # from a whole character on
    if tail and codec == "utf-8":  # cut at whole characters, not inside one
        head = head[:len(head) - _partial_end(head)]
        tail = tail[next((i for i in range(min(3, len(tail))) if not 0x80 <= tail[i] < 0xC0),
                         min(3, len(tail))):]
    text, valid = _decode(head[bom:], codec, binary)
    if not binary and (codec != "utf-8" or not valid):
        name = codec if codec != "utf-8" else "utf-8, and latin-1 where not utf-8"
        content.facts.append((f"encoding {name}", 0, f"read as {name}"))
    if not binary:
        if "\0" in text:
            line = len(_split(text[:text.index("\0")] + "."))
            content.facts.append(("nul-bytes", line, "NUL bytes in a text file"))
        cr = _LONE_CR.search(text) if "\r" in text and "\n" in text else None
        if cr is not None:
            line = len(_split(text[:cr.start()] + "."))
            content.facts.append(("carriage-return", line, _excerpt(
                text[text.rfind("\n", 0, cr.start()) + 1:], 0)))
    content.parts.append((text, 1))
    if tail:
        content.parts.append((_decode(tail, codec, binary)[0], tail_line))
    return content


# -- matching ----------------------------------------------------------------------------------

_LONE_CR = re.compile(r"\r(?!\n)")
_BREAK = re.compile(r"\r\n?|\n")


def _split(text: str) -> list[str]:
    """Lines, broken at LF, CRLF and CR (as editors show them)."""
    lines = text.split("\n") if "\r" not in text else _BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    return lines


def _search(rule: Rule, text: str) -> re.Match[str] | None:
    """The first match; a long line is searched in overlapping windows (bounded work), each
    only when it holds what the rule needs."""
    if len(text) <= LONG_LINE:
        return rule.pattern.search(text)
    words = [w for g in rule.needs or () for w in g]
    for start in range(0, len(text), LONG_LINE - OVERLAP):
        if words:
            window = text[start:start + LONG_LINE]
            if not _meets(rule.needs, _present(words, _fold(window), window.isascii())):
                continue
        match = rule.pattern.search(text, start, start + LONG_LINE)
        if match is not None:
            return match
    return None


def _excerpt(text: str, position: int) -> str:
    """Around ``position``, at most 120 characters, invisible characters shown as \\uXXXX."""
    start = max(0, position - 40)
    part = text[start:start + 120]
    if part.isascii() and part.isprintable():
        return part.strip()
    return "".join(c if c.isprintable() and c not in INVISIBLE else f"\\u{ord(c):04X}"
                   for c in part).strip()


def _named(message: str, matched: str) -> str:
    """The message of a finding in text as written, naming the characters past ASCII."""
    named = [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}"
             for c in dict.fromkeys(matched) if not c.isascii()]
    if not named:
        return message
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    return f"{message}: {', '.join(named[:3])}{more}"


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
class _Rules:
    text: tuple[Rule, ...]
    raw: tuple[Rule, ...]
    squashed: tuple[Rule, ...]
    file: tuple[Rule, ...]
    words: Mapping[str, tuple[str, ...]]  # scan -> the needs of its rules
    costly: frozenset[str]  # text rules whose needs are checked on each line first


def _prepare(rules: Sequence[Rule]) -> _Rules:
    by: dict[str, list[Rule]] = {s: [] for s in SCANS}
    for rule in rules:
        by[rule.scan].append(rule)
    return _Rules(tuple(by["text"]), tuple(by["raw"]), tuple(by["squashed"]),
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


def _scan_text(text: str, first_line: int | None, rel: str, rules: _Rules, raw_rules: bool,
               squashed: bool, found: list[Finding]) -> None:
    """The findings of the text rules (and the raw and squashed ones, when asked) in one
    decoded text whose first line has the number ``first_line`` (None: no line numbers)."""
    lines = _split(text)
    joined = "\\\n" in text or "\\\r" in text
    logical = _logical(lines) if joined else [_Logical(line, i) for i, line in enumerate(lines)]
    plain = text.isascii() and "&" not in text and not _CONTROLS.search(text)
    norms = [item.raw for item in logical] if plain else [normalise(i.raw) for i in logical]
    norm_text = "\n".join(norms) if joined or not plain else text
    folded = _fold(norm_text)
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
                        folded_line = _fold(norm)
                    if not _line_meets(rule.needs, folded_line):
                        continue
                match = _search(rule, norm)
                if match is None or (rule.exclude is not None and rule.exclude.search(norm)):
                    continue
                at = match.start() if norm is item.raw else _raw_position(
                    item.raw, match.start(), len(norm))
                line = item.first + bisect.bisect_right(item.breaks, at)
                found.append(Finding(rel, number(line), rule.id, rule.family, rule.severity,
                                     rule.message, _excerpt(item.raw, at)))
    if raw_rules and rules.raw:
        ascii_only = text.isascii()
        raw_folded = "" if ascii_only and all(
            r.needs is not None and any(g <= {NON_ASCII} for g in r.needs)
            for r in rules.raw) else _fold(text)
        for rule in _active(rules.raw, rules.words["raw"], raw_folded, ascii_only):
            for index, physical in enumerate(lines):
                match = _search(rule, physical)
                if match is None or (rule.exclude is not None
                                     and rule.exclude.search(physical)):
                    continue
                found.append(Finding(rel, number(index), rule.id, rule.family, rule.severity,
                                     _named(rule.message, match.group()),
                                     _excerpt(physical, match.start())))
    if squashed and rules.squashed:
        flat = _squash(folded)
        taken = {(f.line, f.family) for f in found[start:]}
        ends: list[int] = []
        for rule in _active(rules.squashed, rules.words["squashed"], flat, True):
            for count, match in enumerate(rule.pattern.finditer(flat)):
                if count == MAX_SQUASHED:
                    break
                if not ends:  # where each logical line ends in the squashed text
                    total = 0
                    for norm in norms:
                        total += len(_squash(_fold(norm)))
                        ends.append(total)
                index = min(bisect.bisect_right(ends, match.start()), len(logical) - 1)
                item = logical[index]
                if (number(item.first), rule.family) in taken:
                    continue
                taken.add((number(item.first), rule.family))
                found.append(Finding(rel, number(item.first), rule.id, rule.family,
                                     rule.severity, rule.message, _excerpt(item.raw, 0)))


def _facts(rel: str, facts: Iterable[tuple[str, int, str]], rules: _Rules,
           found: list[Finding]) -> None:
    for fact, line, excerpt in facts:
        for rule in rules.file:
            if rule.pattern.search(fact) and not (rule.exclude and rule.exclude.search(fact)):
                found.append(Finding(rel, line, rule.id, rule.family, rule.severity,
                                     rule.message, excerpt))


def _link(path: str, rel: str, real_root: str, rules: _Rules, found: list[Finding]) -> None:
    """A link is never followed; one that leads out of what is scanned is reported."""
    try:
        target = os.readlink(path)
    except OSError:  # pragma: no cover - it was a link a moment ago
        return
    resolved = os.path.realpath(path)
    if resolved == real_root or resolved.startswith(real_root.rstrip(os.sep) + os.sep):
        return  # what it leads to is scanned where it is
    _facts(rel, [(f"link-outside {target} ({resolved})", 0, f"-> {target}")], rules, found)


def _name(rel: str, rules: _Rules, found: list[Finding]) -> None:
    """Hiding characters in a path (a bidi override that turns `gpj.sh` around, say)."""
    if rel.isascii() or not rules.raw:
        return
    for rule in rules.raw:
        match = rule.pattern.search(rel)
        if match is not None:
            found.append(Finding(rel, 0, rule.id, rule.family, rule.severity,
                                 _named(f"in the file's name: {rule.message}", match.group()),
                                 _excerpt(rel, match.start())))


def _scan(path: str, rel: str, rules: _Rules, real_root: str | None) -> list[Finding]:
    found: list[Finding] = []
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        _facts(rel, [(f"unreadable {exc.strerror}", 0, str(exc.strerror))], rules, found)
        return found
    _name(rel, rules, found)
    if stat.S_ISLNK(mode):
        if real_root is not None:
            _link(path, rel, real_root, rules, found)
        return found
    if not stat.S_ISREG(mode):
        return found
    content = _content(path, os.path.basename(path))
    _facts(rel, content.facts, rules, found)
    for text, first_line in content.parts:
        _scan_text(text, first_line, rel, rules, content.raw_rules, content.squashed, found)
    return _unique(found)


def _unique(found: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(found))


def scan_file(path: str, rel: str, rules: Sequence[Rule], root: str | None = None
              ) -> list[Finding]:
    """The findings in one file (``rel``: its path as reported). A link is reported when
    it leads out of ``root`` (by default the folder ``rel`` is relative to)."""
    if root is None:
        suffix = os.sep + rel.replace("/", os.sep)
        root = path[:-len(suffix)] if path.endswith(suffix) else os.path.dirname(path)
    return _scan(path, rel, _prepare(rules), os.path.realpath(root))


def scan_tree(root: str, rules: Sequence[Rule], skip: AbstractSet[str] = frozenset()
              ) -> tuple[list[Finding], int]:
    """Every finding in the files under ``root`` (``.git`` and the folders in ``skip`` left
    out, links reported and not followed, a folder that cannot be read reported), most
    severe first; and how many files were scanned."""
    prepared = _prepare(rules)
    real_root = os.path.realpath(root)
    found: list[Finding] = []
    files = 0
    errors: list[OSError] = []
    for folder, dirs, names in os.walk(root, onerror=errors.append):
        kept = []
        for name in sorted(dirs):
            path = os.path.join(folder, name)
            if name == ".git" or path in skip:
                continue
            if os.path.islink(path):
                found += _scan(path, os.path.relpath(path, root), prepared, real_root)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                regular = stat.S_ISREG(os.lstat(path).st_mode)
            except OSError:
                regular = False
            files += regular
            found += _scan(path, os.path.relpath(path, root), prepared, real_root)
    for error in errors:
        rel = os.path.relpath(str(error.filename or root), root)
        _facts(rel, [(f"unreadable {error.strerror}", 0, str(error.strerror))], prepared,
               found)
    found.sort(key=lambda f: (rank(f.severity), f.path, f.line, f.rule))
    return found, files


def blocking(findings: Iterable[Finding], level: str) -> list[Finding]:
    """The findings at or above ``level``."""
    return [f for f in findings if rank(f.severity) <= rank(level)]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity (every severity named, most severe first)."""
    seen = Counter(f.severity for f in findings)
    return {s: seen[s] for s in SEVERITIES}


def summary(findings: Iterable[Finding]) -> str:
    """``"1 critical, 2 high, 1 info"`` (``"no findings"``): what a blocked install or update
    also shows of the findings below its threshold."""
    return ", ".join(f"{n} {s.lower()}" for s, n in counts(findings).items() if n) or (
        "no findings")


def describe(finding: Finding) -> str:
    """One line: ``HIGH scripts/x.sh:3 rule-id: message``."""
    return (f"{finding.severity} {finding.path}:{finding.line} {finding.rule}: "
            f"{finding.message}")
