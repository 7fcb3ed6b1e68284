"""``log`` as the original has it: ``--cmd``, ``--status``, ``--since``, ``--audit``,
``--stats``, ``--clear``, and ``--json`` as JSON lines; old entries still read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillshared.commands.logcmd import since
from skillshared.core.errors import UsageError
from skillshared.store import oplog
from tests.conftest import CliRunner

ENTRIES = [
    {"ts": "2020-01-01T10:00:00Z", "cmd": "install", "args": {"source": "a/b"},
     "status": "ok", "ms": 1200},  # the original's form
    {"ts": "2026-02-10T14:31:00.123456789Z", "cmd": "sync", "args": {}, "status": "error",
     "msg": "boom", "ms": 800},
    {"ts": "2099-01-01T10:00:00+0000", "cmd": "sync", "args": {}, "status": "ok", "ms": 3.5},
    {"ts": "2099-01-02T10:00:00+0000", "cmd": "audit", "args": {}, "status": "blocked",
     "ms": 9.0},
]


@pytest.fixture
def logs(home: Path, configured: Path) -> Path:
    folder = home / ".local/state/skillshare/logs"
    folder.mkdir(parents=True)
    (folder / "operations.log").write_text("".join(json.dumps(e) + "\n" for e in ENTRIES)
                                           + "not json\n")
    (folder / "audit.log").write_text(json.dumps(
        {"ts": "2099-01-03T00:00:00Z", "cmd": "audit", "status": "ok", "ms": 5}) + "\n")
    return folder


def lines(cli: CliRunner, *argv: str) -> list[dict[str, object]]:
    result = cli("log", "--json", *argv)
    assert result.code == 0, result.err
    return [json.loads(line) for line in result.out.splitlines() if line]


def test_json_lines_operations_then_audit(cli: CliRunner, logs: Path) -> None:
    got = lines(cli)
    assert [e["cmd"] for e in got] == ["install", "sync", "sync", "audit", "audit"]
    # an entry is printed as it was written, its time in the one form of every --json
    assert got[0] == {**ENTRIES[0], "ts": "2020-01-01T10:00:00+00:00"}


def test_filters(cli: CliRunner, logs: Path) -> None:
    assert [e["ts"] for e in lines(cli, "--cmd", "SYNC")] == [
        "2026-02-10T14:31:00+00:00", "2099-01-01T10:00:00+00:00"]
    assert [e["cmd"] for e in lines(cli, "--status", "error")] == ["sync"]
    assert [e["cmd"] for e in lines(cli, "--since", "2d")] == ["sync", "audit", "audit"]
    assert [e["cmd"] for e in lines(cli, "--since", "2026-01-01")] == [
        "sync", "sync", "audit", "audit"]
    assert [e["cmd"] for e in lines(cli, "--audit")] == ["audit", "audit"]
    assert [e["cmd"] for e in lines(cli, "--cmd", "audit", "--status", "ok")] == ["audit"]
    assert [e["cmd"] for e in lines(cli, "--tail", "1")] == ["sync", "audit"]
    text = cli("log", "--cmd", "sync").out
    assert "boom" in text and "install" not in text


def test_stats(cli: CliRunner, logs: Path) -> None:
    stats = cli("log", "--stats", "--json").json()["stats"]
    assert (stats["total"], stats["ok"], stats["failed"]) == (5, 3, 2)
    assert stats["by_command"]["sync"] == {"total": 2, "ok": 1, "failed": 1}
    assert stats["last"]["cmd"] == "audit" and stats["success_rate"] == 60.0
    assert "60.0% success" in cli("log", "--stats").out
    only = cli("log", "--stats", "--cmd", "sync", "--json").json()["stats"]
    assert only["total"] == 2


@pytest.mark.parametrize("argv", [["--since", "yesterday"], ["--since", "5x"],
                                  ["--status", "great"], ["--tail", "-1"]])
def test_bad_values_change_nothing(cli: CliRunner, logs: Path, argv: list[str]) -> None:
    before = (logs / "operations.log").read_bytes()
    result = cli("log", *argv, "--clear")
    assert result.code == 2 and "error" in result.err
    assert (logs / "operations.log").read_bytes() == before


def test_clear_operations_then_audit(cli: CliRunner, logs: Path) -> None:
    assert cli("log", "--clear", "--json").json()["cleared"] == 4
    assert (logs / "operations.log").read_bytes() == b""
    assert [e["cmd"] for e in lines(cli)] == ["audit"]  # the audit log is kept
    assert "1 entry removed" in cli("log", "-c", "--audit").out
    assert lines(cli) == []
    assert "No operations logged yet" in cli("log").out


def test_project_log(cli: CliRunner, work: Path) -> None:
    (work / ".skillshare/skills").mkdir(parents=True)
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    assert cli("sync", "-p").code == 0
    assert [e["cmd"] for e in lines(cli, "-p", "--cmd", "sync")] == ["sync"]


def test_since_and_timestamps() -> None:
    assert since("30m", 10_000.0) == 10_000.0 - 1800
    assert since("1w", 1e6) == 1e6 - 7 * 86400
    with pytest.raises(UsageError):
        since("2026-13-01", 0)
    assert oplog.timestamp({"cmd": "x", "ts": "2026-02-10T14:31:00.123456789Z"}) == \
        pytest.approx(1770733860.123456)
    assert oplog.timestamp({"cmd": "x", "ts": "garbage"}) is None
