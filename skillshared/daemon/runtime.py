"""The daemon's parts, started and stopped in order, and how they talk:

    watcher --hints--> debouncer --batch--> worker (reconcile)
    socket server --request--> worker (mutations) | the connection's thread (reads)
    scheduler --job--> worker

Start: the socket is bound first (what cannot work is said before anything runs), then
config, worker, debouncer, watcher, scheduler, and the server starts answering (then the
first full reconcile). Stop (SIGTERM/SIGINT): the server stops accepting, the scheduler and
watcher stop, the worker finishes the operation it is running and refuses the queued ones,
and the server delivers the replies it owes, then closes.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from skillshared import __version__, api
from skillshared.commands.request import Request
from skillshared.core import logtail, progress, protocol
from skillshared.core.errors import UsageError
from skillshared.core.paths import Paths
from skillshared.core.results_daemon import DaemonRunning, ErrorAt, ReconcilePass
from skillshared.core.timefmt import iso as iso_time
from skillshared.daemon import logs
from skillshared.daemon.debounce import Batch, Debouncer
from skillshared.daemon.inotify import inotify_limit, inotify_watches
from skillshared.daemon.jobs import Jobs
from skillshared.daemon.process import process_stats
from skillshared.daemon.reconciler import Reconciler, now_iso
from skillshared.daemon.roots import CONFIG, Hint
from skillshared.daemon.scheduler import JobSpec, Scheduler
from skillshared.daemon.server import Server
from skillshared.daemon.ui import UiControl
from skillshared.daemon.watcher import Watcher
from skillshared.daemon.worker import Worker

STOP_GRACE = 600.0  # seconds the running operation may take to finish at shutdown
CLOCK_CHECK = 30.0  # seconds between checks for a suspend/resume (the wall clock jumps)
RESCAN_LIMIT = 900.0
JOB_LIMIT = 3600.0  # seconds a backup or cleanup run may take before it is reported
STATUS_TTL = 60.0
CACHED_READS = ("status", "list")  # answers reused while nothing changes (see _cached_read)


class Runtime:
    def __init__(self, paths: Paths, log_target: str) -> None:
        self.paths = paths
        self.log_target = log_target
        self.log = logs.get("daemon")
        self._recent = logtail.RecentEvents(log_target if log_target != "stderr" else None)
        self.started = time.time()
        self.reconciler = Reconciler(paths)
        self.worker = Worker(paths.ops_lock, self._job_failed)
        self.debouncer = Debouncer(0.05, self._flush)
        self.watcher = Watcher(self._on_hints, self._watch_restarted)
        self.scheduler = Scheduler(self.worker.submit, self._job_done)
        self.server = Server(paths, self.handle, on_failure=self._server_failed)
        self.jobs = Jobs(paths, self.reconciler, self._reconcile)
        self.ui = UiControl(self.handle, __version__, str(paths.home))  # `skillshare ui`
        self._exit = 0
        self._queued: Batch | None = None
        self._queue_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake: int | None = None  # the write end of the wait's wakeup pipe
        self._generation = -1
        self._job_errors: ErrorAt | None = None
        self._watches: tuple[float, int | None] = (0.0, None)
        self._changes = 0  # bumped by every hint and every pass: keys the read cache
        # status and list answers by command: (key, when, result)
        self._read_cache: dict[str, tuple[tuple[Any, ...], float, dict[str, Any]]] = {}
        self._reused = 0

    # -- lifecycle ------------------------------------------------------------------------
    def run(self, ready: Callable[[], None] = lambda: None) -> int:
        """Run until SIGTERM/SIGINT; returns the exit code."""
        self.server.bind()  # raises StartError (the socket cannot be made) before any thread
        self._signals()
        undo_overflow = logs.on_watcher_overflow(self._overflow)
        self.reconciler.load_config()
        self.worker.start()
        self.debouncer.start()
        self.watcher.start(self.reconciler.roots())
        self.scheduler.start([])
        self._apply_config()
        self.debouncer.add(full="daemon start")  # before the socket: never idle before it
        self.server.start()
        self.log.info("started", pid=os.getpid(), socket=str(self.paths.socket),
                      config=str(self.reconciler.scope.config_file), log=self.log_target)
        ready()
        self._wait()
        self.log.info("stopping")
        self.server.stop_accepting()
        self.ui.stop()
        self.scheduler.shutdown()
        self.watcher.stop()
        self.debouncer.stop()
        self.worker.stop(STOP_GRACE)
        self.server.close()
        undo_overflow()
        self.log.info("stopped")
        return self._exit

    def _server_failed(self) -> None:
        """The socket server's loop died: stop, with exit 1 (a service manager restarts a
        daemon that fails), rather than hold the lock without answering."""
        self._exit = 1
        self.stop()

    def _signals(self) -> None:
        signal.signal(signal.SIGTERM, lambda *_: self._stop.set())
        signal.signal(signal.SIGINT, lambda *_: self._stop.set())
        signal.signal(signal.SIGHUP, lambda *_: self.reload("SIGHUP"))

    def _wait(self) -> None:
        """Sleep until stopped, looking at the clock every CLOCK_CHECK seconds. Signals wake
        it through a pipe (``signal.set_wakeup_fd``): the kernel may hand a signal to any
        thread, and a main thread asleep in ``Event.wait`` would not see it until its
        timeout."""
        read, write = os.pipe()
        for fd in (read, write):
            os.set_blocking(fd, False)
        self._wake = write
        previous = signal.set_wakeup_fd(write)
        skew = time.time() - time.monotonic()
        woke = False
        try:
            while not self._stop.is_set():
                ready, _, _ = select.select([read], [], [], 0.05 if woke else CLOCK_CHECK)
                woke = bool(ready)
                if woke:
                    with contextlib.suppress(BlockingIOError):
                        os.read(read, 4096)
                now_skew = time.time() - time.monotonic()
                if abs(now_skew - skew) > 5:  # suspended (or the clock was set): jobs are due
                    self.log.info("clock_jumped", seconds=round(now_skew - skew))
                    self.scheduler.wakeup()
                skew = now_skew
        finally:
            signal.set_wakeup_fd(previous)
            self._wake = None
            os.close(read)
            os.close(write)

    def stop(self) -> None:
        self._stop.set()
        wake = self._wake
        if wake is not None:
            with contextlib.suppress(OSError):
                os.write(wake, b"\0")

    def reload(self, why: str) -> None:
        self.log.info("reload_requested", reason=why)
        self.debouncer.add([Hint(CONFIG)])

    # -- reconciling ----------------------------------------------------------------------
    def _on_hints(self, hints: list[Hint]) -> None:
        self._changes += 1
        self.debouncer.add(hints)

    def _flush(self, batch: Batch) -> None:
        with self._queue_lock:
            if self._queued is not None:
                self._queued.merge(batch)  # one reconcile waiting is enough
                return
            self._queued = batch
        self.worker.submit("reconcile", self._run_queued)

    def _run_queued(self) -> ReconcilePass | None:
        with self._queue_lock:
            batch, self._queued = self._queued, None
        return self._reconcile(batch or Batch())

    def _reconcile(self, batch: Batch) -> ReconcilePass | None:
        result = self.reconciler.run(batch)
        self._changes += 1
        if result is not None:
            self.ui.publish("pass", dict(result))
        self._apply_config()
        self.watcher.check_soon()
        return result

    def _rescan(self) -> ReconcilePass | None:
        batch = Batch()
        batch.want_full("scheduled rescan")
        batch.config = True  # also a look at the config file, whatever the watches saw
        return self._reconcile(batch)

    def _apply_config(self) -> None:
        """Bring watches, debounce and jobs in line with a config that came into force."""
        if self.reconciler.generation == self._generation:
            return
        self._generation = self.reconciler.generation
        config = self.reconciler.config
        self.watcher.set_roots(self.reconciler.roots())
        if config is None:
            return
        self.debouncer.set_delay(config.daemon.debounce_ms / 1000)
        self.scheduler.configure([
            JobSpec("rescan", config.daemon.rescan_interval, self._rescan, RESCAN_LIMIT),
            JobSpec("pull", config.daemon.pull_interval, self.jobs.pull, JOB_LIMIT),
            JobSpec("update", config.daemon.update_interval, self.jobs.update, JOB_LIMIT),
            JobSpec("backup", config.daemon.backup_interval, self.jobs.backup, JOB_LIMIT),
            JobSpec("cleanup", config.daemon.cleanup_interval, self.jobs.cleanup, JOB_LIMIT),
        ])

    # Events were lost, or the watches were rebuilt (a root or the config's link changed):
    # anything may have changed, the config file too.
    def _overflow(self) -> None:
        self.debouncer.add([Hint(CONFIG)], full="the kernel's event queue overflowed")

    def _watch_restarted(self, reason: str) -> None:
        self.debouncer.add([Hint(CONFIG)], full=f"watcher restarted: {reason}")

    def _job_done(self, name: str, result: str, summary: str | None) -> None:
        self.ui.publish("job", {"name": name, "result": result, "summary": summary})

    def _job_failed(self, name: str, exc: BaseException) -> None:
        self._job_errors = {"at": now_iso(), "message": f"{name}: {exc!r}"}
        self.log.error("job_failed", job=name, error=repr(exc), exc_info=exc)

    # -- requests -------------------------------------------------------------------------
    def handle(self, req: protocol.Request) -> dict[str, Any] | Future[dict[str, Any]]:
        """A request's result; for a mutation, the future of its run on the worker (the
        server sends the reply when it is done, holding no thread meanwhile)."""
        cmd, args = req.cmd, req.args
        if cmd == "ping":
            return {"pid": os.getpid(), "version": __version__,
                    "socket": str(self.paths.socket)}
        if cmd == "daemon":
            return self._daemon_cmd(args)
        if cmd == "ui":
            return self.ui.request(args)
        if api.mutates(cmd, args) and not args.get("dry_run"):
            future: Future[dict[str, Any]] = self.worker.submit(
                f"request:{cmd}", lambda: self._mutate(cmd, args, req.notify))
            return future
        if cmd in CACHED_READS:
            return self._cached_read(cmd, args)
        with progress.reporting(req.notify):
            return api.run(cmd, args, self.paths, daemon=self.status)

    def _mutate(self, cmd: str, args: dict[str, Any], notify: Any) -> dict[str, Any]:
        try:
            with progress.reporting(notify):
                return api.run(cmd, args, self.paths, daemon=self.status)
        finally:
            self._changes += 1
            self.debouncer.add([Hint(CONFIG)])  # the command may have changed the config
            self.ui.publish("command", {"cmd": cmd})

    def _cached_read(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        """`status` or `list` of the global scope, reused while nothing was seen to change:
        every change to the source, the config or a watched target bumps the key (and every
        command run through the daemon). Kept for at most STATUS_TTL seconds (git state and
        the like are not watched). A missing folder of agents or extras (most users have
        none) does not stop it: when one appears, the watcher's supervisor places its watch
        within seconds and a pass follows."""
        config = self.reconciler.config
        missing = set(self.watcher.status()["missing"]) - self.reconciler.optional_folders()
        cacheable = (config is not None and config.daemon.watch_targets and not missing
                     and not Request(self.paths, args).scope().is_project)
        key = (self._changes, self.reconciler.generation,
               tuple(sorted((k, repr(v)) for k, v in api.given_args(args).items())))
        cached = self._read_cache.get(cmd)
        if cacheable and cached and cached[0] == key and time.monotonic() - cached[1] < STATUS_TTL:
            self._reused += 1
            return {**cached[2], "daemon": self.status()} if cmd == "status" else cached[2]
        result = api.run(cmd, args, self.paths, daemon=self.status)
        if cacheable and key[0] == self._changes:
            self._read_cache[cmd] = (key, time.monotonic(), result)
        return result

    def _daemon_cmd(self, args: dict[str, Any]) -> dict[str, Any]:
        action = args.get("action", "status")
        if action == "reload":
            self.reload("request")
        elif action == "rescan":
            self.debouncer.add(full="requested")
        elif action != "status":
            raise UsageError(f"unknown daemon action {action!r}",
                             hint="one of: status, reload, rescan")
        return dict(self.status())

    def status(self) -> DaemonRunning:
        rec = self.reconciler
        # Looked at in the order work moves (debouncer, queue, worker), so that work moving on
        # meanwhile is seen in one of them: never idle while a pass is starting.
        pending_events = self.debouncer.pending()
        queued = self.worker.pending
        current = self.worker.current
        errors = [e for e in (rec.config_error, rec.last_error, self._job_errors) if e]
        return {
            "running": True, "pid": os.getpid(), "version": __version__,
            "started_at": iso_time(self.started),
            "uptime_s": round(time.time() - self.started, 1),
            "socket": str(self.paths.socket),
            "log": self.log_target,
            "config": {"file": str(rec.scope.config_file), "loaded": rec.config is not None,
                       "error": rec.config_error},
            "watch": {**self.watcher.status(), "inotify_watches": self._watch_count(),
                      "inotify_limit": inotify_limit()},
            "last_reconcile": rec.last, "last_change": rec.last_change,
            "reconciles": rec.passes, "pending_events": pending_events, "queued": queued,
            "busy": {"job": current[0], "for_s": round(time.time() - current[1], 1)}
            if current else None,
            "last_error": max(errors, key=lambda e: e["at"]) if errors else None,
            "recent": self._recent.get(),
            "jobs": self.scheduler.status(),
            "server": {**self.server.status(), "reads_reused": self._reused},
            "process": process_stats(),
            "ui": self.ui.status(),
        }

    def _watch_count(self) -> int | None:
        """From the watcher's bookkeeping; else from /proc (megabytes with a big tree), at
        most every 10 s."""
        count = self.watcher.watch_count()
        if count is not None:
            return count
        when, count = self._watches
        if time.monotonic() - when > 10:
            count = inotify_watches()
            self._watches = (time.monotonic(), count)
        return count

