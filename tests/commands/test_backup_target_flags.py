"""``backup --target`` (and ``-c`` for ``--cleanup``), ``target remove --all``: the
original's flags, bad uses refused with nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill, tree, write_config


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> Path:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n")
    make_skill(source, "alpha")
    make_skill(source, "beta")
    assert cli("sync").code == 0
    return home


def test_backup_target_flag(cli: CliRunner, world: Path) -> None:
    data = cli("backup", "--target", "claude", "--json").json()
    assert [t["target"] for t in data["targets"]] == ["claude"]
    both = cli("backup", "cursor", "-t", "claude", "-n", "--json").json()
    assert sorted(t["target"] for t in both["targets"]) == ["claude", "cursor"]
    assert cli("backup", "-c", "-n").code == 0


def test_backup_target_unknown_changes_nothing(cli: CliRunner, world: Path) -> None:
    before = tree(world)
    result = cli("backup", "--target", "nosuch")
    assert result.code != 0 and "nosuch" in result.err
    assert tree(world) == before


def test_target_remove_all(cli: CliRunner, world: Path) -> None:
    before = tree(world)
    dry = cli("target", "remove", "--all", "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert tree(world) == before
    result = cli("target", "remove", "--all", "--json")
    assert result.code == 0, result.err
    assert sorted(r["name"] for r in result.json()["removed"]) == ["claude", "cursor"]
    for target in (".claude/skills", ".cursor/skills"):
        alpha = world / target / "alpha"
        assert alpha.is_dir() and not alpha.is_symlink()  # real folders, as remove leaves
    assert cli("target", "list", "--json").json()["targets"] == []
    assert cli("target", "remove", "-a").code == 2  # no targets left


@pytest.mark.parametrize("argv", [["target", "remove", "claude", "--all"],
                                  ["target", "list", "--all"], ["target", "claude", "-a"]])
def test_bad_uses_of_all_change_nothing(cli: CliRunner, world: Path, argv: list[str]) -> None:
    before = tree(world)
    result = cli(*argv)
    assert result.code == 2 and "--all" in result.err
    assert tree(world) == before


def test_target_list_json_has_the_originals_fields(cli: CliRunner, world: Path) -> None:
    targets = cli("target", "list", "--json").json()["targets"]
    assert [(t["name"], t["targetNaming"], t["skillsEnabled"]) for t in targets] == [
        ("claude", "flat", True), ("cursor", "flat", True)]
