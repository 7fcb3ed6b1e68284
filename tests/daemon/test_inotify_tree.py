"""The daemon's own inotify watches: what each folder costs is one watch, placed on folders
made, moved in and dropped on folders moved out; events as paths."""

from __future__ import annotations

import os
import resource
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillshared.daemon.inotify import calls
from skillshared.daemon.inotify_folders import Folders
from skillshared.daemon.inotify_tree import InotifyObserver, TreeWatch
from skillshared.daemon.roots import SOURCE, Hint, Root
from skillshared.daemon.watcher import Watcher
from tests.conftest import wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify: Linux")


class Seen:
    def __init__(self) -> None:
        self.events: list[tuple[str, bool]] = []
        self.lost: list[str] = []
        self.lock = threading.Lock()

    def on_event(self, path: str, gone: bool) -> None:
        with self.lock:
            self.events.append((path, gone))

    def has(self, path: Path, gone: bool | None = None) -> bool:
        with self.lock:
            return any(p == str(path) and gone in (None, g) for p, g in self.events)


@pytest.fixture
def observed(tmp_path: Path) -> Iterator[tuple[InotifyObserver, Seen]]:
    kernel = calls()
    assert kernel is not None
    seen = Seen()
    observer = InotifyObserver(kernel, seen.on_event, seen.lost.append)
    observer.start()
    try:
        yield observer, seen
    finally:
        observer.stop()
        observer.join()


def folders_of(watch: TreeWatch) -> set[str]:
    return set(watch.folders.paths())


def test_every_folder_but_git_is_watched_once(tmp_path: Path,
                                              observed: tuple[InotifyObserver, Seen]) -> None:
    observer, _ = observed
    root = tmp_path / "root"
    (root / "a/b/c").mkdir(parents=True)
    (root / "_repo/.git/objects/ab").mkdir(parents=True)
    (root / "a/file.md").write_text("x")
    watch = observer.schedule(str(root), recursive=True)
    assert folders_of(watch) == {str(root / p) for p in ("", "a", "a/b", "a/b/c", "_repo")}
    assert observer.watch_count() == 5
    flat = observer.schedule(str(root / "a"), recursive=False)
    assert folders_of(flat) == {str(root / "a")} and observer.watch_count() == 6


def test_folders_made_moved_in_and_moved_out(tmp_path: Path,
                                             observed: tuple[InotifyObserver, Seen]) -> None:
    observer, seen = observed
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    (outside / "tree/deep/er").mkdir(parents=True)
    watch = observer.schedule(str(root), recursive=True)
    (root / "x/y/z").mkdir(parents=True)  # mkdir -p: what it made before its watches is said
    wait_for(lambda: seen.has(root / "x/y/z"), what="the innermost folder of mkdir -p")
    (root / "x/y/z/file.md").write_text("deep")
    wait_for(lambda: seen.has(root / "x/y/z/file.md"), what="a file deep in new folders")
    (outside / "tree").rename(root / "tree")  # moved in: watched all the way down
    wait_for(lambda: str(root / "tree/deep/er") in folders_of(watch), what="moved-in watches")
    (root / "tree/deep/er/note.md").write_text("n")
    wait_for(lambda: seen.has(root / "tree/deep/er/note.md"), what="events in a moved-in tree")
    (root / "tree/deep").rename(root / "tree/renamed")  # a deep folder renamed inside
    wait_for(lambda: str(root / "tree/renamed/er") in folders_of(watch), what="renamed watches")
    assert not any("/tree/deep" in p for p in folders_of(watch))
    (root / "tree/renamed/er/again.md").write_text("a")
    wait_for(lambda: seen.has(root / "tree/renamed/er/again.md"), what="events after a rename")
    (root / "x").rename(outside / "x")  # moved out: its watches go
    wait_for(lambda: seen.has(root / "x", gone=True), what="the folder moved out")
    wait_for(lambda: not any("/root/x" in p for p in folders_of(watch)), what="dropped watches")
    shutil.rmtree(root / "tree")
    wait_for(lambda: folders_of(watch) == {str(root)}, what="watches of a deleted tree gone")
    assert observer.watch_count() == 1 and not seen.lost


def test_a_deleted_root_is_a_dead_watch(tmp_path: Path,
                                        observed: tuple[InotifyObserver, Seen]) -> None:
    observer, seen = observed
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    watch = observer.schedule(str(root), recursive=True)
    assert watch not in observer.dead()
    shutil.rmtree(root)
    wait_for(lambda: watch in observer.dead(), what="the dead root")
    assert seen.has(root, gone=True)
    observer.unschedule(watch)
    assert observer.watch_count() == 0
    with pytest.raises(OSError):
        observer.schedule(str(root), recursive=True)


def test_watchdog_still_serves_where_there_is_no_inotify(tmp_path: Path) -> None:
    hints: list[Hint] = []
    watcher = Watcher(hints.extend, lambda reason: None, native=False)
    watcher.start([Root(SOURCE, str(tmp_path), recursive=True)])
    try:
        (tmp_path / "a/b").mkdir(parents=True)
        (tmp_path / "a/b/SKILL.md").write_text("x")
        wait_for(lambda: Hint(SOURCE, None, "a/b/SKILL.md") in hints, what="watchdog's event")
        assert (watcher.watch_count() or 0) >= 1
    finally:
        watcher.stop()


def inotify_files() -> int:
    return sum(1 for fd in os.listdir("/proc/self/fd")
               if os.path.lexists(f"/proc/self/fd/{fd}")
               and os.readlink(f"/proc/self/fd/{fd}") == "anon_inode:inotify")


def test_rebuilds_and_a_failed_reader_leave_nothing_open(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    before = inotify_files()
    watcher = Watcher(lambda hints: None, lambda reason: None)
    watcher.start([Root(SOURCE, str(root), recursive=True)])
    try:
        for _ in range(20):
            with watcher._lock:
                watcher._rebuild()
        assert inotify_files() == before + 1
    finally:
        watcher.stop()
    assert inotify_files() == before
    kernel = calls()
    assert kernel is not None
    lost: list[str] = []

    def broken(path: str, gone: bool) -> None:
        raise RuntimeError("a bug")

    observer = InotifyObserver(kernel, broken, lost.append)
    observer.start()
    observer.schedule(str(root), recursive=True)
    (root / "new").mkdir()
    wait_for(lambda: not observer.is_alive(), what="the reader to end")
    assert lost and "a bug" in lost[0]
    assert inotify_files() == before  # the dead reader closed its instances itself
    observer.join()


def test_descriptors_above_1024_are_read(tmp_path: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if min(hard, 4096) < 1200:
        pytest.skip("cannot open 1,200 files here")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))
    null = os.open(os.devnull, os.O_RDONLY)
    filler = [os.dup(null) for _ in range(1100)]
    try:
        kernel = calls()
        assert kernel is not None
        seen = Seen()
        observer = InotifyObserver(kernel, seen.on_event, seen.lost.append)
        observer.start()
        watch = observer.schedule(str(tmp_path), recursive=False)
        assert watch.fd > 1024
        (tmp_path / "file.md").write_text("x")
        wait_for(lambda: seen.has(tmp_path / "file.md"), what="an event on a high descriptor")
        observer.stop()
        observer.join()
    finally:
        for fd in [*filler, null]:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_the_folder_table_puts_paths_together_and_drops_subtrees() -> None:
    table = Folders()
    table.add_root(1, "/src")
    table.add(2, 1, "skill")
    table.add(3, 2, "references")
    table.add(4, 3, "deep")
    table.add(5, 1, "other")
    assert table.path(4) == "/src/skill/references/deep" and len(table) == 5
    assert table.child(1, "skill") == 2 and table.child(1, "nothing") is None
    assert table.drop_below(2) == [2, 3, 4]
    assert table.path(4) is None and table.path(5) == "/src/other" and len(table) == 2
    assert sorted(table.paths()) == ["/src", "/src/other"]
    for wd in range(6, 20_000):  # folders that came and went: numbers are not reused
        table.add(wd, 1, f"tmp-{wd}")
        table.drop(wd)
    assert table.sparse() and len(table) == 2
