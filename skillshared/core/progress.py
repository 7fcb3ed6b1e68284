"""Progress of long work, for whoever shows it (README: "Progress").

Long loops of the engine (a sync's changes per target, a backup's targets, an install's
clone and audit, ...) call :func:`report`; it costs one attribute look-up unless a *sink* is
set for the running thread by :class:`reporting` — the CLI running a command in its own
process (a drawer on the terminal), or the daemon answering a request that asked for progress
(frames sent over the socket). Nothing else sees the frames: they are not part of any result.

A frame is a small JSON-able dict: ``task`` (what is being done, e.g. ``"syncing"``),
optional ``part`` (which target, repository, ...), ``done`` and ``total`` (counts within the
part; absent for work that has no count, such as a clone) and ``item`` (the name at hand).
Standard library only: the CLI imports this module when it draws progress.
"""

from __future__ import annotations

import threading
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Sink = Callable[[dict[str, Any]], None]

_local = threading.local()


def report(task: str, part: str | None = None, done: int | None = None,
           total: int | None = None, item: str | None = None) -> None:
    """Say how far the work of this thread has come (nothing happens without a sink)."""
    sink = getattr(_local, "sink", None)
    if sink is None:
        return
    frame: dict[str, Any] = {"task": task}
    if part is not None:
        frame["part"] = part
    if done is not None and total is not None:
        frame["done"], frame["total"] = done, total
    if item is not None:
        frame["item"] = item
    sink(frame)


def current() -> Sink | None:
    """This thread's sink, to hand on to the threads it starts."""
    return getattr(_local, "sink", None)


def wanted() -> bool:
    """Whether anyone watches this thread's progress (to skip counting work for nobody)."""
    return getattr(_local, "sink", None) is not None


class reporting:  # used like a function: ``with reporting(sink):``
    """Send this thread's frames to ``sink`` (None: to nobody) while the block runs. A sink
    that fails (its reader went away) is dropped: progress never stops the work."""

    def __init__(self, sink: Sink | None) -> None:
        self.sink = None if sink is None else _guarded(sink)
        self.before: Sink | None = None

    def __enter__(self) -> None:
        self.before = current()
        _local.sink = self.sink

    def __exit__(self, *exc: object) -> None:
        _local.sink = self.before


def _guarded(sink: Sink) -> Sink:
    broken = False

    def send(frame: dict[str, Any]) -> None:
        nonlocal broken
        if broken:
            return
        try:
            sink(frame)
        except Exception:
            broken = True

    return send


def throttled(sink: Sink, interval: float = 0.1) -> Sink:
    """``sink``, sent at most one frame per ``interval`` seconds, except that the first frame
    of each task and part, and the last of each part (``done == total``), always go through.
    Safe to call from several threads (a sync changes several targets at once)."""
    lock = threading.Lock()
    last = [0.0]
    seen: set[tuple[Any, Any]] = set()

    def send(frame: dict[str, Any]) -> None:
        key = (frame.get("task"), frame.get("part"))
        now = time.monotonic()
        with lock:
            finished = frame.get("done") is not None and frame.get("done") == frame.get("total")
            if key in seen and not finished and now - last[0] < interval:
                return
            seen.add(key)
            last[0] = now
        sink(frame)

    return send
