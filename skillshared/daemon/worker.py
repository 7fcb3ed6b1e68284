"""The one writer: every mutation in the daemon (socket requests, reconciles, scheduled jobs)
runs on this thread, one at a time, holding ``ops.lock`` so that a CLI running in-process
(``--no-daemon``) waits its turn too."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshared.core.errors import SkillshareError
from skillshared.store.locking import exclusive

LOCK_WAIT = 120.0  # seconds a job waits for an in-process CLI holding ops.lock


class StoppingError(SkillshareError):
    code = "daemon_stopping"


@dataclass
class Job:
    name: str
    func: Callable[[], Any]
    future: Future[Any] = field(default_factory=Future)


class Worker:
    def __init__(self, ops_lock: Path, on_error: Callable[[str, BaseException], None]) -> None:
        self.ops_lock = ops_lock
        self.on_error = on_error
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="worker", daemon=True)
        self._stopping = False
        self.current: tuple[str, float] | None = None  # (job name, wall-clock start)
        self._pending = 0
        self._lock = threading.Lock()

    def start(self) -> None:
        self._thread.start()

    def submit(self, name: str, func: Callable[[], Any]) -> Future[Any]:
        job = Job(name, func)
        with self._lock:
            if self._stopping:
                job.future.set_exception(StoppingError("the daemon is stopping",
                                                       hint="run the command again"))
                return job.future
            self._pending += 1
        self._queue.put(job)
        return job.future

    @property
    def pending(self) -> int:
        return self._pending

    def stop(self, timeout: float) -> None:
        """Finish the running job, refuse the queued ones, then end the thread."""
        with self._lock:
            self._stopping = True
        self._queue.put(None)
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            self.current = (job.name, time.time())  # busy before no longer pending
            with self._lock:
                self._pending -= 1
                stopping = self._stopping
            if stopping:
                job.future.set_exception(StoppingError("the daemon is stopping",
                                                       hint="run the command again"))
                self.current = None
                continue
            if not job.future.set_running_or_notify_cancel():
                self.current = None
                continue
            try:
                with exclusive(self.ops_lock, timeout=LOCK_WAIT):
                    result = job.func()
            except BaseException as exc:
                if not isinstance(exc, SkillshareError):
                    self.on_error(job.name, exc)
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)
            finally:
                self.current = None
