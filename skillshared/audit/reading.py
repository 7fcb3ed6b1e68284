"""Reading any file for a scan: decoded by its byte-order mark, as UTF-16 when its NUL bytes
say so, else as UTF-8 with any byte that is not UTF-8 read as Latin-1. A binary file is
reported by kind; an unknown one is still scanned as text, a known one by its printable
strings. Of a file over :data:`MAX_FILE_BYTES` the first MiB and the last
:data:`TAIL_BYTES` are read, and what lies between is reported."""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field

from skillshared.audit.archives import code_inside, holding
from skillshared.audit.filekinds import codec_of, kind_of
from skillshared.audit.normalise import LONE_CR, excerpt, split_lines

MAX_FILE_BYTES = 1 << 20  # of a larger file, the first MAX_FILE_BYTES are scanned ...
TAIL_BYTES = 256 << 10  # ... and the last TAIL_BYTES (what lies between is reported)
COUNT_LINES_UP_TO = 64 << 20  # the tail of a larger file has no line numbers (0)
LONG_LINE = 8192  # a longer line is matched in windows of this size


def _latin1(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):  # pragma: no cover - decoding only
        raise exc
    return exc.object[exc.start:exc.end].decode("latin-1"), exc.end


codecs.register_error("skillshared-latin1", _latin1)

_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_STRINGS = re.compile(rb"[\t\x20-\x7e]{6,}")


@dataclass
class Content:
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


def partial_end(data: bytes) -> int:
    """How many bytes at the end of ``data`` begin a UTF-8 character they do not finish."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return 0
        if byte >= 0xC0:  # a lead byte: how long its character is
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return back if back < length else 0
    return 0


def read_content(path: str, name: str) -> Content:
    got = _read(path)
    content = Content()
    if isinstance(got, str):
        content.facts.append((f"unreadable {got}", 0, got))
        return content
    head, tail, size, tail_line = got
    if tail:
        content.facts.append((f"too-large {size}", 0, f"{size} bytes; scanned: the first "
                              f"{MAX_FILE_BYTES >> 20} MiB and the last {TAIL_BYTES >> 10} KiB"))
    codec, bom = codec_of(head)
    sample = head[:8192]
    binary = False
    if codec == "utf-8":
        controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
        binary = controls > max(len(sample) * 0.05, 8)  # a stray NUL leaves it text
        kind = kind_of(head, name, binary)
        if kind is not None:
            category, fmt = kind
            code = code_inside(path, fmt) if category == "archive" else []
            content.facts.append(
                (f"{category} {fmt} holding code: {holding(code)}", 0,
                 f"{category} ({fmt}) holding {holding(code)}") if code
                else (f"{category} {fmt}", 0, f"{category} ({fmt})"))
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
        head = head[:len(head) - partial_end(head)]
        tail = tail[next((i for i in range(min(3, len(tail))) if not 0x80 <= tail[i] < 0xC0),
                         min(3, len(tail))):]
    text, valid = _decode(head[bom:], codec, binary)
    if not binary and (codec != "utf-8" or not valid):
        name = codec if codec != "utf-8" else "utf-8, and latin-1 where not utf-8"
        content.facts.append((f"encoding {name}", 0, f"read as {name}"))
    if not binary:
        if "\0" in text:
            line = len(split_lines(text[:text.index("\0")] + "."))
            content.facts.append(("nul-bytes", line, "NUL bytes in a text file"))
        cr = LONE_CR.search(text) if "\r" in text and "\n" in text else None
        if cr is not None:
            line = len(split_lines(text[:cr.start()] + "."))
            content.facts.append(("carriage-return", line, excerpt(
                text[text.rfind("\n", 0, cr.start()) + 1:], 0)))
    content.parts.append((text, 1))
    if tail:
        content.parts.append((_decode(tail, codec, binary)[0], tail_line))
    return content

