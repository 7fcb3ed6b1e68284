"""The trash (README: "Backups, restore, trash") and `skillshare trash`."""

from __future__ import annotations

import errno
import json
import os
import time
from pathlib import Path

import pytest

from skillshared.engine import fsops
from skillshared.store import trash
from tests.conftest import CliRunner, make_skill, run_cli_process, tree


def test_put_list_restore(trash_dir: Path, configured: Path, cli: CliRunner) -> None:
    skill = make_skill(configured, "old-skill", files={"notes.md": "keep me\n"})
    before = tree(skill)
    where = trash.put(trash_dir, str(skill), "old-skill", "test", now=time.time() - 3600)
    assert not skill.exists() and tree(Path(where)) == before
    assert Path(where).name.startswith("old-skill_20")
    note = json.loads(Path(where + ".json").read_text())
    assert note["origin"] == str(skill) and note["reason"] == "test"
    listed = cli("trash", "list")
    assert listed.code == 0 and "old-skill_20" in listed.out and "1h ago" not in listed.out
    assert "60m ago" in listed.out or "59m ago" in listed.out
    assert "Items are deleted for good after 7 days" in listed.out
    restored = cli("trash", "restore", "old-skill")
    assert restored.code == 0, restored.err
    assert tree(skill) == before and trash.items(trash_dir) == []


def test_restore_refuses_to_overwrite(trash_dir: Path, configured: Path, cli: CliRunner) -> None:
    skill = make_skill(configured, "dup")
    trash.put(trash_dir, str(skill), "dup", "test")
    make_skill(configured, "dup", body="a new one\n")
    result = cli("trash", "restore", "dup")
    assert result.code == 1 and "'dup' already exists at" in result.err
    assert len(trash.items(trash_dir)) == 1


def test_same_name_twice_keeps_both_and_the_newest_wins(trash_dir: Path,
                                                        configured: Path, cli: CliRunner) -> None:
    now = time.time()
    trash.put(trash_dir, str(make_skill(configured, "x", body="first\n")), "x", "t", now)
    trash.put(trash_dir, str(make_skill(configured, "x", body="second\n")), "x", "t", now)
    entries = [i.entry for i in trash.items(trash_dir)]
    assert len(entries) == 2 and len(set(entries)) == 2
    assert cli("trash", "restore", "x").code == 0
    assert (configured / "x/SKILL.md").read_text().endswith("second\n")


def test_delete_and_empty(trash_dir: Path, configured: Path, cli: CliRunner) -> None:
    for name in ("a", "b", "c"):
        trash.put(trash_dir, str(make_skill(configured, name)), name, "t")
    assert cli("trash", "delete", "a").code == 0
    assert sorted(i.name for i in trash.items(trash_dir)) == ["b", "c"]
    refused = cli("trash", "empty")
    assert refused.code == 2 and "--force" in refused.err
    assert len(trash.items(trash_dir)) == 2
    preview = cli("trash", "empty", "--dry-run")
    assert preview.code == 0 and len(trash.items(trash_dir)) == 2
    done = cli("trash", "empty", "--force")
    assert done.code == 0 and "2 items permanently deleted" in done.out
    assert os.listdir(trash_dir) == []
    assert cli("trash").out.strip() == "Trash is empty"


def test_empty_asks_on_a_terminal(trash_dir: Path, configured: Path, cli: CliRunner,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    trash.put(trash_dir, str(make_skill(configured, "a")), "a", "t")
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    kept = cli("trash", "empty")
    assert kept.code == 0 and "Cancelled" in kept.out and len(trash.items(trash_dir)) == 1
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert cli("trash", "empty").code == 0 and trash.items(trash_dir) == []


def test_expiry(trash_dir: Path, configured: Path) -> None:
    now = time.time()
    trash.put(trash_dir, str(make_skill(configured, "old")), "old", "t", now - 8 * 86400)
    trash.put(trash_dir, str(make_skill(configured, "new")), "new", "t", now - 86400)
    assert [i.name for i in trash.expire(trash_dir, 7, now, dry_run=True)] == ["old"]
    assert len(trash.items(trash_dir)) == 2
    assert [i.name for i in trash.expire(trash_dir, 7, now)] == ["old"]
    assert [i.name for i in trash.items(trash_dir)] == ["new"]


@pytest.mark.parametrize("argv, code, message", [
    (["trash", "restore", "nope"], 1, "'nope' not found in the trash"),
    (["trash", "delete", "../etc"], 2, "invalid trash item"),
    (["trash", "restore"], 2, "usage: skillshare trash restore <name>"),
    (["trash", "shred", "x"], 2, "unknown trash action 'shred'"),
    (["trash", "list", "x"], 2, "takes no name"),
])
def test_bad_input(trash_dir: Path, configured: Path, cli: CliRunner, argv: list[str], code: int,
                   message: str) -> None:
    trash.put(trash_dir, str(make_skill(configured, "a")), "a", "t")
    before = tree(trash_dir)
    result = cli(*argv)
    assert result.code == code and message in result.err
    assert tree(trash_dir) == before


def test_interrupted_moves_leave_no_half_items(trash_dir: Path, configured: Path) -> None:
    # a note whose folder never arrived is dropped; a half-deleted item is finished off
    trash_dir.mkdir(parents=True)
    (trash_dir / "ghost_2026-01-01_00-00-00.json").write_text("{}")
    (trash_dir / ".del-gone_2026-01-01_00-00-00").mkdir()
    assert trash.items(trash_dir) == []
    trash.expire(trash_dir, 7)
    assert os.listdir(trash_dir) == []


def test_move_across_filesystems_copies_then_deletes(trash_dir: Path, configured: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    skill = make_skill(configured, "far", files={"bin/tool": "#!/bin/sh\n"})
    (skill / "bin/tool").chmod(0o755)
    before = tree(skill)
    real_rename = fsops.rename_no_replace
    calls: list[str] = []

    def cross_device(src: str, dst: str) -> None:
        if not calls:
            calls.append(src)
            raise OSError(errno.EXDEV, "Invalid cross-device link", src)
        real_rename(src, dst)

    monkeypatch.setattr(fsops, "rename_no_replace", cross_device)
    where = trash.put(trash_dir, str(skill), "far", "t")
    assert calls and not skill.exists()
    assert tree(Path(where)) == before
    assert os.stat(Path(where) / "bin/tool").st_mode & 0o111


def test_project_trash_is_in_the_project(cli: CliRunner, work: Path) -> None:
    assert cli("init", "-p", "--targets", "claude").code == 0
    result = run_cli_process("trash", "--json", cwd=work)
    assert result.code == 0
    assert result.json()["dir"] == str(work / ".skillshare/trash")
