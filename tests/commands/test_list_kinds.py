"""``list agents`` / ``list skills`` / ``--kind``: the listing kept to one kind; with neither,
both kinds."""

from __future__ import annotations

from pathlib import Path

from skillshared import api
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, make_skill


def test_list_kept_to_one_kind(cli: CliRunner, home: Path, configured: Path) -> None:
    make_skill(configured, "pdf")
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("---\ndescription: Teaches\n---\nx\n")
    both = api.run("list", {}, Paths.from_env())
    assert [s["name"] for s in both["skills"]] == ["pdf"] and "kind" not in both
    assert [a["name"] for a in both["agents"]["agents"]] == ["tutor"]
    assert [(i["kind"], i["name"]) for i in cli("list", "--json").json()] == [
        ("skill", "pdf"), ("agent", "tutor")]
    for argv in (["agents"], ["agent"], ["--kind", "agent"]):
        assert [(i["kind"], i["name"]) for i in cli("list", *argv, "--json").json()] == [
            ("agent", "tutor")]
    only = api.run("list", {"only": "agents"}, Paths.from_env())
    assert only["kind"] == "agent" and only["skills"] == []
    text = cli("list", "agents").out
    assert "tutor" in text and "pdf" not in text and "Skills in" not in text
    skills = api.run("list", {"only": "skills"}, Paths.from_env())
    assert skills["kind"] == "skill" and "agents" not in skills
    assert [(i["kind"], i["name"]) for i in cli("list", "skills", "--json").json()] == [
        ("skill", "pdf")]
    assert "Agents in" not in cli("list", "skills").out


def test_agents_without_an_agents_folder_and_bad_kinds(cli: CliRunner, home: Path,
                                                       configured: Path) -> None:
    assert cli("list", "agents", "--json").json() == []
    only = api.run("list", {"only": "agents"}, Paths.from_env())
    assert only["agents"]["agents"] == []
    assert only["agents"]["source"] == str(home / ".config/skillshare/agents")
    assert "0 agents" in cli("list", "agents").out
    assert cli("list", "robots").code == 0  # a pattern now (the original's `list <pattern>`)
    assert "0 of 0 skills matching 'robots'" in cli("list", "robots").out
    assert cli("list", "--kind", "robot").code == 2
    assert cli("list", "skills", "--kind", "agent").code == 2
