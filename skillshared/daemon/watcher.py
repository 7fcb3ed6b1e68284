"""Watching the source (recursively), the config file and the targets (flat), with a
supervisor that covers the silent failure modes.

Events are hints (README: "The daemon"): they are mapped to *what* changed — a path in the
source, an entry name in a target, the config file — and handed to a callback; the disk is
read again when the daemon reconciles. On Linux the kernel's inotify is used directly
(:mod:`skillshared.daemon.inotify_tree`: a dict entry and a path per watched folder);
elsewhere watchdog (:mod:`skillshared.daemon.watch_watchdog`). Either stops delivering events
without telling anyone when its reader thread ends or a watched root is deleted, and
nothing is reported through a root that is a symlink. So roots are watched at their real
paths, the event callback never raises, and a supervisor checks every few seconds (and right
after each reconcile) that the observer and every watch are alive and that each root is
still the same folder; if not, it rebuilds the observer and asks for a full reconcile. A
root that does not exist yet is picked up the same way once it appears.
(What is watched, and what an event means: :mod:`skillshared.daemon.roots`.)
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from typing import Protocol

from skillshared.core.results_daemon import Watched, WatcherState
from skillshared.daemon import logs
from skillshared.daemon.inotify import calls
from skillshared.daemon.inotify_tree import InotifyObserver, OnEvent
from skillshared.daemon.roots import CONFIG, Hint, Root, covered, expand, folders, hints_for

CHECK_INTERVAL = 2.0


class Observer(Protocol):
    """What the watcher needs of an observer (a handle per scheduled folder)."""

    def start(self) -> None: ...
    def is_alive(self) -> bool: ...
    def stop(self) -> None: ...
    def join(self) -> None: ...
    def schedule(self, path: str, recursive: bool) -> object: ...
    def unschedule(self, watch: object, /) -> None: ...
    def dead(self) -> Set[object]: ...
    def watch_count(self) -> int | None: ...


def new_observer(on_event: OnEvent, on_lost: Callable[[str], None], native: bool = True
                 ) -> Observer:
    """The kernel's inotify where there is one (and ``native``), else watchdog."""
    kernel = calls() if native else None
    if kernel is not None:
        return InotifyObserver(kernel, on_event, on_lost)
    from skillshared.daemon.watch_watchdog import WatchdogObserver

    return WatchdogObserver(on_event, on_lost)


@dataclass
class _Watch:
    real: str
    ident: tuple[int, int]
    roots: list[Root]
    handle: object


class Watcher:
    def __init__(self, on_hints: Callable[[list[Hint]], None],
                 on_restart: Callable[[str], None], native: bool = True) -> None:
        """``native``: the kernel's inotify where there is one (else watchdog)."""
        self.on_hints = on_hints
        self.native = native
        self.on_restart = on_restart
        self.log = logs.get("watcher")
        self._roots: list[Root] = []
        self._expanded: list[Root] = []  # the roots with the link hops, at the last rebuild
        self._watches: list[_Watch] = []
        self._observer: Observer | None = None
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="watch-supervisor",
                                        daemon=True)
        self.restarts = 0
        self.overflows = 0
        self._overflowed: str | None = None
        self.missing: list[str] = []

    # -- lifecycle ------------------------------------------------------------------------
    def start(self, roots: Sequence[Root]) -> None:
        with self._lock:
            self._roots = list(roots)
            self._rebuild()
        self._thread.start()

    def _lost(self, reason: str) -> None:
        self.overflows += 1
        self._overflowed = reason
        self._wake.set()

    def stop(self) -> None:
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
        """The inotify watches the observer holds, from its own bookkeeping (no /proc
        reading: with 30,000 watches that takes a second on a slow machine); None when
        watchdog keeps them some other way."""
        with self._lock:
            observer = self._observer
            return 0 if observer is None else observer.watch_count()

    # -- events ---------------------------------------------------------------------------
    def on_event(self, path: str, gone: bool) -> None:
        """An event at ``path`` (``gone``: a folder went away); never raises, as an
        exception reaching the observer's thread would end it."""
        try:
            self._hints(path)
        except Exception:
            self.log.exception("watch_event_failed")
        if gone:
            self._wake.set()  # a root may be gone: let the supervisor look now

    def _hints(self, path: str) -> None:
        hints = []
        for watch in self._watches:
            for root in watch.roots:
                hint = hints_for(root, watch.real, path)
                if hint is not None:
                    hints.append(hint)
        if hints:
            self.on_hints(hints)

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
            dead = observer.dead()
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

    def _schedule(self, observer: Observer, real: str, roots: list[Root]) -> _Watch | None:
        ident = _identity(real)
        try:
            handle = observer.schedule(real, any(r.recursive for r in roots))
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
        observer = new_observer(self.on_event, self._lost, self.native)
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
            self._observer.join()  # also when its thread ended already: its files close
            self._observer = None


def _identity(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)
    return (st.st_dev, st.st_ino)
