"""`pull` and `push` against the remote's default branch: a source on `master` and a remote
on `main`, no upstream yet, an empty remote, a renamed default branch, and the first pull
into a source that already holds skills of its own. Remotes are bare repositories over
file://."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from skillshared.core.config_file import load
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths, Scope
from skillshared.git import gitsync
from skillshared.store.gitignore import render_gitignore
from tests.conftest import CliRunner, DaemonStarter, make_skill, tree, wait_for
from tests.team_repos import (
    bare_remote,
    commit_files,
    git,
    global_world,
    head,
    remote_branches,
    shared_source,
    skill_text,
    team_clone,
)


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    return global_world(home, source)


def source_on(source: Path, bare: Path, branch: str = "master") -> None:
    """``source`` becomes a repository on ``branch`` (no commit yet) with ``bare`` as origin."""
    git(source, "init", "-q", "-b", branch)
    git(source, "remote", "add", "origin", f"file://{bare}")


def files(source: Path) -> dict[str, tuple[str, str]]:
    return {k: v for k, v in tree(source).items() if not k.startswith(".git/") and k != ".git"}


def snapshot(source: Path) -> tuple[Any, ...]:
    """What a pull that changes nothing leaves as it was (a fetch may add remote refs)."""
    commit = git(source, "rev-parse", "--verify", "-q", "HEAD^{commit}") if head_exists(
        source) else None
    return (files(source), commit, git(source, "status", "--porcelain=v1", "-uall"),
            git(source, "for-each-ref", "refs/heads"), git(source, "symbolic-ref", "HEAD"),
            os.path.exists(source / ".git/MERGE_HEAD"))


def head_exists(folder: Path) -> bool:
    return bool(git(folder, "for-each-ref", "refs/heads").strip())


def upstream(folder: Path) -> str:
    return git(folder, "rev-parse", "--abbrev-ref", "@{u}").strip()


def config_and_env(scope: Scope) -> tuple[Any, Any]:
    return load(scope), Paths.from_env().env


def test_pull_into_a_new_source_follows_the_remotes_default_branch(
        cli: CliRunner, home: Path, tmp_path: Path, world: Path) -> None:
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {"shared/SKILL.md": skill_text("shared")})
    source_on(world, bare, "master")
    result = cli("pull", "--json")
    assert result.code == 0, result.err
    pull = result.json()["pull"]
    assert pull["status"] == "fast-forwarded" and pull["upstream"] == "origin/main"
    assert pull["commits"] == 1 and pull["branch"] == "main"
    assert (world / "shared/SKILL.md").is_file()
    assert os.readlink(home / ".claude/skills/shared") == str(world / "shared")
    assert upstream(world) == "origin/main"
    make_skill(world, "mine")
    pushed = cli("push")
    assert pushed.code == 0, pushed.err
    assert remote_branches(bare) == ["main"]
    assert git(bare, "log", "-1", "--format=%s", "main").strip() == "Update skills: mine"


def test_push_from_master_goes_to_the_remotes_main(cli: CliRunner, tmp_path: Path,
                                                    world: Path) -> None:
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {"theirs/SKILL.md": skill_text("theirs")})
    git(tmp_path, "clone", "-q", f"file://{bare}", str(world))
    git(world, "branch", "-q", "-m", "main", "master")
    git(world, "branch", "-q", "--unset-upstream")
    make_skill(world, "mine")
    preview = cli("push", "-n", "--json").json()
    assert preview["upstream"] == "origin/main" and preview["set_upstream"] is True
    assert "Would push master to origin/main" in cli("push", "-n").out
    result = cli("push")
    assert result.code == 0, result.err
    assert "Pushed master to origin/main" in result.out
    assert remote_branches(bare) == ["main"]
    assert upstream(world) == "origin/main"
    make_skill(world, "more")
    again = cli("push", "--json")
    assert again.code == 0 and again.json()["set_upstream"] is False
    assert remote_branches(bare) == ["main"] and head(world) == git(
        bare, "rev-parse", "main").strip()
    git(world, "remote", "set-url", "origin", f"file://{tmp_path}/gone.git")
    offline = cli("push", "-n", "--json")  # a preview needs no network
    assert offline.code == 0 and offline.json()["upstream"] == "origin/main"
    assert "could not be asked" in offline.json()["note"]


def test_an_empty_remote_takes_the_sources_branch_and_a_new_machine_follows_it(
        cli: CliRunner, home: Path, tmp_path: Path, world: Path) -> None:
    bare = bare_remote(tmp_path, branch="main")  # its HEAD names a branch that never comes
    source_on(world, bare, "master")
    make_skill(world, "mine")
    empty = cli("pull", "--json")
    assert empty.code == 0 and empty.json()["pull"]["status"] == "the remote has nothing yet"
    assert cli("push").code == 0
    assert remote_branches(bare) == ["master"] and upstream(world) == "origin/master"
    os.rename(world, tmp_path / "first-machine")
    world.mkdir()
    source_on(world, bare, "main")  # a new machine, its git set to start on main
    result = cli("pull", "--json")
    assert result.code == 0, result.err
    assert result.json()["pull"]["upstream"] == "origin/master"
    assert (world / "mine/SKILL.md").is_file() and upstream(world) == "origin/master"
    assert os.path.islink(home / ".claude/skills/mine")


@pytest.mark.parametrize("committed", [True, False], ids=["own-commits", "no-commit-yet"])
def test_a_first_pull_into_a_source_with_its_own_skills_keeps_both_sides(
        cli: CliRunner, tmp_path: Path, world: Path, scope: Scope, committed: bool) -> None:
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {"theirs/SKILL.md": skill_text("theirs"),
                        "same/SKILL.md": skill_text("same")})
    source_on(world, bare, "master")
    make_skill(world, "mine", files={"notes.md": "mine\n"})
    (world / "same").mkdir()
    (world / "same/SKILL.md").write_text(skill_text("same"))  # the same file on both sides
    if committed:
        git(world, "add", "-A")
        git(world, "commit", "-q", "-m", "my skills")
    before = snapshot(world)
    config, env = config_and_env(scope)
    with pytest.raises(SkillshareError, match="only `skillshare pull` run by hand"):
        gitsync.pull_source(config, env)  # the daemon's call: it never merges
    assert snapshot(world) == before
    preview = gitsync.pull_source(config, env, dry_run=True, merge=True)
    assert preview["status"] == "would merge" and snapshot(world) == before
    report = gitsync.pull_source(config, env, merge=True)
    assert report["status"] == "merged" and report["commits"] == 1
    assert (world / "mine/notes.md").read_text() == "mine\n"
    assert (world / "mine/SKILL.md").is_file() and (world / "theirs/SKILL.md").is_file()
    assert len(git(world, "log", "-1", "--format=%P").split()) == 2
    assert git(world, "status", "--porcelain").strip() == "" and upstream(world) == "origin/main"
    assert cli("push").code == 0
    shared = git(bare, "ls-tree", "-r", "--name-only", "main").split()
    assert {"mine/SKILL.md", "mine/notes.md", "theirs/SKILL.md", "same/SKILL.md"} <= set(shared)


@pytest.mark.parametrize("committed", [True, False], ids=["own-commits", "no-commit-yet"])
def test_a_first_pull_that_conflicts_changes_nothing(tmp_path: Path, world: Path,
                                                     scope: Scope, committed: bool) -> None:
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {"review/SKILL.md": skill_text("review", "theirs\n")})
    source_on(world, bare, "master")
    make_skill(world, "review", body="mine\n")
    make_skill(world, "only-here")
    if committed:
        git(world, "add", "-A")
        git(world, "commit", "-q", "-m", "my skills")
    before = snapshot(world)
    config, env = config_and_env(scope)
    with pytest.raises(SkillshareError) as raised:
        gitsync.pull_source(config, env, merge=True)
    assert "nothing was pulled" in raised.value.message
    assert raised.value.details == ["review/SKILL.md"]
    assert "merge --allow-unrelated-histories origin/main" in (raised.value.hint or "")
    assert snapshot(world) == before
    assert (world / "review/SKILL.md").read_text().endswith("mine\n")


def test_a_pull_never_overwrites_a_file_git_ignores(cli: CliRunner, tmp_path: Path,
                                                    world: Path) -> None:
    make_skill(world, "own")
    (world / ".gitignore").write_text("_team/\n")  # as a tracked repo's clone is listed
    other = shared_source(world, tmp_path)
    (world / "_team").mkdir()
    (world / "_team/notes.md").write_text("mine\n")
    commit_files(other, {"_team/notes.md": "theirs\n"}, force_add=True)
    before = head(world)
    result = cli("pull")
    assert result.code == 1
    assert "would overwrite 1 file here that git does not track" in result.err
    assert "_team/notes.md" in result.err
    assert (world / "_team/notes.md").read_text() == "mine\n" and head(world) == before


def test_pull_and_push_follow_a_renamed_default_branch(cli: CliRunner, home: Path, tmp_path: Path,
                                                      world: Path) -> None:
    make_skill(world, "own")
    other = shared_source(world, tmp_path)
    bare = tmp_path / "remote.git"
    git(other, "push", "-q", "origin", "main:trunk")
    git(bare, "symbolic-ref", "HEAD", "refs/heads/trunk")
    git(other, "push", "-q", "origin", "--delete", "main")
    commit_files(other, {"new/SKILL.md": skill_text("new")}, push_to="trunk")
    result = cli("pull", "--json")
    assert result.code == 0, result.err
    pull = result.json()["pull"]
    assert pull["status"] == "fast-forwarded" and pull["upstream"] == "origin/trunk"
    assert "origin/main, which it followed, is gone" in pull["note"]
    assert (world / "new/SKILL.md").is_file() and upstream(world) == "origin/trunk"
    assert os.path.islink(home / ".claude/skills/new")
    make_skill(world, "after")
    assert cli("push").code == 0
    assert remote_branches(bare) == ["trunk"]


def test_a_detached_source_is_a_clear_error(cli: CliRunner, tmp_path: Path, world: Path) -> None:
    make_skill(world, "own")
    shared_source(world, tmp_path)
    git(world, "checkout", "-q", "--detach")
    for argv in (["pull"], ["push"]):
        result = cli(*argv)
        assert result.code == 1 and "not on a branch (a detached HEAD)" in result.err
    status = cli("status", "--json").json()["source"]["git"]
    assert status["detached"] is True and status["branch"] == ""


def test_the_daemons_pull_job_skips_a_first_pull_that_needs_a_merge(
        daemon: DaemonStarter, home: Path, tmp_path: Path, world: Path) -> None:
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {"theirs/SKILL.md": skill_text("theirs")})
    source_on(world, bare, "master")
    make_skill(world, "mine")
    git(world, "add", "-A")
    git(world, "commit", "-q", "-m", "my skills")
    mine = head(world)
    config = home / ".config/skillshare/config.yaml"
    config.write_text(config.read_text() + "daemon:\n  pull_interval: 1s\n")
    d = daemon()

    def job() -> dict[str, Any]:
        return next(j for j in d.status()["jobs"] if j["name"] == "pull")

    done = wait_for(lambda: (j := job())["runs"] >= 1 and j, 20, "a pull run")
    assert done["last_result"] == "ok"
    assert done["last_summary"].startswith("skipped: the source holds skills of its own")
    assert "only `skillshare pull` run by hand" in done["last_summary"]
    assert head(world) == mine and not (world / "theirs").exists()
    assert git(world, "rev-list", "--merges", "--count", "HEAD").strip() == "0"


def records(*items: dict[str, Any]) -> str:
    return json.dumps({"skills": list(items)}, indent=2) + "\n"


def test_a_first_pull_brings_both_gitignores_and_records_of_installs_together(
        tmp_path: Path, world: Path, scope: Scope) -> None:
    shared = {"name": "shared", "source": "/downloads/shared"}
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {
        "theirs/SKILL.md": skill_text("theirs"),
        ".gitignore": render_gitignore("*.tmp\n", ["_their-repo/"]),
        ".skillshare-installed.json": records(
            {"name": "_their-repo", "source": "file:///their.git", "tracked": True}, shared)})
    source_on(world, bare, "master")
    make_skill(world, "mine")
    (world / ".gitignore").write_text(render_gitignore("notes/\n", ["_my-repo/"]))
    (world / ".skillshare-installed.json").write_text(records(
        shared, {"name": "_my-repo", "source": "file:///my.git", "tracked": True}))
    config, env = config_and_env(scope)
    report = gitsync.pull_source(config, env, merge=True)
    assert report["status"] == "merged"
    assert report["resolved"] == [".gitignore", ".skillshare-installed.json"]
    ignore = (world / ".gitignore").read_text().splitlines()
    assert {"notes/", "*.tmp", "_my-repo/", "_their-repo/"} <= set(ignore)
    assert sum(line.startswith("# BEGIN SKILLSHARE MANAGED") for line in ignore) == 1
    recorded = json.loads((world / ".skillshare-installed.json").read_text())["skills"]
    assert [r["name"] for r in recorded] == ["_my-repo", "_their-repo", "shared"]
    assert (world / "mine/SKILL.md").is_file() and (world / "theirs/SKILL.md").is_file()
    assert git(world, "status", "--porcelain").strip() == ""
    assert len(git(world, "log", "-1", "--format=%P").split()) == 2


def original_records(**entries: dict[str, Any]) -> str:
    """The original skillshare's ``.metadata.json`` recording ``entries``."""
    return json.dumps({"version": 1, "entries": entries}, indent=2) + "\n"


def test_a_first_pull_brings_both_machines_records_of_the_original_tool_together(
        tmp_path: Path, world: Path, scope: Scope) -> None:
    shared = {"source": "/downloads/shared", "type": "local"}
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {"theirs/SKILL.md": skill_text("theirs"),
                        ".metadata.json": original_records(
                            shared=shared, theirs={"source": "/downloads/theirs"})})
    source_on(world, bare, "master")
    make_skill(world, "mine")
    (world / ".metadata.json").write_text(original_records(
        shared=shared, mine={"source": "/downloads/mine", "type": "local"}))
    config, env = config_and_env(scope)
    report = gitsync.pull_source(config, env, merge=True)
    assert report["status"] == "merged" and report["resolved"] == [".metadata.json"]
    merged = json.loads((world / ".metadata.json").read_text())
    assert merged["version"] == 1
    assert sorted(merged["entries"]) == ["mine", "shared", "theirs"]
    assert merged["entries"]["mine"] == {"source": "/downloads/mine", "type": "local"}
    assert git(world, "status", "--porcelain").strip() == ""


def test_records_of_different_installs_at_one_path_are_a_conflict(
        tmp_path: Path, world: Path, scope: Scope) -> None:
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {".skillshare-installed.json": records(
        {"name": "pdf", "source": "https://example.org/theirs.git"})})
    source_on(world, bare, "master")
    make_skill(world, "mine")
    (world / ".skillshare-installed.json").write_text(records(
        {"name": "pdf", "source": "https://example.org/mine.git"}))
    before = snapshot(world)
    config, env = config_and_env(scope)
    with pytest.raises(SkillshareError) as raised:
        gitsync.pull_source(config, env, merge=True)
    assert raised.value.details == [".skillshare-installed.json"]
    assert snapshot(world) == before


def test_the_cli_pull_merges_a_first_pull(cli: CliRunner, tmp_path: Path, world: Path) -> None:
    bare = bare_remote(tmp_path)
    mate = team_clone(tmp_path, bare)
    commit_files(mate, {"theirs/SKILL.md": skill_text("theirs")})
    source_on(world, bare, "master")
    make_skill(world, "mine")
    result = cli("pull", "--json")
    assert result.code == 0, result.err
    assert result.json()["pull"]["status"] == "merged"
    assert (world / "theirs/SKILL.md").is_file() and (world / "mine/SKILL.md").is_file()
