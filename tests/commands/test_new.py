"""``new <name>``: a skill folder with a SKILL.md skeleton (``-P``: a design pattern and its
empty scaffold folders) that discovery finds and sync links; a bad or taken name, an
unknown pattern or category, a dry run change nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.catalog.frontmatter import read_frontmatter
from skillshared.catalog.skills import discover
from skillshared.core.errors import UsageError
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, make_skill, tree, write_config


def run(cmd: str, **args: Any) -> dict[str, Any]:
    return api.run(cmd, args, Paths.from_env())


@pytest.fixture
def setup(home: Path, source: Path) -> Path:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/claude-skills\n")
    source.mkdir(parents=True)
    return source


def test_plain_skill_is_found_and_synced(setup: Path, home: Path) -> None:
    done = run("new", name="code-review")
    folder = setup / "code-review"
    assert done["path"] == str(folder) and done["file"] == str(folder / "SKILL.md")
    assert done["pattern"] == "none" and done["folders"] == [] and done["scope"] == "global"
    assert sorted(os.listdir(folder)) == ["SKILL.md"]
    assert (folder / "SKILL.md").read_text() == done["content"]
    meta = read_frontmatter(str(folder / "SKILL.md"))
    assert meta.name == "code-review" and meta.problem is None
    assert meta.description and "Use when" in meta.description
    assert "# Code Review" in done["content"]
    assert [s.flat_name for s in discover(setup).skills] == ["code-review"]
    run("sync")
    assert os.readlink(home / "claude-skills/code-review") == str(folder)


@pytest.mark.parametrize(("pattern", "folders"), [
    ("tool-wrapper", ["references"]), ("generator", ["assets", "references"]),
    ("reviewer", ["references"]), ("inversion", ["assets"]),
    ("pipeline", ["references", "assets", "scripts"]),
])
def test_patterns_make_their_folders(setup: Path, pattern: str, folders: list[str]) -> None:
    done = run("new", name="tool", pattern=pattern, category="quality")
    assert done["folders"] == folders
    folder = setup / "tool"
    assert sorted(os.listdir(folder)) == sorted(["SKILL.md", *folders])
    for sub in folders:
        assert os.listdir(folder / sub) == [".gitkeep"]
    text = (folder / "SKILL.md").read_text()
    assert f"\npattern: {pattern}\ncategory: quality\n" in text
    assert read_frontmatter(str(folder / "SKILL.md")).name == "tool"


def test_dry_run_writes_nothing(setup: Path) -> None:
    done = run("new", name="draft", pattern="reviewer", dry_run=True)
    assert done["dry_run"] and done["content"].startswith("---\nname: draft\n")
    assert os.listdir(setup) == []


@pytest.mark.parametrize(("args", "message"), [
    ({"name": "Bad"}, "invalid skill name"), ({"name": "1st"}, "invalid skill name"),
    ({"name": "_team"}, "tracked repos"), ({"name": "a/b"}, "invalid skill name"),
    ({"name": "../up"}, "invalid skill name"), ({"name": ""}, "required"),
    ({"name": "x" * 256}, "at most 255"), ({"name": "ok", "pattern": "nope"}, "unknown pattern"),
    ({"name": "ok", "pattern": "reviewer", "category": "x"}, "unknown category"),
    ({"name": "ok", "category": "data"}, "needs a pattern"),
    ({"name": "taken"}, "already exists"), ({"name": "a__b"}, "already exists"),
    ({"name": "dangling"}, "already exists"),
])
def test_bad_input_changes_nothing(setup: Path, home: Path, args: dict[str, Any],
                                   message: str) -> None:
    make_skill(setup, "taken")
    make_skill(setup, "a/b")
    (setup / "dangling").symlink_to(home / "nowhere")
    before = tree(home)
    with pytest.raises(UsageError, match=message):
        run("new", **args)
    assert tree(home) == before


def test_project_mode(work: Path) -> None:
    (work / ".skillshare/skills").mkdir(parents=True)
    (work / ".skillshare/config.yaml").write_text("targets: [claude]\n")
    done = run("new", name="local", project=True)
    assert done["scope"] == "project"
    assert (work / ".skillshare/skills/local/SKILL.md").is_file()


def test_cli(cli: CliRunner, setup: Path) -> None:
    made = cli("new", "code-review")
    assert made.code == 0 and "New Skill Created" in made.out
    assert "Created: ~/.config/skillshare/skills/code-review/SKILL.md" in made.out
    preview = cli("new", "other", "-P", "pipeline", "--dry-run")
    assert preview.code == 0 and "Would write: " in preview.out
    assert "Template preview:" in preview.out and "pattern: pipeline" in preview.out
    assert not (setup / "other").exists()
    again = cli("new", "code-review")
    assert again.code != 0 and "already exists" in again.err
    assert cli("new", "x", "--json").json()["name"] == "x"
