"""`skillshare collect` (README: "Commands"; find, copy, replace with our link)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from skillshared.store import trash
from tests import undo_world
from tests.conftest import CliRunner, make_skill, tree, write_config
from tests.undo_world import ours_left


def files_of(home: Path) -> dict[str, tuple[str, str]]:
    """Everything but the operation log (which records the run)."""
    return {k: v for k, v in tree(home).items() if not k.startswith(".local/state")}


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> dict[str, Path]:
    return undo_world.build(home, source, cli)


def test_collect_copies_checks_and_links(cli: CliRunner, source: Path,
                                         world: dict[str, Path]) -> None:
    claude = world["claude"]
    (claude / "mine/scripts").mkdir()
    (claude / "mine/scripts/go.sh").write_text("echo go\n")
    (claude / "mine/scripts/go.sh").chmod(0o755)
    made = tree(claude / "mine")
    result = cli("collect", "claude", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert [(i["target"], i["name"]) for i in data["collected"]] == [("claude", "mine")]
    assert tree(source / "mine") == made
    assert os.stat(source / "mine/scripts/go.sh").st_mode & 0o111
    assert os.readlink(claude / "mine") == str(source / "mine")
    assert ours_left(claude) == [] and not [n for n in os.listdir(source)
                                            if n.startswith(".skillshare")]
    assert cli("collect", "claude").out.startswith("No local skills found in claude")


def test_a_copy_target_adopts_the_collected_skill_as_a_managed_copy(
        cli: CliRunner, source: Path, world: dict[str, Path]) -> None:
    cursor = world["cursor"]
    result = cli("collect", "cursor")
    assert result.code == 0, result.err
    assert "cursor/theirs copied to" in result.out
    assert (cursor / "theirs").is_dir() and not (cursor / "theirs").is_symlink()
    manifest = json.loads((cursor / ".skillshare-manifest.json").read_text())
    assert "theirs" in manifest["managed"]
    (source / "theirs/SKILL.md").write_text("---\nname: theirs\n---\nedited in the source\n")
    assert cli("sync").code == 0  # now ours: a source edit reaches the copy
    assert (cursor / "theirs/SKILL.md").read_text().endswith("edited in the source\n")


def test_all_collects_the_same_skill_once_and_reports_a_different_one(
        cli: CliRunner, source: Path, world: dict[str, Path]) -> None:
    claude, cursor = world["claude"], world["cursor"]
    make_skill(claude, "shared", body="same\n")
    make_skill(cursor, "shared", body="same\n")
    make_skill(claude, "clash", body="claude's\n")
    make_skill(cursor, "clash", body="cursor's\n")
    data = cli("collect", "--all", "--json").json()
    collected = sorted((i["target"], i["name"]) for i in data["collected"])
    assert collected == [("claude", "clash"), ("claude", "mine"), ("claude", "shared"),
                         ("cursor", "theirs")]
    assert [(i["target"], i["name"]) for i in data["same"]] == [("cursor", "shared")]
    assert [(i["target"], i["name"]) for i in data["skipped_items"]] == [("cursor", "clash")]
    assert "differs from the copy collected from claude" in data["skipped_items"][0]["reason"]
    assert os.path.islink(claude / "shared") and (cursor / "shared").is_dir()
    assert (cursor / "clash/SKILL.md").read_text().endswith("cursor's\n")  # left alone


def test_a_different_skill_in_the_source_is_a_conflict_unless_forced(
        cli: CliRunner, home: Path, source: Path, world: dict[str, Path]) -> None:
    claude = world["claude"]
    make_skill(source, "mine", body="the source's version\n")
    before = files_of(home)
    refused = cli("collect", "claude", "--json").json()
    assert refused["collected"] == [] and refused["skipped_items"][0]["name"] == "mine"
    assert "use --force" in refused["skipped_items"][0]["reason"]
    assert files_of(home) == before
    forced = cli("collect", "claude", "--force", "--json")
    assert forced.code == 0, forced.err
    item = forced.json()["collected"][0]
    assert item["trashed"] and (source / "mine/SKILL.md").read_text().endswith(
        "my own skill\n")
    trashed = trash.items(home / ".local/share/skillshare/trash")
    assert [t.name for t in trashed] == ["mine"]
    assert (Path(item["trashed"]) / "SKILL.md").read_text().endswith("the source's version\n")
    assert os.readlink(claude / "mine") == str(source / "mine")


def test_identical_skill_already_in_the_source_is_just_linked(
        cli: CliRunner, source: Path, world: dict[str, Path]) -> None:
    claude = world["claude"]
    make_skill(source, "mine", body="my own skill\n")
    data = cli("collect", "claude", "--json").json()
    assert data["collected"] == [] and [i["name"] for i in data["same"]] == ["mine"]
    assert os.readlink(claude / "mine") == str(source / "mine")


def test_dry_run_changes_nothing(cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    before = tree(home)
    result = cli("collect", "--all", "--dry-run")
    assert result.code == 0 and "would be copied" in result.out
    assert tree(home) == before


def test_what_is_not_collected(cli: CliRunner, home: Path, source: Path,
                               world: dict[str, Path]) -> None:
    claude = world["claude"]
    (claude / "no-skill-md").mkdir()
    (claude / "no-skill-md/README.md").write_text("x")
    make_skill(claude, "-bad-name")
    leaky = make_skill(claude, "leaky")
    (leaky / "key").symlink_to(home / ".ssh/id_rsa")
    make_skill(claude, ".hidden")
    (claude / "file.txt").write_text("x")
    data = cli("collect", "claude", "--json").json()
    reasons = {i["name"]: i["reason"] for i in data["skipped_items"]}
    assert reasons["no-skill-md"] == "not a skill (no SKILL.md)"
    assert "must not start with '-'" in reasons["-bad-name"]
    assert "holds a link to outside the skill (key)" in reasons["leaky"]
    assert [i["name"] for i in data["collected"]] == ["mine"]
    assert not (source / "leaky").exists() and (claude / "leaky").is_dir()


@pytest.mark.parametrize("argv, code, message", [
    (["collect"], 2, "name the target to collect from, or use --all"),
    (["collect", "nope"], 1, "unknown target: nope"),
    (["collect", "claude", "--all"], 2, "not both"),
])
def test_bad_input_changes_nothing(cli: CliRunner, home: Path, world: dict[str, Path],
                                   argv: list[str], code: int, message: str) -> None:
    before = tree(home)
    result = cli(*argv)
    assert result.code == code and message in result.err
    assert tree(home) == before


def test_pull_with_a_target_is_collect(cli: CliRunner, source: Path,
                                       world: dict[str, Path]) -> None:
    result = cli("pull", "claude")
    assert result.code == 0, result.err
    assert "`skillshare pull <target>` is now `skillshare collect <target>`" in result.out
    assert (source / "mine/SKILL.md").is_file()


def test_single_target_needs_no_name(cli: CliRunner, home: Path, source: Path) -> None:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n  claude:\n"
                       "    path: ~/.claude/skills\n")
    source.mkdir(parents=True)
    make_skill(home / ".claude/skills", "made-here")
    assert cli("collect").code == 0
    assert (source / "made-here/SKILL.md").is_file()


def test_a_target_that_is_a_file_is_reported(cli: CliRunner, home: Path,
                                             world: dict[str, Path]) -> None:
    shutil.rmtree(world["cursor"])
    world["cursor"].write_text("not a folder")
    result = cli("collect", "--all")
    assert result.code == 0
    shown = f"~/{world['cursor'].relative_to(home)}"  # (text: paths under home as ~/…)
    assert f"! cursor skipped: the target path {shown} is not a folder" in result.out
    assert "claude/mine" in result.out
