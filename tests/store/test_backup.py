"""The backup format written before a sync (README: "Backups, restore, trash")."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from skillshared.store.backup_format import list_backups
from skillshared.store.backup_manifest import latest
from skillshared.store.backup_store import sweep_unfinished
from skillshared.store.backup_writer import BackupWriter
from tests.conftest import make_skill
from tests.undo_world import stored


def target_with_content(root: Path, source: Path) -> Path:
    target = root / "target"
    make_skill(target, "local-skill", files={"scripts/run.sh": "echo hi\n"})
    (target / "local-skill/scripts/run.sh").chmod(0o755)
    make_skill(source, "linked")
    (target / "linked").symlink_to(source / "linked")
    (target / "broken").symlink_to(root / "nowhere")
    return target


def test_backup_records_links_and_copies_files(tmp_path: Path) -> None:
    target = target_with_content(tmp_path, tmp_path / "src")
    writer = BackupWriter(tmp_path / "backups", now=1_700_000_000)
    result = writer.add("claude", str(target), "merge")
    folder = writer.publish()
    assert result.status == "created" and folder is not None
    assert list_backups(tmp_path / "backups") == [folder]
    manifest = json.loads((folder / "claude.json").read_text())
    entries = {e["path"]: e for e in manifest["entries"]}
    assert entries["linked"] == {"path": "linked", "type": "link",
                                 "link": str(tmp_path / "src/linked")}
    assert entries["broken"]["type"] == "link"
    script = entries["local-skill/scripts/run.sh"]
    copied = folder / "claude/local-skill/scripts/run.sh"
    assert copied.read_text() == "echo hi\n"
    assert script["sha256"] == hashlib.sha256(b"echo hi\n").hexdigest()
    assert os.stat(copied).st_mode & 0o777 == 0o755 == script["mode"]
    assert not (folder / "claude/linked").exists()  # links are recorded, not copied
    assert manifest["skills"] == 3 and manifest["kind"] == "dir"
    assert os.stat(tmp_path / "backups").st_mode & 0o777 == 0o700


def test_unchanged_target_is_not_backed_up_again(tmp_path: Path) -> None:
    target = target_with_content(tmp_path, tmp_path / "src")
    first = BackupWriter(tmp_path / "backups", now=1_700_000_000)
    first.add("claude", str(target), "merge")
    first.publish()
    second = BackupWriter(tmp_path / "backups", now=1_700_000_100)
    assert second.add("claude", str(target), "merge").status == "unchanged"
    assert second.publish() is None
    assert len(list_backups(tmp_path / "backups")) == 1


def test_identical_files_are_hard_linked_to_the_previous_backup(tmp_path: Path) -> None:
    target = target_with_content(tmp_path, tmp_path / "src")
    first = BackupWriter(tmp_path / "backups", now=1_700_000_000)
    first.add("claude", str(target), "merge")
    old = first.publish()
    (target / "new-file.md").write_text("changed\n")
    second = BackupWriter(tmp_path / "backups", now=1_700_000_100)
    second.add("claude", str(target), "merge")
    new = second.publish()
    assert old is not None and new is not None and old != new
    kept = "local-skill/SKILL.md"
    assert os.stat(stored(old, "claude", kept)).st_ino == os.stat(
        stored(new, "claude", kept)).st_ino
    assert (new / "claude/new-file.md").read_text() == "changed\n"
    found = latest(tmp_path / "backups", "claude")
    assert found is not None and found[0] == new


def test_same_second_backups_get_distinct_folders(tmp_path: Path) -> None:
    target = target_with_content(tmp_path, tmp_path / "src")
    folders = []
    for index in range(2):
        (target / "counter").write_text(str(index))
        writer = BackupWriter(tmp_path / "backups", now=1_700_000_000)
        writer.add("claude", str(target), "merge")
        folders.append(writer.publish())
    assert len(set(folders)) == 2


def test_empty_and_missing_targets_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    writer = BackupWriter(tmp_path / "backups")
    assert writer.add("a", str(tmp_path / "empty"), "merge").status == "empty"
    assert writer.add("b", str(tmp_path / "missing"), "merge").status == "missing"
    assert writer.publish() is None
    assert not (tmp_path / "backups").exists() or not os.listdir(tmp_path / "backups")


def test_symlink_mode_target_is_recorded_as_a_link(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "target").symlink_to(tmp_path / "src")
    writer = BackupWriter(tmp_path / "backups")
    assert writer.add("codex", str(tmp_path / "target"), "symlink").status == "created"
    folder = writer.publish()
    assert folder is not None
    manifest = json.loads((folder / "codex.json").read_text())
    assert (manifest["kind"], manifest["link"]) == ("link", str(tmp_path / "src"))


def test_unfinished_backup_of_a_dead_process_is_swept(tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = backups / f".tmp-2026-01-01_00-00-00-{proc.stdout.strip()}"
    (dead / "claude").mkdir(parents=True)
    mine = backups / f".tmp-2026-01-01_00-00-00-{os.getpid()}"
    mine.mkdir()
    assert sweep_unfinished(backups) == [dead.name]
    assert not dead.exists() and mine.exists()
    assert list_backups(backups) == []
