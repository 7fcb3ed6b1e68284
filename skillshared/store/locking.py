"""``ops.lock`` (one process at a time changes targets, sources and config) and the flock
helper that ``daemon.lock`` uses too. A lock file holds the holder's pid on its first line;
``daemon.lock`` also says where the daemon listens, on a second line (``note``)."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillshared.core.errors import LockedError
from skillshared.engine import fsops


def alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (it may be another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            text = handle.read(64).split(b"\n", 1)[0].strip()
    except OSError:
        return ""
    return f" (pid {text.decode()})" if text.isdigit() else ""


def hold(path: Path, timeout: float, poll: float = 0.05,
         busy: str = "another skillshare operation is running",
         hint: str = "wait for it to finish, then run the command again",
         note: str = "") -> int:
    """Take an flock on ``path`` (waiting up to ``timeout`` seconds for another holder) and
    write our pid in it (and ``note`` on the next line); returns the open fd, which holds the
    lock until it is closed."""
    if not path.parent.is_dir():  # no mkdir (a change) when it is there already
        fsops.make_private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NONBLOCK, 0o600)
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or a device: not a lock we can trust
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                os.close(fd)
                raise
            if time.monotonic() >= deadline:
                os.close(fd)
                raise LockedError(f"{busy}{_holder(path)}", hint=hint) from None
            time.sleep(poll)
    try:
        os.ftruncate(fd, 0)
        text = f"{os.getpid()}\n{note}\n" if note else str(os.getpid())
        os.pwrite(fd, text.encode("utf-8", "surrogateescape"), 0)
    except OSError:
        os.close(fd)
        raise
    return fd


@contextmanager
def exclusive(path: Path, timeout: float = 60.0, poll: float = 0.05) -> Iterator[None]:
    """Hold an flock on ``path`` while the block runs."""
    fd = hold(path, timeout, poll)
    try:
        yield
    finally:
        os.close(fd)
