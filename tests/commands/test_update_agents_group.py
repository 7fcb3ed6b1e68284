"""`skillshare update agents --group DIR`: the installed agents in DIR/ of the agents source
are fetched again (the original's example `update agents --group team`); a group with no
installed agent is an error that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunner


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / "lead.md").write_text("# Lead v1\n")
    (folder / "tutor.md").write_text("# Tutor v1\n")
    return folder


def test_update_agents_group_updates_the_agents_in_that_folder(
        cli: CliRunner, agents: Path, downloads: Path) -> None:
    assert cli("install", str(downloads / "lead.md"), "--into", "team").code == 0
    assert cli("install", str(downloads / "tutor.md")).code == 0
    (downloads / "lead.md").write_text("# Lead v2\n")
    (downloads / "tutor.md").write_text("# Tutor v2\n")
    result = cli("update", "agents", "--group", "team", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert [(i["name"], i["status"]) for i in data["agents"]] == [("team/lead", "updated")]
    assert data["items"] == [] and data["summary"]["failed"] == 0
    assert (agents / "team/lead.md").read_text() == "# Lead v2\n"
    assert (agents / "tutor.md").read_text() == "# Tutor v1\n"  # not in the group
    text = cli("update", "agents", "-G", "team")
    assert text.code == 0, text.err


def test_update_agents_of_an_empty_group_is_refused(cli: CliRunner, agents: Path,
                                                    downloads: Path) -> None:
    assert cli("install", str(downloads / "tutor.md")).code == 0
    (downloads / "tutor.md").write_text("# Tutor v2\n")
    result = cli("update", "agents", "--group", "team")
    assert result.code == 1
    assert "no installed agent or tracked repo of agents in the group 'team'" in result.err
    assert (agents / "tutor.md").read_text() == "# Tutor v1\n"
