"""A backup of a big target that changed a little reuses the latest backup's pieces of its
manifest: it holds what a backup written from scratch holds, and reuses nothing the store
has lost or that does not read back right."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from skillshared.engine import fsops
from skillshared.engine.prebackup import Seen
from skillshared.store import backup_store
from skillshared.store.backup_format import CHUNKS, STORE, list_backups
from skillshared.store.backup_manifest import read_manifest
from skillshared.store.backup_writer import BackupWriter
from tests.conftest import CliRunner, make_skill, write_config
from tests.undo_world import all_verify, backups_dir

SKILLS = 400  # (a manifest too big to hold its entries itself: pieces)


def build(home: Path, source: Path, cli: CliRunner) -> tuple[Path, Path]:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n")
    for index in range(SKILLS):
        make_skill(source, f"skill-{index:04d}", body=f"skill {index}\n")
    assert cli("sync").code == 0
    assert cli("backup").code == 0
    return home / ".claude/skills", home / ".cursor/skills"


def chunks(home: Path) -> set[str]:
    return set(os.listdir(backups_dir(home) / CHUNKS))


def delete_and_sync(cli: CliRunner, home: Path, source: Path, name: str) -> Path:
    """Delete a skill from the source and sync: the sync backs its targets up first."""
    if (source / name).exists():
        shutil.rmtree(source / name)
    result = cli("sync", "--json")
    assert result.code == 0, result.err
    return list_backups(backups_dir(home))[0]


def test_a_deletion_writes_one_piece_and_the_manifest_is_whole(cli: CliRunner, home: Path,
                                                                source: Path) -> None:
    claude, _ = build(home, source, cli)
    before = chunks(home)
    newest = delete_and_sync(cli, home, source, "skill-0123")
    assert not (claude / "skill-0123").exists()
    raw = json.loads((newest / "claude.json").read_text())
    assert "chunks" in raw and len(raw["chunks"]) > 10
    assert len(chunks(home) - before) == 1  # the piece that held the link (both targets')
    shutil.rmtree(source / "skill-0321")
    scratch = BackupWriter(home / "from-scratch")  # the target written from scratch
    scratch.add("claude", str(claude), "merge", lambda dest: dest.startswith(f"{source}/"))
    scratch_folder = scratch.publish()
    again = delete_and_sync(cli, home, source, "skill-0321")
    assert scratch_folder is not None and again != newest
    got, want = read_manifest(again, "claude"), read_manifest(scratch_folder, "claude")
    assert got is not None and want is not None
    assert got["entries"] == want["entries"] and got["skills"] == SKILLS - 1
    assert all_verify(home)
    restored = cli("restore", "claude", "--from", newest.name, "--force", "--json")
    assert restored.code == 0, restored.err
    assert os.readlink(claude / "skill-0123") == str(source / "skill-0123")  # (as it was)
    assert (claude / "skill-0321/SKILL.md").read_text().endswith("skill 321\n")  # (saved)


def test_a_piece_whose_skill_version_the_store_lost_is_written_again(
        cli: CliRunner, home: Path, source: Path) -> None:
    build(home, source, cli)
    manifest = read_manifest(list_backups(backups_dir(home))[0], "claude")
    assert manifest is not None
    lost = next(e["content"] for e in manifest["entries"] if e["path"] == "skill-0007")
    shutil.rmtree(backups_dir(home) / STORE / lost)
    newest = delete_and_sync(cli, home, source, "skill-0300")
    assert (backups_dir(home) / STORE / lost / "SKILL.md").is_file()  # saved again
    assert all_verify(home)
    shutil.rmtree(source / "skill-0007")
    restored = cli("restore", "claude", "--from", newest.name, "--force", "--json")
    assert restored.code == 0, restored.err
    assert (home / ".claude/skills/skill-0007/SKILL.md").read_text().endswith("skill 7\n")


def test_a_damaged_piece_of_the_latest_backup_is_not_reused(cli: CliRunner, home: Path,
                                                            source: Path) -> None:
    build(home, source, cli)
    latest = list_backups(backups_dir(home))[0]
    piece = json.loads((latest / "claude.json").read_text())["chunks"][3]
    damaged = backups_dir(home) / CHUNKS / piece
    damaged.write_text(damaged.read_text().replace("skill-", "skilX-", 1))
    newest = delete_and_sync(cli, home, source, "skill-0200")
    assert newest != latest
    assert read_manifest(newest, "claude") is not None
    assert read_manifest(newest, "cursor") is not None
    assert all_verify(home)  # (the piece was written again: the older backup reads again)


def test_links_the_pass_saw_are_taken_as_seen_in_that_folder_only(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "linked").symlink_to(tmp_path / "src/linked")
    st = os.stat(target)
    for ident, recorded in (((st.st_dev, st.st_ino), "as seen"),
                            ((st.st_dev, st.st_ino + 1), str(tmp_path / "src/linked"))):
        writer = BackupWriter(tmp_path / f"backups-{recorded[:2]}")
        writer.add("claude", str(target), "merge", seen=Seen(ident, {"linked": "as seen"}))
        folder = writer.publish()
        assert folder is not None
        manifest = read_manifest(folder, "claude")
        assert manifest is not None and manifest["entries"] == [
            {"path": "linked", "type": "link", "link": recorded}]


def test_a_backup_of_few_new_files_flushes_them_not_the_whole_file_system(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "target"
    for index in range(4):
        make_skill(target, f"own-{index}")
    whole: list[tuple[object, ...]] = []
    monkeypatch.setattr(fsops, "flush", lambda *paths: whole.append(paths))
    synced: list[str] = []
    monkeypatch.setattr(backup_store, "_fsync_file", synced.append)
    for most, expected in ((256, 0), (3, 1)):
        monkeypatch.setattr(backup_store, "FSYNC_MAX", most)
        writer = BackupWriter(tmp_path / f"backups-{most}")
        writer.add("claude", str(target), "merge")
        assert writer.publish() is not None
        assert len(whole) == expected
    files = [p for p in synced if "/.skills/files/" in p]
    assert len(files) == 4 and any(p.endswith("/claude.json") for p in synced)


def test_targets_as_the_pass_saw_them_are_recorded_as_read_afresh(tmp_path: Path) -> None:
    source = tmp_path / "src"
    targets = {name: tmp_path / name for name in ("a", "b", "c")}
    for index in range(3):
        make_skill(source, f"s{index}")
    for folder in targets.values():
        folder.mkdir()
        for index in range(3):
            (folder / f"s{index}").symlink_to(source / f"s{index}")
    make_skill(targets["c"], "mine")  # (c holds a folder of its own too)
    owns = lambda dest: dest.startswith(f"{source}/")  # noqa: E731
    found = []
    for seen_by_pass in (True, False):
        writer = BackupWriter(tmp_path / f"backups-{seen_by_pass}")
        for name, folder in targets.items():
            st = os.stat(folder)
            links = {n: os.readlink(folder / n) for n in os.listdir(folder)
                     if (folder / n).is_symlink()}
            others = frozenset(os.listdir(folder)) - links.keys()
            seen = Seen((st.st_dev, st.st_ino), links, others) if seen_by_pass else None
            assert writer.add(name, str(folder), "merge", owns, seen=seen).status == "created"
        published = writer.publish()
        assert published is not None
        manifests = {n: read_manifest(published, n) for n in targets}
        found.append({n: m["entries"] for n, m in manifests.items() if m is not None})
    assert found[0] == found[1] and len(found[0]) == 3
    assert found[0]["a"] == found[0]["b"] == [e for e in found[0]["c"]
                                                if not e["path"].startswith("mine")]
    assert all("content" in e for e in found[0]["a"])
    assert [e["path"] for e in found[0]["c"] if e["path"].startswith("mine")] == [
        "mine", "mine/SKILL.md"]


def test_cleanup_keeps_the_pieces_a_kept_backup_reuses(cli: CliRunner, home: Path,
                                                       source: Path) -> None:
    claude, _ = build(home, source, cli)
    first = list_backups(backups_dir(home))[0]
    newest = delete_and_sync(cli, home, source, "skill-0042")
    reused = set(json.loads((first / "claude.json").read_text())["chunks"]) & set(
        json.loads((newest / "claude.json").read_text())["chunks"])
    assert len(reused) > 10  # (the new backup names the first one's pieces)
    config = home / ".config/skillshare/config.yaml"
    config.write_text(config.read_text() + "backup:\n  keep: 1\n")
    result = cli("backup", "--cleanup", "--json")
    assert result.code == 0, result.err
    assert [b.name for b in list_backups(backups_dir(home))] == [newest.name]
    assert reused <= chunks(home) and all_verify(home)
    restored = cli("restore", "claude", "--force", "--json")
    assert restored.code == 0, restored.err
    assert os.readlink(claude / "skill-0042") == str(source / "skill-0042")
    assert len(os.listdir(claude)) == SKILLS
