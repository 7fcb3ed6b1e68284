"""A new user's first steps: ``init`` adds only the AI CLIs whose own folder is there,
``target add`` warns of a tool that is not, and the hints after a change say who brings the
targets in line (``skillshare sync``, or the daemon when one runs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from skillshared import api
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, DaemonStarter, make_skill, wait_for


def run(cmd: str, **args: Any) -> dict[str, Any]:
    return api.run(cmd, args, Paths.from_env())


def test_init_p_adds_only_the_tools_whose_folder_is_there(work: Path) -> None:
    # `.github` (workflows) and the project root itself say nothing of a tool in use
    for folder in (".claude", ".github/workflows", "skills", "data"):
        (work / folder).mkdir(parents=True)
    result = run("init", project=True)
    assert [t["name"] for t in result["targets"]] == ["claude"]
    config = yaml.safe_load((work / ".skillshare/config.yaml").read_text())
    assert config["targets"] == ["claude"]
    run("sync", project=True)
    assert sorted(os.listdir(work)) == [".claude", ".github", ".skillshare", "data", "skills"]
    assert os.listdir(work / ".github") == ["workflows"]


def test_a_tool_folder_of_its_own_is_detected(work: Path) -> None:
    # letta's project folder is `.skills` right in the root; copilot's `.github/skills`
    for folder in (".skills", ".github/skills", ".tabnine/agent"):
        (work / folder).mkdir(parents=True)
    result = run("init", project=True, dry_run=True)
    assert [t["name"] for t in result["targets"]] == ["copilot", "letta", "tabnine"]


def test_a_bare_project_gets_no_target_and_a_hint(cli: CliRunner, work: Path) -> None:
    result = cli("init", "-p")
    assert result.code == 0, result.err
    assert yaml.safe_load((work / ".skillshare/config.yaml").read_text())["targets"] == []
    assert "no AI CLI's folder found in this project" in result.out
    assert "`skillshare target add <name>`" in result.out
    assert "`skillshare init -p --discover`" in result.out


def test_global_init_ignores_folders_every_home_has(home: Path) -> None:
    (home / ".config/goose").mkdir(parents=True)  # goose: ~/.config/goose/skills
    (home / "forge").mkdir()  # forgecode: ~/forge/skills
    (home / ".config/agents").mkdir()  # amp (and others) share ~/.config/agents/skills
    names = [t["name"] for t in run("init", dry_run=True)["targets"]]
    assert names == ["amp", "forgecode", "goose"]
    (home / ".config/goose").rmdir()
    (home / ".config/agents").rmdir()
    assert [t["name"] for t in run("init", dry_run=True)["targets"]] == ["forgecode"]


def test_target_add_of_a_tool_not_there_warns(cli: CliRunner, home: Path,
                                              configured: Path) -> None:
    result = cli("target", "add", "cursor", "--json")
    assert result.code == 0, result.err
    warning = result.json()["warnings"][0]
    assert warning.startswith("~/.cursor does not exist, so cursor may not be installed here")
    assert "the next sync creates ~/.cursor/skills" in warning
    assert not (home / ".cursor").exists()  # nothing made before the sync
    text = cli("target", "add", "mine", "~/.mine/skills")
    assert "⚠ ~/.mine does not exist: the next sync creates ~/.mine/skills" in text.out
    (home / ".kiro").mkdir()
    assert cli("target", "add", "kiro", "--json").json()["warnings"] == []


def test_target_add_of_an_unknown_name_suggests_a_built_in(cli: CliRunner,
                                                           configured: Path) -> None:
    before = (configured.parent / "config.yaml").read_bytes()
    result = cli("target", "add", "claud")
    assert result.code == 2
    assert "did you mean `claude`?" in result.err  # (one name per tool, not its aliases)
    assert "claude-code" not in result.err
    assert (configured.parent / "config.yaml").read_bytes() == before


def test_hints_say_sync_without_a_daemon(cli: CliRunner, home: Path, configured: Path) -> None:
    (home / ".claude").mkdir()
    result = cli("target", "add", "claude")
    assert "Run 'skillshare sync' to distribute skills to it" in result.out
    assert "daemon" not in result.out
    assert cli("target", "claude", "--mode", "copy", "--json").json()["daemon_syncs"] is False
    assert "2. Run 'skillshare sync' to deploy" in cli("new", "beta").out
    assert "Run 'skillshare sync' to remove its links" in cli("uninstall", "beta", "-f").out
    installed = cli("install", str(make_skill(home, "incoming/gamma")), "--json")
    assert installed.json()["daemon_syncs"] is False, installed.err
    text = cli("install", str(make_skill(home, "incoming/delta")))
    assert "Run 'skillshare sync' to distribute them" in text.out, text.err
    make_skill(home / ".claude/skills", "made-there")
    collected = cli("collect", "claude")
    assert "Run 'skillshare sync' to distribute them to the other targets" in collected.out


def test_hints_know_the_daemon(cli: CliRunner, daemon: DaemonStarter, home: Path,
                               work: Path, configured: Path) -> None:
    make_skill(configured, "alpha")
    (home / ".claude").mkdir()
    daemon()
    result = cli("target", "add", "claude")
    assert result.code == 0, result.err
    assert "The daemon links its skills within a moment" in result.out
    assert "skillshare sync" not in result.out
    wait_for(lambda: os.path.islink(home / ".claude/skills/alpha"), what="the daemon's link")
    created = cli("new", "beta")
    assert "The daemon links it to the targets as it changes" in created.out
    assert "skillshare sync" not in created.out
    wait_for(lambda: os.path.islink(home / ".claude/skills/beta"), what="the new skill's link")
    gone = cli("uninstall", "beta", "--force")
    assert "The daemon removes its links from the targets within a moment" in gone.out, gone.err
    wait_for(lambda: not os.path.lexists(home / ".claude/skills/beta"), what="the pruning")
    installed = cli("install", str(make_skill(work, "incoming/gamma")), "--json")
    assert installed.json()["daemon_syncs"] is True, installed.err
    text = cli("install", str(make_skill(work, "incoming/delta")))
    assert "The daemon links them within a moment" in text.out, text.err
    assert "skillshare sync" not in text.out
    make_skill(home / ".claude/skills", "made-there")
    collected = cli("collect", "claude")
    assert "The daemon links them in the other targets within a moment" in collected.out, (
        collected.out + collected.err)
    extra = cli("extras", "init", "rules", "--target", str(home / ".rules"))
    assert "Put files in the source: the daemon syncs them as they change" in extra.out
    # beside the daemon, in-process: it still reconciles the global setup by itself
    changed = cli("target", "claude", "--mode", "copy", "--no-daemon")
    assert "The daemon applies it within a moment" in changed.out
    # a project is not the daemon's: its sync is the user's to run
    (work / ".claude").mkdir()
    project = cli("init", "-p")
    assert "then run `skillshare sync -p`" in project.out
