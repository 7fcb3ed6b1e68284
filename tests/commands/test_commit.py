"""``commit``: everything in the source committed to its git repository, nothing pushed (a
remote is not needed); ``push`` commits through the same function. A source that is not a
repository, a dry run, a project, or nothing to commit change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.core.errors import SkillshareError, UsageError
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, make_skill, tree, write_config
from tests.team_repos import git


def run(cmd: str, **args: Any) -> dict[str, Any]:
    return api.run(cmd, args, Paths.from_env())


@pytest.fixture
def repo(home: Path, source: Path, tmp_path: Path) -> Path:
    """A source that is a git repository with one commit, and a bare remote over file://."""
    write_config(home, "source: ~/.config/skillshare/skills\ntargets: {}\n")
    source.mkdir(parents=True)
    git(source, "init", "-q", "-b", "main")
    make_skill(source, "first")
    git(source, "add", "--all")
    git(source, "commit", "-q", "-m", "First")
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", "-b", "main", str(remote))
    git(source, "remote", "add", "origin", f"file://{remote}")
    git(source, "push", "-q", "-u", "origin", "main")
    return source


def log(folder: Path, ref: str = "HEAD") -> list[str]:
    return git(folder, "log", "--format=%s", ref).splitlines()


def test_commit_without_pushing(repo: Path, tmp_path: Path) -> None:
    make_skill(repo, "review")
    (repo / "first/SKILL.md").write_text("---\nname: first\ndescription: changed\n---\nx\n")
    done = run("commit")
    assert done["message"] == "Update skills" and not done["dry_run"]
    assert sorted(done["changes"]) == [" M first/SKILL.md", "?? review/SKILL.md"]
    assert done["committed"] == git(repo, "rev-parse", "HEAD").strip()
    assert log(repo) == ["Update skills", "First"]
    assert git(repo, "status", "--porcelain") == ""
    assert log(tmp_path / "remote.git", "main") == ["First"]  # nothing pushed
    again = run("commit", message="again")
    assert again["changes"] == [] and again["committed"] is None
    assert log(repo) == ["Update skills", "First"]


def test_message_and_no_remote(repo: Path) -> None:
    git(repo, "remote", "remove", "origin")
    make_skill(repo, "review")
    run("commit", message="Add the review skill")
    assert log(repo) == ["Add the review skill", "First"]


def test_dry_run_changes_nothing(repo: Path) -> None:
    make_skill(repo, "review")
    before = tree(repo)
    done = run("commit", dry_run=True, message="m")
    assert done["changes"] == ["?? review/SKILL.md"] and done["committed"] is None
    assert tree(repo) == before and log(repo) == ["First"]


def test_push_commits_through_the_same_function(repo: Path, tmp_path: Path) -> None:
    make_skill(repo, "review")
    pushed = run("push", message="Via push")
    assert pushed["committed"] == git(repo, "rev-parse", "HEAD").strip()
    assert log(tmp_path / "remote.git", "main") == ["Via push", "First"]


def test_refusals_change_nothing(home: Path, source: Path, work: Path) -> None:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets: {}\n")
    make_skill(source, "first")
    before = tree(home / ".config")  # (the operation log records the refusal)
    with pytest.raises(SkillshareError, match="not a git repository"):
        run("commit")
    (work / ".skillshare/skills").mkdir(parents=True)
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    with pytest.raises(UsageError, match="global source"):
        run("commit", project=True)
    assert tree(home / ".config") == before


def test_a_failing_commit_is_an_error(repo: Path) -> None:
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho refused >&2\nexit 1\n")
    hook.chmod(0o755)
    make_skill(repo, "review")
    with pytest.raises(SkillshareError, match="git commit failed: refused"):
        run("commit")
    assert log(repo) == ["First"]


def test_cli_text_and_json(cli: CliRunner, repo: Path) -> None:
    make_skill(repo, "review")
    preview = cli("commit", "-n")
    assert preview.code == 0
    assert "Would stage 1 file:" in preview.out and "Would commit with message: " \
        "Update skills" in preview.out
    done = cli("commit", "-m", "Add review", "--json")
    assert done.code == 0 and done.json()["message"] == "Add review"
    assert "No changes to commit" in cli("commit").out


def test_commit_works_on_the_repository_git_root_names(home: Path, source: Path) -> None:
    """``git_root: root``: the config folder's repository (skills and agents together)."""
    base = home / ".config/skillshare"
    write_config(home, "source: ~/.config/skillshare/skills\ntargets: {}\ngit_root: root\n")
    make_skill(source, "first")
    (base / "agents").mkdir(exist_ok=True)
    (base / "agents/tutor.md").write_text("tutor\n")
    (base / ".gitignore").write_text("config.yaml\n")
    git(base, "init", "-q", "-b", "main")
    result = run("commit")
    assert result["committed"]
    files = git(base, "ls-files").splitlines()
    assert "agents/tutor.md" in files and "skills/first/SKILL.md" in files
    assert not (source / ".git").exists()
