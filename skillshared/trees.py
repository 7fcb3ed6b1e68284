"""Read-only views of folder trees: content digests and cheap stat signatures."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator

from skillshared.patterns import IgnoreRules

NO_RULES = IgnoreRules()
_CHUNK = 1 << 20


def _sorted_entries(folder: str) -> Iterator[os.DirEntry[str]]:
    with os.scandir(folder) as it:
        return iter(sorted(it, key=lambda e: e.name))


def walk(root: str, ignore: IgnoreRules = NO_RULES) -> Iterator[tuple[str, os.stat_result]]:
    """Yield ``(relative path, lstat)`` of everything under ``root``, sorted, depth first.

    Links are not followed; paths matched by ``ignore`` are left out.
    """
    stack: list[tuple[str, Iterator[os.DirEntry[str]]]] = [("", _sorted_entries(root))]
    while stack:
        rel, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        child = f"{rel}/{entry.name}" if rel else entry.name
        st = entry.stat(follow_symlinks=False)
        is_dir = stat.S_ISDIR(st.st_mode)
        if ignore and ignore.ignored(child, is_dir):
            continue
        yield child, st
        if is_dir:
            stack.append((child, _sorted_entries(entry.path)))


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def entry_record(root: str, rel: str, st: os.stat_result, content: str | None = None) -> bytes:
    """The bytes a tree digest hashes for one entry (``content``: sha256 of a file's data)."""
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        return b"D\0" + rel.encode("utf-8", "surrogateescape") + b"\0"
    if stat.S_ISLNK(mode):
        text = os.readlink(os.path.join(root, rel))
        return b"L\0" + rel.encode("utf-8", "surrogateescape") + b"\0" + os.fsencode(text) + b"\0"
    if stat.S_ISREG(mode):
        if content is None:
            content = file_sha256(os.path.join(root, rel))
        kind = b"X" if mode & 0o111 else b"F"
        return kind + b"\0" + rel.encode("utf-8", "surrogateescape") + b"\0" + content.encode()
    return b"O\0" + rel.encode("utf-8", "surrogateescape") + b"\0"


def digest(root: str, ignore: IgnoreRules = NO_RULES) -> str:
    """SHA-256 over every entry's path, type and content: equal iff the trees hold the same."""
    total = hashlib.sha256()
    for rel, st in walk(root, ignore):
        total.update(entry_record(root, rel, st))
    return total.hexdigest()


def signature(root: str, ignore: IgnoreRules = NO_RULES) -> str:
    """Cheap fingerprint from metadata only (path, type, size, mtime): changes when content may."""
    total = hashlib.sha256()
    for rel, st in walk(root, ignore):
        total.update(f"{rel}\0{st.st_mode}\0{st.st_size}\0{st.st_mtime_ns}\0".encode(
            "utf-8", "surrogateescape"))
    return total.hexdigest()
