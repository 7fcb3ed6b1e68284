"""A daemon of another version on the socket (one still running after an upgrade): it cannot
serve this CLI, and nothing may run beside it (it takes other locks), but it can be stopped
and replaced by `skillshare daemon restart`."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillshared.core.paths import Paths
from tests.conftest import make_skill, run_cli_process, wait_for, write_config

# What a daemon of protocol version 1 answers to any request of version 2.
OLD_DAEMON = r"""
import json, os, signal, socket, sys
path = sys.argv[1]
os.makedirs(os.path.dirname(path), exist_ok=True)
server = socket.socket(socket.AF_UNIX)
os.chdir(os.path.dirname(path))
server.bind(os.path.basename(path))
server.listen(16)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("ready", flush=True)
while True:
    conn, _ = server.accept()
    conn.recv(65536)
    conn.sendall(json.dumps({"v": 1, "id": "", "ok": False, "error": {
        "code": "bad_request", "message": "unsupported protocol version 2; this daemon "
        "speaks version 1", "hint": "run the same version of skillshare and skillshared"}}
        ).encode() + b"\n")
    conn.close()
"""


@pytest.fixture
def old_daemon(home: Path, source: Path) -> Iterator[subprocess.Popen[str]]:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    make_skill(source, "alpha")
    proc = subprocess.Popen([sys.executable, "-c", OLD_DAEMON, str(Paths.from_env().socket)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    with proc.stdout:
        assert proc.stdout.readline() == "ready\n"
    # A real daemon is nobody's child: reap this one as soon as it ends, so that the CLI
    # waiting for it to stop does not see a zombie
    reaper = threading.Thread(target=proc.wait)
    reaper.start()
    yield proc
    if proc.poll() is None:
        proc.kill()
    reaper.join()


def test_the_cli_says_the_daemon_is_another_version(old_daemon: subprocess.Popen[str]
                                                   ) -> None:
    result = run_cli_process("status")
    assert result.code == 3
    assert f"the daemon (pid {old_daemon.pid}) is another version" in result.err
    assert "skillshare daemon restart" in result.err
    data = json.loads(run_cli_process("list", "--json").out)
    assert data["ok"] is False and data["error"]["code"] == "daemon_unresponsive"


def test_nothing_runs_in_process_beside_it(home: Path,
                                           old_daemon: subprocess.Popen[str]) -> None:
    result = run_cli_process("sync", "--no-daemon")
    assert result.code == 3 and "another version" in result.err
    assert not (home / ".claude/skills").exists()
    assert run_cli_process("list", "--no-daemon").code == 0  # reading is harmless


def test_restart_replaces_it(home: Path, old_daemon: subprocess.Popen[str]) -> None:
    started = run_cli_process("daemon", "start")
    assert started.code == 3 and "another version" in started.err
    restarted = run_cli_process("daemon", "restart", "--json")
    try:
        assert restarted.code == 0, restarted.err
        data = json.loads(restarted.out)
        assert data["old_pid"] == old_daemon.pid and data["started"]
        assert old_daemon.wait(timeout=30) == 0  # it was asked to stop (SIGTERM)
        status = json.loads(run_cli_process("daemon", "status", "--json").out)
        assert status["running"] is True and status["pid"] == data["pid"]
        wait_for((home / ".claude/skills/alpha").is_symlink, what="the new daemon's pass")
    finally:
        stopped = run_cli_process("daemon", "stop")
    assert stopped.code == 0, stopped.err


def test_the_stop_of_a_daemon_of_another_version_is_a_sigterm(
        old_daemon: subprocess.Popen[str]) -> None:
    stopped = run_cli_process("daemon", "stop", "--json")
    assert stopped.code == 0, stopped.err
    assert json.loads(stopped.out)["pid"] == old_daemon.pid
    assert old_daemon.wait(timeout=30) == 0  # its SIGTERM handler ran: a graceful stop
