"""Read-only views of folder trees: content digests and cheap stat signatures."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator

from skillshared.core.limits import Limits
from skillshared.core.patterns import IgnoreRules

NO_RULES = IgnoreRules()
COPYABLE = IgnoreRules(specials=False)  # what a copy can hold: everything but special files
SKIP_GIT = IgnoreRules.parse([".git/"], specials=False)  # what a copy of a skill holds
_CHUNK = 1 << 20


def _sorted_entries(folder: str) -> Iterator[os.DirEntry[str]]:
    with os.scandir(folder) as it:
        return iter(sorted(it, key=lambda e: e.name))


MB = 1 << 20




class TooLarge(OSError):
    """A tree over its :class:`Limits`, raised by :func:`walk` before the entry that crosses
    them is yielded (so nothing over the limits is read or copied)."""

    def __init__(self, root: str, why: str) -> None:
        super().__init__(errno.EFBIG, why, root)
        self.why = why


def over_mb(limits: Limits) -> str:
    return f"holds more than {limits.max_mb:,} MB (limits.skill_max_mb)"


def walk(root: str, ignore: IgnoreRules = NO_RULES, limits: Limits | None = None
         ) -> Iterator[tuple[str, os.stat_result]]:
    """Yield ``(relative path, lstat)`` of everything under ``root``, sorted, depth first.

    Links are not followed; paths matched by ``ignore`` are left out. With ``limits``, raise
    :class:`TooLarge` at the first entry over them. A ``root`` that is a file (or a link to
    one) yields itself once, as ``""``, with the stat of what it leads to.
    """
    entries = size = 0
    for rel, st in _walk(root, ignore):
        if limits is not None:
            entries += 1
            if stat.S_ISREG(st.st_mode):
                size += st.st_size
            if entries > limits.max_files:
                raise TooLarge(root, f"holds more than {limits.max_files:,} files and folders "
                                     "(limits.skill_max_files)")
            if size > limits.max_mb * MB:
                raise TooLarge(root, over_mb(limits))
        yield rel, st


def _walk(root: str, ignore: IgnoreRules) -> Iterator[tuple[str, os.stat_result]]:
    try:
        top = _sorted_entries(root)
    except NotADirectoryError:  # a file unit (an agent, an extra's file): itself, as ""
        yield "", os.stat(root)
        return
    stack: list[tuple[str, Iterator[os.DirEntry[str]]]] = [("", top)]
    while stack:
        rel, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        child = f"{rel}/{entry.name}" if rel else entry.name
        st = entry.stat(follow_symlinks=False)
        is_dir = stat.S_ISDIR(st.st_mode)
        if ignore and (ignore.ignored(child, is_dir) or (
                not ignore.specials and special(st.st_mode))):
            continue
        yield child, st
        if is_dir:
            stack.append((child, _sorted_entries(entry.path)))


def special(mode: int) -> bool:
    """Whether an entry is neither a file, a folder nor a link (a FIFO, a socket, a device):
    copies leave it out (see ``IgnoreRules.specials``)."""
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode))


def special_kind(mode: int) -> str:
    """What a special file is, for people."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def record(kind: str, rel: str, data: str = "") -> bytes:
    """The bytes a tree digest hashes for one entry: ``kind`` D (folder), L (link; ``data``:
    its text), F or X (file, X executable; ``data``: sha256 of its content), O (other)."""
    path = rel.encode("utf-8", "surrogateescape")
    if kind == "L":
        return b"L\0" + path + b"\0" + os.fsencode(data) + b"\0"
    if kind in ("F", "X"):
        return kind.encode() + b"\0" + path + b"\0" + data.encode()
    return kind.encode() + b"\0" + path + b"\0"


def entry_record(root: str, rel: str, st: os.stat_result, content: str | None = None) -> bytes:
    """:func:`record` for an entry on disk (``content``: sha256 of a file's data if known)."""
    mode = st.st_mode
    path = os.path.join(root, rel) if rel else root
    if stat.S_ISDIR(mode):
        return record("D", rel)
    if stat.S_ISLNK(mode):
        return record("L", rel, os.readlink(path))
    if stat.S_ISREG(mode):
        if content is None:
            content = file_sha256(path)
        return record("X" if mode & 0o111 else "F", rel, content)
    return record("O", rel)


def digest(root: str, ignore: IgnoreRules = NO_RULES, limits: Limits | None = None) -> str:
    """SHA-256 over every entry's path, type and content: equal iff the trees hold the same."""
    total = hashlib.sha256()
    for rel, st in walk(root, ignore, limits):
        total.update(entry_record(root, rel, st))
    return total.hexdigest()


SIGNATURE_VERSION = "2"  # a signature made by another version never matches


def stat_key(st: os.stat_result) -> tuple[int, int, int, int, int]:
    """What must be equal for an entry to be taken as unchanged without reading it: type and
    mode, size, modification and change times, inode. The change time cannot be set by a
    user (``cp -p``, ``touch -r`` and ``rsync -a`` set the modification time, not it), and
    a file replaced by another has another inode or a new change time."""
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def signature(root: str, ignore: IgnoreRules = NO_RULES, limits: Limits | None = None) -> str:
    """Cheap fingerprint from metadata only (each entry's path and :func:`stat_key`): it
    changes whenever content may have. Never a reason to delete: what is deleted or replaced
    is checked against a content digest first."""
    total = hashlib.sha256(SIGNATURE_VERSION.encode())
    for rel, st in walk(root, ignore, limits):
        total.update(rel.encode("utf-8", "surrogateescape"))
        total.update(b"\0%d\0%d\0%d\0%d\0%d\0" % stat_key(st))
    return total.hexdigest()
