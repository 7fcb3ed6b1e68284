"""Trash items left by the original skillshare (Go): no note, the time in the name in local
time, nested names keeping their path, agents in ``trash/agents/``. They are listed,
restored (never over a skill that is there, never through a link), deleted and expired like
ours; its agents are kept and never offered as skills."""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skillshared.core.paths import Paths
from skillshared.store import trash
from skillshared.store.original_state import original_state
from tests.conftest import CliRunner, make_skill, run_cli_process, tree
from tests.original_world.trash import write_agent_trash_item, write_trash_item
from tests.undo_world import time_zone

DAY = 86400.0


def ago(seconds: float) -> datetime:
    return datetime.now().astimezone() - timedelta(seconds=seconds)


def uninstalled(source: Path, trash_dir: Path, name: str, seconds_ago: float,
                files: dict[str, str] | None = None) -> tuple[Path, dict[str, Any]]:
    """A skill the original's ``uninstall`` moved to the trash ``seconds_ago``."""
    skill = make_skill(source, name, files=files)
    content = tree(skill)
    item = write_trash_item(trash_dir, name, skill, ago(seconds_ago), move=True)
    return item, content


def agent(home: Path, trash_dir: Path, seconds_ago: float) -> Path:
    agents = home / "agents"
    agents.mkdir(exist_ok=True)
    (agents / "tutor.md").write_text("---\nname: tutor\n---\nan agent\n")
    return write_agent_trash_item(trash_dir, "tutor", agents / "tutor.md", ago(seconds_ago))


def test_items_are_listed_by_name_size_and_age(cli: CliRunner, home: Path, configured: Path,
                                               trash_dir: Path) -> None:
    uninstalled(configured, trash_dir, "old-skill", 2 * 3600, {"notes.md": "x" * 2000})
    uninstalled(configured, trash_dir, "frontend/_repo", 3 * DAY)
    agent(home, trash_dir, 60)
    data = cli("trash", "list", "--json").json()
    names = [(i["name"], i["made_by"]) for i in data["items"]]
    assert names == [("old-skill", "original"), ("frontend/_repo", "original")]
    assert data["items"][0]["bytes"] > 2000 and data["agents_kept"] == 1
    assert data["items"][1]["entry"].startswith("frontend/_repo_20")
    text = cli("trash", "list").out
    assert ", 2h 0m ago)" in text and ", 3d" in text and "trashed by the original" in text
    assert "1 agent trashed by the original skillshare kept" in text
    assert "tutor" not in text.replace("agent trashed", "")


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_age_is_read_from_the_name_in_local_time(zone: str, configured: Path,
                                                 trash_dir: Path) -> None:
    with time_zone(zone):
        item, _ = uninstalled(configured, trash_dir, "zoned", 5 * 3600)
        os.utime(item, (0, 0))  # (its time is its name's, not its folder's)
        (listed,) = trash.items(trash_dir)
        assert abs(listed.trashed_at - (time.time() - 5 * 3600)) < 5
    # a process in another zone reads the same name as the local time there: as the
    # original does, the name is wall-clock time
    data = run_cli_process("trash", "list", "--json", env=dict(os.environ, TZ=zone)).json()
    stamp = data["items"][0]["trashed_at"]
    assert stamp.endswith("+00:00")  # (the JSON's times are UTC, whatever the zone)
    assert abs(datetime.fromisoformat(stamp).timestamp() - (time.time() - 5 * 3600)) < 5


def test_restore_puts_them_back_nested_names_too(cli: CliRunner, configured: Path,
                                                 trash_dir: Path) -> None:
    _, flat = uninstalled(configured, trash_dir, "old-skill", 3600)
    _, nested = uninstalled(configured, trash_dir, "frontend/_repo", 3600,
                            {"skills/x/SKILL.md": "---\nname: x\n---\n"})
    shutil.rmtree(configured / "frontend")
    result = cli("trash", "restore", "frontend/_repo")
    assert result.code == 0, result.err
    assert "Restored frontend/_repo" in result.out
    assert tree(configured / "frontend/_repo") == nested
    assert not (trash_dir / "frontend").exists()  # its emptied parent goes too
    assert cli("trash", "restore", "old-skill").code == 0
    assert tree(configured / "old-skill") == flat
    assert trash.items(trash_dir) == []


def test_restore_refuses_to_overwrite_a_skill(cli: CliRunner, configured: Path,
                                              trash_dir: Path) -> None:
    item, _ = uninstalled(configured, trash_dir, "dup", 3600)
    make_skill(configured, "dup", body="a new one\n")
    before = tree(configured), tree(trash_dir)
    result = cli("trash", "restore", "dup")
    assert result.code == 1 and "'dup' already exists at" in result.err
    assert (tree(configured), tree(trash_dir)) == before and item.is_dir()


def test_restore_never_goes_through_a_link(cli: CliRunner, home: Path, configured: Path,
                                           trash_dir: Path) -> None:
    uninstalled(configured, trash_dir, "frontend/_repo", 3600)
    elsewhere = home / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(configured / "frontend")
    (configured / "frontend").symlink_to(elsewhere)
    result = cli("trash", "restore", "frontend/_repo")
    assert result.code == 1 and "is a link" in result.err
    assert os.listdir(elsewhere) == [] and len(trash.items(trash_dir)) == 1


def test_delete_and_empty_leave_the_agents(cli: CliRunner, home: Path, configured: Path,
                                           trash_dir: Path) -> None:
    uninstalled(configured, trash_dir, "a", 3600)
    uninstalled(configured, trash_dir, "frontend/_repo", 3600)
    kept = agent(home, trash_dir, 60)
    assert cli("trash", "delete", "frontend/_repo").code == 0
    assert [i.name for i in trash.items(trash_dir)] == ["a"]
    assert not (trash_dir / "frontend").exists()
    done = cli("trash", "empty", "--force")
    assert done.code == 0 and "1 item permanently deleted" in done.out
    assert (kept / "tutor.md").is_file()
    assert os.listdir(trash_dir) == ["agents"]


def test_expiry_uses_our_retention_and_keeps_what_is_not_an_item(
        home: Path, configured: Path, trash_dir: Path) -> None:
    uninstalled(configured, trash_dir, "old", 8 * DAY)
    uninstalled(configured, trash_dir, "team/_old-repo", 9 * DAY)
    uninstalled(configured, trash_dir, "new", DAY)
    old_agent = agent(home, trash_dir, 30 * DAY)
    mine = trash_dir / "notes"  # a folder of the user's, named without a time
    mine.mkdir()
    (mine / "todo.txt").write_text("keep\n")
    os.utime(mine, (0, 0))
    expired = trash.expire(trash_dir, 7)
    assert sorted(i.name for i in expired) == ["old", "team/_old-repo"]
    assert [i.name for i in trash.items(trash_dir)] == ["new"]
    assert not (trash_dir / "team").exists()
    assert (old_agent / "tutor.md").is_file() and (mine / "todo.txt").read_text() == "keep\n"


def test_links_in_the_trash_are_never_followed(home: Path, configured: Path,
                                               trash_dir: Path) -> None:
    outside = home / "outside"
    make_skill(outside, "precious_2020-01-01_00-00-00")
    trash_dir.mkdir(parents=True)
    (trash_dir / "group").symlink_to(outside)
    (trash_dir / "gone_2020-01-01_00-00-00").symlink_to(outside / "precious_2020-01-01_00-00-00")
    assert trash.items(trash_dir) == []
    trash.expire(trash_dir, 7)
    assert (outside / "precious_2020-01-01_00-00-00/SKILL.md").is_file()


@pytest.mark.parametrize("name", ["../x", "frontend/../../x", "/etc", "a//b", "a\\b"])
def test_bad_names_are_refused(cli: CliRunner, configured: Path, trash_dir: Path,
                               name: str) -> None:
    uninstalled(configured, trash_dir, "frontend/_repo", 3600)
    before = tree(trash_dir)
    result = cli("trash", "restore", name)
    assert result.code == 2 and "invalid trash item" in result.err
    assert tree(trash_dir) == before


def test_project_trash_items_of_the_original(cli: CliRunner, work: Path) -> None:
    assert cli("init", "-p", "--targets", "claude").code == 0
    source = work / ".skillshare/skills"
    trash_dir = work / ".skillshare/trash"
    _, content = uninstalled(source, trash_dir, "proj-skill", 3600)
    listed = run_cli_process("trash", "list", "--json", cwd=work).json()
    assert [i["name"] for i in listed["items"]] == ["proj-skill"]
    restored = run_cli_process("trash", "restore", "proj-skill", cwd=work)
    assert restored.code == 0, restored.err
    assert tree(source / "proj-skill") == content


def test_original_state_counts_its_trash(home: Path, configured: Path,
                                         trash_dir: Path) -> None:
    uninstalled(configured, trash_dir, "a", 3600)
    uninstalled(configured, trash_dir, "frontend/_repo", 3600)
    agent(home, trash_dir, 60)
    trash.put(trash_dir, str(make_skill(configured, "ours")), "ours", "test")
    state = original_state(Paths.from_env().global_scope())
    assert (state["trash_items"], state["trash_agents"]) == (2, 1)
