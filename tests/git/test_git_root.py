"""``git_root``: push and pull work on the repository it names (the skills source, the
agents source, the extras folder, or the config folder holding them all); a root repository
must ignore the config file, and a repository inside it that is not ignored stops a push."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillshared.core.config_file import load
from skillshared.core.paths import Paths
from skillshared.git.gitroot import git_root, repo_root
from tests.conftest import CliRunner, make_skill, write_config
from tests.team_repos import git


@pytest.fixture
def base(home: Path) -> Path:
    return home / ".config/skillshare"


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", "-b", "main", str(bare))
    return bare


def _root_repo(base: Path, remote: Path, ignore: str = "config.yaml\n") -> None:
    git(base, "init", "-q", "-b", "main")
    (base / ".gitignore").write_text(ignore)
    git(base, "add", "--all")
    git(base, "commit", "-q", "-m", "initial")
    git(base, "remote", "add", "origin", f"file://{remote}")
    git(base, "push", "-q", "-u", "origin", "main")


def _config(home: Path, base: Path, root: str | None) -> None:
    line = f"git_root: {root}\n" if root else ""
    write_config(home, f"{line}sources:\n  skills: {base}/skills\n  agents: {base}/agents\n"
                 "targets: {}\n")
    (base / "skills").mkdir(parents=True, exist_ok=True)
    (base / "agents").mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize(("value", "folder"), [
    (None, "skills"), ("skills", "skills"), ("agents", "agents"), ("root", ""),
    ("extras", "extras")])
def test_repo_root_follows_git_root(home: Path, base: Path, value: str | None,
                                    folder: str) -> None:
    _config(home, base, value)
    config = load(Paths.from_env().global_scope())
    assert repo_root(config) == (base / folder if folder else base)
    assert git_root(config) == (value or "skills")
    assert not [u for u in config.unused if u.key == "git_root"]


def test_a_project_uses_its_source(work: Path) -> None:
    (work / ".skillshare/skills").mkdir(parents=True)
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    config = load(Paths.from_env().project_scope())
    assert repo_root(config) == config.source


def test_push_and_pull_at_the_root_cover_agents(cli: CliRunner, home: Path, base: Path,
                                                 remote: Path, tmp_path: Path) -> None:
    _config(home, base, "root")
    _root_repo(base, remote)
    (base / "agents/helper.md").write_text("# helper\n")
    make_skill(base / "skills", "review")
    result = cli("push", "-m", "agents and skills")
    assert result.code == 0, result.err
    pushed = git(remote, "ls-tree", "-r", "--name-only", "main").split()
    assert {"agents/helper.md", "skills/review/SKILL.md"} <= set(pushed)
    assert "config.yaml" not in pushed
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", f"file://{remote}", str(other))
    (other / "agents/second.md").write_text("# second\n")
    git(other, "add", "--all")
    git(other, "commit", "-q", "-m", "second agent")
    git(other, "push", "-q")
    result = cli("pull")
    assert result.code == 0, result.err
    assert (base / "agents/second.md").read_text() == "# second\n"


def test_a_root_repository_must_ignore_the_config(cli: CliRunner, home: Path, base: Path,
                                                   remote: Path) -> None:
    _config(home, base, "root")
    _root_repo(base, remote, ignore=".DS_Store\n")  # config.yaml committed: not ignored
    make_skill(base / "skills", "review")
    before = git(base, "rev-parse", "HEAD")
    result = cli("push")
    assert result.code != 0
    assert "config.yaml is not ignored" in result.err
    assert git(base, "rev-parse", "HEAD") == before  # nothing committed


def test_a_repository_inside_stops_a_push(cli: CliRunner, home: Path, base: Path,
                                          remote: Path) -> None:
    _config(home, base, "root")
    _root_repo(base, remote)
    vendored = make_skill(base / "skills", "vendored")
    git(vendored, "init", "-q")
    before = git(base, "rev-parse", "HEAD")
    result = cli("push")
    assert result.code != 0
    assert "git repositories inside" in result.err and "skills/vendored" in result.err
    assert git(base, "rev-parse", "HEAD") == before


def test_agents_root_without_a_repository_says_where(cli: CliRunner, home: Path,
                                                     base: Path) -> None:
    _config(home, base, "agents")
    result = cli("push")
    assert result.code != 0
    shown = f"~/{base.relative_to(home)}/agents"  # (text: paths under home as ~/…)
    assert f"the agents folder (git_root: agents) is not a git repository: {shown}" in (
        result.err)
