"""``update`` and ``check`` with the original skillshare's ways of naming (globs, a group
folder, ``-G/--group``), ``update --prune`` (with the stale warning without it), ``update
--diff``, and ``check``'s ``tracked_repos``/``skills`` lists. Remotes are bare repositories
over file://; a name that means nothing is an error that changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner, tree
from tests.team_repos import commit_files, git, global_world, team_repo


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    return global_world(home, source)


@pytest.fixture
def team(cli: CliRunner, world: Path, tmp_path: Path) -> tuple[Path, Path]:
    """web/react and web/review copied from the team's repo, and that repo
    tracked as _team-skills."""
    work, bare = team_repo(tmp_path)
    assert cli("install", f"file://{bare}", "--into", "web").code == 0
    assert cli("install", f"file://{bare}", "--track").code == 0
    return work, bare


def names(result: object) -> list[str]:
    return sorted(i["name"] for i in result.json()["items"])  # type: ignore[attr-defined]


def test_group_flag_glob_and_group_folder(cli: CliRunner, world: Path,
                                         team: tuple[Path, Path]) -> None:
    by_flag = cli("update", "-G", "web", "--json")
    assert by_flag.code == 0, by_flag.err
    assert names(by_flag) == ["web/react", "web/review"]
    by_glob = cli("update", "REV*", "--json")
    assert by_glob.code == 0 and names(by_glob) == ["web/review"]
    by_folder = cli("update", "web", "--json")
    assert by_folder.code == 0 and names(by_folder) == ["web/react", "web/review"]
    repo_glob = cli("update", "_team-*", "--json")
    assert repo_glob.code == 0 and names(repo_glob) == ["_team-skills"]


@pytest.mark.parametrize("argv, message", [
    (("-G", "nowhere"), "no tracked repo or installed skill in the group"),
    (("-G", "../up"), "invalid --group"),
    (("nothing-*",), "no tracked repo or installed skill matches"),
    (("--all", "-G", "web"), "not both"),
    (("--all", "review"), "not both"),
])
def test_update_bad_names_change_nothing(cli: CliRunner, world: Path,
                                         team: tuple[Path, Path], argv: tuple[str, ...],
                                         message: str) -> None:
    before = tree(world)
    result = cli("update", *argv)
    assert result.code != 0 and message in result.err
    assert tree(world) == before


def test_prune_moves_a_skill_gone_upstream_to_the_trash(cli: CliRunner, world: Path,
                                                        team: tuple[Path, Path]) -> None:
    work, _ = team
    git(work, "rm", "-rq", "review")
    git(work, "commit", "-qm", "review gone")
    git(work, "push", "-q", "origin", "main")
    warned = cli("update", "-G", "web", "--json")
    assert warned.code == 0, warned.err
    assert warned.json()["stale"] == ["web/review"] and (world / "web/review").is_dir()
    text = cli("update", "-G", "web")
    assert "--prune" in text.out
    preview = cli("update", "-G", "web", "--prune", "-n", "--json")
    assert "would prune" in [i["state"] for i in preview.json()["items"]]
    assert (world / "web/review").is_dir()
    pruned = cli("update", "--all", "--prune", "--json")
    assert pruned.code == 0, pruned.err
    item = next(i for i in pruned.json()["items"] if i["name"] == "web/review")
    assert item["state"] == "pruned" and item["trashed"]
    assert not (world / "web/review").exists() and (world / "web/react").is_dir()
    records = json.loads((world / ".skillshare-installed.json").read_text())["skills"]
    assert "review" not in [r["name"] for r in records]
    assert (world / "_team-skills/frontend/react").is_dir()  # tracked repos: not pruned


def test_diff_lists_the_files_an_update_changed(cli: CliRunner, world: Path,
                                                team: tuple[Path, Path]) -> None:
    work, _ = team
    commit_files(work, {"review/SKILL.md": "---\nname: review\n---\nnewer\n",
                        "review/notes.md": "one\ntwo\n"})
    copied = cli("update", "web/review", "--diff", "--json")
    assert copied.code == 0, copied.err
    assert copied.json()["items"][0]["files"] == [
        {"path": "SKILL.md", "change": "modified"}, {"path": "notes.md", "change": "added"}]
    repo = cli("update", "_team-skills", "--diff", "--json")
    assert repo.code == 0, repo.err
    files = {f["path"]: f for f in repo.json()["items"][0]["files"]}
    assert files["review/notes.md"] == {"path": "review/notes.md", "change": "added",
                                        "added": 2, "deleted": 0}
    assert files["review/SKILL.md"]["change"] == "modified"
    commit_files(work, {"review/notes.md": "three\n"})
    text = cli("update", "_team-skills", "--diff")
    assert "~ review/notes.md (+1 -2)" in text.out


def test_check_names_groups_and_the_originals_lists(cli: CliRunner, world: Path,
                                                    team: tuple[Path, Path]) -> None:
    work, _ = team
    commit_files(work, {"review/notes.md": "new\n"})
    (world / "mine").mkdir()
    (world / "mine/SKILL.md").write_text("---\nname: mine\n---\nmine\n")
    every = cli("check", "--json")
    assert every.code == 0, every.err
    data = every.json()
    assert data["tracked_repos"] == [{"name": "_team-skills", "status": "behind",
                                      "behind": 1, "branch": "main"}]
    by_name = {s["name"]: s for s in data["skills"]}
    assert by_name["web/review"]["status"] == "update_available"
    assert by_name["web/react"]["status"] == "up_to_date"
    assert by_name["mine"]["status"] == "local"
    assert cli("check", "--all", "--json").json()["skills"] == data["skills"]
    one = cli("check", "review", "--json")
    assert one.code == 0 and [i["name"] for i in one.json()["items"]] == ["web/review"]
    assert [s["name"] for s in one.json()["skills"]] == ["web/review"]
    group = cli("check", "-G", "web", "--json").json()
    assert sorted(i["name"] for i in group["items"]) == ["web/react", "web/review"]
    assert group["tracked_repos"] == []


@pytest.mark.parametrize("argv, message", [
    (("nothing",), "no tracked repo or installed skill named nothing"),
    (("x*",), "matches"),
    (("--all", "review"), "not both"),
    (("-G", "nowhere"), "in the group"),
    (("agents", "tutor"), "takes no names"),
])
def test_check_bad_names(cli: CliRunner, world: Path, team: tuple[Path, Path],
                         argv: tuple[str, ...], message: str) -> None:
    result = cli("check", *argv)
    assert result.code != 0 and message in result.err
