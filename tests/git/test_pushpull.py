"""`push` and `pull` of the source through git, against a bare remote over file://."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, DaemonStarter, make_skill, tree, wait_for, write_config
from tests.team_repos import git, push_skill


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", "-b", "main", str(bare))
    return bare


@pytest.fixture
def shared(cli: CliRunner, home: Path, source: Path, remote: Path) -> Path:
    """This machine's source, set up with `init --remote`, one skill pushed."""
    (home / ".claude/skills").mkdir(parents=True)
    assert cli("init", "--targets", "claude", "--remote", f"file://{remote}").code == 0
    git(source, "checkout", "-q", "-b", "main")
    make_skill(source, "first")
    result = cli("push", "-m", "First skill")
    assert result.code == 0, result.err
    return source


def worktree(source: Path) -> dict[str, tuple[str, str]]:
    """The source's files (what a fetch may update inside .git aside)."""
    return {k: v for k, v in tree(source).items() if not k.startswith(".git")}


def other_machine(tmp_path: Path, remote: Path) -> Path:
    clone = tmp_path / "other"
    if not clone.exists():
        git(tmp_path, "clone", "-q", f"file://{remote}", str(clone))
    return clone


def test_push_commits_with_a_message_naming_the_skills(cli: CliRunner, shared: Path,
                                                        remote: Path) -> None:
    make_skill(shared, "review")
    make_skill(shared, "group/deploy")
    preview = cli("push", "-n", "--json").json()
    assert preview["message"] == "Update skills: group, review" and not preview["pushed"]
    assert git(remote, "log", "--format=%s", "main").splitlines() == ["First skill"]
    result = cli("push")
    assert result.code == 0, result.err
    assert "Committed 2 changes: Update skills: group, review" in result.out
    assert git(remote, "log", "--format=%s", "main").splitlines() == [
        "Update skills: group, review", "First skill"]
    again = cli("push")
    assert again.code == 0 and "No changes to commit" in again.out


def test_push_when_the_remote_is_ahead_says_pull_first(cli: CliRunner, tmp_path: Path,
                                                       shared: Path, remote: Path) -> None:
    other = other_machine(tmp_path, remote)
    push_skill(other, "theirs")
    make_skill(shared, "mine")
    result = cli("push")
    assert result.code == 1
    assert "the remote has changes this source does not have" in result.err
    assert "run `skillshare pull` first" in result.err
    assert "theirs" in git(remote, "log", "--format=%s", "main")


def test_pull_fast_forwards_then_syncs(cli: CliRunner, home: Path, tmp_path: Path, shared: Path,
                                       remote: Path) -> None:
    other = other_machine(tmp_path, remote)
    push_skill(other, "from-elsewhere")
    preview = cli("pull", "--dry-run", "--json")
    assert preview.code == 0 and preview.json()["pull"]["status"] == "would fast-forward"
    assert not (shared / "from-elsewhere").exists()
    result = cli("pull")
    assert result.code == 0, result.err
    assert "Fast-forwarded main by 1 commit" in result.out
    assert os.readlink(home / ".claude/skills/from-elsewhere") == str(shared / "from-elsewhere")
    assert "up to date" in cli("pull").out


@pytest.mark.parametrize("make_trouble, message", [
    (lambda src, other: make_skill(src, "uncommitted"), "uncommitted change; nothing"),
    (lambda src, other: (make_skill(src, "local-only"),
                         git(src, "add", "-A"), git(src, "commit", "-q", "-m", "local")),
     "histories diverged"),
])
def test_pull_refuses_local_changes_and_divergence(cli: CliRunner, home: Path, tmp_path: Path,
                                                   shared: Path, remote: Path,
                                                   make_trouble: Any, message: str) -> None:
    other = other_machine(tmp_path, remote)
    push_skill(other, "theirs")
    make_trouble(shared, other)
    before = worktree(shared)
    head = git(shared, "rev-parse", "HEAD")
    result = cli("pull")
    assert result.code == 1 and message in result.err
    assert worktree(shared) == before and git(shared, "rev-parse", "HEAD") == head
    assert not os.path.lexists(home / ".claude/skills/theirs")


def test_a_new_machine_pulls_into_an_empty_source(cli: CliRunner, home: Path, tmp_path: Path,
                                                  remote: Path, source: Path) -> None:
    other = other_machine(tmp_path, remote)
    git(other, "checkout", "-q", "-b", "main")
    push_skill(other, "shared-skill")
    (home / ".claude/skills").mkdir(parents=True)
    assert cli("init", "--targets", "claude", "--remote", f"file://{remote}").code == 0
    git(source, "checkout", "-q", "-b", "main")
    result = cli("pull")
    assert result.code == 0, result.err
    assert (source / "shared-skill/SKILL.md").is_file()
    assert os.path.islink(home / ".claude/skills/shared-skill")


def test_no_repository_or_no_remote_is_a_clear_error(cli: CliRunner, home: Path,
                                                     source: Path) -> None:
    write_config(home, "targets: {}\n")
    make_skill(source, "a")
    for argv in (["push"], ["pull"]):
        result = cli(*argv)
        assert result.code == 1 and "the source is not a git repository" in result.err
    git(source, "init", "-q")
    for argv in (["push"], ["pull"]):
        result = cli(*argv)
        assert result.code == 1 and "has no git remote" in result.err
    assert git(source, "status", "--porcelain").strip()  # nothing was committed


def test_the_daemons_pull_job(cli: CliRunner, daemon: DaemonStarter, home: Path, tmp_path: Path,
                              shared: Path, remote: Path) -> None:
    config = home / ".config/skillshare/config.yaml"
    config.write_text(config.read_text() + "daemon:\n  pull_interval: 1s\n")
    d = daemon()
    other = other_machine(tmp_path, remote)
    push_skill(other, "pushed-elsewhere")
    link = home / ".claude/skills/pushed-elsewhere"
    wait_for(lambda: os.path.islink(link), 20, "the pull job to bring the skill in")

    def job() -> dict[str, Any]:
        return next(j for j in d.status()["jobs"] if j["name"] == "pull")

    make_skill(shared, "uncommitted-here")
    runs = job()["runs"]
    skipped = wait_for(lambda: (j := job())["runs"] > runs + 1 and j, 20, "more pull runs")
    assert skipped["last_result"] == "ok"
    assert skipped["last_summary"].startswith("skipped: the source has 1 uncommitted change")
