"""`backup` saves each target's agents folder (``<target>@agents``) and each extra's target
folders (``<extra>@<n>``) beside the skills' targets; `restore` puts one back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill, write_config

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
"""


def synced_kinds(home: Path, source: Path, cli: CliRunner, config: str) -> Path:
    """A skill, an agent and an extra's file synced by ``config``, and a user's own file in
    claude's agents folder; returns the agents source."""
    make_skill(source, "alpha")
    write_config(home, config)
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("tutor\n")
    rules = home / ".config/skillshare/extras/rules"
    rules.mkdir(parents=True)
    (rules / "style.md").write_text("style\n")
    assert cli("sync", "--all").code == 0
    (home / ".claude/agents/mine.md").write_text("mine\n")
    return agents


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> dict[str, Path]:
    agents = synced_kinds(home, source, cli, CONFIG)
    return {"claude": home / ".claude/agents", "cursor": home / ".cursor/agents",
            "rules": home / ".claude/rules", "agents": agents}


def test_backup_saves_agents_and_extras_folders(cli: CliRunner, world: dict[str, Path]) -> None:
    dry = cli("backup", "--dry-run", "--json").json()
    assert {t["target"] for t in dry["targets"]} == {
        "claude", "cursor", "claude@agents", "cursor@agents", "rules@0"}
    made = cli("backup", "--json").json()
    saved = {t["target"]: t for t in made["targets"]}
    assert set(saved) == {"claude", "cursor", "claude@agents", "cursor@agents", "rules@0"}
    folder = Path(made["path"])
    assert (folder / "claude@agents/mine.md").read_text() == "mine\n"
    verified = cli("backup", "--verify", "--json")  # our link's content is in the store
    assert verified.code == 0, verified.out
    only = cli("backup", "claude", "--json").json()  # unchanged since: nothing new written
    assert {t["target"] for t in only["targets"]} == {"claude", "claude@agents"}


def test_restore_puts_an_agents_folder_back(cli: CliRunner, world: dict[str, Path]) -> None:
    assert cli("backup").code == 0
    (world["claude"] / "mine.md").unlink()
    (world["claude"] / "tutor.md").unlink()
    (world["agents"] / "tutor.md").unlink()  # gone from the source too: from the store
    result = cli("restore", "claude@agents", "--json")
    assert result.code == 0, result.err
    assert (world["claude"] / "mine.md").read_text() == "mine\n"
    assert result.json()["recovered"] == ["tutor.md"]  # as a real file in the folder
    assert (world["claude"] / "tutor.md").read_text() == "tutor\n"
    assert not (world["claude"] / "tutor.md").is_symlink()
    (world["rules"] / "style.md").unlink()
    assert cli("restore", "rules@0").code == 0
    assert (world["rules"] / "style.md").is_symlink()


def test_unknown_kind_target_changes_nothing(cli: CliRunner, world: dict[str, Path]) -> None:
    for name in ("codex@agents", "rules@7", "nope@0"):
        result = cli("restore", name)
        assert result.code != 0 and "not found" in result.err, result.err
    assert (world["claude"] / "mine.md").read_text() == "mine\n"


def test_a_subfolder_name_cannot_leave_the_extras_target(cli: CliRunner,
                                                          world: dict[str, Path]) -> None:
    for name in ("rules@0@..%2F..%2Fescape", "rules@0@%2Fetc"):
        result = cli("restore", name)
        assert result.code != 0 and "not found" in result.err, result.err
