"""Text as the rules see it: HTML entities decoded, NFKD compatibility forms folded,
accents, zero-width and other invisible characters removed, Unicode tag characters read as
the ASCII they stand for, look-alikes of other scripts folded to Latin; and the lines,
excerpts and squashed forms of a text."""

from __future__ import annotations

import html
import re
import unicodedata

EXACT_POSITION = 1 << 16  # past this far into a changed line, excerpts are placed roughly

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
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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


def raw_position(raw: str, target: int, size: int) -> int:
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


def squash(folded: str) -> str:
    """Only the letters a-z of an already folded text (HTML tags left out)."""
    if "<" in folded:
        folded = _TAG.sub("", folded)
    return folded.encode("ascii", "ignore").translate(None, _NON_LETTERS).decode("ascii")


LONE_CR = re.compile(r"\r(?!\n)")
_BREAK = re.compile(r"\r\n?|\n")


def split_lines(text: str) -> list[str]:
    """Lines, broken at LF, CRLF and CR (as editors show them)."""
    lines = text.split("\n") if "\r" not in text else _BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    return lines


def excerpt(text: str, position: int) -> str:
    """Around ``position``, at most 120 characters, invisible characters shown as \\uXXXX."""
    start = max(0, position - 40)
    part = text[start:start + 120]
    if part.isascii() and part.isprintable():
        return part.strip()
    return "".join(c if c.isprintable() and c not in INVISIBLE else f"\\u{ord(c):04X}"
                   for c in part).strip()


def named(message: str, matched: str) -> str:
    """The message of a finding in text as written, naming the characters past ASCII."""
    named = [f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}"
             for c in dict.fromkeys(matched) if not c.isascii()]
    if not named:
        return message
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    return f"{message}: {', '.join(named[:3])}{more}"

