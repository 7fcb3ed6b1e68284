"""Scheduled jobs (APScheduler 3.x) that hand their work to the worker.

Each job: one run at a time (a run that comes due while the previous one still works is
skipped), runs missed while the machine slept run once at wake (no misfire grace limit,
coalesced — APScheduler's default grace of 1 s would skip them), a time limit after which the
run is reported as timed out, and a result kept for `status`. A failing job is logged and
shown; it never stops the daemon.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from skillshared.core import timefmt
from skillshared.core.errors import SkillshareError
from skillshared.core.results_daemon import JobResult, JobState
from skillshared.daemon import logs
from skillshared.daemon.reconciler import now_iso

Submit = Callable[[str, Callable[[], Any]], "Future[Any]"]


@dataclass(frozen=True)
class JobSpec:
    name: str
    interval: float | None  # seconds; None = off
    func: Callable[[], Any]
    time_limit: float


@dataclass
class _State:
    spec: JobSpec
    running: bool = False
    last_run: str | None = None
    last_result: JobResult | None = None
    last_error: str | None = None
    last_summary: str | None = None  # what the last run that finished did (its text result)
    last_ms: float | None = None
    runs: int = 0


class Scheduler:
    def __init__(self, submit: Submit,
                 on_result: Callable[[str, JobResult, str | None], None] | None = None) -> None:
        self.submit = submit
        self.on_result = on_result  # told of each run's end: (job, result, words)
        self.log = logs.get("scheduler")
        self._sched = BackgroundScheduler(timezone=UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": None})
        self._jobs: dict[str, _State] = {}
        self._lock = threading.Lock()

    def start(self, specs: list[JobSpec]) -> None:
        self._sched.start()
        self.configure(specs)

    def shutdown(self, wait: bool = False) -> None:
        """Stop scheduling. ``wait``: also wait for running jobs (not at daemon shutdown: a
        job waits on the worker, which stops after the scheduler)."""
        if self._sched.running:
            self._sched.shutdown(wait=wait)

    def wakeup(self) -> None:
        """Look at the clock now (after a suspend, the scheduler's own wait runs late)."""
        if self._sched.running:
            self._sched.wakeup()

    def configure(self, specs: list[JobSpec]) -> None:
        """Add, change or remove jobs to match ``specs`` (a job keeps its history)."""
        wanted = {s.name: s for s in specs if s.interval}
        with self._lock:
            for name in list(self._jobs):
                if name not in wanted:
                    self._sched.remove_job(name)
                    del self._jobs[name]
            for name, spec in wanted.items():
                state = self._jobs.get(name)
                if state is not None and state.spec.interval == spec.interval:
                    state.spec = spec
                    continue
                assert spec.interval is not None
                self._sched.add_job(
                    self._run, "interval", seconds=spec.interval, id=name, name=name,
                    args=[name], replace_existing=True,
                    next_run_time=datetime.now(UTC) + timedelta(seconds=spec.interval))
                if state is None:
                    self._jobs[name] = _State(spec)
                else:
                    state.spec = spec

    def status(self) -> list[JobState]:
        with self._lock:
            states = list(self._jobs.values())
        result: list[JobState] = []
        for state in states:
            job = self._sched.get_job(state.spec.name)
            next_run = job.next_run_time if job is not None else None
            result.append({
                "name": state.spec.name, "interval_s": state.spec.interval,
                "time_limit_s": state.spec.time_limit,
                "next_run": timefmt.iso(next_run.timestamp()) if next_run else None,
                "running": state.running, "last_run": state.last_run,
                "last_result": state.last_result, "last_error": state.last_error,
                "last_summary": state.last_summary,
                "last_ms": state.last_ms, "runs": state.runs,
            })
        return result

    def _run(self, name: str) -> None:
        with self._lock:
            state = self._jobs.get(name)
            if state is None or state.running:
                return  # never twice at once (a timed-out run may still be working)
            state.running = True
        started = time.monotonic()
        state.last_run = now_iso()
        future = self.submit(f"job:{name}", state.spec.func)
        future.add_done_callback(lambda _f: self._finished(state))
        try:
            value = future.result(timeout=state.spec.time_limit)
        except FutureTimeout:
            self._result(state, "timed out", f"still running after {state.spec.time_limit:g} s",
                         started)
        except Exception as exc:
            message = exc.message if isinstance(exc, SkillshareError) else repr(exc)
            self._result(state, "error", message, started)
        else:
            state.last_summary = value if isinstance(value, str) else None
            self._result(state, "ok", None, started)

    def _result(self, state: _State, result: JobResult, error: str | None,
                started: float) -> None:
        state.last_result, state.last_error = result, error
        state.last_ms = round((time.monotonic() - started) * 1000, 1)
        state.runs += 1
        log = self.log.info if result == "ok" else self.log.error
        said = error if result != "ok" else state.last_summary
        log("job", job=state.spec.name, result=result, error=error, ms=state.last_ms,
            summary=f"{state.spec.name} {result}" + (f": {said}" if said else ""))
        if self.on_result is not None:
            self.on_result(state.spec.name, result, said)

    @staticmethod
    def _finished(state: _State) -> None:
        state.running = False
