"""After a restore, the hint names a sync only when one would still change the restored
folder (the source moved on since the backup), and says the daemon does it when one runs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillshared.core import client
from tests.conftest import CliRunner, DaemonStarter, make_skill, wait_for, write_config

SYNC = "Run 'skillshare sync' to re-link what matches the source"
DAEMON = "The daemon re-links what matches the source within a moment"
AGENT = "---\nname: {name}\ndescription: about {name}\n---\nDo {name} things.\n"


@pytest.fixture
def backed_up(cli: CliRunner, home: Path, source: Path) -> Path:
    """claude synced with alpha and backed up; then beta is added to the source."""
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    make_skill(source, "alpha")
    assert cli("sync").code == 0
    assert cli("backup").code == 0
    make_skill(source, "beta")
    return home / ".claude/skills"


def test_a_restore_behind_the_source_asks_for_a_sync(cli: CliRunner, backed_up: Path) -> None:
    result = cli("restore", "claude")
    assert result.code == 0, result.err
    assert SYNC in result.out and "daemon" not in result.out
    document = cli("restore", "claude", "--json").json()
    assert document["needs_sync"] is True and document["daemon_syncs"] is False
    assert cli("sync").code == 0  # (beta linked: the folder is as the source wants it)
    assert cli("backup").code == 0
    again = cli("restore", "claude")
    assert again.code == 0, again.err
    assert "skillshare sync" not in again.out and "daemon" not in again.out
    assert cli("restore", "claude", "--json").json()["needs_sync"] is False


def test_with_a_daemon_the_hint_says_it_does_it(cli: CliRunner, backed_up: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "lock_holder", lambda where: 4242)  # (one holds its lock)
    result = cli("restore", "claude")
    assert result.code == 0, result.err
    assert DAEMON in result.out and "skillshare sync" not in result.out
    assert cli("restore", "claude", "--json").json()["daemon_syncs"] is True


def test_a_dry_run_says_nothing_of_a_sync(cli: CliRunner, backed_up: Path) -> None:
    document = cli("restore", "claude", "--dry-run", "--json").json()
    assert "needs_sync" not in document and "daemon_syncs" not in document
    assert "sync" not in cli("restore", "claude", "--dry-run").out.lower()


def test_restore_all_notes_the_agents_folder_too(cli: CliRunner, home: Path,
                                                 backed_up: Path) -> None:
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text(AGENT.format(name="tutor"))
    assert cli("sync", "--all").code == 0
    assert cli("backup", "--all").code == 0
    (agents / "reviewer.md").write_text(AGENT.format(name="reviewer"))
    document = cli("restore", "--all", "claude", "--json").json()
    # the skills folder was backed up with beta (in line); the agents folder lacks reviewer
    assert [r["needs_sync"] for r in document["results"]] == [False, True]
    assert document["daemon_syncs"] is False
    assert cli("sync", "--all").code == 0
    assert cli("backup", "--all").code == 0  # (a backup with reviewer: restored, in line)
    document = cli("restore", "--all", "claude", "--json").json()
    assert [r["needs_sync"] for r in document["results"]] == [False, False]


def test_a_running_daemon_re_links_the_restored_folder(cli: CliRunner, daemon: DaemonStarter,
                                                       backed_up: Path) -> None:
    daemon()
    wait_for(lambda: os.path.islink(backed_up / "beta"), what="the daemon linking beta")
    assert cli("backup").code == 0
    (backed_up / "beta").unlink()  # (then put back by the daemon, and saved as it was)
    wait_for(lambda: os.path.islink(backed_up / "beta"), what="beta linked again")
    result = cli("restore", "claude", "--from", _oldest(cli))
    assert result.code == 0, result.err
    assert DAEMON in result.out, result.out
    wait_for(lambda: os.path.islink(backed_up / "beta"), what="the restored folder re-linked")


def _oldest(cli: CliRunner) -> str:
    listed = cli("backup", "--list", "--json").json()
    return str(min(b["name"] for b in listed["backups"]))
