"""``uninstall`` with the original skillshare's ways of naming: globs, ``-G/--group``, a
group folder, a nested skill by its own name, ``--all`` (asked for twice: ``--force``, or
``--dry-run`` to see it first). Everything goes to the trash; a name that means nothing (or
more than one thing) is an error that moves nothing; ``uninstall agents`` keeps working."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill, tree
from tests.team_repos import global_world

SKILLS = ("frontend/react", "frontend/vue/hooks", "core-auth", "Core-DB", "pdf")


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    global_world(home, source)
    for rel in SKILLS:
        make_skill(source, rel)
    return source


def left(world: Path) -> list[str]:
    return sorted(str(p.parent.relative_to(world)) for p in world.rglob("SKILL.md"))


def removed(result: object) -> list[str]:
    return sorted(i["name"] for i in result.json()["removed_items"])  # type: ignore[attr-defined]


def test_a_glob_matches_names_ignoring_case(cli: CliRunner, world: Path) -> None:
    result = cli("uninstall", "core-*", "--json")
    assert result.code == 0, result.err
    assert removed(result) == ["Core-DB", "core-auth"]
    assert left(world) == ["frontend/react", "frontend/vue/hooks", "pdf"]
    assert cli("trash", "list", "--json").code == 0


def test_group_flag_and_group_folder(cli: CliRunner, world: Path) -> None:
    by_flag = cli("uninstall", "-G", "frontend", "pdf", "--json")
    assert by_flag.code == 0, by_flag.err
    assert removed(by_flag) == ["frontend/react", "frontend/vue/hooks", "pdf"]
    assert left(world) == ["Core-DB", "core-auth"]


def test_a_folder_named_is_a_group(cli: CliRunner, world: Path) -> None:
    result = cli("uninstall", "frontend/vue", "--json")
    assert result.code == 0, result.err
    assert removed(result) == ["frontend/vue/hooks"]
    assert "frontend/react" in left(world)


def test_a_nested_skill_by_its_own_name(cli: CliRunner, world: Path) -> None:
    result = cli("uninstall", "react", "--json")
    assert result.code == 0, result.err
    assert [i["path"] for i in result.json()["removed_items"]] == [str(world / "frontend/react")]
    assert not (world / "frontend/react").exists()


def test_a_short_name_two_skills_have_is_refused(cli: CliRunner, world: Path) -> None:
    make_skill(world, "backend/react")
    before = tree(world)
    result = cli("uninstall", "react")
    assert result.code != 0 and "could be any of backend/react, frontend/react" in result.err
    assert tree(world) == before


def test_all_is_asked_for_twice(cli: CliRunner, world: Path) -> None:
    before = tree(world)
    refused = cli("uninstall", "--all")
    assert refused.code != 0 and "--force" in refused.err and tree(world) == before
    preview = cli("uninstall", "--all", "-n", "--json")
    assert preview.code == 0 and len(preview.json()["removed_items"]) == len(SKILLS)
    assert tree(world) == before
    done = cli("uninstall", "--all", "-f", "--json")
    assert done.code == 0 and len(done.json()["removed_items"]) == len(SKILLS)
    assert left(world) == []


@pytest.mark.parametrize("argv, message", [
    (("nothing-*",), "no skill or tracked repo matches"),
    (("-G", "nowhere"), "no skill or tracked repo in the group"),
    (("-G", "../x"), "invalid --group"),
    (("--all", "pdf", "-f"), "cannot be combined"),
    (("--all", "-G", "frontend", "-f"), "cannot be combined"),
    (("pdf", "nothing-*"), "no skill or tracked repo matches"),
    (("agents", "-G", "frontend"), "agents are named one by one"),
])
def test_bad_names_move_nothing(cli: CliRunner, world: Path, argv: tuple[str, ...],
                                message: str) -> None:
    before = tree(world)
    result = cli("uninstall", *argv)
    assert result.code != 0 and message in result.err
    assert tree(world) == before


def test_uninstall_agents_all_still_works(cli: CliRunner, world: Path, home: Path) -> None:
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True, exist_ok=True)
    (agents / "tutor.md").write_text("# tutor\n")
    result = cli("uninstall", "agents", "--all", "--json")
    assert result.code == 0, result.err
    assert [i["kind"] for i in result.json()["removed_items"]] == ["agent"]
    assert left(world) == sorted(SKILLS)
