"""What backups take on disk follows what changed, not the size of the targets; and
``backup --list`` says what they take as ``du`` does."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from skillshared.core import config_file
from skillshared.core.paths import Paths
from skillshared.store import backup_write
from tests.conftest import CliRunner, make_skill, write_config
from tests.undo_world import all_verify, backups_dir

SKILLS = 300
ROUNDS = 5
KIB = 1024


def du(folder: Path) -> int:
    """Disk space used under ``folder`` as ``du`` counts it (blocks, hard links once)."""
    out = subprocess.run(["du", "-s", "--block-size=1", str(folder)], capture_output=True,
                         text=True, check=True).stdout
    return int(out.split()[0])


def build(home: Path, source: Path, cli: CliRunner) -> None:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n    mode: copy\n")
    for index in range(SKILLS):
        make_skill(source, f"skill-{index:04d}", body=f"# skill {index}\n" + "text " * 100,
                   files={"references/guide.md": f"guide {index}\n" + "more " * 200,
                          "scripts/check.sh": "#!/bin/sh\necho ok\n"})
    assert cli("sync").code == 0


def test_backups_grow_with_what_changed(cli: CliRunner, home: Path, source: Path) -> None:
    """A copy target and a merge target of 300 skills each: each round changes one skill,
    syncs (which backs the targets up first) and runs the daemon's backup job."""
    build(home, source, cli)
    cfg = config_file.load(Paths.from_env().global_scope())
    first = backup_write.write(cfg, cfg.targets)
    assert [r.status for r in first.results] == ["created", "created"]
    start = du(backups_dir(home))
    made = 0
    for index in range(ROUNDS):
        guide = source / f"skill-{index * 37:04d}/references/guide.md"
        guide.write_text(guide.read_text() + f"edit {index}\n")
        result = cli("sync", "--json")
        assert result.code == 0, result.err
        made += len([t for t in (result.json()["backup"] or {}).get("targets", [])
                     if t["status"] == "created"])
        job = backup_write.write(cfg, cfg.targets, now=time.time() + index + 1)
        made += sum(r.status == "created" for r in job.results)
    grown = du(backups_dir(home)) - start
    assert made >= 2 * ROUNDS  # (each round backs up both targets)
    # each backup costs what changed: a few pieces of manifests, the changed files, the
    # copy target's own manifest of its copies (one file that lists them all), a folder
    assert grown < ROUNDS * 320 * KIB, (grown, start)
    assert grown < start / 4, (grown, start)
    assert all_verify(home)


def test_list_says_what_backups_take_as_du_does(cli: CliRunner, home: Path, source: Path) -> None:
    build(home, source, cli)
    cfg = config_file.load(Paths.from_env().global_scope())
    backup_write.write(cfg, cfg.targets)
    for index in range(3):
        guide = source / f"skill-{index:04d}/SKILL.md"
        guide.write_text(guide.read_text() + "edited\n")
        assert cli("sync").code == 0
    listed = cli("backup", "--list", "--json").json()
    real = du(backups_dir(home))
    assert abs(listed["disk_bytes"] - real) <= real // 100, (listed["disk_bytes"], real)
    assert listed["disk_bytes"] == sum(b["disk_bytes"] for b in listed["backups"]) + listed[
        "unreferenced_bytes"]
    text = cli("backup", "--list").out
    assert "on disk" in text.splitlines()[-1]


def test_cleanup_removes_what_no_kept_backup_refers_to(cli: CliRunner, home: Path,
                                                       source: Path) -> None:
    """Files and pieces of manifests of removed backups go with them, unless a kept backup
    refers to them too."""
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\nbackup:\n  keep: 1\n")
    target = home / ".claude/skills"
    for index in range(600):  # (a manifest too big to hold its entries itself: pieces)
        make_skill(target, f"own-{index:04d}", body=f"skill {index}\n")
    assert cli("backup").code == 0
    (target / "own-0007/SKILL.md").write_text("edited\n")
    data = cli("backup", "--json").json()
    assert data["targets"][0]["status"] == "created"
    assert data["bytes_written"] < 64 * KIB  # the manifest, one piece, one file
    preview = cli("backup", "--cleanup", "--dry-run").out
    assert "Would remove 1 stored file, 1 piece of a manifest no backup uses" in preview
    result = cli("backup", "--cleanup", "--json")
    assert result.code == 0, result.err
    cleaned = result.json()
    assert len(cleaned["removed"]) == 1
    assert cleaned["files_removed"] == 1 and cleaned["chunks_removed"] == 1
    text = cli("backup", "--cleanup").out  # (nothing left to remove)
    assert "No backups to remove" in text
    assert all_verify(home)
    restored = cli("restore", "claude", "--force", "--json")
    assert restored.code == 0, restored.err
    assert (target / "own-0007/SKILL.md").read_text() == "edited\n"
    assert (target / "own-0008/SKILL.md").read_text().endswith("skill 8\n")


def test_a_restore_of_what_a_backup_already_holds_adds_no_backup(cli: CliRunner, home: Path,
                                                                 source: Path) -> None:
    """The target holds what an older backup holds (checked by content): that backup is the
    backup of it, and the restore adds none."""
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n")
    make_skill(source, "alpha")
    target = home / ".claude/skills"
    make_skill(target, "mine", body="version 1\n")
    assert cli("sync").code == 0
    older = Path(cli("backup", "--json").json()["path"])
    make_skill(target, "mine", body="version 2\n")
    assert cli("backup").code == 0
    make_skill(target, "mine", body="version 1\n")  # (a new file: new inode and times)
    result = cli("restore", "claude", "--from", older.name, "--json")
    assert result.code == 0, result.err
    assert result.json()["backup"]["status"] == "unchanged"
    assert result.json()["backup"]["path"] == str(older / "claude")
    assert len(os.listdir(backups_dir(home))) - 1 == 2  # (and the store)
    make_skill(target, "extra", body="not in that backup\n")
    forced = cli("restore", "claude", "--force", "--from", older.name, "--json").json()
    assert forced["replaced"] == ["extra"] and forced["backup"]["status"] == "created"
