"""`skillshare backup`: create, list, verify, cleanup (README: "Backups, restore, trash")."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from skillshared.core import config_file
from skillshared.core.paths import Paths
from skillshared.engine import trees
from skillshared.engine.trees import SKIP_GIT
from skillshared.store import backup_write
from skillshared.store.backup_format import STORE, list_backups
from skillshared.store.backup_manifest import read_manifest, stored_versions
from skillshared.store.backup_writer import BackupWriter
from tests import undo_world
from tests.conftest import CliRunner, make_skill, write_config
from tests.undo_world import all_verify, backups_dir, stored


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> dict[str, Path]:
    return undo_world.build(home, source, cli)


def test_backup_saves_the_content_behind_our_links_once(cli: CliRunner, home: Path, source: Path,
                                                        world: dict[str, Path]) -> None:
    result = cli("backup", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert {t["target"]: t["status"] for t in data["targets"]} == {"claude": "created",
                                                                  "cursor": "created"}
    folder = Path(data["path"])
    raw = json.loads((folder / "claude.json").read_text())
    versions = {e["link"]: e["content"] for e in raw["entries"] if e["type"] == "link"}
    assert versions == {str(source / s): trees.digest(str(source / s), SKIP_GIT)
                        for s in ("alpha", "beta", "group/nested")}  # each link's version
    manifest = read_manifest(folder, "claude")
    assert manifest is not None
    links = {e["path"]: e for e in manifest["entries"] if e["type"] == "link"}
    assert set(links) == {"alpha", "beta", "group__nested"}
    assert all(len(e["content"]) == 64 for e in links.values())
    assert not (folder / "claude/alpha").exists()  # a link is recorded, not copied
    saved = backups_dir(home) / STORE / links["alpha"]["content"]
    assert (saved / "scripts/run.sh").read_text() == "echo alpha\n"
    assert os.stat(saved / "scripts/run.sh").st_mode & 0o111
    # the copy target's copies of the same skills are files (stored once where identical)
    assert (folder / "cursor/alpha/SKILL.md").is_file()
    assert (folder / "cursor/theirs/SKILL.md").read_text().endswith("made in cursor\n")
    assert (folder / "claude/mine/SKILL.md").is_file()
    assert len(stored_versions(backups_dir(home))) == 3


def test_second_backup_of_unchanged_targets_writes_nothing(cli: CliRunner, home: Path,
                                                           world: dict[str, Path]) -> None:
    first = cli("backup", "--json").json()
    second = cli("backup", "--json").json()
    assert [t["status"] for t in second["targets"]] == ["unchanged", "unchanged"]
    assert second["path"] is None and second["bytes_written"] == 0
    assert [t["path"] for t in second["targets"]] == [t["path"] for t in first["targets"]]
    assert len(list_backups(backups_dir(home))) == 1
    text = cli("backup").out
    assert "claude: unchanged since" in text and "0 created, 2 unchanged" in text


def test_an_edit_behind_a_link_makes_a_new_backup_that_shares_the_rest(
        cli: CliRunner, home: Path, source: Path, world: dict[str, Path]) -> None:
    cli("backup", "claude")  # (a second backup in the same second takes the next name)
    (source / "beta/SKILL.md").write_text("---\nname: beta\n---\nedited\n")
    data = cli("backup", "claude", "--json").json()
    assert data["targets"][0]["status"] == "created"
    assert data["bytes_written"] < 4096  # the manifest and the one edited skill
    old, new = list_backups(backups_dir(home))[1], list_backups(backups_dir(home))[0]
    shared = "mine/SKILL.md"
    assert os.stat(stored(old, "claude", shared)).st_ino == os.stat(
        stored(new, "claude", shared)).st_ino
    assert len(stored_versions(backups_dir(home))) == 4
    assert all_verify(home)


def test_forced_second_backup_is_manifests_and_hard_links(home: Path,
                                                          world: dict[str, Path]) -> None:
    cfg = config_file.load(Paths.from_env().global_scope())
    first = backup_write.write(cfg, cfg.targets)
    second = backup_write.write(cfg, cfg.targets, always=True, now=time.time() + 5)
    assert first.folder and second.folder and first.folder != second.folder
    assert all(r.status == "created" for r in second.results)
    manifests = sum(os.path.getsize(Path(second.folder) / f"{t}.json")
                    for t in ("claude", "cursor"))
    assert second.written == manifests


def test_backup_dry_run_and_bad_input_change_nothing(cli: CliRunner, home: Path,
                                                     world: dict[str, Path]) -> None:
    result = cli("backup", "--dry-run")
    assert result.code == 0 and "claude: would create" in result.out
    assert not backups_dir(home).exists()
    unknown = cli("backup", "nope")
    assert unknown.code == 1 and "unknown target: nope" in unknown.err
    bad = cli("backup", "--verify", "--from", "yesterday")
    assert bad.code == 2 and "not a backup name" in bad.err
    missing = cli("backup", "--verify", "--from", "2020-01-01_00-00-00")
    assert missing.code == 1 and "no backup named 2020-01-01_00-00-00" in missing.err
    stray = cli("backup", "--from", "2020-01-01_00-00-00")
    assert stray.code == 2
    assert not backups_dir(home).exists()


def test_backup_refuses_project_mode(cli: CliRunner, work: Path) -> None:
    assert cli("init", "-p", "--targets", "claude").code == 0
    result = cli("backup", "-p")
    assert result.code == 2 and "works on global targets" in result.err


def test_list_shows_the_seeds_table(cli: CliRunner, home: Path, source: Path,
                                    world: dict[str, Path]) -> None:
    assert cli("backup", "--list").out.startswith("No backups yet")
    cli("backup")
    text = cli("backup", "--list").out
    lines = text.splitlines()
    assert lines[0] == "Backups" and lines[1].startswith("─")
    assert lines[2].startswith("  20") and lines[2].endswith("/")
    assert lines[3].startswith("    claude/    4 skills, ")
    assert lines[4].startswith("    cursor/    4 skills, ")
    assert "1 backup, " in lines[-1] and "on disk" in lines[-1]
    data = cli("backup", "--list", "--json").json()
    assert data["backups"][0]["targets"][0]["bytes"] > 0


def test_verify_names_every_damaged_file(cli: CliRunner, home: Path, source: Path,
                                         world: dict[str, Path]) -> None:
    folder = Path(cli("backup", "--json").json()["path"])
    assert cli("backup", "--verify").code == 0
    (folder / "cursor/theirs/SKILL.md").write_text("tampered")
    stored(folder, "claude", "mine/SKILL.md").unlink()  # (the store's copy)
    (folder / "claude/extra.txt").write_text("planted")
    manifest = read_manifest(folder, "claude")
    assert manifest is not None
    digest = next(e["content"] for e in manifest["entries"] if e["path"] == "beta")
    (backups_dir(home) / STORE / digest / "SKILL.md").write_text("tampered")
    result = cli("backup", "--verify")
    assert result.code == 1
    assert f"{folder.name}/cursor/theirs/SKILL.md: content does not match its checksum" in (
        result.out)
    assert f"{folder.name}/claude/mine/SKILL.md: missing" in result.out
    assert f"{folder.name}/claude/extra.txt: not in the manifest" in result.out
    assert "saved content" in result.out and "2 of 2 target backups are damaged" in result.out
    (folder / "cursor.json").write_text("{not json")
    shutil.rmtree(backups_dir(home) / STORE / digest)
    data = cli("backup", "--verify", "--json").json()
    assert any("saved content" in p and "is missing" in p for b in data["backups"]
               for t in b["targets"] for p in t["problems"])
    assert any("manifest is unreadable" in p for b in data["backups"] for t in b["targets"]
               for p in t["problems"])


def test_a_damaged_latest_backup_is_not_trusted_as_unchanged(cli: CliRunner, home: Path,
                                                             world: dict[str, Path]) -> None:
    folder = Path(cli("backup", "claude", "--json").json()["path"])
    damaged = folder / "claude/mine/SKILL.md"
    damaged.write_text("tampered")  # size and time change
    damaged_inode = os.stat(damaged).st_ino
    data = cli("backup", "claude", "--json").json()
    assert data["targets"][0]["status"] == "created"
    newest = list_backups(backups_dir(home))[0]
    assert os.stat(stored(newest, "claude", "mine/SKILL.md")).st_ino != (
        damaged_inode)  # copied afresh, not linked to the damage
    assert "my own skill" in stored(newest, "claude", "mine/SKILL.md").read_text()


def _backups_at(home: Path, cli: CliRunner, world: dict[str, Path], ages_days: list[float]) -> None:
    cfg = config_file.load(Paths.from_env().global_scope())
    now = time.time()
    for index, age in enumerate(sorted(ages_days, reverse=True)):
        (world["claude"] / "mine/counter.txt").write_text(str(index) * 1000)
        writer = BackupWriter(backups_dir(home), now=now - age * 86400)
        writer.add("claude", str(world["claude"]), "merge", backup_write.owner(cfg))
        assert writer.publish() is not None


def test_cleanup_keeps_the_newest_n(cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    write_config(home, undo_world.CONFIG + "backup:\n  keep: 2\n")
    _backups_at(home, cli, world, [0.1, 0.2, 0.3, 0.4])
    names = [b.name for b in list_backups(backups_dir(home))]
    preview = cli("backup", "--cleanup", "-n", "--json").json()
    assert [r["name"] for r in preview["removed"]] == names[2:]
    assert [b.name for b in list_backups(backups_dir(home))] == names  # dry run
    result = cli("backup", "--cleanup")
    assert result.code == 0 and "Removed 2 backups" in result.out
    assert [b.name for b in list_backups(backups_dir(home))] == names[:2]
    assert all_verify(home)


def test_cleanup_by_age_and_total_size_never_drops_the_newest_good_backup(
        cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    write_config(home, undo_world.CONFIG + "backup:\n  max_age_days: 5\n  max_total_mb: 0\n")
    _backups_at(home, cli, world, [10, 20, 30])
    names = [b.name for b in list_backups(backups_dir(home))]
    data = cli("backup", "--cleanup", "--json").json()
    assert data["protected"] == [names[0]]
    assert [r["name"] for r in data["removed"]] == names[1:]
    assert "older than backup.max_age_days = 5" in data["removed"][0]["reasons"]
    assert [b.name for b in list_backups(backups_dir(home))] == names[:1]


def test_cleanup_skips_a_damaged_newest_backup_when_protecting(cli: CliRunner, home: Path,
                                                               world: dict[str, Path]) -> None:
    write_config(home, undo_world.CONFIG + "backup:\n  keep: 1\n")
    _backups_at(home, cli, world, [1, 2])
    newest, older = list_backups(backups_dir(home))
    (newest / "claude/mine/counter.txt").write_text("damaged")
    data = cli("backup", "--cleanup", "--json").json()
    assert data["protected"] == [older.name] and data["removed"] == []


def test_cleanup_removes_saved_skills_no_backup_uses(cli: CliRunner, home: Path, source: Path,
                                                     world: dict[str, Path]) -> None:
    write_config(home, undo_world.CONFIG + "backup:\n  keep: 1\n")
    cli("backup", "claude")
    make_skill(source, "beta", body="a new version\n")
    cfg = config_file.load(Paths.from_env().global_scope())
    backup_write.write(cfg, [t for t in cfg.targets if t.name == "claude"], now=time.time() + 5)
    assert len(stored_versions(backups_dir(home))) == 4
    data = cli("backup", "--cleanup", "--json").json()
    assert len(data["removed"]) == 1 and data["store_removed"] == 1
    assert len(stored_versions(backups_dir(home))) == 3
    assert all_verify(home)


def test_a_target_that_is_a_file_fails_alone(cli: CliRunner, home: Path,
                                             world: dict[str, Path]) -> None:
    shutil.rmtree(world["cursor"])
    world["cursor"].write_text("not a folder")
    result = cli("backup", "--json")
    assert result.code == 1
    statuses = {t["target"]: (t["status"], t.get("error")) for t in result.json()["targets"]}
    assert statuses["claude"] == ("created", None)
    assert statuses["cursor"] == ("failed", f"{world['cursor']} is a file, not a folder")
    assert "✗ cursor: backup failed" in cli("backup", "cursor").out
    assert world["cursor"].read_text() == "not a folder"


def test_doctor_warns_about_a_damaged_latest_backup(cli: CliRunner, home: Path,
                                                    world: dict[str, Path]) -> None:
    folder = Path(cli("backup", "--json").json()["path"])
    assert f"backups: 1 backup, latest {folder.name}" in cli("doctor").out
    (folder / "claude/mine/SKILL.md").write_text("damaged, and a new size")
    text = cli("doctor").out
    assert f"⚠ backups: latest backup damaged: {folder.name}/claude" in text
