"""``list agents`` / ``list skills`` / ``--kind``: the listing kept to one kind; with neither,
both kinds."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRunner, make_skill


def test_list_kept_to_one_kind(cli: CliRunner, home: Path, configured: Path) -> None:
    make_skill(configured, "pdf")
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("---\ndescription: Teaches\n---\nx\n")
    both = cli("list", "--json").json()
    assert [s["name"] for s in both["skills"]] == ["pdf"] and "kind" not in both
    assert [a["name"] for a in both["agents"]["agents"]] == ["tutor"]
    for argv in (["agents"], ["agent"], ["--kind", "agent"]):
        only = cli("list", *argv, "--json").json()
        assert only["kind"] == "agent" and only["skills"] == []
        assert [a["name"] for a in only["agents"]["agents"]] == ["tutor"]
    text = cli("list", "agents").out
    assert "tutor" in text and "pdf" not in text and "Skills in" not in text
    skills = cli("list", "skills", "--json").json()
    assert skills["kind"] == "skill" and "agents" not in skills
    assert [s["name"] for s in skills["skills"]] == ["pdf"]
    assert "Agents in" not in cli("list", "skills").out


def test_agents_without_an_agents_folder_and_bad_kinds(cli: CliRunner, home: Path,
                                                       configured: Path) -> None:
    only = cli("list", "agents", "--json").json()
    assert only["agents"]["agents"] == []
    assert only["agents"]["source"] == str(home / ".config/skillshare/agents")
    assert "0 agents" in cli("list", "agents").out
    assert cli("list", "robots").code == 2
    assert cli("list", "--kind", "robot").code == 2
    assert cli("list", "skills", "--kind", "agent").code == 2
