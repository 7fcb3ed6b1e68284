"""Under ``--json`` every error is also one JSON document on stdout
(``{"ok": false, "error": {"code", "message", "hint"}}``), beside the text on stderr, with
the same exit code; without ``--json`` stdout stays empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, Run, run_cli_process, write_config


def _error(result: Run) -> dict[str, Any]:
    document = json.loads(result.out)
    assert document["ok"] is False and set(document["error"]) >= {"code", "message", "hint"}
    assert result.err.startswith(("usage:", "error:"))  # the text is still on stderr
    assert document["error"]["message"] in result.err
    return document["error"]  # type: ignore[no-any-return]


USAGE = [
    (["sync", "--bogus", "--json"], "unrecognized arguments: --bogus"),  # argparse
    (["nosuch", "--json"], "invalid choice: 'nosuch'"),  # an unknown command
    (["log", "--tail", "x", "--json"], "invalid int value"),  # a bad value type
    (["daemon", "--json"], "the following arguments are required"),  # a missing argument
    (["status", "-p", "-g", "--json"], "not allowed with argument"),  # -p with -g
    (["completion", "tcsh", "--json"], "invalid choice: 'tcsh'"),
    (["init", "--git", "--no-git", "--json"], "use only one of --git, --no-git"),  # a command's
    (["init", "--mode", "fast", "--json"], "invalid mode 'fast'"),
    (["target", "add", "--json"], "usage: skillshare target add"),  # the CLI's own check
]


@pytest.mark.parametrize("argv,message", USAGE, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else "")
def test_usage_errors(cli: CliRunner, home: Path, argv: list[str], message: str) -> None:
    result = cli(*argv)
    assert result.code == 2, result.err
    error = _error(result)
    assert error["code"] == "usage" and message in error["message"]
    assert error["hint"]


@pytest.mark.parametrize("argv", [a for a, _ in USAGE])
def test_without_json_stdout_stays_empty(cli: CliRunner, home: Path, argv: list[str]) -> None:
    result = cli(*[a for a in argv if a != "--json"])
    assert result.code == 2 and result.out == "" and "error: " in result.err


def test_a_runtime_error(cli: CliRunner, home: Path) -> None:
    result = cli("status", "--json")  # no config
    assert result.code == 1
    assert _error(result)["code"] == "config"


def test_a_not_found_error(cli: CliRunner, home: Path) -> None:
    write_config(home, "targets: {}\n")
    (home / ".config/skillshare/skills").mkdir(parents=True)
    result = cli("restore", "nosuch", "--json")
    assert result.code == 1
    assert _error(result)["code"] in ("not_found", "error")


def test_json_after_a_double_dash_is_a_word(cli: CliRunner, home: Path) -> None:
    result = cli("sync", "--bogus", "--", "--json")
    assert result.code == 2 and result.out == ""


def test_an_internal_error_is_a_json_error_too(cli: CliRunner, home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from skillshare import transport

    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(transport, "call", broken)
    result = cli("status", "--json")
    assert result.code == 1
    error = _error(result)
    assert error["code"] == "internal" and "RuntimeError: boom" in error["message"]


def test_an_interrupt_is_a_json_error_too(cli: CliRunner, home: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from skillshare import transport

    def interrupted(*_: Any, **__: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(transport, "call", interrupted)
    result = cli("status", "--json")
    assert result.code == 130 and _error(result)["code"] == "interrupted"


def test_in_a_child_process(work: Path) -> None:
    result = run_cli_process("sync", "--bogus", "--json", cwd=work)
    assert result.code == 2 and _error(result)["code"] == "usage"


def test_a_current_folder_that_is_gone(cli: CliRunner, work: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    gone = work / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    result = cli("status", "--json")
    assert result.code == 1
    assert "current folder no longer exists" in _error(result)["message"]
    plain = cli("status")
    assert plain.code == 1 and plain.out == "" and "no longer exists" in plain.err
