"""`skillshare list` shows the agents source's agents,
and says nothing of agents when there is no agents folder."""

from __future__ import annotations

import json
from pathlib import Path

from skillshared import api
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, make_skill


def test_list_shows_agents_beside_skills(cli: CliRunner, home: Path, configured: Path) -> None:
    make_skill(configured, "pdf")
    agents = home / ".config/skillshare/agents"
    (agents / "team").mkdir(parents=True)
    (agents / "tutor.md").write_text("---\ndescription: Teaches\n---\nx\n")
    (agents / "team/reviewer.md").write_text("---\nname: code-reviewer\n---\nx\n")
    (agents / "README.md").write_text("about these agents\n")
    (agents / "bad name.md").write_text("x\n")
    (agents / "draft.md").write_text("x\n")
    (agents / ".agentignore").write_text("draft\n")
    result = cli("list")
    assert result.code == 0
    lines = result.out.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("Agents in ")))
    assert lines[start] == "Agents in ~/.config/skillshare/agents"
    assert "  code-reviewer  (team__reviewer.md)" in lines
    assert "  tutor          Teaches" in lines
    assert "2 agents" in lines
    assert any(line.endswith("bad name.md: not an agent: an agent's file name must start with "
                             "a letter or a digit and hold only letters, digits, '_', '-' and "
                             "'.' (at most 128 before .md)") for line in lines)
    assert any("1 agent hidden by .agentignore: draft" in line for line in lines)
    items = json.loads(cli("list", "--json").out)  # the original's array: agents follow
    assert [(i["kind"], i["name"]) for i in items if i["kind"] == "agent"] == [
        ("agent", "code-reviewer"), ("agent", "tutor")]
    listed = api.run("list", {}, Paths.from_env())["agents"]
    assert listed["source"] == str(agents)
    assert [(a["name"], a["file"], a["path"]) for a in listed["agents"]] == [
        ("code-reviewer", "team__reviewer.md", "team/reviewer.md"), ("tutor", "tutor.md",
                                                                      "tutor.md")]
    assert listed["ignored"] == ["draft"]


def test_no_agents_folder_no_agents_in_list(cli: CliRunner, configured: Path) -> None:
    make_skill(configured, "pdf")
    assert "Agents" not in cli("list").out
    assert [i["kind"] for i in json.loads(cli("list", "--json").out)] == ["skill"]
    assert "agents" not in api.run("list", {}, Paths.from_env())
