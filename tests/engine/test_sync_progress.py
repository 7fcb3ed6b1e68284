"""A sync reports its progress per target, also from the threads that change several
targets at once, each target's last frame saying all is done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skillshared import api
from skillshared.core import progress
from skillshared.core.paths import Paths
from skillshared.engine import reconcile
from tests.conftest import make_skill, write_config


def test_a_parallel_copy_sync_reports_every_target(home: Path, source: Path) -> None:
    count = reconcile.PARALLEL_MIN_CHANGES // 2 + 1  # two targets: enough to change at once
    for i in range(count):
        make_skill(source, f"s{i:03d}")
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  one: {{path: {home / 'one'}, mode: copy}}\n"
                 f"  two: {{path: {home / 'two'}, mode: copy}}\n")
    frames: list[dict[str, Any]] = []
    with progress.reporting(frames.append):
        result = api.run("sync", {}, Paths.from_env())
    assert result["summary"]["failed"] == 0 and result["summary"]["new"] == 2 * count
    tasks = [f["task"] for f in frames]
    assert tasks[0] == "reading the source" and "auditing" in tasks and "checking" in tasks
    for target in ("one", "two"):
        mine = [f for f in frames if f["task"] == "syncing" and f.get("part") == target]
        total = count + 1  # the target's folder made, and a copy of each skill
        assert len(mine) == total + 1
        assert [f["done"] for f in mine] == list(range(total + 1))
        assert {f["total"] for f in mine} == {total}
        assert {f.get("item") for f in mine} == {f"s{i:03d}" for i in range(count)} | {None}


def test_nobody_listening_costs_no_frames(home: Path, source: Path) -> None:
    make_skill(source, "alpha")
    write_config(home, f"source: {source}\ntargets:\n  one: {{path: {home / 'one'}}}\n")
    assert progress.current() is None
    assert api.run("sync", {}, Paths.from_env())["summary"]["linked"] == 1
