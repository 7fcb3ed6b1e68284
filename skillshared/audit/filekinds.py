"""What kind of file a scan reads: a binary's kind and format by its signature (and, for
media, its name), and the codec of a text by its byte-order mark or its NUL bytes."""

from __future__ import annotations

import codecs
from dataclasses import dataclass


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


def kind_of(head: bytes, name: str, binary: bool) -> tuple[str, str] | None:
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


def codec_of(head: bytes) -> tuple[str, int]:
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

