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


@contextmanager
def exclusive(path: Path, timeout: float = 60.0, poll: float = 0.05) -> Iterator[None]:
    """Hold an flock on ``path``; wait up to ``timeout`` seconds for another holder."""
    fsops.make_private_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"another skillshare operation is running{_holder(path)}",
                        hint="wait for it to finish, then run the command again",
                    ) from None
                time.sleep(poll)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)
