"""A backup that reuses the latest backup's pieces, killed at every filesystem change it
makes: every published backup still verifies (no piece it names is missing), and the next
run converges."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from skillshared.store.backup_format import list_backups
from tests.conftest import CliRunner, make_skill, write_config
from tests.test_crash import unfinished_backups
from tests.test_undo_crash import Scenario, backups_state
from tests.undo_world import all_verify, backups_dir


def test_a_backup_reusing_pieces_killed_anywhere(cli: CliRunner, home: Path,
                                                 tmp_path: Path) -> None:
    source = tmp_path / "source"  # (outside HOME, which each run starts from a copy of: the
    # skills keep their inodes and times, so the pieces that hold them are reused)
    write_config(home, f"source: {source}\ntargets:\n  claude:\n    path: ~/.claude/skills\n")
    for index in range(250):  # (manifests too big to hold their entries themselves)
        make_skill(source, f"skill-{index:04d}", body=f"skill {index}\n")
    assert cli("sync").code == 0
    assert cli("backup").code == 0
    first = list_backups(backups_dir(home))[0]
    assert "chunks" in json.loads((first / "claude.json").read_text())
    shutil.rmtree(source / "skill-0150")  # (the target's link to it now leads nowhere)

    def check(settled: bool) -> None:
        assert all_verify(home), "a published backup does not verify"
        if settled:  # (a new backup, of the pieces of the first but one)
            newest = list_backups(backups_dir(home))[0]
            pieces = [json.loads((b / "claude.json").read_text())["chunks"]
                      for b in (first, newest)]
            assert len(set(pieces[0]) - set(pieces[1])) == 1

    scene = Scenario(home, tmp_path / "scene", ["backup"], backups_state(home))
    assert scene.every_point(check) >= 5
    assert unfinished_backups(backups_dir(home)) == []
