"""A repository whose root is itself a skill (copied or tracked), with or without nested
skills, is named after the repository; names come out the same from every form of address
(`.git`, trailing slashes, `user@host:`, host shorthand); no temp folder ever takes a final
name. Remotes are bare repositories over file://."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from skillshared.core.errors import UsageError
from skillshared.git import sources
from tests.conftest import CliRunner, make_skill
from tests.team_repos import git, global_world, skill_text


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    global_world(home, source)
    make_skill(source, "own")
    return source


def root_skill_repo(tmp_path: Path, bare_name: str = "pdf-tools.git",
                    nested: bool = False) -> Path:
    """A bare repository ``team/<bare_name>`` whose root holds SKILL.md (and README.md;
    ``nested``: a skill in forms/ too)."""
    work = tmp_path / "root-skill-work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    (work / "SKILL.md").write_text(skill_text("pdf-tools"))
    (work / "README.md").write_text("# pdf tools\n")
    if nested:
        make_skill(work, "forms")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "a root skill")
    bare = tmp_path / "team" / bare_name
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return bare


def no_temps(world: Path) -> bool:
    return not [n for n in os.listdir(world) if n.startswith(".skillshare-tmp")]


@pytest.mark.parametrize("bare_name, suffix", [("pdf-tools.git", ""), ("pdf-tools.git", "/"),
                                               ("pdf-tools", ""), ("pdf-tools", "/")])
def test_a_repo_whose_root_is_a_skill_is_installed_under_the_repositorys_name(
        cli: CliRunner, home: Path, tmp_path: Path, world: Path, bare_name: str,
        suffix: str) -> None:
    bare = root_skill_repo(tmp_path, bare_name)
    url = f"file://{bare}{suffix}"
    result = cli("install", url, "--json")
    assert result.code == 0, result.err
    assert [s["name"] for s in result.json()["installed"]] == ["pdf-tools"]
    assert (world / "pdf-tools/SKILL.md").is_file() and (world / "pdf-tools/README.md").is_file()
    assert not (world / "pdf-tools/.git").exists() and no_temps(world)
    records = json.loads((world / ".skillshare-installed.json").read_text())["skills"]
    assert records == [{"name": "pdf-tools", "source": url}]
    assert cli("update", "pdf-tools", "--json").json()["items"][0]["state"] == "up to date"
    assert cli("check", "--json").json()["behind"] == []
    assert cli("sync").code == 0
    assert os.readlink(home / ".claude/skills/pdf-tools") == str(world / "pdf-tools")
    renamed = cli("install", url, "--name", "pdf")
    assert renamed.code == 0 and (world / "pdf/SKILL.md").is_file() and no_temps(world)


def test_a_root_skill_with_nested_skills_copied_and_tracked(cli: CliRunner, home: Path,
                                                             tmp_path: Path,
                                                             world: Path) -> None:
    bare = root_skill_repo(tmp_path, nested=True)
    copied = cli("install", f"file://{bare}", "--json")
    assert copied.code == 0, copied.err
    assert [s["name"] for s in copied.json()["installed"]] == ["pdf-tools"]
    assert (world / "pdf-tools/forms/SKILL.md").is_file()
    tracked = cli("install", f"file://{bare}", "--track", "--json")
    assert tracked.code == 0, tracked.err
    assert tracked.json()["skills"] == ["_team-pdf-tools", "_team-pdf-tools__forms"]
    assert cli("sync").code == 0
    links = sorted(os.listdir(home / ".claude/skills"))
    assert links == ["_team-pdf-tools", "_team-pdf-tools__forms", "own", "pdf-tools",
                     "pdf-tools__forms"]
    assert no_temps(world)


@pytest.mark.parametrize("url, base, tracked", [
    ("https://github.com/team/pdf-tools.git/", "pdf-tools", "_team-pdf-tools"),
    ("git@github.com:team/pdf-tools.git", "pdf-tools", "_team-pdf-tools"),
    ("ssh://git@host:2222/org/pdf-tools.git/", "pdf-tools", "_org-pdf-tools"),
    ("file:///srv/git/pdf-tools/", "pdf-tools", "_git-pdf-tools"),
    ("git@host:pdf-tools.git", "pdf-tools", "_pdf-tools"),
])
def test_names_from_every_form_of_address(url: str, base: str, tracked: str) -> None:
    assert sources.repo_basename(url) == base
    assert sources.repo_name(url, None) == tracked


def test_host_shorthand_and_its_subfolder() -> None:
    for raw, address, subdir in [
            ("github.com/team/skills/", "github.com/team/skills", None),
            ("github.com/team/skills.git/pdf/", "github.com/team/skills.git", "pdf"),
            ("git.example.org/team/skills/a/b", "git.example.org/team/skills", "a/b"),
            # a GitLab host's groups nest: the whole path is the repository
            ("gitlab.example.org/team/skills/a/b", "gitlab.example.org/team/skills/a/b", None),
            ("gitlab.example.org/team/skills.git/a/b", "gitlab.example.org/team/skills.git",
             "a/b")]:
        assert sources.split_shorthand(raw) == (address, subdir)
    for bad in ("github.com/team/skills/.git", "github.com/team/skills/x/../.."):
        with pytest.raises(UsageError):
            sources.split_shorthand(bad)
