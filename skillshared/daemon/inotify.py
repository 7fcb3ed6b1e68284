"""The kernel's inotify: its three calls (through the C library), how many watches this
process holds, the user's limit, and the alarm raised when watchdog's event queue overflowed
(where watchdog watches instead of :mod:`skillshared.daemon.inotify_tree`)."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys
from collections.abc import Callable

# The events the daemon asks for: entries made, removed, moved, and files written and closed.
# No IN_MODIFY per write() and no IN_ATTRIB/IN_OPEN, which is what overflows the queue on
# large trees when nothing is filtered.
IN_CLOSE_WRITE, IN_MOVED_FROM, IN_MOVED_TO = 0x8, 0x40, 0x80
IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ONLYDIR, IN_DONT_FOLLOW = 0x4000, 0x8000, 0x1000000, 0x2000000
IN_EXCL_UNLINK, IN_ISDIR = 0x4000000, 0x40000000
IN_NONBLOCK, IN_CLOEXEC = os.O_NONBLOCK, os.O_CLOEXEC
MASK = (IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF
        | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)


class Calls:
    """inotify_init1, inotify_add_watch and inotify_rm_watch; OSError on failure."""

    def __init__(self) -> None:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        self._init, self._add, self._rm = (libc.inotify_init1, libc.inotify_add_watch,
                                           libc.inotify_rm_watch)
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]

    def init(self) -> int:
        return self._check(self._init(IN_NONBLOCK | IN_CLOEXEC), "inotify_init1")

    def add(self, fd: int, path: str) -> int:
        return self._check(self._add(fd, os.fsencode(path), MASK), path)

    def rm(self, fd: int, wd: int) -> None:
        self._rm(fd, wd)  # fails only for a watch the kernel already dropped

    @staticmethod
    def _check(result: int, what: str) -> int:
        if result < 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), what)
        return int(result)


def calls() -> Calls | None:
    """The kernel's inotify calls; None where there are none (not Linux)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return Calls()
    except (OSError, AttributeError):
        return None


def inotify_watches() -> int | None:
    """How many inotify watches this process holds (Linux: from /proc); None elsewhere."""
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return None
    count = 0
    for fd in fds:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != "anon_inode:inotify":
                continue
            with open(f"/proc/self/fdinfo/{fd}", "rb") as handle:
                count += sum(1 for line in handle if line.startswith(b"inotify wd:"))
        except OSError:
            continue
    return count


def inotify_limit() -> int | None:
    try:
        with open("/proc/sys/fs/inotify/max_user_watches", encoding="ascii") as handle:
            return int(handle.read().strip())
    except (OSError, ValueError):
        return None


class OverflowAlarm(logging.Handler):
    """The kernel's inotify queue overflowed and events were lost. watchdog tells its callers
    nothing except through its log, so this handler on its logger is how the daemon learns
    it must look at everything again. watchdog's own remedy (removing and re-adding every
    watch of the tree) queues an IN_IGNORED event per removed watch, which on a big tree
    overflows the queue again, for ever; so the supervisor replaces the whole observer (a new
    inotify instance, an empty queue) instead, then asks for a full pass."""

    def __init__(self, on_lost: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self.on_lost = on_lost

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in str(record.msg).lower():
            self.on_lost("the inotify queue overflowed; events were lost")
