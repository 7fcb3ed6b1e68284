"""Watching through watchdog, where the kernel's inotify is not at hand (macOS): the same
small face as :class:`skillshared.daemon.inotify_tree.InotifyObserver` (schedule a folder,
events as a path and whether a folder went away, dead watches, events lost).

watchdog stops delivering events without telling anyone when an exception escapes the
handler (the observer thread ends), so the handler never raises; and it reports a lost
event queue only through its log, so a handler on its logger raises the alarm."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

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
from watchdog.observers.api import ObservedWatch

from skillshared.daemon.inotify import OverflowAlarm
from skillshared.daemon.inotify_tree import OnEvent

# The events that matter: entries made, removed, moved, files written and closed.
EVENT_FILTER: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]
_LOGGERS = ("watchdog.observers.inotify_c", "watchdog.observers.inotify")


class _Handler(FileSystemEventHandler):
    def __init__(self, on_event: OnEvent) -> None:
        self.on_event = on_event

    def dispatch(self, event: FileSystemEvent) -> None:
        gone = isinstance(event, DirDeletedEvent | DirMovedEvent)
        self.on_event(os.fsdecode(event.src_path), gone)
        dest = getattr(event, "dest_path", "")
        if dest:
            self.on_event(os.fsdecode(dest), False)


class WatchdogObserver:
    def __init__(self, on_event: OnEvent, on_lost: Callable[[str], None]) -> None:
        self.on_event = on_event
        self._alarm = OverflowAlarm(on_lost)
        self._observer = Observer()

    def start(self) -> None:
        for name in _LOGGERS:
            logging.getLogger(name).addHandler(self._alarm)
        self._observer.start()

    def is_alive(self) -> bool:
        return self._observer.is_alive()

    def stop(self) -> None:
        for name in _LOGGERS:
            logging.getLogger(name).removeHandler(self._alarm)
        self._observer.stop()

    def join(self) -> None:
        if self._observer.is_alive():
            self._observer.join()

    def schedule(self, path: str, recursive: bool) -> ObservedWatch:
        return self._observer.schedule(_Handler(self.on_event), path, recursive=recursive,
                                       event_filter=EVENT_FILTER)

    def unschedule(self, watch: object) -> None:
        assert isinstance(watch, ObservedWatch)
        self._observer.unschedule(watch)

    def dead(self) -> set[ObservedWatch]:
        return {e.watch for e in self._observer.emitters if not e.is_alive()}

    def watch_count(self) -> int | None:
        """The inotify watches from watchdog's own bookkeeping; None when it keeps them some
        other way."""
        total = 0
        for emitter in list(self._observer.emitters):
            group = getattr(emitter, "_inotify", None)
            watches = getattr(group, "_active_callbacks_by_watch", None)
            if not isinstance(watches, dict):
                return None
            total += len(watches)
        return total
