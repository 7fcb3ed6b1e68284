"""The events the dashboard's streams carry: what the daemon did, as it did it.

The daemon publishes (a reconcile pass, a job, a command that changed files); each open
stream waits for events after the last one it sent. Publishing costs a lock and a list
append: it never waits for a stream. The last :data:`KEPT` events are kept, so a stream
that was busy writing misses none of them (one further behind gets what is kept).
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Any

KEPT = 256


@dataclass(frozen=True)
class Event:
    seq: int
    name: str
    data: dict[str, Any]


class Hub:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._events: deque[Event] = deque(maxlen=KEPT)
        self._seq = 0
        self.closed = False

    @property
    def generation(self) -> int:
        return self._seq

    def publish(self, name: str, data: dict[str, Any]) -> None:
        with self._cond:
            if self.closed:
                return
            self._seq += 1
            self._events.append(Event(self._seq, name, {**data, "generation": self._seq}))
            self._cond.notify_all()

    def wait(self, after: int, timeout: float) -> list[Event] | None:
        """The events after ``after`` (waiting up to ``timeout`` seconds for one; [] when
        none came), or None once the hub is closed."""
        with self._cond:
            self._cond.wait_for(lambda: self.closed or self._seq > after, timeout)
            if self.closed:
                return None
            return [e for e in self._events if e.seq > after]

    def close(self) -> None:
        """Ends every stream (each sends its last words and returns)."""
        with self._cond:
            self.closed = True
            self._cond.notify_all()
