"""Collecting hints until a burst settles: ``debounce_ms`` after the last event, but never
more than 10x that after the first, so a steady stream of writes still reconciles."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from skillshared.daemon.roots import AGENTS, CONFIG, EXTRA, SOURCE, Hint

MAX_PATHS = 2000  # more source paths than this in one burst: a full pass is cheaper
CAP_FACTOR = 10


@dataclass
class Batch:
    """What changed since the last reconcile. ``targets`` maps a target name to entry names
    ("" meaning the target folder itself)."""

    full: bool = False
    config: bool = False
    source: set[str] = field(default_factory=set)
    targets: dict[str, set[str]] = field(default_factory=dict)
    reasons: set[str] = field(default_factory=set)
    agents: bool = False  # an agents pass is due
    extras: set[str] = field(default_factory=set)  # the extras whose pass is due

    def add(self, hints: Iterable[Hint]) -> None:
        for hint in hints:
            if hint.kind == SOURCE:
                if not self.full:
                    self.source.add(hint.rel)
            elif hint.kind == CONFIG:
                self.config = True
            elif hint.kind == AGENTS:
                self.agents = True
            elif hint.kind == EXTRA:
                self.extras.add(hint.target or "")
            elif hint.target is not None:
                self.targets.setdefault(hint.target, set()).add(hint.rel)
        if len(self.source) > MAX_PATHS:
            self.want_full("a burst of changes")

    def want_full(self, reason: str) -> None:
        self.full = True
        self.source.clear()
        self.reasons.add(reason)

    def merge(self, other: Batch) -> None:
        if other.full:
            self.want_full(", ".join(sorted(other.reasons)) or "full")
        self.config = self.config or other.config
        self.agents = self.agents or other.agents
        self.extras |= other.extras
        if not self.full:
            self.source |= other.source
        for name, entries in other.targets.items():
            self.targets.setdefault(name, set()).update(entries)
        self.reasons |= other.reasons

    def size(self) -> int:
        return (int(self.full) + int(self.config) + len(self.source) + int(self.agents)
                + len(self.extras)
                + sum(len(v) for v in self.targets.values()))


class Debouncer:
    def __init__(self, delay: float, flush: Callable[[Batch], None]) -> None:
        self.delay = delay
        self.flush = flush
        self._batch = Batch()
        self._first = self._last = 0.0
        self._cond = threading.Condition()
        self._stopped = False
        self._flushing = False  # a batch taken, not yet handed on
        self._thread = threading.Thread(target=self._run, name="debounce", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join()

    def set_delay(self, delay: float) -> None:
        with self._cond:
            self.delay = delay
            self._cond.notify()

    def pending(self) -> int:
        with self._cond:
            return self._batch.size() + int(self._flushing)

    def add(self, hints: Iterable[Hint] = (), full: str | None = None) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._batch.size():
                self._first = now
            self._last = now
            self._batch.add(hints)
            if full:
                self._batch.want_full(full)
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    if not self._batch.size():
                        self._cond.wait()  # idle: no timer, no polling
                        continue
                    due = min(self._last + self.delay, self._first + self.delay * CAP_FACTOR)
                    left = due - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if self._stopped:
                    return
                batch, self._batch = self._batch, Batch()
                self._flushing = True
            try:
                self.flush(batch)
            finally:
                with self._cond:
                    self._flushing = False
