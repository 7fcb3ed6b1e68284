"""`install <mixed repo> -s NAMES [-a NAMES]` as the original's table reads: `-s` alone takes
only the named skills (the repository's agents are not pulled in), `-s` with `-a` the named
skills and the named agents, an unknown `-a` name fails before anything is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill
from tests.team_repos import git


@pytest.fixture
def mixed(tmp_path: Path) -> str:
    """A bare repository (file://) with two skills and two agents."""
    work = tmp_path / "mixed-work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    make_skill(work, "pdf")
    make_skill(work, "docs")
    (work / "agents").mkdir()
    (work / "agents/tutor.md").write_text("# Tutor\n")
    (work / "agents/reviewer.md").write_text("# Reviewer\n")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "mixed")
    bare = tmp_path / "mixed.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return f"file://{bare}"


def test_skill_alone_leaves_the_agents_out(cli: CliRunner, mixed: str, source: Path,
                                            agents: Path) -> None:
    (agents).mkdir(parents=True)
    (agents / "reviewer.md").write_text("# my own reviewer\n")  # would clash if pulled in
    result = cli("install", mixed, "-s", "pdf", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["skills"] == ["pdf"] and "agents" not in data
    assert (source / "pdf/SKILL.md").is_file() and not (source / "docs").exists()
    assert sorted(p.name for p in agents.iterdir()) == ["reviewer.md"]
    assert (agents / "reviewer.md").read_text() == "# my own reviewer\n"


def test_skill_and_agent_take_the_named_ones_of_each(cli: CliRunner, mixed: str,
                                                     source: Path, agents: Path) -> None:
    result = cli("install", mixed, "-s", "pdf", "-a", "tutor", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["skills"] == ["pdf"]
    assert [a["name"] for a in data["agents"]] == ["tutor"]
    assert (source / "pdf/SKILL.md").is_file() and not (source / "docs").exists()
    assert sorted(p.name for p in agents.iterdir() if not p.name.startswith(".")) == [
        "tutor.md"]


def test_an_unknown_agent_name_with_skill_installs_nothing(
        cli: CliRunner, mixed: str, source: Path, agents: Path) -> None:
    result = cli("install", mixed, "-s", "pdf", "-a", "nobody")
    assert result.code == 1
    assert "agents not found: nobody" in result.err
    assert list(source.iterdir()) == [] and not agents.exists()


def test_agent_alone_still_means_agents_only(cli: CliRunner, mixed: str, source: Path,
                                              agents: Path) -> None:
    result = cli("install", mixed, "-a", "reviewer", "--json")
    assert result.code == 0, result.err
    assert [a["name"] for a in result.json()["agents"]] == ["reviewer"]
    assert list(source.iterdir()) == []
