"""What an archive in a skill holds, as far as a scan needs it: the members that are code
(scripts and programs by their names, or anything marked executable), read from a zip's
directory or by walking a tar's headers. Nothing is extracted; a tar is walked through at
most :data:`MAX_TAR_BYTES` of its content and :data:`MAX_MEMBERS` members."""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile

from skillshared.audit.intent import SCRIPTS

PROGRAMS = (".exe", ".dll", ".so", ".dylib", ".bin", ".msi", ".jar", ".class", ".pyc", ".scr",
            ".apk", ".elf", ".wasm", ".deb", ".rpm", ".pkg", ".dmg", ".app")
MAX_MEMBERS = 10_000
MAX_TAR_BYTES = 256 << 20
SHOWN = 3
TARS = frozenset({"tar", "gzip", "bzip2", "xz"})


def code_inside(path: str, fmt: str) -> list[str]:
    """The names of the members of the archive at ``path`` that are code (empty when none,
    or when it cannot be listed)."""
    try:
        if fmt == "zip":
            return _zip(path)
        if fmt in TARS:
            return _tar(path)
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, ValueError):
        return []
    return []


def _is_code(name: str, mode: int) -> bool:
    lower = name.lower().rstrip("/")
    return lower.endswith(SCRIPTS + PROGRAMS) or bool(stat.S_ISREG(mode) and mode & 0o111)


def _zip(path: str) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return [i.filename for i in archive.infolist()[:MAX_MEMBERS]
                if not i.is_dir() and _is_code(i.filename, i.external_attr >> 16)]


def _tar(path: str) -> list[str]:
    found: list[str] = []
    with tarfile.open(path, "r:*") as archive:
        for count, member in enumerate(archive):
            if count >= MAX_MEMBERS or archive.offset > MAX_TAR_BYTES:
                break
            if member.isfile() and _is_code(member.name, stat.S_IFREG | member.mode):
                found.append(os.path.normpath(member.name))
    return found


def holding(names: list[str]) -> str:
    """How a fact and an excerpt name the code found (a few names, and how many more)."""
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")
