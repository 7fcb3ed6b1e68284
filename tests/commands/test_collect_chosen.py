"""`skillshare collect <target> --skill NAME...`: only the chosen local skills (also what the
dashboard's collect action sends: ``{"targets": [target], "skill": [name]}``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.core.paths import Paths
from tests import undo_world
from tests.conftest import CliRunner, make_skill, tree


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> dict[str, Path]:
    found = undo_world.build(home, source, cli)
    make_skill(found["claude"], "draft", body="a draft\n")
    make_skill(found["claude"], "notes", body="my notes\n")
    return found


def run(**args: Any) -> dict[str, Any]:
    return api.run("collect", args, Paths.from_env())


def test_only_the_chosen_skills_are_collected(source: Path, world: dict[str, Path]) -> None:
    claude = world["claude"]
    result = run(targets=["claude"], skill=["draft", "notes"])
    assert sorted(i["name"] for i in result["collected"]) == ["draft", "notes"]
    assert (source / "draft/SKILL.md").read_text().endswith("a draft\n")
    assert os.readlink(claude / "draft") == str(source / "draft")
    assert os.readlink(claude / "notes") == str(source / "notes")
    assert (claude / "mine").is_dir() and not (claude / "mine").is_symlink()  # not chosen
    assert not (source / "mine").exists()


def test_the_dry_run_shows_the_chosen_one_and_changes_nothing(
        home: Path, world: dict[str, Path]) -> None:
    before = tree(home / ".claude") | tree(home / ".config")
    result = run(targets=["claude"], skill=["draft"], dry_run=True)
    assert [(i["target"], i["name"]) for i in result["collected"]] == [("claude", "draft")]
    assert tree(home / ".claude") | tree(home / ".config") == before


@pytest.mark.parametrize("names", [["nosuch"], ["draft", "nosuch"], ["alpha"], ["theirs"]])
def test_a_name_that_is_no_local_skill_of_the_targets_collects_nothing(
        home: Path, world: dict[str, Path], names: list[str]) -> None:
    """``alpha`` is our link (synced from the source); ``theirs`` is cursor's, not claude's."""
    before = tree(home / ".claude") | tree(home / ".config") | tree(home / ".cursor")
    with pytest.raises(NotFoundError) as caught:
        run(targets=["claude"], skill=names)
    missing = [n for n in names if n != "draft"]
    assert f"no local skill named {', '.join(missing)} in claude" in caught.value.message
    assert caught.value.details == ["local skills: draft, mine, notes"]
    assert tree(home / ".claude") | tree(home / ".config") | tree(home / ".cursor") == before


def test_force_replaces_a_different_source_skill_of_the_chosen_name(
        source: Path, world: dict[str, Path]) -> None:
    make_skill(source, "draft", body="the source's own draft\n")
    kept = run(targets=["claude"], skill=["draft"])
    assert kept["collected"] == [] and [s["name"] for s in kept["skipped"]] == ["draft"]
    forced = run(targets=["claude"], skill=["draft"], force=True)
    assert [i["name"] for i in forced["collected"]] == ["draft"]
    assert forced["collected"][0]["trashed"]
    assert (source / "draft/SKILL.md").read_text().endswith("a draft\n")
    assert not (source / "notes").exists()


def test_the_command_line_takes_repeated_skill_options(
        cli: CliRunner, source: Path, world: dict[str, Path]) -> None:
    done = cli("collect", "claude", "--skill", "notes", "--skill=mine")
    assert done.code == 0, done.err
    assert (source / "notes").is_dir() and (source / "mine").is_dir()
    assert not (source / "draft").exists()
    missing = cli("collect", "claude", "--skill", "nosuch", "--json")
    assert missing.code == 1
    assert missing.json()["error"]["code"] == "not_found"


def test_skill_does_not_go_with_agents(world: dict[str, Path]) -> None:
    with pytest.raises(UsageError, match="--skill"):
        run(targets=["agents", "claude"], skill=["draft"])
