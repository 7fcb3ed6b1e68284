"""``tui [on|off]`` (the original's switch, kept for its scripts), ``--no-tui`` on every
command and ``-j`` for ``--json``: a switching user's lines are accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillshare.commands import COMMANDS
from tests.conftest import CliRunner, write_config

CONFIG = "source: ~/.config/skillshare/skills\ntargets: {}\n"


def config_text(home: Path) -> str:
    return (home / ".config/skillshare/config.yaml").read_text()


def test_tui_shows_the_default(cli: CliRunner, home: Path, configured: Path) -> None:
    run = cli("tui")
    assert run.code == 0, run.err
    assert "TUI: on (default)" in run.out
    shown = cli("tui", "--json").json()
    assert shown["tui"] == "on" and shown["default"] is True and shown["changed"] is False


def test_tui_off_then_on_writes_the_originals_key(cli: CliRunner, home: Path,
                                                  configured: Path) -> None:
    run = cli("tui", "off")
    assert run.code == 0, run.err
    assert "TUI disabled" in run.out
    assert "tui: false" in config_text(home)
    shown = cli("tui", "--json").json()
    assert shown == {**shown, "tui": "off", "default": False}
    again = cli("tui", "off", "--json").json()
    assert again["changed"] is False
    assert cli("tui", "on").code == 0
    assert "tui: true" in config_text(home)
    assert cli("tui", "-j").json()["tui"] == "on"


def test_tui_dry_run_writes_nothing(cli: CliRunner, home: Path, configured: Path) -> None:
    before = config_text(home)
    run = cli("tui", "off", "--dry-run", "--json")
    assert run.code == 0 and run.json()["changed"] is True and run.json()["tui"] == "off"
    assert config_text(home) == before


def test_tui_refuses_other_words_and_changes_nothing(cli: CliRunner, home: Path,
                                                    configured: Path) -> None:
    before = config_text(home)
    run = cli("tui", "maybe", "--json")
    assert run.code == 2
    assert "invalid choice: 'maybe'" in run.err
    assert json.loads(run.out)["ok"] is False
    assert config_text(home) == before


def test_tui_without_a_config_says_to_init(cli: CliRunner, home: Path) -> None:
    run = cli("tui", "off")
    assert run.code != 0
    assert "skillshare init" in run.err
    assert not (home / ".config/skillshare/config.yaml").exists()


def test_tui_in_a_project_sets_the_global_key(cli: CliRunner, home: Path, work: Path,
                                              configured: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (work / ".skillshare").mkdir()
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    project_before = (work / ".skillshare/config.yaml").read_text()
    monkeypatch.chdir(work)
    assert cli("tui", "off").code == 0
    assert "tui: false" in config_text(home)
    assert (work / ".skillshare/config.yaml").read_text() == project_before


def test_a_config_with_tui_off_still_loads(cli: CliRunner, home: Path) -> None:
    write_config(home, CONFIG + "tui: false\n")
    (home / ".config/skillshare/skills").mkdir(parents=True)
    run = cli("list", "--json")
    assert run.code == 0, run.err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_accepts_no_tui(command: str) -> None:
    """``--no-tui`` parses on every command (the original has it on its screens' commands;
    a user's habit of adding it anywhere is harmless here)."""
    from skillshare.main import parse

    words = {"daemon": ["status"], "service": ["status"], "completion": ["bash"],
             "new": ["x"], "restore": ["claude"]}.get(command, [])
    ns = parse([command, *words, "--no-tui"])
    assert ns is not None and ns.command == command and ns.no_tui is True


def test_no_tui_and_j_reach_no_command(cli: CliRunner, home: Path, configured: Path) -> None:
    run = cli("list", "-j", "--no-tui")
    assert run.code == 0, run.err
    assert isinstance(run.json(), list)  # the original's list --json shape
    logs = cli("log", "--no-tui", "-j")
    assert logs.code == 0, logs.err


def test_a_usage_error_under_j_is_a_json_document(cli: CliRunner, configured: Path) -> None:
    run = cli("list", "-j", "--no-such-flag")
    assert run.code == 2
    assert json.loads(run.out)["ok"] is False


@pytest.mark.parametrize("command", ["hub", "search", "upgrade"])
def test_the_originals_commands_not_here_say_so(cli: CliRunner, command: str) -> None:
    """A switching user's `skillshare hub` (or search, upgrade) is told why it is not
    here and what to do instead, not "invalid choice"."""
    run = cli(command, "--json")
    assert run.code == 2
    error = json.loads(run.out)["error"]
    assert error["message"].startswith(f"`skillshare {command}`: ")
    assert "not part of this version" in error["message"] or command == "upgrade"
    assert error["hint"]
    assert "invalid choice" not in run.err


def test_the_not_here_list_is_the_one_the_command_line_checks() -> None:
    from skillshare import helpcmd, main

    assert set(helpcmd.NOT_HERE) == {"hub", "search", "upgrade"}
    assert not set(helpcmd.NOT_HERE) & set(COMMANDS)
    text = Path(main.__file__).read_text()
    assert all(f'"{name}"' in text for name in helpcmd.NOT_HERE)
