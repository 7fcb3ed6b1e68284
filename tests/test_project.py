"""Project mode: ./.skillshare/, auto-detection, relative links, the managed .gitignore."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill, tree, write_config


@pytest.fixture
def project(cli: CliRunner, work: Path) -> Path:
    (work / ".claude").mkdir()
    result = cli("init", "-p")
    assert result.code == 0, result.err
    make_skill(work / ".skillshare/skills", "review")
    make_skill(work / ".skillshare/skills", "tools/lint")
    return work


def test_init_p_creates_the_project_layout(project: Path) -> None:
    base = project / ".skillshare"
    assert (base / "skills").is_dir()
    config = (base / "config.yaml").read_text()
    assert "targets:\n- claude\n" in config
    gitignore = (base / ".gitignore").read_text().splitlines()
    assert gitignore[0] == "# BEGIN SKILLSHARE MANAGED - DO NOT EDIT"
    assert {"logs/", "trash/", "backups/"} <= set(gitignore)


def test_project_mode_is_detected_in_cwd_and_links_are_relative(cli: CliRunner,
                                                                project: Path) -> None:
    report = cli("sync", "--json").json()
    assert report["scope"] == "project"
    target = project / ".claude/skills"
    assert os.readlink(target / "review") == "../../.skillshare/skills/review"
    assert os.readlink(target / "tools__lint") == "../../.skillshare/skills/tools/lint"
    assert (target / "review/SKILL.md").exists()
    assert cli("sync", "--json").json()["results"][0]["changes"] == []


def test_project_links_survive_moving_the_project(cli: CliRunner, project: Path,
                                                  tmp_path: Path) -> None:
    cli("sync")
    moved = tmp_path / "moved"
    project.rename(moved)
    os.chdir(moved)
    assert (moved / ".claude/skills/review/SKILL.md").exists()
    assert cli("sync", "--json").json()["results"][0]["changes"] == []


def test_global_flag_overrides_detection(cli: CliRunner, project: Path, home: Path) -> None:
    assert cli("status", "-g").code == 1  # no global config yet
    write_config(home, "targets: {}\n")
    (home / ".config/skillshare/skills").mkdir(parents=True)
    data = cli("status", "-g", "--json").json()
    assert data["scope"] == "global"


def test_project_flag_without_a_project_is_an_error(cli: CliRunner) -> None:
    result = cli("sync", "-p")
    assert result.code == 1 and "init -p" in result.err


def test_project_symlink_mode_uses_a_relative_link(cli: CliRunner, project: Path) -> None:
    assert cli("target", "claude", "--mode", "symlink").code == 0
    cli("sync")
    assert os.readlink(project / ".claude/skills") == "../.skillshare/skills"
    config = (project / ".skillshare/config.yaml").read_text()
    assert "- name: claude\n  mode: symlink\n" in config


def test_project_sync_makes_no_automatic_backup(cli: CliRunner, project: Path, home: Path) -> None:
    cli("sync")
    make_skill(project / ".skillshare/skills", "more")
    report = cli("sync", "--json").json()
    assert report["backup"] is None
    assert not (project / ".skillshare/backups").exists()
    assert not (home / ".local/share/skillshare/backups").exists()


def test_project_force_backs_up_into_the_project(cli: CliRunner, project: Path) -> None:
    target = project / ".claude/skills"
    target.mkdir()
    (target / "review").write_text("user file")
    report = cli("sync", "--force", "--json").json()
    forced = report["results"][0]["forced"]
    assert forced and forced[0]["backup"].startswith(str(project / ".skillshare/backups"))
    assert Path(forced[0]["backup"]).read_text() == "user file"


def test_target_add_in_a_project_stores_relative_paths(cli: CliRunner, project: Path) -> None:
    result = cli("target", "add", "tool", str(project / "tools/ai/skills"))
    assert result.code == 0, result.err
    config = (project / ".skillshare/config.yaml").read_text()
    assert "- name: tool\n  path: tools/ai/skills\n" in config
    assert cli("target", "add", "codex").code == 0
    assert "- codex\n" in (project / ".skillshare/config.yaml").read_text()
    cli("sync")
    assert os.readlink(project / "tools/ai/skills/review") == (
        "../../../.skillshare/skills/review")


def test_init_p_keeps_user_gitignore_lines(cli: CliRunner, work: Path) -> None:
    base = work / ".skillshare"
    base.mkdir()
    (base / ".gitignore").write_text("# mine\nsecret.txt\n")
    assert cli("init", "-p", "--no-targets").code == 0
    text = (base / ".gitignore").read_text()
    assert text.startswith("# mine\nsecret.txt\n")
    assert "# END SKILLSHARE MANAGED" in text


def test_project_remove_target_leaves_copies(cli: CliRunner, project: Path) -> None:
    cli("sync")
    result = cli("target", "remove", "claude", "--json")
    assert result.code == 0, result.err
    assert result.json()["removed"][0]["backup"] is None
    target = project / ".claude/skills"
    assert (target / "review").is_dir() and not (target / "review").is_symlink()
    assert "claude" not in (project / ".skillshare/config.yaml").read_text()


def test_project_init_twice_is_refused(cli: CliRunner, project: Path) -> None:
    before = tree(project / ".skillshare")
    result = cli("init", "-p")
    assert result.code == 1 and "already initialized" in result.err
    assert tree(project / ".skillshare") == before


def test_project_log_lives_in_the_project(cli: CliRunner, project: Path) -> None:
    cli("sync")
    log = project / ".skillshare/logs/operations.log"
    assert log.exists()
    assert [json.loads(line)["cmd"] for line in cli("log", "--json").out.splitlines()] == [
        "init", "sync"]
