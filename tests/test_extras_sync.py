"""`skillshare sync extras` (and `sync --all`) on real folders: merge keeps subfolders, copy
keeps checksummed copies, flatten puts files at the top, symlink links the folder; a user's
own file in a target is never touched; removed files are pruned (ours only); bad input
changes nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, make_skill, write_config

CONFIG = """\
targets:
  claude:
    path: ~/.claude/skills
extras:
  - name: rules
    targets:
      - path: ~/.claude/rules
      - path: ~/.cursor/rules
        mode: copy
  - name: prompts
    targets:
      - path: ~/.claude/prompts
        flatten: true
"""


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    make_skill(source, "alpha")
    write_config(home, CONFIG)
    extras = home / ".config/skillshare/extras"
    files = {"rules/style.md": "style\n", "rules/team/review.md": "review\n",
             "prompts/a/fix.md": "fix a\n", "prompts/b/fix.md": "fix b\n",
             "prompts/b/plan.md": "plan\n"}
    for rel, text in files.items():
        (extras / rel).parent.mkdir(parents=True, exist_ok=True)
        (extras / rel).write_text(text)
    return {"extras": extras, "claude": home / ".claude/rules",
            "cursor": home / ".cursor/rules", "prompts": home / ".claude/prompts"}


def run(cli: CliRunner, *args: str, code: int = 0) -> dict[str, Any]:
    result = cli("sync", "--json", *args)
    assert result.code == code, result.out + result.err
    data: dict[str, Any] = result.json()
    return data


def changed(report: dict[str, Any]) -> int:
    return sum(t["changed"] for e in report["extras"] if e["sync"]
               for t in e["sync"]["targets"])


def lines(report: dict[str, Any], extra: str) -> dict[str, dict[str, Any]]:
    one = next(e for e in report["extras"] if e["name"] == extra)
    return {t["path"]: t for t in one["sync"]["targets"]}


def test_merge_copy_and_flatten(cli: CliRunner, world: dict[str, Path]) -> None:
    report = run(cli, "extras")
    assert report["kind"] == "extras"
    extras, claude, cursor = world["extras"], world["claude"], world["cursor"]
    assert os.readlink(claude / "style.md") == str(extras / "rules/style.md")
    assert os.readlink(claude / "team/review.md") == str(extras / "rules/team/review.md")
    assert not os.path.islink(cursor / "team/review.md")
    assert (cursor / "team/review.md").read_text() == "review\n"
    assert sorted(os.listdir(world["prompts"])) == ["fix.md", "plan.md"]
    assert os.readlink(world["prompts"] / "fix.md") == str(extras / "prompts/a/fix.md")
    prompts = next(e for e in report["extras"] if e["name"] == "prompts")
    assert any("b/fix.md" in w for w in prompts["warnings"])
    assert lines(report, "rules")[str(claude)]["local"] == 0  # team/ is ours, not local
    assert not (claude.parent / "skills").exists()  # skills are not synced by it
    again = run(cli, "extras")
    assert changed(again) == 0 and again["summary"]["targets"] == 5


def test_a_users_file_is_kept_and_ours_pruned(cli: CliRunner, world: dict[str, Path]) -> None:
    for folder in (world["claude"], world["cursor"]):
        folder.mkdir(parents=True)
        (folder / "mine.md").write_text("mine\n")
        (folder / "style.md").write_text("my style\n")
        (folder / "own/deep").mkdir(parents=True)
        (folder / "own/deep/x.md").write_text("x\n")
    report = run(cli, "extras")
    for folder in (world["claude"], world["cursor"]):  # nothing written in the user's folder
        assert sorted(p.name for p in (folder / "own").rglob("*")) == ["deep", "x.md"]
    for folder in (world["claude"], world["cursor"]):
        line = lines(report, "rules")[str(folder)]
        assert [c["name"] for c in line["conflicts"]] == ["style.md"]
        assert (folder / "style.md").read_text() == "my style\n"
    (world["extras"] / "rules/team/review.md").unlink()
    (world["cursor"] / "team/review.md").write_text("edited here\n")
    report = run(cli, "extras")
    assert not os.path.lexists(world["claude"] / "team/review.md")
    assert (world["cursor"] / "team/review.md").read_text() == "edited here\n"
    for folder in (world["claude"], world["cursor"]):
        assert (folder / "mine.md").read_text() == "mine\n"
        assert (folder / "style.md").read_text() == "my style\n"


def test_copy_updates_follow_the_source(cli: CliRunner, world: dict[str, Path]) -> None:
    run(cli, "extras")
    (world["extras"] / "rules/style.md").write_text("style 2\n")
    run(cli, "extras")
    assert (world["cursor"] / "style.md").read_text() == "style 2\n"


def test_symlink_mode_and_named_extras(cli: CliRunner, home: Path,
                                       world: dict[str, Path]) -> None:
    write_config(home, CONFIG.replace("      - path: ~/.claude/prompts\n        flatten: true",
                                      "      - path: ~/.claude/prompts\n        mode: symlink"))
    report = run(cli, "extras", "prompts")
    assert [e["name"] for e in report["extras"]] == ["prompts"]
    assert os.readlink(world["prompts"]) == str(world["extras"] / "prompts")
    assert not world["claude"].exists()


def test_unknown_extra_and_missing_source(cli: CliRunner, world: dict[str, Path]) -> None:
    result = cli("sync", "extras", "nope")
    assert result.code != 0 and "unknown extra: nope" in result.err
    assert not world["claude"].exists()
    for path in sorted((world["extras"] / "prompts").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (world["extras"] / "prompts").rmdir()
    report = run(cli, "extras")
    prompts = next(e for e in report["extras"] if e["name"] == "prompts")
    assert prompts["sync"] is None and "does not exist" in prompts["problem"]
    assert not world["prompts"].exists()
    assert (world["claude"] / "style.md").is_symlink()


def test_an_emptied_source_prunes_nothing(cli: CliRunner, world: dict[str, Path]) -> None:
    run(cli, "extras")
    for path in (world["extras"] / "rules").rglob("*.md"):
        path.unlink()
    report = run(cli, "extras", "rules", code=1)
    assert all(t["guard"] for t in report["extras"][0]["sync"]["targets"]
               if t["held"])
    assert (world["claude"] / "style.md").is_symlink()


def test_dry_run_and_sync_all(cli: CliRunner, world: dict[str, Path]) -> None:
    report = run(cli, "extras", "--dry-run")
    assert report["dry_run"] and changed(report) == 6
    assert not world["claude"].exists() and not world["prompts"].exists()
    both = run(cli, "--all")
    assert both["extras_sync"]["kind"] == "extras" and both["skills"]["skills"] == 1
    assert (world["claude"] / "style.md").is_symlink()
    text = cli("sync", "--all").out
    assert "Syncing extras" in text and "rules:" in text


def test_subfolders_whose_names_look_alike_stay_apart(cli: CliRunner, home: Path,
                                                      world: dict[str, Path]) -> None:
    rules = world["extras"] / "rules"
    for rel in ("a/b/x.md", "a__b/y.md", "a%2Fb/z.md"):
        (rules / rel).parent.mkdir(parents=True, exist_ok=True)
        (rules / rel).write_text(rel)
    run(cli, "extras", "rules")
    for rel in ("a/b/x.md", "a__b/y.md", "a%2Fb/z.md"):
        assert os.readlink(world["claude"] / rel) == str(rules / rel)
        assert (world["cursor"] / rel).read_text() == rel
    assert sorted(os.listdir(world["claude"] / "a/b")) == ["x.md"]
    assert sorted(os.listdir(world["claude"] / "a__b")) == ["y.md"]
