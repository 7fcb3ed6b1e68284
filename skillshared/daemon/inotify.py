"""The kernel's inotify: how many watches this process holds, the user's limit, and the
alarm raised when its event queue overflowed."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable


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
