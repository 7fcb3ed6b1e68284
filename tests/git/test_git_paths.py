"""Every path that lands inside the source (`--into`, `--name`, a name from a URL, recorded
`into`/`name`/`subdir` in the records file or the project config, a subfolder of a fetched
repo) is refused before anything is cloned or written when it reaches `.git` (any case),
skillshare's reserved names, a link, a file, or a tracked repo."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, make_skill, tree
from tests.team_repos import git, global_world, team_repo


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    """A global source that is a git repository with one commit (its .git has content)."""
    global_world(home, source)
    make_skill(source, "own")
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "own")
    return source


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return make_skill(tmp_path / "downloads", "pdf-tools")


@pytest.mark.parametrize("where", [".git", ".GIT", ".Git/hooks", "team/.git", "team/.gIt/x",
                                   ".skillshare-tmp-new-0000-x", ".SkillShare-mine"])
@pytest.mark.parametrize("track", [True, False], ids=["track", "copy"])
def test_into_git_or_a_reserved_name_is_refused(cli: CliRunner, tmp_path: Path, world: Path,
                                                origin: Path, where: str, track: bool) -> None:
    _, bare = team_repo(tmp_path)
    before = tree(world)
    argv = ["install", f"file://{bare}", "--track"] if track else ["install", str(origin)]
    result = cli(*argv, "--into", where, "--force")
    assert result.code == 2, result.out
    assert f"invalid --into '{where}'" in result.err
    assert tree(world) == before


@pytest.mark.parametrize("name", [".git", ".GIT", ".skillshare-installed.json"])
def test_a_skill_name_that_reaches_git_is_refused(cli: CliRunner, world: Path, origin: Path,
                                                 name: str) -> None:
    before = tree(world)
    result = cli("install", str(origin), "--name", name, "--force")
    assert result.code == 2 and f"invalid skill name '{name}'" in result.err
    assert tree(world) == before


def test_into_a_link_a_file_or_a_tracked_repo_is_refused(cli: CliRunner, tmp_path: Path,
                                                         world: Path, origin: Path) -> None:
    _, bare = team_repo(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, world / "linked")
    (world / "afile").write_text("a file\n")
    assert cli("install", f"file://{bare}", "--track", "--name", "tracked").code == 0
    before = tree(world)
    cases = [("linked", "is a link"), ("linked/deeper", "is a link"),
             ("afile/x", "is not a folder"), ("_tracked", "is a git repository of its own"),
             ("_tracked/review", "is a git repository of its own")]
    for where, message in cases:
        for argv in (["install", f"file://{bare}", "--track", "--name", "again"],
                     ["install", str(origin)]):
            result = cli(*argv, "--into", where)
            assert result.code == 2 and message in result.err, (where, result.err)
    assert tree(world) == before and os.listdir(outside) == []


@pytest.mark.parametrize("record", [
    {"name": "hooks", "into": ".git"},
    {"name": ".GIT"},
    {"name": "x", "into": "team/.Git/hooks"},
    {"name": ".skillshare-tmp-new-0000-x"},
    {"name": "_x", "tracked": True, "into": ".git"},
])
def test_recorded_installs_that_reach_git_are_refused(cli: CliRunner, tmp_path: Path, world: Path,
                                                      origin: Path, record: dict[str, Any]
                                                      ) -> None:
    _, bare = team_repo(tmp_path)
    source = f"file://{bare}" if record.get("tracked") else str(origin)
    (world / ".skillshare-installed.json").write_text(
        json.dumps({"skills": [{**record, "source": source}]}))
    before = tree(world)
    for argv in (["install"], ["update", "--all"], ["check"], ["uninstall", "own"]):
        result = cli(*argv)
        assert result.code == 1, (argv, result.out)
        assert "is damaged" in result.err and "no install may go" not in result.err
        assert tree(world) == before


def test_a_project_config_that_records_an_install_in_git_is_refused(
        cli: CliRunner, work: Path, origin: Path) -> None:
    assert cli("init", "-p", "--targets", "claude").code == 0
    git(work, "init", "-q", "-b", "main")
    config = work / ".skillshare/config.yaml"
    config.write_text(config.read_text() + f"skills:\n  - name: hooks\n    source: {origin}\n"
                                           "    into: .git\n")

    def files() -> dict[str, tuple[str, str]]:
        return {k: v for k, v in tree(work).items() if not k.startswith(".skillshare/logs")}

    before = files()
    for argv in (["install", "-p"], ["update", "--all", "-p"], ["sync", "-p"]):
        result = cli(*argv)  # the project config itself is refused, with the key's path
        assert result.code == 1 and "invalid config" in result.err
        assert "skills[0].into: '.git' is reserved" in result.err and files() == before


def test_a_subfolder_through_a_link_in_a_fetched_repo_is_refused(
        cli: CliRunner, tmp_path: Path, world: Path) -> None:
    secret = make_skill(tmp_path / "private", "secret", files={"key.txt": "hunter2\n"})
    work, bare = team_repo(tmp_path)
    os.symlink(secret, work / "linked")  # a link committed in the team's repository
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "a link")
    git(work, "push", "-q", "origin", "main")
    (world / ".skillshare-installed.json").write_text(json.dumps({"skills": [
        {"name": "stolen", "source": f"file://{bare}", "subdir": "linked"}]}))
    result = cli("install", "--json")
    assert result.code == 1
    (item,) = result.json()["items"]
    assert item["status"] == "failed" and "goes through a link (linked)" in item["error"]
    assert not os.path.lexists(world / "stolen")
    assert not [n for n in os.listdir(world) if n.startswith(".skillshare-tmp")]


@pytest.mark.parametrize("raw", ["github.com/team/skills/../../elsewhere",
                                 "github.com/team/skills/.git/hooks",
                                 "github.com/team/skills/a/.GIT"])
def test_a_shorthand_subfolder_that_leaves_the_repo_is_refused_before_cloning(
        cli: CliRunner, world: Path, raw: str) -> None:
    before = tree(world)
    result = cli("install", raw)
    assert result.code == 2 and "invalid folder" in result.err
    assert tree(world) == before
