"""The write guard: an audit hook that fails a test writing outside its temp folder.

File creation (``open`` for writing), renames, links, deletions and mode changes are checked
while ``allowed`` holds the roots a test may write under (the ``isolated`` fixture sets it);
each refused write is also kept in ``violations`` for the fixture to report.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_EVENTS = {"os.mkdir", "os.symlink", "os.link", "os.rename", "os.replace", "os.remove",
           "os.rmdir", "os.chmod", "os.truncate", "os.utime", "shutil.rmtree",
           "shutil.copyfile", "shutil.move"}

allowed: list[str] = []
violations: list[str] = []


def is_allowed(path: Any) -> bool:
    if isinstance(path, int):
        return True
    try:
        text = os.fsdecode(path)
    except TypeError:
        return True
    full = os.path.abspath(text)
    if full.startswith("/dev/") or "/__pycache__/" in full or full.endswith(".pyc"):
        return True
    return any(full == root or full.startswith(root + os.sep) for root in allowed)


def audit(event: str, args: tuple[Any, ...]) -> None:
    if not allowed:
        return
    if event == "open":
        path, mode, flags = (*args, None, None)[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS)
        paths = [path] if writing else []
    elif event in _EVENTS:
        # os.symlink(text, path) and os.link(existing, path): only the new path is written
        chosen = args[1:2] if event in ("os.symlink", "os.link") else args[:2]
        paths = [a for a in chosen if isinstance(a, str | bytes | os.PathLike)]
    else:
        return
    for path in paths:
        if not is_allowed(path):
            violations.append(f"{event} {os.fsdecode(path)}")
            raise PermissionError(f"test wrote outside its temp folder: {event} {path}")


def install() -> None:
    """Add the hook to this process (an audit hook cannot be removed again)."""
    sys.addaudithook(audit)
