"""The daemon's parts in this process, with real inotify, threads and sockets."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skillshared.core import protocol
from skillshared.core.errors import LockedError
from skillshared.core.results_daemon import JobState
from skillshared.daemon.debounce import Batch, Debouncer
from skillshared.daemon.roots import CONFIG, SOURCE, TARGET, Hint, Root
from skillshared.daemon.scheduler import JobSpec, Scheduler
from skillshared.daemon.server_socket import peer_uid
from skillshared.daemon.watcher import Watcher
from skillshared.daemon.worker import StoppingError, Worker
from skillshared.store.locking import exclusive
from tests.conftest import wait_for


class Recorder:
    def __init__(self) -> None:
        self.hints: list[Hint] = []
        self.restarts: list[str] = []
        self.lock = threading.Lock()
        self.fail_next = False

    def on_hints(self, hints: list[Hint]) -> None:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("a bug in the handler")
        with self.lock:
            self.hints.extend(hints)

    def seen(self, hint: Hint) -> bool:
        with self.lock:
            return hint in self.hints


@pytest.fixture
def roots(tmp_path: Path) -> dict[str, Path]:
    paths = {"source": tmp_path / "src", "target": tmp_path / "tgt",
             "config": tmp_path / "cfg/config.yaml"}
    paths["source"].mkdir()
    paths["target"].mkdir()
    paths["config"].parent.mkdir()
    return paths


@pytest.fixture
def watching(roots: dict[str, Path]) -> Iterator[tuple[Watcher, Recorder]]:
    rec = Recorder()
    watcher = Watcher(rec.on_hints, rec.restarts.append)
    watcher.start([
        Root(SOURCE, str(roots["source"]), recursive=True),
        Root(TARGET, str(roots["target"]), target="claude"),
        Root(CONFIG, str(roots["config"]), entry="config.yaml"),
    ])
    try:
        yield watcher, rec
    finally:
        watcher.stop()


def test_watcher_maps_events_to_hints(roots: dict[str, Path],
                                      watching: tuple[Watcher, Recorder]) -> None:
    _, rec = watching
    (roots["source"] / "a/b").mkdir(parents=True)
    (roots["source"] / "a/b/SKILL.md").write_text("x")
    wait_for(lambda: rec.seen(Hint(SOURCE, None, "a/b/SKILL.md")), what="the SKILL.md write")
    (roots["target"] / "local").mkdir()
    wait_for(lambda: rec.seen(Hint(TARGET, "claude", "local")), what="the target entry")
    roots["config"].write_text("x: 1\n")
    wait_for(lambda: rec.seen(Hint(CONFIG)), what="the config write")


def test_watcher_drops_git_noise_and_own_entries(roots: dict[str, Path],
                                                 watching: tuple[Watcher, Recorder]) -> None:
    _, rec = watching
    (roots["source"] / "_repo/.git/objects").mkdir(parents=True)
    (roots["source"] / "_repo/.git/objects/ab").write_text("blob")
    (roots["target"] / ".skillshare-manifest.json").write_text("{}")
    (roots["source"] / "marker").mkdir()
    wait_for(lambda: rec.seen(Hint(SOURCE, None, "marker")), what="the marker")
    with rec.lock:
        rels = {h.rel for h in rec.hints}
    assert "_repo/.git" in rels  # a tracked repo's .git appearing matters
    assert not any(r.startswith("_repo/.git/") for r in rels)
    assert ".skillshare-manifest.json" not in rels


def test_deleted_and_recreated_root_is_watched_again(roots: dict[str, Path],
                                                     watching: tuple[Watcher, Recorder]) -> None:
    watcher, rec = watching
    shutil.rmtree(roots["target"])
    wait_for(lambda: rec.seen(Hint(TARGET, "claude", "")), what="the root's deletion")
    wait_for(lambda: str(roots["target"]) in watcher.status()["missing"], what="missing")
    roots["target"].mkdir()
    watcher.check_soon()
    wait_for(lambda: any("appeared" in r for r in rec.restarts), what="a rebuild")
    (roots["target"] / "new-entry").mkdir()
    wait_for(lambda: rec.seen(Hint(TARGET, "claude", "new-entry")), what="events again")


def test_source_replaced_by_another_folder_is_followed(roots: dict[str, Path],
                                                       watching: tuple[Watcher, Recorder]
                                                       ) -> None:
    watcher, rec = watching
    roots["source"].rename(roots["source"].with_name("old"))
    roots["source"].mkdir()
    watcher.check_soon()
    wait_for(lambda: rec.restarts, what="a rebuild")
    (roots["source"] / "fresh").mkdir()
    wait_for(lambda: rec.seen(Hint(SOURCE, None, "fresh")), what="events in the new folder")


def test_symlinked_root_gets_events(tmp_path: Path) -> None:
    real = tmp_path / "real-skills"
    real.mkdir()
    link = tmp_path / "skills"
    link.symlink_to(real)
    rec = Recorder()
    watcher = Watcher(rec.on_hints, rec.restarts.append)
    watcher.start([Root(SOURCE, str(link), recursive=True)])
    try:
        (real / "one").mkdir()
        wait_for(lambda: rec.seen(Hint(SOURCE, None, "one")), what="events through the link")
        other = tmp_path / "other-skills"
        other.mkdir()
        link.unlink()
        link.symlink_to(other)  # retargeted: the supervisor follows
        watcher.check_soon()
        wait_for(lambda: any("points elsewhere" in r or "replaced" in r
                             for r in rec.restarts), what="the rebuild")
        (other / "two").mkdir()
        wait_for(lambda: rec.seen(Hint(SOURCE, None, "two")), what="events in the new target")
    finally:
        watcher.stop()


def test_handler_exception_does_not_stop_events(roots: dict[str, Path],
                                                watching: tuple[Watcher, Recorder]) -> None:
    _, rec = watching
    rec.fail_next = True
    (roots["source"] / "first").mkdir()
    (roots["source"] / "second").mkdir()
    wait_for(lambda: rec.seen(Hint(SOURCE, None, "second")), what="events after a failure")


def test_dead_observer_is_rebuilt(roots: dict[str, Path],
                                  watching: tuple[Watcher, Recorder]) -> None:
    watcher, rec = watching
    observer = watcher._observer
    assert observer is not None
    observer.stop()
    observer.join()
    watcher.check_soon()
    wait_for(lambda: "the observer thread stopped" in rec.restarts, what="the rebuild")
    (roots["source"] / "after").mkdir()
    wait_for(lambda: rec.seen(Hint(SOURCE, None, "after")), what="events after the rebuild")


# -- debounce -------------------------------------------------------------------------------


def test_debounce_collects_a_burst_into_one_batch() -> None:
    batches: list[Batch] = []
    deb = Debouncer(0.05, batches.append)
    deb.start()
    try:
        deb.add([Hint(SOURCE, None, "a"), Hint(SOURCE, None, "b")])
        deb.add([Hint(TARGET, "claude", "x"), Hint(CONFIG)])
        wait_for(lambda: batches, what="a flush")
        assert batches[0].source == {"a", "b"} and batches[0].targets == {"claude": {"x"}}
        assert batches[0].config and deb.pending() == 0
    finally:
        deb.stop()


def test_debounce_cap_flushes_a_steady_stream() -> None:
    batches: list[tuple[float, Batch]] = []
    deb = Debouncer(0.05, lambda b: batches.append((time.monotonic(), b)))
    deb.start()
    try:
        end = time.monotonic() + 1.5
        while time.monotonic() < end:  # an event every 10 ms: never quiet for 50 ms
            deb.add([Hint(SOURCE, None, "hot")])
            time.sleep(0.01)
        assert any(when < end for when, _ in batches), "no flush during the stream"
    finally:
        deb.stop()


def test_batch_with_too_many_paths_becomes_full() -> None:
    batch = Batch()
    batch.add(Hint(SOURCE, None, f"s{i}") for i in range(2500))
    assert batch.full and not batch.source


# -- worker and scheduler -------------------------------------------------------------------


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    errors: list[str] = []
    instance = Worker(tmp_path / "run/ops.lock", lambda name, exc: errors.append(name))
    instance.start()
    try:
        yield instance
    finally:
        instance.stop(30)


def test_worker_runs_one_at_a_time_under_ops_lock(tmp_path: Path, worker: Worker) -> None:
    active = []
    overlap = []

    def job() -> None:
        active.append(1)
        overlap.append(len(active))
        with pytest.raises(LockedError), exclusive(tmp_path / "run/ops.lock", timeout=0):
            pass  # another holder cannot take ops.lock meanwhile
        time.sleep(0.01)
        active.pop()

    futures = [worker.submit("job", job) for _ in range(5)]
    for future in futures:
        future.result(10)
    assert max(overlap) == 1


def test_worker_stop_refuses_queued_jobs(tmp_path: Path) -> None:
    instance = Worker(tmp_path / "ops.lock", lambda name, exc: None)
    instance.start()
    gate, running = threading.Event(), threading.Event()

    def slow() -> bool:
        running.set()
        return gate.wait(10)

    first = instance.submit("slow", slow)
    assert running.wait(10)
    queued = instance.submit("queued", lambda: None)
    opener = threading.Timer(0.2, gate.set)
    opener.start()
    instance.stop(30)
    opener.join()
    assert first.result(1) is True  # the running one finished
    with pytest.raises(StoppingError):
        queued.result(1)
    with pytest.raises(StoppingError):
        instance.submit("late", lambda: None).result(1)


def test_scheduler_time_limit_failures_and_no_overlap(worker: Worker) -> None:
    sched = Scheduler(worker.submit)
    running = []
    peak = []

    def slow() -> None:
        running.append(1)
        peak.append(len(running))
        time.sleep(0.6)
        running.pop()

    def broken() -> None:
        raise ValueError("the job broke")

    sched.start([JobSpec("slow", 0.1, slow, 0.2), JobSpec("broken", 0.1, broken, 5)])
    try:
        def state(name: str) -> JobState:
            return next(j for j in sched.status() if j["name"] == name)

        wait_for(lambda: state("slow")["last_result"] == "timed out", what="the time limit")
        wait_for(lambda: state("broken")["runs"] >= 2, what="the failing job to run again")
        assert state("broken")["last_result"] == "error"
        assert "the job broke" in (state("broken")["last_error"] or "")
        assert max(peak) == 1
    finally:
        sched.shutdown(wait=True)


def test_scheduler_runs_a_missed_job_once_at_wake(worker: Worker) -> None:
    sched = Scheduler(worker.submit)
    runs: list[float] = []
    sched.start([JobSpec("pull", 3600, lambda: runs.append(time.time()), 60)])
    try:
        # as after a suspend: the run was due an hour ago
        sched._sched.modify_job("pull", next_run_time=datetime.now(UTC) - timedelta(hours=1))
        sched.wakeup()
        wait_for(lambda: runs, what="the missed run")
        job = next(j for j in sched.status() if j["name"] == "pull")
        wait_for(lambda: next(j for j in sched.status() if j["name"] == "pull")["runs"] == 1,
                 what="the result")
        assert (job["next_run"] or "") > datetime.now(UTC).isoformat(timespec="seconds")
        assert len(runs) == 1
    finally:
        sched.shutdown(wait=True)


def test_scheduler_reconfigure_keeps_history_and_removes_jobs(worker: Worker) -> None:
    sched = Scheduler(worker.submit)
    sched.start([JobSpec("rescan", 3600, lambda: None, 60)])
    try:
        sched.configure([JobSpec("rescan", 7200, lambda: None, 60)])
        assert [j["interval_s"] for j in sched.status()] == [7200]
        sched.configure([JobSpec("rescan", None, lambda: None, 60)])
        assert sched.status() == []
    finally:
        sched.shutdown(wait=True)


def test_peer_uid_is_ours() -> None:
    left, right = socket.socketpair(socket.AF_UNIX)
    with left, right:
        assert peer_uid(left) == os.getuid()



def test_a_server_loop_that_dies_stops_the_daemon(isolated: Path) -> None:
    """A daemon that no longer answers must not go on holding its lock: the loop's death is
    reported, so the daemon stops (exit 1; a service manager restarts it)."""
    from skillshared.core.paths import Paths
    from skillshared.daemon.server import Server

    Paths.from_env().socket.parent.mkdir(parents=True, exist_ok=True)
    died = threading.Event()
    server = Server(Paths.from_env(), lambda req: {}, on_failure=died.set)
    server.bind()

    def broken(*args: Any) -> None:
        raise RuntimeError("a bug in the loop")

    server._ready = broken  # type: ignore[method-assign, assignment]
    server.start()
    try:
        client = socket.socket(socket.AF_UNIX)
        try:
            with protocol.short_address(str(Paths.from_env().socket)) as address:
                client.connect(address)
            client.sendall(b'{"v": 2, "id": "x", "cmd": "ping"}\n')
            assert died.wait(10), "the failure was not reported"
        finally:
            client.close()
    finally:
        server.close(grace=0)
