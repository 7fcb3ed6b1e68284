"""``ops.lock``: one process at a time changes targets, sources and config."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillshared import fsops
from skillshared.errors import LockedError


def _holder(path: Path) -> str:
    try:
        text = path.read_text("utf-8").strip()
    except OSError:
        return ""
    return f" (pid {text})" if text.isdigit() else ""


def hold(path: Path, timeout: float, poll: float = 0.05,
         busy: str = "another skillshare operation is running",
         hint: str = "wait for it to finish, then run the command again") -> int:
    """Take an flock on ``path`` (waiting up to ``timeout`` seconds for another holder) and
    write our pid in it; returns the open fd, which holds the lock until it is closed."""
    fsops.make_private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
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
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


@contextmanager
def exclusive(path: Path, timeout: float = 60.0, poll: float = 0.05) -> Iterator[None]:
    """Hold an flock on ``path`` while the block runs."""
    fd = hold(path, timeout, poll)
    try:
        yield
    finally:
        os.close(fd)
