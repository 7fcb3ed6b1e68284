"""Watching the source (recursively), the config file and the targets (flat), with a
supervisor that covers watchdog's silent failure modes.

Events are hints (README: "The daemon"): they are mapped to *what* changed — a path in the
source, an entry name in a target, the config file — and handed to a callback; the disk is
read again when the daemon reconciles. watchdog stops delivering events without telling anyone when
an exception escapes the handler (the observer thread ends), when a watched root is deleted
(its emitter stops) or when a root is a symlink (nothing is reported through it). So roots
are watched at their real paths, the handler never raises, and a supervisor checks every few
seconds (and right after each reconcile) that the observer and every emitter are alive and
that each root is still the same folder; if not, it rebuilds the observer and asks for a full
reconcile. A root that does not exist yet is picked up the same way once it appears.
(What is watched, and what an event means: :mod:`skillshared.daemon.roots`.)
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from skillshared.core.results_daemon import Watched, WatcherState
from skillshared.daemon import logs
from skillshared.daemon.inotify import OverflowAlarm
from skillshared.daemon.roots import CONFIG, Hint, Root, covered, expand, folders, hints_for

# The kernel only queues these (IN_CREATE, IN_DELETE, IN_MOVED_*, IN_CLOSE_WRITE): no
# IN_MODIFY per write() and no IN_ATTRIB/IN_OPEN, which is what overflows the inotify queue
# on large trees when nothing is filtered.
EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]
CHECK_INTERVAL = 2.0


@dataclass
class _Watch:
    real: str
    ident: tuple[int, int]
    roots: list[Root]
    handle: ObservedWatch


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def dispatch(self, event: FileSystemEvent) -> None:
        # Never let an exception reach watchdog: it would end the observer thread silently.
        try:
            self.watcher.on_event(event)
        except Exception:
            self.watcher.log.exception("watch_event_failed")


_WATCHDOG_LOGGERS = ("watchdog.observers.inotify_c", "watchdog.observers.inotify")


class Watcher:
    def __init__(self, on_hints: Callable[[list[Hint]], None],
                 on_restart: Callable[[str], None]) -> None:
        self.on_hints = on_hints
        self.on_restart = on_restart
        self.log = logs.get("watcher")
        self._roots: list[Root] = []
        self._expanded: list[Root] = []  # the roots with the link hops, at the last rebuild
        self._watches: list[_Watch] = []
        self._observer: BaseObserver | None = None
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="watch-supervisor",
                                        daemon=True)
        self.restarts = 0
        self.overflows = 0
        self._overflowed: str | None = None
        self.missing: list[str] = []
        self._overflow = OverflowAlarm(self._lost)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, roots: Sequence[Root]) -> None:
        for name in _WATCHDOG_LOGGERS:
            logging.getLogger(name).addHandler(self._overflow)
        with self._lock:
            self._roots = list(roots)
            self._rebuild()
        self._thread.start()

    def _lost(self, reason: str) -> None:
        self.overflows += 1
        self._overflowed = reason
        self._wake.set()

    def stop(self) -> None:
        for name in _WATCHDOG_LOGGERS:
            logging.getLogger(name).removeHandler(self._overflow)
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()
        with self._lock:
            self._stop_observer()

    def set_roots(self, roots: Sequence[Root]) -> None:
        """New roots (the config changed). The watches that stay are kept as they are (a
        rebuild would miss what happens meanwhile); the new ones are placed, and what they
        watch is reported as changed (it may have changed before the watch was there)."""
        with self._lock:
            if list(roots) == self._roots:
                return
            self._roots = list(roots)
            added = self._update()
        if added:
            self.on_hints(added)

    def check_soon(self) -> None:
        self._wake.set()

    # -- status ---------------------------------------------------------------------------
    def status(self) -> WatcherState:
        with self._lock:
            watched: list[Watched] = [{"path": w.real, "roots": [r.path for r in w.roots],
                        "recursive": any(r.recursive for r in w.roots)} for w in self._watches]
            missing = list(self.missing)
            alive = self._observer is not None and self._observer.is_alive()
        return {"watching": watched, "missing": missing, "restarts": self.restarts,
                "overflows": self.overflows, "alive": alive}

    def watch_count(self) -> int | None:
        """The inotify watches the observer holds, from watchdog's own bookkeeping (no
        /proc reading: with 30,000 watches that takes a second on a slow machine); None
        when watchdog keeps it some other way."""
        with self._lock:
            observer = self._observer
            if observer is None:
                return 0
            total = 0
            for emitter in list(observer.emitters):
                group = getattr(emitter, "_inotify", None)
                watches = getattr(group, "_active_callbacks_by_watch", None)
                if not isinstance(watches, dict):
                    return None
                total += len(watches)
            return total

    # -- events ---------------------------------------------------------------------------
    def on_event(self, event: FileSystemEvent) -> None:
        paths = [os.fsdecode(event.src_path)]
        dest = getattr(event, "dest_path", "")
        if dest:
            paths.append(os.fsdecode(dest))
        hints = []
        for watch in self._watches:
            for root in watch.roots:
                for path in paths:
                    hint = hints_for(root, watch.real, path)
                    if hint is not None:
                        hints.append(hint)
        if hints:
            self.on_hints(hints)
        if isinstance(event, DirDeletedEvent | DirMovedEvent):
            self._wake.set()  # a root may be gone: let the supervisor look now

    # -- supervision ----------------------------------------------------------------------
    def _supervise(self) -> None:
        failing = 0  # consecutive restarts: back off (a watch limit reached stays reached)
        while not self._stop.is_set():
            self._wake.wait(CHECK_INTERVAL * min(2 ** failing, 30))
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                reason = self._problem()
                if reason is None:
                    failing = 0
                    continue
                with self._lock:
                    self._rebuild()
                self.restarts += 1
                failing += 1
                self.log.warning("watcher_restarted", reason=reason)
                self.on_restart(reason)
            except Exception:
                self.log.exception("watch_supervisor_failed")

    def _problem(self) -> str | None:
        with self._lock:
            if self._overflowed is not None:
                reason, self._overflowed = self._overflowed, None
                self.log.warning("watch_events_lost", reason=reason)
                return reason
            observer = self._observer
            if observer is None or not observer.is_alive():
                return "the observer thread stopped"
            reader = getattr(observer, "_inotify_fd", None)  # the inotify reader thread
            if isinstance(reader, threading.Thread) and not reader.is_alive():
                return "the inotify reader thread stopped"
            dead = {e.watch for e in observer.emitters if not e.is_alive()}
            for watch in self._watches:
                if watch.handle in dead:
                    return f"the watch on {watch.real} stopped"
                if _identity(watch.real) != watch.ident:
                    return f"{watch.real} was deleted or replaced"
                if any(os.path.realpath(r.folder()) != watch.real for r in watch.roots):
                    return f"{watch.roots[0].folder()} now points elsewhere"
            for path in self.missing:
                if os.path.isdir(path):
                    return f"{path} appeared"
            if expand(self._roots) != self._expanded:
                return "a link to a watched file now points elsewhere"
        return None

    def _plan(self) -> tuple[dict[str, list[Root]], list[str]]:
        """The folders to watch (real paths) with their roots, and the missing ones."""
        self._expanded = expand(self._roots)
        return folders(self._expanded)

    def _schedule(self, observer: BaseObserver, real: str, roots: list[Root]
                  ) -> _Watch | None:
        ident = _identity(real)
        try:
            handle = observer.schedule(_Handler(self), real,
                                       recursive=any(r.recursive for r in roots),
                                       event_filter=EVENT_FILTER)
        except OSError as exc:
            self.log.warning("watch_failed", path=real, error=str(exc))
            return None
        return _Watch(real, ident, roots, handle)

    def _rebuild(self) -> None:
        self._stop_observer()
        by_folder, missing = self._plan()
        # Started first, so that each watch is placed (its inotify instance and watches made)
        # as it is scheduled: one that fails (the kernel's limit on watches or instances
        # reached) is a missing root, retried by the supervisor, never a failed start.
        observer = Observer()
        observer.start()
        watches = []
        for real, roots in by_folder.items():
            watch = self._schedule(observer, real, roots)
            if watch is None:
                missing.append(real)
            else:
                watches.append(watch)
        self._observer, self._watches, self.missing = observer, watches, sorted(set(missing))

    def _update(self) -> list[Hint]:
        """Bring the watches in line with the roots without stopping the ones that stay;
        returns hints for what the new watches cover."""
        observer = self._observer
        if observer is None or not observer.is_alive():
            self._rebuild()
            return [Hint(CONFIG)]
        by_folder, missing = self._plan()
        kept: list[_Watch] = []
        for watch in self._watches:
            roots = by_folder.get(watch.real)
            recursive = any(r.recursive for r in roots or [])
            if (roots is not None and recursive == any(r.recursive for r in watch.roots)
                    and _identity(watch.real) == watch.ident):
                kept.append(_Watch(watch.real, watch.ident, roots, watch.handle))
                continue
            try:
                observer.unschedule(watch.handle)
            except (KeyError, OSError) as exc:
                self.log.warning("unwatch_failed", path=watch.real, error=str(exc))
        known = {w.real for w in kept}
        added: list[Hint] = []
        for real, roots in by_folder.items():
            if real in known:
                continue
            placed = self._schedule(observer, real, roots)
            if placed is None:
                missing.append(real)
                continue
            kept.append(placed)
            added += [covered(root) for root in roots]
        self._watches, self.missing = kept, sorted(set(missing))
        return added

    def _stop_observer(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            if self._observer.is_alive():
                self._observer.join()
            self._observer = None


def _identity(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_dev, st.st_ino)
