"""Folders watched with the kernel's inotify directly (Linux): an inotify instance per watched
root, one reader thread for all of them, and for each watched folder a few bytes
(:mod:`skillshared.daemon.inotify_folders`; watchdog kept some 700 per folder, and a thread
per root).

A recursive root is watched in every folder below it, except inside ``.git`` folders (git's
own writes are noise to the daemon; a ``.git`` appearing or going away is seen from its
parent). A folder made or moved in gets its watches, then is reported; what was written in it
before its watch was placed is seen by the walk that the report leads to. A folder moved
out loses its watches. Each event is handed on as a path and whether a folder went away;
an overflowed queue or a watch that cannot be placed is reported as events lost, and the
watcher's supervisor replaces the whole observer."""

from __future__ import annotations

import contextlib
import errno
import os
import select
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from skillshared.daemon.inotify import (
    IN_CREATE,
    IN_DELETE,
    IN_DELETE_SELF,
    IN_IGNORED,
    IN_ISDIR,
    IN_MOVE_SELF,
    IN_MOVED_FROM,
    IN_MOVED_TO,
    IN_Q_OVERFLOW,
    Calls,
)
from skillshared.daemon.inotify_folders import Folders

OnEvent = Callable[[str, bool], None]  # (path, a folder went away)
_HEADER = struct.Struct("iIII")  # wd, mask, cookie, len
_READ_SIZE = 1 << 16
_SKIPPED = ".git"
_GONE = IN_DELETE | IN_MOVED_FROM


@dataclass(eq=False)
class TreeWatch:
    """One watched root: its inotify instance and the folders it watches by number."""

    path: str
    recursive: bool
    fd: int
    folders: Folders = field(default_factory=Folders)
    root_wd: int = -1
    alive: bool = True


class InotifyObserver:
    def __init__(self, calls: Calls, on_event: OnEvent, on_lost: Callable[[str], None]
                 ) -> None:
        self.calls = calls
        self.on_event = on_event
        self.on_lost = on_lost
        self._by_fd: dict[int, TreeWatch] = {}
        self._closing: list[int] = []
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = os.pipe()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="inotify", daemon=True)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stopping = True
        self._wake()

    def join(self) -> None:
        """Wait for the reader to end (stop first); then nothing of this observer stays
        open, whether its thread ever ran or not."""
        if self._thread.is_alive():
            self._thread.join()
        with self._lock:
            fds = [*self._by_fd, *self._closing, self._wake_r, self._wake_w]
            self._by_fd, self._closing = {}, []
        for fd in fds:
            _close(fd)

    # -- watches --------------------------------------------------------------------------
    def schedule(self, path: str, recursive: bool) -> TreeWatch:
        """Watch ``path`` (and, if ``recursive``, every folder below it); OSError when the
        folder cannot be watched (gone, not a folder, the kernel's limits reached)."""
        watch = TreeWatch(path, recursive, self.calls.init())
        try:
            watch.root_wd = self.calls.add(watch.fd, path)
            watch.folders.add_root(watch.root_wd, path)
            if recursive:
                self._add_below(watch, watch.root_wd, path)
        except OSError:
            _close(watch.fd)
            raise
        with self._lock:
            self._by_fd[watch.fd] = watch
        self._wake()
        return watch

    def unschedule(self, watch: object) -> None:
        assert isinstance(watch, TreeWatch)
        with self._lock:
            if self._by_fd.pop(watch.fd, None) is not None:
                self._closing.append(watch.fd)  # closed by the reader, between two selects
        watch.alive = False
        self._wake()

    def dead(self) -> set[TreeWatch]:
        with self._lock:
            return {w for w in self._by_fd.values() if not w.alive}

    def watch_count(self) -> int:
        with self._lock:
            return sum(len(w.folders) for w in self._by_fd.values())

    def _add_below(self, watch: TreeWatch, top_wd: int, top: str, report: bool = False
                   ) -> None:
        """Watches on the folders below ``top`` (watched already as ``top_wd``);
        ``report``: each entry found is reported (made before its folder's watch was)."""
        stack = [(top_wd, top)]
        while stack:
            parent, folder = stack.pop()
            try:
                with os.scandir(folder) as scan:
                    entries = list(scan)
            except OSError:
                continue  # gone meanwhile, or unreadable (the walk reports it)
            if report:
                for entry in entries:
                    self.on_event(entry.path, False)
            for entry in entries:
                if entry.name == _SKIPPED or not entry.is_dir(follow_symlinks=False):
                    continue
                try:
                    wd = self.calls.add(watch.fd, entry.path)
                except OSError as exc:
                    if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                        raise
                    continue
                watch.folders.add(wd, parent, entry.name)
                stack.append((wd, entry.path))

    def _drop_below(self, watch: TreeWatch, parent: int, name: str) -> None:
        """No more watches on folder ``name`` of ``parent`` and below it (moved away)."""
        top = watch.folders.child(parent, name)
        if top is not None:
            for wd in watch.folders.drop_below(top):
                self.calls.rm(watch.fd, wd)

    # -- events ---------------------------------------------------------------------------
    def _wake(self) -> None:
        with contextlib.suppress(OSError):  # stopped and closed
            os.write(self._wake_w, b"x")

    def _run(self) -> None:
        """Read events until stopped. Whatever ends this thread, it closes its instances
        first (a dead reader holds nothing), and an unexpected error is reported as events
        lost, so that the supervisor replaces the observer."""
        try:
            self._loop()
        except Exception as exc:
            self.on_lost(f"the inotify reader failed: {exc!r}")
        finally:
            with self._lock:
                fds = [*self._by_fd, *self._closing]
                self._by_fd, self._closing = {}, []
            for fd in fds:
                _close(fd)

    def _loop(self) -> None:
        while not self._stopping:
            poll = select.poll()  # not select(): no limit on the descriptors' numbers
            with self._lock:
                for fd in self._closing:
                    _close(fd)
                self._closing = []
                for fd in [self._wake_r, *self._by_fd]:
                    poll.register(fd, select.POLLIN)
            for fd, _ in poll.poll():
                if fd == self._wake_r:
                    os.read(self._wake_r, 4096)
                    continue
                with self._lock:
                    watch = self._by_fd.get(fd)
                if watch is not None:
                    self._read(watch)

    def _read(self, watch: TreeWatch) -> None:
        while True:
            try:
                data = os.read(watch.fd, _READ_SIZE)
            except BlockingIOError:
                return
            except OSError as exc:
                if exc.errno == errno.EINTR:
                    continue
                raise
            offset = 0
            while offset < len(data):
                wd, mask, _, size = _HEADER.unpack_from(data, offset)
                start = offset + _HEADER.size
                offset = start + size
                name = os.fsdecode(data[start:offset].rstrip(b"\0"))
                self._event(watch, wd, mask, name)

    def _event(self, watch: TreeWatch, wd: int, mask: int, name: str) -> None:
        if mask & IN_Q_OVERFLOW:
            self.on_lost("the inotify queue overflowed; events were lost")
            return
        folder = watch.folders.path(wd)
        if folder is None:
            return  # a watch dropped meanwhile
        if mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF):
            if mask & IN_IGNORED:
                watch.folders.drop(wd)
                if watch.folders.sparse():
                    self.on_lost("many watched folders came and went: watching anew")
            if wd == watch.root_wd:
                watch.alive = not mask & IN_IGNORED and watch.alive
                self.on_event(folder, True)  # the root itself: the supervisor looks
            return
        path = os.path.join(folder, name)
        if mask & IN_ISDIR and watch.recursive and name != _SKIPPED:
            if mask & IN_MOVED_FROM:
                self._drop_below(watch, wd, name)
            elif mask & (IN_CREATE | IN_MOVED_TO):
                self._add_new(watch, wd, name, bool(mask & IN_CREATE))
        self.on_event(path, bool(mask & IN_ISDIR and mask & _GONE))

    def _add_new(self, watch: TreeWatch, parent: int, name: str, made: bool) -> None:
        """Watches on folder ``name`` of ``parent``, made (``made``) or moved in: what a
        made folder holds already is reported (``mkdir -p``); a folder moved in is
        reported as a whole."""
        path = os.path.join(watch.folders.path(parent) or "", name)
        try:
            wd = self.calls.add(watch.fd, path)
            watch.folders.add(wd, parent, name)
            self._add_below(watch, wd, path, made)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EACCES):
                return  # gone again already (its removal is reported too), or unreadable
            self.on_lost(f"cannot watch {path}: {exc.strerror}")


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)
