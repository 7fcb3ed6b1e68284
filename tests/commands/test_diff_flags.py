"""``diff --target``, ``--stat`` and ``--patch`` (a real content diff of copies edited in a
target), and the original's ``duration``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, make_skill, tree, write_config


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n    mode: copy\n"
                       "  cursor:\n    path: ~/.cursor/skills\n")
    make_skill(source, "alpha", body="one\ntwo\nthree\n", files={"ref/notes.md": "n\n"})
    make_skill(source, "beta")
    return home / ".claude/skills"


def items(cli: CliRunner, *argv: str) -> dict[str, Any]:
    result = cli("diff", *argv, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["duration"].endswith("s")
    assert [t["name"] for t in data["targets"]] == ["claude"]
    return {i["name"]: i for i in data["targets"][0]["items"]}


def test_stat_and_patch_of_a_copy_edited_in_the_target(cli: CliRunner, world: Path) -> None:
    assert cli("sync").code == 0
    skill = world / "alpha/SKILL.md"
    skill.write_text(skill.read_text().replace("two", "TWO (edited)"))
    (world / "alpha/mine.txt").write_text("mine\n")
    (world / "alpha/ref/notes.md").unlink()
    before = tree(world)
    plain = items(cli, "claude")
    assert "files" not in plain["alpha"] and "patch" not in plain["alpha"]
    stat = items(cli, "--target", "claude", "--stat")["alpha"]
    assert [(f["path"], f["action"]) for f in stat["files"]] == [
        ("SKILL.md", "modify"), ("mine.txt", "delete"), ("ref/notes.md", "add")]
    assert "patch" not in stat
    patched = items(cli, "-t", "claude", "--patch")["alpha"]
    text = patched["patch"]
    assert "--- a/alpha/SKILL.md" in text and "+++ b/alpha/SKILL.md" in text
    assert "-TWO (edited)\n" in text and "+two\n" in text
    assert "--- a/alpha/mine.txt" in text and "+++ /dev/null" in text
    assert "--- /dev/null" in text and "+n\n" in text
    shown = cli("diff", "claude", "--patch").out
    assert "~ SKILL.md (" in shown and "-TWO (edited)" in shown and "- mine.txt (5 bytes)" in shown
    assert tree(world) == before  # diff changes nothing


def test_binary_and_links_get_no_content_diff(cli: CliRunner, world: Path, source: Path) -> None:
    (source / "alpha/blob.bin").write_bytes(b"\0\1\2")
    assert cli("sync").code == 0
    (world / "alpha/blob.bin").write_bytes(b"\0\1\3")
    patched = items(cli, "claude", "--patch")["alpha"]
    assert patched["patch"] == "(binary file differs)"
    linked = cli("diff", "cursor", "--patch", "--json").json()["targets"][0]["items"]
    assert all("files" not in i for i in linked)  # links: nothing of their own to compare


@pytest.mark.parametrize("argv,code", [(["claude", "--target", "cursor"], 2),
                                       (["--target", "nosuch"], 1)])
def test_bad_targets_change_nothing(cli: CliRunner, world: Path, argv: list[str],
                                    code: int) -> None:
    assert cli("sync").code == 0
    before = tree(world)
    result = cli("diff", *argv)
    assert result.code == code and "error" in result.err
    assert tree(world) == before


def test_project_mode(cli: CliRunner, work: Path) -> None:
    skills = work / ".skillshare/skills"
    skills.mkdir(parents=True)
    (work / ".skillshare/config.yaml").write_text(
        "targets:\n  - {name: tool, path: tool/skills, mode: copy}\n")
    make_skill(skills, "lint", body="a\n")
    assert cli("sync", "-p").code == 0
    (work / "tool/skills/lint/SKILL.md").write_text("changed\n")
    data = cli("diff", "-p", "--patch", "--json").json()
    item = data["targets"][0]["items"][0]
    assert item["files"][0]["path"] == "SKILL.md" and "-changed" in item["patch"]
