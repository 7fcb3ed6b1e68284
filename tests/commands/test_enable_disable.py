"""``disable`` / ``enable``: a line of the source's ``.skillignore`` (agents:
``.agentignore``) added or removed, the original tool's stored form; a sync then unlinks the
disabled skill from every target (the target's own folders untouched) and links it again
once enabled. Bad input and dry runs change nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.core.errors import ConfigError, UsageError
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, DaemonStarter, make_skill, tree, wait_for, write_config


def run(cmd: str, **args: Any) -> dict[str, Any]:
    return api.run(cmd, args, Paths.from_env())


@pytest.fixture
def setup(home: Path, source: Path) -> Path:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/claude-skills\n"
                       "  cursor:\n    path: ~/cursor-skills\n    mode: copy\n")
    for name in ("pdf", "draft-a", "draft-b"):
        make_skill(source, name)
    make_skill(source, "frontend/react")
    return source


def test_disable_sync_enable_sync(setup: Path, home: Path) -> None:
    claude = home / "claude-skills"
    run("sync")
    assert os.readlink(claude / "pdf") == str(setup / "pdf")
    make_skill(claude, "mine")  # the target's own skill
    own = tree(claude / "mine")
    done = run("disable", patterns=["pdf"])
    assert done["action"] == "disable" and done["sync_needed"] is True
    assert done["patterns"] == [{"pattern": "pdf", "changed": True, "matches": ["pdf"]}]
    assert (setup / ".skillignore").read_text() == "pdf\n"
    assert (setup / "pdf/SKILL.md").exists()  # the skill stays in the source
    run("sync")
    assert not os.path.lexists(claude / "pdf")
    assert not os.path.lexists(home / "cursor-skills/pdf")
    assert tree(claude / "mine") == own
    assert os.readlink(claude / "draft-a") == str(setup / "draft-a")
    again = run("enable", patterns=["pdf"])
    assert again["patterns"][0] == {"pattern": "pdf", "changed": True, "matches": ["pdf"]}
    assert (setup / ".skillignore").read_text() == ""
    run("sync")
    assert os.readlink(claude / "pdf") == str(setup / "pdf")
    assert tree(claude / "mine") == own


def test_patterns_and_folders(setup: Path, home: Path) -> None:
    done = run("disable", patterns=["draft-*", "frontend/**"])
    assert [p["matches"] for p in done["patterns"]] == [["draft-a", "draft-b"],
                                                         ["frontend/react"]]
    run("sync")
    assert sorted(os.listdir(home / "claude-skills")) == ["pdf"]
    assert run("list")["skills"] and {s["name"] for s in run("list")["skills"]} == {"pdf"}


def test_other_lines_are_kept(setup: Path) -> None:
    ignore = setup / ".skillignore"
    ignore.write_text("# drafts\ndraft-a\n\nnotes/\n")
    os.chmod(ignore, 0o600)
    run("disable", patterns=["pdf"])
    assert ignore.read_text() == "# drafts\ndraft-a\n\nnotes/\npdf\n"
    run("enable", patterns=["draft-a"])
    assert ignore.read_text() == "# drafts\n\nnotes/\npdf\n"
    assert os.stat(ignore).st_mode & 0o777 == 0o600
    ignore.write_text("pdf  \nkeep")  # trailing blanks, no final newline
    run("enable", patterns=["pdf"])
    assert ignore.read_text() == "keep\n"


def test_already_so_changes_nothing(setup: Path) -> None:
    missing = run("enable", patterns=["pdf"])
    assert missing["patterns"][0]["changed"] is False and missing["sync_needed"] is False
    assert not (setup / ".skillignore").exists()
    run("disable", patterns=["pdf"])
    before = (setup / ".skillignore").stat().st_mtime_ns
    twice = run("disable", patterns=["pdf", "pdf"])
    assert twice["patterns"] == [{"pattern": "pdf", "changed": False, "matches": []}]
    assert (setup / ".skillignore").stat().st_mtime_ns == before


def test_dry_run_writes_nothing(setup: Path) -> None:
    done = run("disable", patterns=["pdf"], dry_run=True)
    assert done["dry_run"] and done["patterns"][0]["changed"] is True
    assert not (setup / ".skillignore").exists()
    (setup / ".skillignore").write_text("pdf\n")
    assert run("enable", patterns=["pdf"], dry_run=True)["sync_needed"] is True
    assert (setup / ".skillignore").read_text() == "pdf\n"


@pytest.mark.parametrize("args", [
    {"patterns": []}, {"patterns": [""]}, {"patterns": [" pdf"]}, {"patterns": ["a\nb"]},
    {"patterns": ["#pdf"]}, {"patterns": ["!pdf"]}, {"patterns": ["pdf"], "kind": "tool"},
    {"patterns": ["pdf", "[z-a]"]},
])
def test_bad_input_changes_nothing(setup: Path, home: Path, args: dict[str, Any]) -> None:
    before = tree(home)
    for cmd in ("disable", "enable"):
        with pytest.raises(UsageError):
            run(cmd, **args)
    assert tree(home) == before


def test_agents_use_agentignore(setup: Path, home: Path) -> None:
    agents = home / ".config/skillshare/agents"
    (agents / "team").mkdir(parents=True)
    (agents / "team/tutor.md").write_text("# tutor\n")
    done = run("disable", patterns=["team/tutor.md"], kind="agent")
    assert done["kind"] == "agent" and done["file"] == str(agents / ".agentignore")
    assert done["patterns"][0]["matches"] == ["team/tutor"]
    assert (agents / ".agentignore").read_text() == "team/tutor.md\n"
    assert not (setup / ".skillignore").exists()
    assert run("enable", patterns=["team/tutor.md"], kind="agent")["sync_needed"]
    assert (agents / ".agentignore").read_text() == ""


def test_project_mode(work: Path) -> None:
    skills = work / ".skillshare/skills"
    make_skill(skills, "local")
    (work / ".skillshare/config.yaml").write_text("targets: [claude]\n")
    done = run("disable", patterns=["local"], project=True)
    assert done["file"] == str(skills / ".skillignore")
    assert (skills / ".skillignore").read_text() == "local\n"


def test_a_linked_ignore_file_stays_a_link(setup: Path, home: Path) -> None:
    real = home / "dotfiles-skillignore"
    real.write_text("draft-a\n")
    (setup / ".skillignore").symlink_to(real)
    run("disable", patterns=["pdf"])
    assert (setup / ".skillignore").is_symlink()
    assert real.read_text() == "draft-a\npdf\n"


def test_through_the_daemon(daemon: DaemonStarter, cli: CliRunner, setup: Path,
                            home: Path) -> None:
    claude = home / "claude-skills"
    d = daemon()
    d.settle()
    assert os.readlink(claude / "pdf") == str(setup / "pdf")
    done = cli("disable", "pdf")
    assert done.code == 0, done.err
    assert "Disabled: pdf (added to .skillignore)" in done.out
    assert "The daemon applies it within a moment" in done.out  # (no sync to run)
    assert "skillshare sync" not in done.out
    wait_for(lambda: not os.path.lexists(claude / "pdf") or None)  # the daemon reconciles
    again = cli("enable", "pdf", "--json")
    assert again.code == 0 and again.json()["patterns"][0]["changed"] is True
    assert again.json()["daemon_syncs"] is True
    wait_for(lambda: os.path.lexists(claude / "pdf") or None)
    assert cli("disable", "nothing-here", "-n").out.startswith("Would add 'nothing-here' to ")


def test_a_missing_source_is_refused(home: Path, source: Path) -> None:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets: {}\n")
    before = tree(home)
    with pytest.raises(ConfigError, match="source folder does not exist"):
        run("disable", patterns=["pdf"])
    with pytest.raises(UsageError, match="agents source folder does not exist"):
        run("disable", patterns=["tutor"], kind="agent")
    assert tree(home) == before
