"""Run ``skillshare`` and exit abruptly (no cleanup, like kill -9) at the N-th filesystem change.

Usage: python tests/crash_harness.py N <skillshare arguments...>. Exits 77 when it crashed,
otherwise with the command's own exit code. The environment can change that:

- ``CRASH_AT=<event>:<K>`` names the point instead of N: the K-th change of that kind
  (``os.rename:1``: the first rename, ``os.symlink:3``, ``open:2``: the second file opened
  for writing; the kinds are the audit events below);
- ``CRASH_RAISE=ENOSPC`` (any errno name): the N-th change fails with that error instead (a
  full disk, say) and the command carries on as it would;
- ``CRASH_RAISE_UNDER=<folder>`` as well: every change under that folder fails with it (a
  read-only target, say), and N is not used;
- ``CRASH_COUNT_FILE=<file>``: the number of changes the run made is written there when it
  exits normally;
- ``CRASH_LOG=<file>``: each crash or failure appends a line (``crashed`` or ``failed``,
  the point, the command): how the README's count of crash points comes about.
"""

from __future__ import annotations

import atexit
import errno
import os
import sys
from typing import Any

CRASHED = 77
_CHANGES = {"os.symlink", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.mkdir",
            "os.link", "shutil.rmtree", "os.chmod", "os.truncate"}
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_count = [0]
_kinds: dict[str, int] = {}  # changes so far of each kind
_noting: list[bool] = []  # non-empty while _note writes (its own open is not a change)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _noting:
        return
    if event == "open":
        mode, flags = (*args, None, None)[1:3]
        if not ((isinstance(mode, str) and any(c in mode for c in "wax+"))
                or (isinstance(flags, int) and flags & _WRITE)):
            return
    elif event not in _CHANGES:
        return
    if _UNDER:
        path = os.fsdecode(args[0]) if args and isinstance(args[0], str | bytes) else ""
        if os.path.abspath(path).startswith(_UNDER):
            raise OSError(_RAISE, os.strerror(_RAISE), path)
        return
    _count[0] += 1
    _kinds[event] = _kinds.get(event, 0) + 1
    if _count[0] == _LIMIT if _NAMED is None else (event, _kinds[event]) == _NAMED:
        if _RAISE:
            _note("failed")
            raise OSError(_RAISE, os.strerror(_RAISE), str(args[0]) if args else None)
        _note("crashed")
        os._exit(CRASHED)


def _note(what: str) -> None:
    log = os.environ.get("CRASH_LOG")
    if log:
        _noting.append(True)
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        point = _LIMIT if _NAMED is None else ":".join(map(str, _NAMED))
        os.write(fd, f"{what} {point} {' '.join(sys.argv[2:3])}\n".encode())
        os.close(fd)
        _noting.pop()


_LIMIT = int(sys.argv[1])
_NAMED: tuple[str, int] | None = None
if os.environ.get("CRASH_AT"):
    _event, _, _k = os.environ["CRASH_AT"].rpartition(":")
    _NAMED = (_event, int(_k))
_RAISE = getattr(errno, os.environ.get("CRASH_RAISE", ""), 0) if os.environ.get(
    "CRASH_RAISE") else 0
_UNDER = os.environ.get("CRASH_RAISE_UNDER", "")
sys.addaudithook(_hook)


def _write_count(path: str) -> None:
    made = str(_count[0])  # before the open below counts as a change
    with open(path, "w") as handle:
        handle.write(made)


if os.environ.get("CRASH_COUNT_FILE"):
    atexit.register(_write_count, os.environ["CRASH_COUNT_FILE"])

from skillshare.main import main  # noqa: E402

sys.exit(main(sys.argv[2:]))
