"""``list`` as the original has it: a pattern, ``--type``, ``--sort``, ``--verbose``,
``--all``, and ``--json`` as an array of ``{name, relPath, source, type, installedAt,
repoName}``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill, tree


@pytest.fixture
def world(home: Path, configured: Path) -> Path:
    make_skill(configured, "react-helper")
    make_skill(configured, "frontend/vue-helper")
    make_skill(configured, "my-notes")
    make_skill(configured, "_team/tools/lint")
    records = {"skills": [{"name": "react-helper", "source": "github.com/acme/skills/react"},
                          {"name": "frontend/vue-helper",
                           "source": "github.com/acme/skills/vue"}]}
    (configured / ".skillshare-installed.json").write_text(json.dumps(records))
    os.utime(configured / "react-helper", (1_700_000_000, 1_700_000_000))
    os.utime(configured / "frontend/vue-helper", (1_600_000_000, 1_600_000_000))
    os.utime(configured / "_team/tools/lint", (1_500_000_000, 1_500_000_000))
    return configured


def names(cli: CliRunner, *argv: str) -> list[str]:
    result = cli("list", *argv, "--json")
    assert result.code == 0, result.err
    return [item["name"] for item in result.json()]


def test_json_is_the_originals_array(cli: CliRunner, world: Path) -> None:
    items = {i["name"]: i for i in cli("list", "--json").json()}
    react = items["react-helper"]
    assert (react["relPath"], react["source"], react["type"]) == (
        "react-helper", "github.com/acme/skills/react", "github")
    assert react["installedAt"] == "2023-11-14" or react["installedAt"].startswith("2023-11-1")
    lint = items["_team__tools__lint"]
    assert (lint["relPath"], lint["repoName"]) == ("_team/tools/lint", "_team")
    notes = items["my-notes"]
    assert not {"source", "type", "installedAt", "repoName"} & set(notes)  # omitted, as theirs
    assert notes["kind"] == "skill" and notes["origin"] == "local"


def test_pattern_matches_name_path_or_source(cli: CliRunner, world: Path) -> None:
    assert names(cli, "REACT") == ["react-helper"]
    assert names(cli, "frontend") == ["frontend__vue-helper"]
    assert sorted(names(cli, "acme")) == ["frontend__vue-helper", "react-helper"]
    assert names(cli, "nothing-like-it") == []
    text = cli("list", "helper").out
    assert "2 of 4 skills matching 'helper'" in text and "my-notes" not in text


def test_type_and_sort(cli: CliRunner, world: Path) -> None:
    assert names(cli, "--type", "tracked") == ["_team__tools__lint"]
    assert names(cli, "-t", "LOCAL") == ["my-notes"]
    assert sorted(names(cli, "--type=github")) == ["frontend__vue-helper", "react-helper"]
    dated = ["react-helper", "frontend__vue-helper", "_team__tools__lint"]
    assert names(cli, "--sort", "newest") == [*dated, "my-notes"]  # undated (local) last
    assert names(cli, "-s", "oldest") == [*dated[::-1], "my-notes"]
    assert names(cli, "--sort", "name") == sorted(names(cli))
    assert names(cli, "helper", "--type", "github", "--sort", "oldest") == [
        "frontend__vue-helper", "react-helper"]


@pytest.mark.parametrize("argv", [["--type", "gitlab"], ["--sort", "random"],
                                  ["-t", ""], ["--all", "agents"]])
def test_bad_values_are_refused_and_change_nothing(cli: CliRunner, world: Path,
                                                   argv: list[str]) -> None:
    before = tree(world)
    result = cli("list", *argv)
    assert result.code == 2 and "error" in result.err
    assert tree(world) == before


def test_verbose_shows_source_type_and_date(cli: CliRunner, world: Path) -> None:
    text = cli("list", "--verbose").out
    assert "Source:      github.com/acme/skills/react" in text
    assert "Type:        github" in text and "Installed:   " in text
    assert "(local - no metadata)" in text and "Tracked repo: _team" in text
    assert cli("list", "-v", "--no-tui").out == text


def test_all_lists_agents_even_without_an_agents_folder(cli: CliRunner, world: Path,
                                                        home: Path) -> None:
    items = cli("list", "--all", "--json").json()
    assert {i["kind"] for i in items} == {"skill"}
    assert "Agents in" in cli("list", "--all").out
    agents = home / ".config/skillshare/agents"
    agents.mkdir()
    (agents / "reactor.md").write_text("---\ndescription: x\n---\nbody\n")
    (agents / "tutor.md").write_text("---\ndescription: y\n---\nbody\n")
    matched = [(i["kind"], i["name"]) for i in cli("list", "react", "--all", "--json").json()]
    assert matched == [("skill", "react-helper"), ("agent", "reactor")]


def test_project_mode(cli: CliRunner, work: Path) -> None:
    (work / ".skillshare/skills").mkdir(parents=True)
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    make_skill(work / ".skillshare/skills", "lint")
    make_skill(work / ".skillshare/skills", "docs")
    assert names(cli, "-p", "li") == ["lint"]
    assert names(cli, "-p", "--type", "local", "--sort", "name") == ["docs", "lint"]
