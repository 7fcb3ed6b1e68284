"""The backup a pass takes before it changes targets, through the seam the engine defines: a
pass asks its ``Backups`` (here a stand-in that writes nothing) and changes nothing that
could not be backed up."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from skillshared.catalog import skills
from skillshared.core import config_file
from skillshared.core.config import Config
from skillshared.core.paths import Paths
from skillshared.core.results import PassBackup, SyncReport
from skillshared.engine import reconcile
from skillshared.engine.prebackup import Saved, Taken, ToSave
from tests.conftest import make_skill, write_config


class Recorder:
    """A ``Backups`` that records what it is asked and answers ``taken``."""

    def __init__(self, taken: Taken) -> None:
        self.taken = taken
        self.asked: list[list[ToSave]] = []

    def __call__(self, wanted: Sequence[ToSave]) -> Taken:
        self.asked.append(list(wanted))
        return self.taken


@pytest.fixture
def config(home: Path, source: Path) -> Config:
    """Two skills; the target holds a folder of the user's at the name of one of them."""
    make_skill(source, "alpha")
    make_skill(source, "beta")
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    make_skill(home / ".claude/skills", "alpha", body="the user's own\n")
    return config_file.load(Paths.from_env().global_scope())


def run(config: Config, backups: Recorder | None, force: bool = True) -> SyncReport:
    report: SyncReport = reconcile.sync(config, skills.discover(config.source), force=force,
                                        backups=backups)
    return report


def test_a_forced_pass_asks_for_a_backup_of_what_it_replaces(config: Config,
                                                             source: Path) -> None:
    written: PassBackup = {"path": "/backups/x", "targets": []}
    backups = Recorder(Taken(written, (Saved("/backups/x/claude"),)))
    report = run(config, backups)
    [[wanted]] = backups.asked
    assert (wanted.name, wanted.mode, wanted.exact) == ("claude", "merge", frozenset({"alpha"}))
    assert wanted.owns(str(source / "alpha")) and not wanted.owns("/elsewhere")
    assert report["backup"] == written
    [line] = report["targets"]
    assert line["status"] == "ok" and line["backup"] == "/backups/x/claude"
    assert os.path.islink(Path(config.targets[0].path) / "alpha")


def test_a_target_whose_backup_failed_is_left_unchanged(config: Config) -> None:
    backups = Recorder(Taken({"path": None, "targets": []}, (Saved(error="disk full"),)))
    [line] = run(config, backups)["targets"]
    assert line["status"] == "error"
    assert line["error"] == "backup failed, target left unchanged: disk full"
    assert not os.path.islink(Path(config.targets[0].path) / "alpha")


def test_a_backup_that_failed_whole_changes_no_target(config: Config) -> None:
    failed: PassBackup = {"path": None, "error": "no space", "targets": []}
    report = run(config, Recorder(Taken(failed, error="no space")))
    assert report["backup"] == failed
    assert report["targets"][0]["error"] == "backup failed, target left unchanged: no space"
    assert not os.path.islink(Path(config.targets[0].path) / "alpha")


def test_a_pass_that_only_adds_asks_with_nothing(config: Config) -> None:
    backups = Recorder(Taken(None))
    report = run(config, backups, force=False)
    assert backups.asked == [[]]  # (the store clears what a killed backup left)
    assert report["backup"] is None
    assert os.path.islink(Path(config.targets[0].path) / "beta")


def test_without_backups_nothing_is_replaced(config: Config) -> None:
    """No backup, no forced replacement: the pass links what it may and refuses the rest."""
    report = run(config, None)
    assert report["backup"] is None
    [line] = report["targets"]
    assert line["status"] == "error" and "no backup of it could be made" in str(line["error"])
    assert not os.path.islink(Path(config.targets[0].path) / "alpha")
    assert os.path.islink(Path(config.targets[0].path) / "beta")
