"""The daemon keeps agents and extras live: a new, edited, renamed or deleted agent or extra
file reaches every target (merge links, copies) by itself; an edit made in a copy target is
reported as a conflict, never overwritten; a user's own file is never touched."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import DaemonStarter, make_skill, wait_for, write_config

CONFIG = """\
targets:
  claude:
    path: ~/.claude/skills
  cursor:
    path: ~/.cursor/skills
    mode: copy
extras:
  - name: rules
    targets:
      - path: ~/.claude/rules
      - path: ~/.cursor/rules
        mode: copy
"""


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    make_skill(source, "alpha")
    write_config(home, CONFIG)
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("tutor\n")
    rules = home / ".config/skillshare/extras/rules"
    rules.mkdir(parents=True)
    (rules / "style.md").write_text("style\n")
    return {"agents": agents, "rules": rules,
            "claude": home / ".claude/agents", "cursor": home / ".cursor/agents",
            "claude_rules": home / ".claude/rules", "cursor_rules": home / ".cursor/rules"}


def text(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def test_agents_and_extras_are_kept_live(daemon: DaemonStarter, world: dict[str, Path]) -> None:
    runner = daemon()
    # the first pass puts both kinds in place
    wait_for((world["claude"] / "tutor.md").is_symlink, what="agent linked")
    wait_for(lambda: text(world["cursor"] / "tutor.md") == "tutor\n", what="agent copied")
    wait_for((world["claude_rules"] / "style.md").is_symlink, what="rule linked")
    wait_for(lambda: text(world["cursor_rules"] / "style.md") == "style\n", what="rule copied")
    # a new agent, an edit, a rename, a deletion
    (world["agents"] / "planner.md").write_text("plan\n")
    wait_for((world["claude"] / "planner.md").is_symlink, what="new agent linked")
    wait_for(lambda: text(world["cursor"] / "planner.md") == "plan\n", what="new agent copied")
    (world["agents"] / "tutor.md").write_text("tutor 2\n")
    wait_for(lambda: text(world["cursor"] / "tutor.md") == "tutor 2\n", what="edit copied")
    os.rename(world["agents"] / "planner.md", world["agents"] / "architect.md")
    wait_for(lambda: text(world["cursor"] / "architect.md") == "plan\n", what="renamed")
    wait_for(lambda: not os.path.lexists(world["cursor"] / "planner.md"), what="old name gone")
    wait_for(lambda: not os.path.lexists(world["claude"] / "planner.md"), what="link gone")
    # extras: new file in a subfolder, an edit
    (world["rules"] / "team").mkdir()
    (world["rules"] / "team/review.md").write_text("review\n")
    wait_for(lambda: text(world["cursor_rules"] / "team/review.md") == "review\n",
             what="nested rule copied")
    assert (world["claude_rules"] / "team/review.md").is_symlink()
    (world["rules"] / "style.md").write_text("style 2\n")
    wait_for(lambda: text(world["cursor_rules"] / "style.md") == "style 2\n",
             what="rule edit copied")
    # a user's own file, and an edit made in a copy target
    (world["claude"] / "mine.md").write_text("mine\n")
    (world["cursor"] / "tutor.md").write_text("edited in cursor\n")
    (world["agents"] / "tutor.md").write_text("tutor 3\n")
    status = wait_for(lambda: _conflicted(runner.status(), "cursor@agents", "tutor.md"),
                      what="the edit in the target reported as a conflict")
    assert status
    assert text(world["cursor"] / "tutor.md") == "edited in cursor\n"
    assert text(world["claude"] / "mine.md") == "mine\n"
    skills = Path(world["claude"]).parent / "skills"
    assert (skills / "alpha").is_symlink()  # skills are still synced alongside


def _conflicted(status: dict[str, object], target: str, name: str) -> bool:
    last = status.get("last_reconcile") or {}
    assert isinstance(last, dict)
    return any(c["target"] == target and c["name"] == name for c in last.get("conflicts", []))
