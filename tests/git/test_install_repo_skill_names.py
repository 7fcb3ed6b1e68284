"""Each skill of a repository installed by copy is named after its own folder, as the
original names it (`install anthropics/skills -s pdf` → `pdf`; `--into frontend` →
`frontend/pdf`); two chosen skills of one folder name are refused before anything lands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill, write_config
from tests.team_repos import git


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    source.mkdir(parents=True)
    return source


def bare_repo(tmp_path: Path, skills: list[str]) -> str:
    work = tmp_path / "repo-work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    for rel in skills:
        make_skill(work, rel)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "skills")
    bare = tmp_path / "repo.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return f"file://{bare}"


def entries(world: Path) -> list[str]:
    return sorted(p.name for p in world.iterdir() if not p.name.startswith("."))


def test_skills_of_a_repo_are_named_after_their_folders(cli: CliRunner, tmp_path: Path,
                                                        world: Path) -> None:
    url = bare_repo(tmp_path, ["skills/pdf", "skills/commit", "tools/react-patterns"])
    result = cli("install", url, "-s", "pdf,commit", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert sorted(data["skills"]) == ["commit", "pdf"]
    assert sorted(i["path"] for i in data["installed"]) == [
        str(world / "commit"), str(world / "pdf")]
    assert entries(world) == ["commit", "pdf"]
    records = json.loads((world / ".skillshare-installed.json").read_text())["skills"]
    assert sorted((r["name"], r["source"], r["subdir"]) for r in records) == [
        ("commit", url, "skills/commit"), ("pdf", url, "skills/pdf")]
    assert cli("update", "pdf", "--json").json()["items"][0]["name"] == "pdf"
    into = cli("install", url, "-s", "react-patterns", "--into", "frontend", "--json")
    assert into.code == 0, into.err
    assert (world / "frontend/react-patterns/SKILL.md").is_file()
    assert "✓ Installed pdf" in cli("install", url, "-s", "pdf", "--force").out


def test_two_skills_of_one_folder_name_are_refused(cli: CliRunner, tmp_path: Path,
                                                   world: Path) -> None:
    url = bare_repo(tmp_path, ["frontend/react", "native/react", "docs"])
    result = cli("install", url)
    assert result.code == 2
    assert "several skills named 'react' (frontend/react, native/react)" in result.err
    assert "nothing was installed" in result.err and entries(world) == []
    one = cli("install", url, "-s", "docs", "--json")
    assert one.code == 0 and one.json()["skills"] == ["docs"]
    assert cli("install", f"{url}//native/react").code == 0
    assert entries(world) == ["docs", "react"]


def test_a_skill_from_the_same_folder_of_the_same_repo_is_skipped_however_written(
        cli: CliRunner, tmp_path: Path, world: Path) -> None:
    url = bare_repo(tmp_path, ["skills/pdf", "skills/commit"])
    assert cli("install", f"{url}//skills/pdf").code == 0  # the folder's own address
    again = cli("install", url, "--json")  # the whole repository: pdf is already here
    assert again.code == 0, again.err
    assert again.json()["skipped"] == ["pdf"] and again.json()["skills"] == ["commit"]
    (tmp_path / "elsewhere").mkdir()
    other = bare_repo(tmp_path / "elsewhere", ["skills/pdf"])
    refused = cli("install", other)
    assert refused.code == 1 and f"(it was installed from {url}//skills/pdf)" in refused.err
    assert entries(world) == ["commit", "pdf"]
