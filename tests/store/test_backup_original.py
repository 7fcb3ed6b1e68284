"""Backups made by the original skillshare (Go): listed, restored (links back where the
content is the source's), verified as far as they can be, cleaned up under our retention,
ordered among ours by when they were made, their agent parts kept; hostile ones refused."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from skillshared.core.paths import Paths
from skillshared.store import backup_write
from skillshared.store.backup_format import NAME_FORMAT, list_backups
from skillshared.store.original_state import original_state
from tests.conftest import CliRunner, make_skill, run_cli_process, tree, write_config
from tests.original_world.backups import LAYOUT, agents_part, stamp_name, write_backup
from tests.original_world.copies import write_copy_target, write_merge_target
from tests.undo_world import CONFIG, NAMES, backups_dir, layout, time_zone


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    """Targets as the original's sync leaves them: claude (merge) linking to the source's
    skills, cursor (copy) with copies; each with its manifest and a skill of its own."""
    claude, cursor = layout(home, source)
    write_merge_target(claude, source, NAMES)
    write_copy_target(cursor, source, NAMES)
    make_skill(claude, "mine", body="my own skill\n")
    make_skill(cursor, "theirs", body="made in cursor\n")
    return {"claude": claude, "cursor": cursor, "backups": backups_dir(home)}


def ago(seconds: float) -> datetime:
    return datetime.now().astimezone() - timedelta(seconds=seconds)


def original_backup(world: dict[str, Path], seconds_ago: float = 3600, *names: str) -> Path:
    chosen = names or ("claude", "cursor")
    return write_backup(world["backups"], ago(seconds_ago), {n: world[n] for n in chosen})


def emptied(folder: Path) -> None:
    shutil.rmtree(folder)
    folder.mkdir()


# -- the fixture itself writes what the original writes -----------------------------------


def test_the_fixture_writes_the_originals_form(world: dict[str, Path], source: Path) -> None:
    made = original_backup(world)
    assert sorted(os.listdir(made)) == ["claude", "cursor"]
    claude = made / "claude"
    assert sorted(os.listdir(claude)) == [".skillshare-manifest.json", "alpha", "beta",
                                          "group__nested", "mine"]
    assert not any(p.is_symlink() for p in claude.rglob("*"))  # links resolved
    assert (claude / "alpha/scripts/run.sh").stat().st_mode & 0o111
    assert tree(claude / "alpha") == tree(source / "alpha")


def test_list_shows_them_with_their_parts(cli: CliRunner, world: dict[str, Path]) -> None:
    made = original_backup(world)
    data = cli("backup", "--list", "--json").json()
    (listed,) = data["backups"]
    assert listed["name"] == made.name and listed["made_by"] == "original"
    assert [(t["name"], t["skills"], t["readable"]) for t in listed["targets"]] == [
        ("claude", 4, True), ("cursor", 4, True)]
    assert listed["created"].endswith("+00:00")  # (RFC 3339, UTC)
    assert abs(datetime.fromisoformat(listed["created"]).timestamp()
               - (time.time() - 3600)) < 5
    text = cli("backup", "--list").out
    assert f"{made.name}/  (made by the original skillshare)" in text
    assert "4 skills" in text


# -- restore ------------------------------------------------------------------------------


def test_restore_latest_brings_links_back_where_the_content_is_the_sources(
        cli: CliRunner, world: dict[str, Path], source: Path) -> None:
    made = original_backup(world)
    kept = tree(made)
    claude = world["claude"]
    mine = tree(claude / "mine")
    emptied(claude)
    result = cli("restore", "claude", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["from"] == made.name and data["latest"] is True
    assert data["made_by"] == "original" and data["original_manifest"] is True
    assert data["linked"] == ["alpha", "beta", "group__nested"]
    assert os.readlink(claude / "alpha") == str(source / "alpha")
    assert os.readlink(claude / "group__nested") == str(source / "group/nested")
    assert not (claude / "mine").is_symlink() and tree(claude / "mine") == mine
    # the original's manifest is not restored; the backup is left as it was
    assert not (claude / ".skillshare-manifest.json").exists()
    assert tree(made) == kept
    assert cli("sync", "--json").json()["results"][0]["changes"] == []


def test_a_skill_that_changed_since_comes_back_as_the_backup_held_it(
        cli: CliRunner, world: dict[str, Path], source: Path) -> None:
    original_backup(world)
    (source / "beta/SKILL.md").write_text("---\nname: beta\ndescription: x\n---\nedited\n")
    held = tree(world["backups"] / os.listdir(world["backups"])[0] / "claude/beta")
    emptied(world["claude"])
    result = cli("restore", "claude", "--json")
    assert result.code == 0, result.err
    assert result.json()["linked"] == ["alpha", "group__nested"]
    beta = world["claude"] / "beta"
    assert beta.is_dir() and not beta.is_symlink() and tree(beta) == held


def test_restore_a_copy_target_records_the_sources_copies_as_ours(
        cli: CliRunner, world: dict[str, Path], source: Path) -> None:
    original_backup(world)
    cursor = world["cursor"]
    theirs = tree(cursor / "theirs")
    emptied(cursor)
    result = cli("restore", "cursor", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["copies_recorded"] == ["alpha", "beta", "group__nested"]
    assert data["linked"] == [] and not (cursor / "alpha").is_symlink()
    assert tree(cursor / "alpha") == tree(source / "alpha")
    ours = json.loads((cursor / ".skillshare-manifest.json").read_text())
    assert ours["tool"] == "skillshared" and sorted(ours["managed"]) == data["copies_recorded"]
    # the copies are ours: a change in the source reaches them; theirs is never touched
    make_skill(source, "alpha", body="alpha, version 2\n")
    synced = cli("sync", "--json")
    assert synced.code == 0, synced.err
    assert (cursor / "alpha/SKILL.md").read_text().endswith("alpha, version 2\n")
    assert tree(cursor / "theirs") == theirs


def test_unedited_copies_of_the_original_stay_ours_edited_ones_stay_the_users(
        cli: CliRunner, world: dict[str, Path], source: Path) -> None:
    """Its manifest in the backup says which copies it made: one still as it made it (an
    older version of the source's) comes back ours and is updated; an edited one is kept."""
    cursor = world["cursor"]
    (cursor / "alpha/SKILL.md").write_text("---\nname: alpha\ndescription: x\n---\nedited\n")
    made = original_backup(world, 3600, "cursor")
    make_skill(source, "beta", body="beta, version 2\n")
    edited = tree(made / "cursor/alpha")
    emptied(cursor)
    result = cli("restore", "cursor", "--json")
    assert result.code == 0, result.err
    assert result.json()["copies_recorded"] == ["beta", "group__nested"]
    synced = cli("sync", "--json")
    assert synced.code == 0, synced.err
    assert (cursor / "beta/SKILL.md").read_text().endswith("beta, version 2\n")
    assert tree(cursor / "alpha") == edited


def test_restore_from_a_named_backup_dry_run_and_force(cli: CliRunner, world: dict[str, Path]
                                                       ) -> None:
    older = original_backup(world, 7200)
    shutil.rmtree(world["claude"] / "mine")
    make_skill(world["claude"], "later")
    original_backup(world, 3600)
    before = tree(world["claude"])
    refused = cli("restore", "claude", "--from", older.name)
    assert refused.code == 1 and "later" in refused.err and "--force" in refused.err
    assert tree(world["claude"]) == before
    preview = cli("restore", "claude", "--from", older.name, "--force", "--dry-run", "--json")
    assert preview.code == 0, preview.err
    assert preview.json()["dry_run"] is True and preview.json()["replaced"] == ["later"]
    assert tree(world["claude"]) == before and len(list_backups(world["backups"])) == 2
    done = cli("restore", "claude", "--from", older.name, "--force")
    assert done.code == 0, done.err
    assert f"from backup {older.name}" in done.out
    assert "made by the original skillshare" in done.out
    assert (world["claude"] / "mine").is_dir() and not (world["claude"] / "later").exists()
    # what was there (later) is in a backup of ours, taken first
    newest = list_backups(world["backups"])[0]
    assert newest.name.endswith("Z") and (newest / "claude.json").is_file()


def test_restore_names_what_a_backup_holds(cli: CliRunner, world: dict[str, Path]) -> None:
    made = original_backup(world, 3600, "cursor")
    missing = cli("restore", "claude", "--from", made.name)
    assert missing.code == 1 and "holds no backup of claude" in missing.err
    assert "cursor" in missing.err


# -- agents ---------------------------------------------------------------------------------


def test_agent_parts_are_listed_and_kept_never_restored_as_skills(
        cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    agents = home / ".claude/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("---\nname: tutor\n---\nan agent\n")
    made = write_backup(world["backups"], ago(60), {"claude": world["claude"],
                                                     agents_part("claude"): agents})
    listed = cli("backup", "--list", "--json").json()["backups"]
    parts = {t["name"]: t for t in listed[0]["targets"]}
    assert parts["claude-agents"]["agents"] is True and parts["claude"]["agents"] is False
    assert "agents are not restored" in cli("backup", "--list").out
    emptied(world["claude"])
    assert cli("restore", "claude").code == 0
    assert not (world["claude"] / "tutor.md").exists()
    assert (made / "claude-agents/tutor.md").is_file()
    write_config(home, CONFIG + "  claude-agents:\n    path: ~/.claude/agents-copy\n")
    refused = cli("restore", "claude-agents", "--from", made.name)
    assert refused.code == 1 and "agents" in refused.err
    assert not (home / ".claude/agents-copy").exists()


# -- order -----------------------------------------------------------------------------------


def our_backup_at(home: Path, when: float) -> str:
    from skillshared.core import config_file
    from skillshared.store.backup_writer import BackupWriter

    cfg = config_file.load(Paths.from_env().global_scope())
    writer = BackupWriter(backups_dir(home), now=when)
    target = cfg.target("claude")
    assert target is not None
    assert writer.add("claude", str(target.path), "merge", backup_write.owner(cfg),
                      always=True).status == "created"
    made = writer.publish()
    assert made is not None
    return made.name


def test_backups_of_both_interleave_by_when_they_were_made_in_any_time_zone(
        home: Path, world: dict[str, Path]) -> None:
    """The original names its backups in the local time of the day: one made in Tokyo an
    hour ago reads, in New York, as 13 hours in the future. Its folder's time says when."""
    now = time.time()
    oldest = our_backup_at(home, now - 7200)
    with time_zone("Asia/Tokyo"):
        middle = original_backup(world, 3600).name
    tokyo = datetime.fromtimestamp(now - 3600, timezone(timedelta(hours=9)))
    assert middle in (tokyo.strftime(LAYOUT), (tokyo - timedelta(seconds=1)).strftime(LAYOUT))
    newest = our_backup_at(home, now - 60)
    env = dict(os.environ, TZ="America/New_York")
    listed = run_cli_process("backup", "--list", "--json", env=env)
    assert listed.code == 0, listed.err
    assert [b["name"] for b in listed.json()["backups"]] == [newest, middle, oldest]
    make_skill(world["claude"], "mine", body="changed\n")
    restored = run_cli_process("restore", "claude", "--force", "--json", env=env)
    assert restored.code == 0, restored.err
    assert restored.json()["from"] == newest
    assert (world["claude"] / "mine/SKILL.md").read_text().endswith("my own skill\n")


def test_a_copied_backup_folder_is_placed_by_its_name_in_local_time(
        home: Path, world: dict[str, Path]) -> None:
    """A folder whose time no longer agrees with its name (copied without its times) is
    placed by its name, read in the local time zone."""
    now = time.time()
    with time_zone("Europe/Berlin"):
        made = original_backup(world, 3 * 86400)
        os.utime(made, (now, now))
        ours = our_backup_at(home, now - 86400)
        names = [b.name for b in list_backups(world["backups"])]
        assert names == [ours, made.name]


def test_our_next_backup_comes_after_the_originals_latest(home: Path,
                                                          world: dict[str, Path]) -> None:
    made = original_backup(world, 60)
    when = time.time() - 3600  # (a clock set back)
    ours = our_backup_at(home, when)
    assert [b.name for b in list_backups(world["backups"])] == [ours, made.name]
    assert ours == time.strftime(NAME_FORMAT, time.gmtime(when))


# -- verify and cleanup --------------------------------------------------------------------


def test_verify_says_what_it_can_check(cli: CliRunner, world: dict[str, Path]) -> None:
    made = original_backup(world)
    result = cli("backup", "--verify", "--json")
    assert result.code == 0, result.err
    (entry,) = result.json()["backups"]
    assert entry["made_by"] == "original"
    assert [t["name"] for t in entry["targets"]] == ["claude", "cursor"]
    assert all(t["ok"] and "no checksums" in t["unchecked"] for t in entry["targets"])
    assert "records no checksums" in cli("backup", "--verify").out
    (made / "claude/alpha/evil").symlink_to("/etc/passwd")
    bad = cli("backup", "--verify", "--json")
    assert bad.code == 1 and bad.json()["damaged"] == 1
    problems = bad.json()["backups"][0]["targets"][0]["problems"]
    assert problems == [f"{made.name}/claude/alpha/evil: a link to /etc/passwd, which the "
                        "original skillshare never backs up; not followed"]


RETAIN = CONFIG + "backup:\n  keep: 2\n  max_age_days: 30\n"


def test_cleanup_counts_and_removes_them_under_the_same_policy(
        cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    write_config(home, RETAIN)
    made = [original_backup(world, hours * 3600) for hours in (1, 2, 3)]
    stray = world["backups"] / stamp_name(ago(4 * 3600))
    stray.mkdir()
    (stray / "notes.txt").write_text("not a backup\n")
    empty = world["backups"] / stamp_name(ago(5 * 3600))
    empty.mkdir()
    preview = cli("backup", "--cleanup", "--dry-run", "--json").json()
    assert [r["name"] for r in preview["removed"]] == [made[2].name]
    assert all(m.is_dir() for m in made)
    result = cli("backup", "--cleanup", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["kept"] == [made[0].name, made[1].name]
    assert sorted(data["not_backups"]) == sorted([stray.name, empty.name])
    assert not made[2].exists() and made[1].is_dir()
    assert (stray / "notes.txt").read_text() == "not a backup\n" and empty.is_dir()
    assert "not backups, left as they are" in cli("backup", "--cleanup").out


def test_cleanup_by_age_keeps_the_newest_that_checks_out(cli: CliRunner, home: Path,
                                                         world: dict[str, Path]) -> None:
    write_config(home, RETAIN)
    old = [original_backup(world, days * 86400) for days in (40, 50)]
    result = cli("backup", "--cleanup", "--json").json()
    assert result["kept"] == [old[0].name] and old[0].name in result["protected"]
    assert [r["name"] for r in result["removed"]] == [old[1].name]


# -- hostile backups -------------------------------------------------------------------------


def plant(part: Path, what: str) -> None:
    """Put in a backup's part what the original never writes there."""
    if what == "link inside":
        (part / "alpha/evil").symlink_to("/etc/passwd")
    elif what == "fifo":
        os.mkfifo(part / "alpha/pipe")
    else:  # the part itself a link
        shutil.rmtree(part)
        part.symlink_to("/etc")


@pytest.mark.parametrize("kind, what", [("link inside", "a link to /etc/passwd"),
                                        ("fifo", "a FIFO"), ("part", "a link to /etc")])
def test_hostile_backups_are_refused_never_followed(cli: CliRunner, world: dict[str, Path],
                                                    kind: str, what: str) -> None:
    made = original_backup(world)
    plant(made / "claude", kind)
    emptied(world["claude"])
    result = cli("restore", "claude")
    assert result.code == 1 and what in result.err and "nothing was changed" in result.err
    assert os.listdir(world["claude"]) == []
    listed = cli("backup", "--list")
    assert listed.code == 0 and what in listed.out


def test_backup_names_must_be_backup_names(cli: CliRunner, world: dict[str, Path]) -> None:
    original_backup(world)
    for name in ("../2026-01-01_00-00-00", "..", "2026-01-01_00-00-00/../x"):
        result = cli("restore", "claude", "--from", name)
        assert result.code == 2 and "is not a backup name" in result.err


# -- for doctor ------------------------------------------------------------------------------


def test_original_state_counts_what_the_original_left(world: dict[str, Path],
                                                      home: Path) -> None:
    scope = Paths.from_env().global_scope()
    assert original_state(scope) == {
        "backups": 0, "backups_readable": 0, "agent_parts": 0, "trash_items": 0,
        "trash_agents": 0}
    original_backup(world, 60)
    bad = original_backup(world, 120)
    (bad / "claude/alpha/evil").symlink_to("/etc/passwd")
    our_backup_at(home, time.time())
    state = original_state(scope)
    assert (state["backups"], state["backups_readable"]) == (2, 1)
