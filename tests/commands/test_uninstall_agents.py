"""``uninstall`` of agents (``uninstall agents <name>``, ``--kind agent``, or a name that is no
skill's): the agent's file goes to the trash's agents and comes back byte for byte with
``trash agents restore``; every bad name (unknown, naming a skill and an agent, naming
several agents) changes nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import CliRunner, DaemonStarter, make_skill, run_cli_process, tree

TUTOR = b"---\nname: tutor\ndescription: teaches\n---\nStep by step.\r\n\xf0\x9f\x93\x9a\n"


@pytest.fixture
def agents(home: Path, configured: Path) -> Path:
    folder = home / ".config/skillshare/agents"
    (folder / "team").mkdir(parents=True)
    (folder / "tutor.md").write_bytes(TUTOR)
    (folder / "team/lint.md").write_text("# lint\n")
    os.chmod(folder / "tutor.md", 0o600)
    return folder


def world(home: Path) -> dict[str, tuple[str, str]]:
    return tree(home / ".config") | {f"trash/{k}": v for k, v in
                                     tree(home / ".local/share/skillshare/trash").items()}


def test_uninstall_trash_restore_round_trip(cli: CliRunner, agents: Path,
                                            trash_dir: Path) -> None:
    before = tree(agents)
    done = cli("uninstall", "agents", "tutor", "--json")
    assert done.code == 0, done.err
    result = done.json()
    (removed,) = result["removed_items"]
    assert (removed["kind"], removed["name"], removed["path"]) == (
        "agent", "tutor", str(agents / "tutor.md"))
    assert result["sync_needed"] is True
    assert not (agents / "tutor.md").exists()
    assert Path(removed["trash"], "tutor.md").read_bytes() == TUTOR
    listed = cli("trash", "agents", "list", "--json").json()
    assert [(i["name"], i["kind"], i["file"]) for i in listed["items"]] == [
        ("tutor", "agent", "tutor.md")]
    skills_view = cli("trash", "list")
    assert "Trash is empty" in skills_view.out
    assert "1 agent in the trash of agents" in skills_view.out
    text = cli("trash", "agents")
    assert "Trash (agents)" in text.out and "tutor  (tutor.md," in text.out
    restored = cli("trash", "agents", "restore", "tutor")
    assert restored.code == 0, restored.err
    assert "Restored agent tutor to ~/.config/skillshare/agents/tutor.md" in restored.out
    assert tree(agents) == before and os.stat(agents / "tutor.md").st_mode & 0o777 == 0o600
    assert cli("trash", "agents", "list", "--json").json()["items"] == []


def test_names_paths_and_the_kind_flag(cli: CliRunner, agents: Path) -> None:
    text = cli("uninstall", "--kind", "agent", "team/lint.md")
    assert text.code == 0, text.err
    assert "Moved agent team/lint to the trash" in text.out
    assert "Run 'skillshare sync'" in text.out
    assert not (agents / "team/lint.md").exists()
    alone = cli("uninstall", "tutor", "--json")  # no skill has that name: the agent
    assert alone.code == 0 and alone.json()["removed_items"][0]["kind"] == "agent"
    assert not (agents / "tutor.md").exists()
    back = cli("trash", "restore", "team/lint", "--kind", "agent")
    assert back.code == 0, back.err
    assert (agents / "team/lint.md").read_text() == "# lint\n"


def test_dry_run_changes_nothing(cli: CliRunner, home: Path, agents: Path) -> None:
    before = world(home)
    result = cli("uninstall", "agents", "tutor", "-n", "--json")
    assert result.code == 0
    data = result.json()
    assert data["dry_run"] and data["removed_items"][0]["trash"] is None
    assert data["sync_needed"] is False
    assert world(home) == before


def test_a_name_of_a_skill_and_an_agent_is_refused(cli: CliRunner, home: Path,
                                                   agents: Path, configured: Path) -> None:
    make_skill(configured, "tutor")
    before = world(home)
    result = cli("uninstall", "tutor")
    assert result.code == 2
    assert "'tutor' is both a skill (or tracked repo) and an agent" in result.err
    assert "uninstall agents tutor" in result.err
    assert world(home) == before
    assert cli("uninstall", "agents", "tutor").code == 0
    assert (configured / "tutor/SKILL.md").exists() and not (agents / "tutor.md").exists()
    assert cli("uninstall", "skills", "tutor").code == 0
    assert not (configured / "tutor").exists()


@pytest.mark.parametrize("argv", [
    ["agents", "nobody"],
    ["agents", "tutor", "nobody"],  # one bad name: the good one stays too
    ["nobody"],
    ["--kind", "agent", "../tutor.md"],
    ["skills", "tutor"],  # no skill of that name
    ["skills", "tutor", "--kind", "agent"],  # with --kind, 'skills' is a name: no such agent
    ["--kind", "robot", "tutor"],
    ["agents"],
])
def test_bad_names_change_nothing(cli: CliRunner, home: Path, agents: Path,
                                  argv: list[str]) -> None:
    before = world(home)
    result = cli("uninstall", *argv)
    assert result.code in (1, 2) and result.err
    assert world(home) == before


def test_a_name_of_several_agents_is_refused(cli: CliRunner, home: Path, agents: Path) -> None:
    (agents / "other").mkdir()
    (agents / "other/lint.md").write_text("# another lint\n")
    before = world(home)
    result = cli("uninstall", "agents", "lint")
    assert result.code == 2 and "'lint' names 2 agents: other/lint.md, team/lint.md" in (
        result.err)
    assert world(home) == before
    assert cli("uninstall", "agents", "other/lint").code == 0
    assert (agents / "team/lint.md").exists()


def test_restore_over_a_file_is_refused(cli: CliRunner, home: Path, agents: Path) -> None:
    assert cli("uninstall", "agents", "tutor").code == 0
    (agents / "tutor.md").write_text("a new tutor\n")
    before = world(home)
    result = cli("trash", "agents", "restore", "tutor")
    assert result.code == 1 and "'tutor' already exists at" in result.err
    assert world(home) == before
    unknown = cli("trash", "agents", "restore", "nobody")
    assert unknown.code == 1 and "not found in the trash of agents" in unknown.err
    assert world(home) == before


def test_delete_and_empty_by_kind(cli: CliRunner, home: Path, agents: Path,
                                  configured: Path, trash_dir: Path) -> None:
    make_skill(configured, "pdf")
    assert cli("uninstall", "pdf").code == 0
    assert cli("uninstall", "agents", "tutor", "team/lint").code == 0
    assert cli("trash", "agents", "delete", "team/lint").code == 0
    assert [i["name"] for i in cli("trash", "agents", "--json").json()["items"]] == ["tutor"]
    emptied = cli("trash", "agents", "empty", "--force")
    assert emptied.code == 0 and "Emptied the trash of agents: 1 item" in emptied.out
    assert os.listdir(trash_dir / "agents") == []
    assert [i["name"] for i in cli("trash", "list", "--json").json()["items"]] == ["pdf"]


def test_project_mode(work: Path) -> None:
    assert run_cli_process("init", "-p", "--targets", "claude", cwd=work).code == 0
    agents = work / ".skillshare/agents"
    agents.mkdir(exist_ok=True)
    (agents / "helper.md").write_bytes(TUTOR)
    done = run_cli_process("uninstall", "agents", "helper", "--json", cwd=work)
    assert done.code == 0, done.err
    assert done.json()["removed_items"][0]["trash"].startswith(
        str(work / ".skillshare/trash/agents/helper_"))
    back = run_cli_process("trash", "agents", "restore", "helper", cwd=work)
    assert back.code == 0, back.err
    assert (agents / "helper.md").read_bytes() == TUTOR


def test_the_install_record_goes_and_a_damaged_one_stops_it(cli: CliRunner, home: Path,
                                                            agents: Path) -> None:
    records = agents / ".metadata.json"
    records.write_text(json.dumps({"version": 1, "entries": {
        "tutor": {"source": "/srv/agents/tutor.md", "kind": "agent", "type": "local"},
        "team/lint": {"source": "/srv/agents/lint.md", "kind": "agent", "type": "local"},
        "pdf": {"source": "github.com/a/b", "kind": "skill"}}}))
    assert cli("uninstall", "agents", "tutor").code == 0
    left = json.loads(records.read_text())["entries"]
    assert set(left) == {"team/lint", "pdf"}
    records.write_text("{not json")
    before = world(home)
    refused = cli("uninstall", "agents", "team/lint")
    assert refused.code == 1 and ".metadata.json" in refused.err
    assert world(home) == before


def test_all_agents(cli: CliRunner, home: Path, agents: Path, configured: Path) -> None:
    make_skill(configured, "pdf")
    before = world(home)
    for argv, message in ((["--all"], "confirm with --force"),
                          (["skills", "--all"], "confirm with --force"),
                          (["agents", "tutor", "--all"], "cannot be combined with names")):
        refused = cli("uninstall", *argv)  # (--all of skills: with --force, see its tests)
        assert refused.code == 2 and message in refused.err
    assert world(home) == before
    done = cli("uninstall", "agents", "--all", "--json")
    assert done.code == 0, done.err
    assert sorted(i["name"] for i in done.json()["removed_items"]) == ["team/lint", "tutor"]
    assert not (agents / "tutor.md").exists() and not (agents / "team/lint.md").exists()
    assert (configured / "pdf/SKILL.md").exists()
    none = cli("uninstall", "agents", "--all")
    assert none.code == 1 and "no agents in" in none.err


def test_through_the_daemon(daemon: DaemonStarter, cli: CliRunner, agents: Path) -> None:
    d = daemon()
    done = cli("uninstall", "agents", "tutor", "--json")
    assert done.code == 0, done.err
    assert done.json()["removed_items"][0]["kind"] == "agent" and not (agents / "tutor.md").exists()
    listed = cli("trash", "agents", "list", "--json").json()
    assert [i["name"] for i in listed["items"]] == ["tutor"]
    assert cli("trash", "agents", "restore", "tutor").code == 0
    assert (agents / "tutor.md").read_bytes() == TUTOR
    assert d.ask("audit", {"kind": "agent"})["agents"][0]["name"] in ("team/lint", "tutor")


def test_a_skill_restore_of_an_agent_points_at_the_agents(cli: CliRunner, agents: Path) -> None:
    assert cli("uninstall", "agents", "tutor").code == 0
    result = cli("trash", "restore", "tutor")
    assert result.code == 1 and "an agent of that name is in the trash of agents" in result.err
    assert "skillshare trash agents restore tutor" in result.err
    assert not (agents / "tutor.md").exists()
    missing = cli("trash", "restore", "nobody")
    assert missing.code == 1 and "'nobody' not found in the trash" in missing.err
    assert "agents" not in missing.err.split("(hint")[0]


def test_a_skill_named_like_a_kind_can_be_named(cli: CliRunner, configured: Path,
                                                agents: Path) -> None:
    make_skill(configured, "agents")
    refused = cli("uninstall", "agents")  # the kind word, and no name
    assert refused.code == 2 and (configured / "agents").is_dir()
    done = cli("uninstall", "agents", "--kind", "skill", "--json")
    assert done.code == 0, done.err
    assert done.json()["removed_items"][0]["kind"] == "skill"
    assert not (configured / "agents").exists()
    assert (agents / "tutor.md").exists()
