"""Progress frames: nothing without a sink, each thread its own sink, a failing sink dropped,
and the throttle letting through the first and last frame of each part."""

from __future__ import annotations

import threading
from typing import Any

from skillshared.core import progress


def test_frames_go_to_the_sink_of_this_thread_only() -> None:
    progress.report("syncing", "claude", 1, 2)  # nobody listens: nothing happens
    got: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    with progress.reporting(got.append):
        assert progress.wanted()
        progress.report("syncing", "claude", 1, 2, "alpha")
        progress.report("cloning", item="file:///repo")
        progress.report("counted", done=3)  # a count without a total is no count
        thread = threading.Thread(target=lambda: progress.report("elsewhere"))
        thread.start()
        thread.join()
        with progress.reporting(other.append):
            progress.report("inner")
        progress.report("outer again")
    assert not progress.wanted()
    assert got == [{"task": "syncing", "part": "claude", "done": 1, "total": 2, "item": "alpha"},
                   {"task": "cloning", "item": "file:///repo"}, {"task": "counted"},
                   {"task": "outer again"}]
    assert other == [{"task": "inner"}]


def test_a_failing_sink_is_dropped_and_the_work_goes_on() -> None:
    calls = []

    def broken(frame: dict[str, Any]) -> None:
        calls.append(frame)
        raise BrokenPipeError

    with progress.reporting(broken):
        progress.report("a")
        progress.report("b")
    assert calls == [{"task": "a"}]


def test_the_throttle_keeps_first_and_last_of_each_part() -> None:
    sent: list[dict[str, Any]] = []
    send = progress.throttled(sent.append, interval=3600)
    for done in range(5):
        send({"task": "syncing", "part": "one", "done": done, "total": 4})
    send({"task": "syncing", "part": "two", "done": 0, "total": 1})
    send({"task": "syncing", "part": "two", "done": 0, "total": 1})
    assert [(f["part"], f["done"]) for f in sent] == [("one", 0), ("one", 4), ("two", 0)]
    quick = progress.throttled(sent.append, interval=0)
    sent.clear()
    for done in range(3):
        quick({"task": "t", "done": done, "total": 9})
    assert len(sent) == 3
