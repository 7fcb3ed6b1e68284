"""`skillshare restore` (README: "Backups, restore, trash") and the seed's recovery scenarios."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from skillshared.store.backup_format import STORE, list_backups
from skillshared.store.backup_writer import BackupWriter
from tests import undo_world
from tests.conftest import CliRunner, DaemonStarter, make_skill, tree, wait_for, write_config
from tests.undo_world import all_verify, backups_dir, ours_left


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> dict[str, Path]:
    return undo_world.build(home, source, cli)


def test_restore_brings_back_links_as_links_and_folders_as_folders(
        cli: CliRunner, home: Path, source: Path, world: dict[str, Path]) -> None:
    claude = world["claude"]
    assert cli("backup").code == 0
    before = tree(claude)
    shutil.rmtree(claude)
    claude.mkdir()
    result = cli("restore", "claude", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["links"] == 3 and data["folders"] == 1 and data["latest"] is True
    assert tree(claude) == before
    assert os.readlink(claude / "alpha") == str(source / "alpha")
    assert (claude / "mine").is_dir() and not (claude / "mine").is_symlink()
    assert ours_left(claude) == []
    again = cli("sync", "--json").json()
    assert [t["changes"] for t in again["results"]] == [[], []]


def test_restore_from_an_earlier_backup(cli: CliRunner, home: Path, source: Path,
                                        world: dict[str, Path]) -> None:
    claude = world["claude"]
    first = cli("backup", "claude", "--json").json()["targets"][0]["path"].split("/")[-2]
    shutil.rmtree(claude / "mine")
    make_skill(claude, "later")
    cli("backup", "claude")
    text = cli("restore", "claude", "--from", first, "--force").out
    assert f"from backup {first}" in text
    assert (claude / "mine").is_dir() and not (claude / "later").exists()
    # what was there before the restore is in the newest backup
    newest = list_backups(backups_dir(home))[0]
    assert (newest / "claude/later/SKILL.md").is_file()


def test_restore_copy_mode_target_keeps_its_copies_ours(cli: CliRunner, home: Path,
                                                        world: dict[str, Path]) -> None:
    cursor = world["cursor"]
    cli("backup", "cursor")
    before = tree(cursor)
    shutil.rmtree(cursor / "beta")
    (cursor / "alpha/SKILL.md").write_text("edited in the target\n")
    result = cli("restore", "cursor", "--force")
    assert result.code == 0, result.err
    assert tree(cursor) == before
    again = cli("sync", "--json").json()
    assert [t["changes"] for t in again["results"]] == [[], []]
    assert not [c for t in again["results"] for c in t["conflicts"]]


def test_entries_not_from_skillshare_need_force(cli: CliRunner, home: Path, source: Path,
                                                world: dict[str, Path]) -> None:
    claude = world["claude"]
    cli("backup", "claude")
    make_skill(claude, "new-local", body="not in any backup\n")
    before = tree(claude)
    refused = cli("restore", "claude")
    assert refused.code == 1
    assert "claude holds entries that did not come from skillshare: new-local" in refused.err
    assert "--force" in refused.err
    assert tree(claude) == before
    forced = cli("restore", "claude", "--force", "--json")
    assert forced.code == 0, forced.err
    data = forced.json()
    assert data["replaced"] == ["new-local"] and not (claude / "new-local").exists()
    saved = Path(data["backup"]["path"])
    assert (saved / "new-local/SKILL.md").read_text().endswith("not in any backup\n")


def test_our_links_and_identical_folders_do_not_need_force(cli: CliRunner, home: Path,
                                                           world: dict[str, Path]) -> None:
    claude = world["claude"]
    cli("backup", "claude")
    (claude / "beta").unlink()  # ours, gone; the rest is ours or identical to the backup
    result = cli("restore", "claude")
    assert result.code == 0, result.err
    assert (claude / "beta").is_symlink()


def test_dry_run_changes_nothing(cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    claude = world["claude"]
    cli("backup", "claude")
    (claude / "beta").unlink()
    before, backups = tree(claude), tree(backups_dir(home))
    result = cli("restore", "claude", "--dry-run")
    assert result.code == 0 and "Would restore claude" in result.out
    assert tree(claude) == before and tree(backups_dir(home)) == backups


@pytest.mark.parametrize("argv, code, message", [
    (["restore", "nope"], 1, "target 'nope' not found"),
    (["restore", "claude", "--from", "last-tuesday"], 2, "is not a backup name"),
    (["restore", "claude", "--from", "2001-02-03_04-05-06"], 1, "no backup named"),
    (["restore", "--dry-run"], 2, "usage: skillshare restore"),  # (alone: the list)
    (["restore", "--from", "2001-02-03_04-05-06"], 2, "usage: skillshare restore"),
    (["restore", "agents", "nope"], 1, "target 'nope' not found"),
])
def test_bad_input_changes_nothing(cli: CliRunner, home: Path, world: dict[str, Path],
                                   argv: list[str], code: int, message: str) -> None:
    cli("backup", "claude")
    before, backups = tree(home), tree(backups_dir(home))
    result = cli(*argv)
    assert result.code == code and message in result.err
    assert tree(home) == before and tree(backups_dir(home)) == backups


def test_no_backup_of_the_target(cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    result = cli("restore", "claude")
    assert result.code == 1 and "no backup of claude found" in result.err
    folder = Path(cli("backup", "cursor", "--json").json()["path"])
    other = cli("restore", "claude", "--from", folder.name)
    assert other.code == 1 and f"backup {folder.name} holds no backup of claude" in other.err
    assert "it holds: cursor" in other.err


def test_a_tampered_backup_is_refused(cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    claude = world["claude"]
    folder = Path(cli("backup", "claude", "--json").json()["path"])
    (folder / "claude/mine/SKILL.md").write_text("tampered")
    (claude / "beta").unlink()
    before = tree(claude)
    result = cli("restore", "claude")
    assert result.code == 1
    assert "is damaged; nothing was changed" in result.err
    assert "claude/mine/SKILL.md: content does not match its checksum" in result.err
    assert tree(claude) == before
    (folder / "claude.json").write_text("{")
    broken = cli("restore", "claude", "--from", folder.name)
    assert broken.code == 1 and "manifest of claude in backup" in broken.err


def test_a_target_that_is_a_file_is_refused(cli: CliRunner, home: Path,
                                            world: dict[str, Path]) -> None:
    claude = world["claude"]
    cli("backup", "claude")
    shutil.rmtree(claude)
    claude.write_text("a file where the folder was\n")
    result = cli("restore", "claude")
    assert result.code == 1 and "is a file, not a folder" in result.err
    assert claude.read_text() == "a file where the folder was\n"


def test_symlink_mode_target_and_a_source_that_is_gone(cli: CliRunner, home: Path, source: Path,
                                                       world: dict[str, Path]) -> None:
    assert cli("target", "claude", "--mode", "symlink").code == 0
    claude = world["claude"]
    shutil.rmtree(claude)
    assert cli("sync", "--force").code == 0
    assert os.readlink(claude) == str(source)
    cli("backup", "claude")
    assert cli("restore", "claude").code == 0  # the link comes back as the link
    assert os.readlink(claude) == str(source)
    saved = tree(source)
    shutil.rmtree(source)  # deleted through the folder link, say
    result = cli("restore", "claude", "--json")
    assert result.code == 0, result.err
    assert sorted(result.json()["recovered"]) == ["alpha", "beta", "group"]
    assert not claude.is_symlink()
    assert tree(claude) == {k: v for k, v in saved.items() if not k.startswith(".")}


def test_interrupted_restores_are_completed_or_rolled_back(cli: CliRunner, home: Path,
                                                           world: dict[str, Path]) -> None:
    claude = world["claude"]
    cli("backup", "claude")
    parent = claude.parent
    # the target moved aside, the new tree built: complete it
    new = parent / ".skillshare-beside-new-0a1b2c3d-@skills"
    shutil.copytree(claude, new, symlinks=True)
    make_skill(new, "from-restore")
    os.rename(claude, parent / ".skillshare-beside-old-0a1b2c3d-@skills")
    result = cli("sync", "--json")
    assert result.code == 0, result.err
    assert result.json()["interrupted_restores"] == [{"target": "claude",
                                                      "action": "restore completed"}]
    assert (claude / "from-restore").is_dir() and ours_left(claude) == []
    # only the old content left: roll back
    os.rename(claude, parent / ".skillshare-beside-old-0a1b2c3d-@skills")
    assert cli("restore", "claude", "--force", "--json").json()["interrupted"] == [
        {"target": "claude", "action": "restore rolled back"}]
    assert ours_left(claude) == []


def test_restore_through_the_daemon_relinks_what_matches(daemon: DaemonStarter, home: Path,
                                                         source: Path, cli: CliRunner) -> None:
    """The daemon runs the restore, then sees the real folder identical to its source skill
    and re-links it (README, "Backups, restore, trash": what sync does after a restore)."""
    write_config(home, undo_world.CONFIG.replace("    mode: copy\n", ""))
    make_skill(source, "alpha")
    claude = home / ".claude/skills"
    claude.mkdir(parents=True)
    (home / ".cursor/skills").mkdir(parents=True)
    earlier = home / "earlier"  # how claude once looked: a real copy of alpha
    shutil.copytree(source / "alpha", earlier / "alpha")
    writer = BackupWriter(backups_dir(home))
    writer.add("claude", str(earlier), "merge")
    assert writer.publish() is not None
    d = daemon()
    assert os.readlink(claude / "alpha") == str(source / "alpha")
    after = d.reconciles()
    result = cli("restore", "claude", "--json")
    assert result.code == 0, result.err
    assert result.json()["folders"] == 1
    d.settle(after)
    wait_for((claude / "alpha").is_symlink, what="the daemon to re-link alpha")
    assert os.readlink(claude / "alpha") == str(source / "alpha")
    assert ours_left(claude) == []


# -- the seed's "Recovery Scenarios" -------------------------------------------------------


def test_scenario_accidentally_deleted_a_skill_through_symlink(
        cli: CliRunner, home: Path, source: Path, world: dict[str, Path]) -> None:
    """restore claude; sync — the skill is back (then collect puts it in the source)."""
    claude = world["claude"]
    assert cli("backup").code == 0
    for item in (claude / "alpha").iterdir():  # rm -rf ~/.claude/skills/alpha/*
        shutil.rmtree(item) if item.is_dir() else item.unlink()
    assert not (source / "alpha/SKILL.md").exists()
    result = cli("restore", "claude", "--json")
    assert result.code == 0, result.err
    assert result.json()["recovered"] == ["alpha"]
    assert cli("sync").code == 0
    assert (claude / "alpha/scripts/run.sh").read_text() == "echo alpha\n"
    assert os.stat(claude / "alpha/scripts/run.sh").st_mode & 0o111
    # and into the source again, linked
    assert cli("collect", "claude").code == 0
    assert (source / "alpha/SKILL.md").is_file()
    assert os.readlink(claude / "alpha") == str(source / "alpha")


def test_scenario_messed_up_sync_mode(cli: CliRunner, home: Path, source: Path,
                                      world: dict[str, Path]) -> None:
    """restore claude; target claude --mode merge; sync."""
    claude = world["claude"]
    assert cli("backup").code == 0
    before = tree(claude)
    assert cli("target", "claude", "--mode", "copy").code == 0
    assert cli("sync", "--force").code == 0  # the links became copies
    assert (claude / "alpha").is_dir() and not (claude / "alpha").is_symlink()
    result = cli("restore", "claude")
    assert result.code == 0, result.err
    assert cli("target", "claude", "--mode", "merge").code == 0
    assert cli("sync").code == 0
    assert tree(claude) == before
    assert os.readlink(claude / "beta") == str(source / "beta")


def test_scenario_undo_recent_changes(cli: CliRunner, home: Path, source: Path,
                                      world: dict[str, Path]) -> None:
    """backup --list; restore claude --from <earlier-timestamp>."""
    claude = world["claude"]
    assert cli("backup").code == 0
    before = tree(claude)
    shutil.rmtree(claude / "mine")  # recent changes: a local skill deleted, a skill pruned
    shutil.rmtree(source / "beta")
    assert cli("sync").code == 0
    assert not (claude / "beta").exists()
    listing = cli("backup", "--list").out
    earlier = sorted(line.strip().rstrip("/") for line in listing.splitlines()
                     if line.startswith("  20"))[0]
    result = cli("restore", "claude", "--from", earlier)
    assert result.code == 0, result.err
    restored = tree(claude)
    assert {k: v for k, v in restored.items() if k != "beta" and not k.startswith("beta/")} == {
        k: v for k, v in before.items() if k != "beta"}
    assert (claude / "beta/SKILL.md").is_file()  # gone from the source: its saved copy
    assert all_verify(home)
    assert json.loads((list_backups(backups_dir(home))[0] / "claude.json").read_text())
    assert (backups_dir(home) / STORE).is_dir()


def test_a_target_path_linked_to_a_folder_of_the_users_is_backed_up_and_restored_there(
        cli: CliRunner, home: Path, source: Path) -> None:
    real = home / "dotfiles/claude-skills"
    make_skill(real, "own-skill", body="kept in my dotfiles\n")
    (home / ".claude").mkdir()
    (home / ".claude/skills").symlink_to(real)
    write_config(home, f"source: {source}\ntargets:\n  claude:\n    path: ~/.claude/skills\n")
    make_skill(source, "alpha")
    assert cli("sync").code == 0
    assert cli("backup").code == 0
    shutil.rmtree(real / "own-skill")
    result = cli("restore", "claude")
    assert result.code == 0, result.err
    assert os.readlink(home / ".claude/skills") == str(real)  # still the user's link
    assert (real / "own-skill/SKILL.md").read_text().endswith("kept in my dotfiles\n")
    assert os.readlink(real / "alpha") == str(source / "alpha")
    assert not [n for n in os.listdir(real.parent) if n.startswith(".skillshare")]
