"""The CLI and the daemon: the socket transport, the in-process fallback, exit 3, and
`skillshare daemon ...`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DaemonStarter, Run, make_skill, run_cli_process, wait_for, write_config


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    targets = {name: home / f".{name}/skills" for name in ("claude", "cursor")}
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {targets['claude']}}}\n"
                 f"  cursor: {{path: {targets['cursor']}, mode: copy}}\n"
                 "daemon:\n  debounce_ms: 20\n")
    make_skill(source, "alpha")
    make_skill(source, "beta")
    (targets["claude"]).mkdir(parents=True)
    (targets["claude"] / "local-skill").mkdir()
    return {"source": source, **targets}


def cli(*argv: str, env: dict[str, str] | None = None) -> Run:
    return run_cli_process(*argv, env=env)


def _without_daemon(command: tuple[str, ...], run: Run) -> tuple[int, str, str]:
    """Output minus the parts that describe the daemon itself."""
    out = run.out
    if "--json" in command and run.code == 0:
        data = json.loads(out)
        if isinstance(data, list):  # (`list --json`: the original's array)
            data = {"items": data}
        data.pop("daemon", None)
        data.pop("duration_ms", None)  # a timing
        data.pop("duration", None)  # (diff's, as the original's)
        if "checks" in data:
            data["checks"] = [c for c in data["checks"] if not c["name"].startswith("daemon")]
            data.pop("summary")
        out = json.dumps(data, sort_keys=True)
    elif command[0] == "status":
        kept, skipping = [], False
        for line in out.splitlines():
            if line.startswith("Daemon:"):
                skipping = True
            elif skipping and not line.startswith("  "):
                skipping = False
            if not skipping:
                kept.append(line)
        out = "\n".join(kept)
    out = re.sub(r"\(\d+\.\d+s\)", "(…s)", out)  # a timing ("Sync complete: … (0.01s)")
    return run.code, out, run.err


COMMANDS = [
    ("status",), ("status", "--json"), ("diff",), ("diff", "--json"), ("list",),
    ("list", "--json"), ("target", "list"), ("target", "claude"), ("target", "cursor", "--json"),
    ("sync",), ("sync", "--dry-run"), ("sync", "--json"), ("doctor", "--json"),
    # errors: same message, same exit code
    ("sync", "nope"), ("target", "add", "claude"), ("diff", "nope", "--json"),
    ("target", "add", "bad/name", "/tmp/x"), ("log", "--tail", "-1"),
]


def test_output_is_identical_through_the_daemon_and_in_process(world: dict[str, Path],
                                                               daemon: DaemonStarter) -> None:
    d = daemon()
    for command in COMMANDS:
        through = cli(*command)
        d.settle()
        local = cli(*command, "--no-daemon")
        assert _without_daemon(command, through) == _without_daemon(command, local), command
    # a command that changes things: the same change, the same output
    extra = world["source"].parent / "extra"
    added = cli("target", "add", "extra", str(extra))
    d.settle()
    assert cli("target", "remove", "extra").code == 0
    d.settle()
    again = cli("target", "add", "extra", str(extra), "--no-daemon")
    assert (added.code, added.out, added.err) == (again.code, again.out, again.err)


def test_status_through_the_daemon_shows_its_section(world: dict[str, Path],
                                                     daemon: DaemonStarter) -> None:
    d = daemon()
    result = cli("status", "--json").json()["daemon"]
    assert result["running"] is True and result["pid"] == d.proc.pid
    assert result["watch"]["inotify_watches"] >= 3
    assert result["watch"]["inotify_limit"] > 0
    assert result["last_reconcile"]["kind"] in ("full", "partial")
    assert {"target": "claude", "action": "link", "name": "alpha"} in (
        result["last_change"]["changes"])
    assert [job["name"] for job in result["jobs"]] == ["rescan", "backup", "cleanup"]
    assert result["jobs"][0]["next_run"]
    proc = result["process"]
    with open(f"/proc/{d.proc.pid}/status") as handle:
        threads = next(int(line.split()[1]) for line in handle if line.startswith("Threads:"))
    assert 10 < proc["rss_mib"] < 500
    assert abs(proc["threads"] - threads) <= 2  # a connection's thread may come or go
    assert proc["open_files"] == pytest.approx(len(os.listdir(f"/proc/{d.proc.pid}/fd")), abs=3)
    text = cli("status").out
    assert f"Daemon: running (pid {d.proc.pid}" in text
    assert "inotify watches of" in text and "Job rescan" in text
    assert "MiB resident" in text
    # times in local time, as a reader says them (the ISO form is for --json)
    assert re.search(r"Last reconcile: (\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d ", text), text
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text), text


def test_cli_talking_to_the_daemon_stays_light(world: dict[str, Path], daemon: DaemonStarter,
                                               work: Path) -> None:
    daemon()
    script = (
        "import sys\n"
        "from skillshare.main import main\n"
        "for argv in (['sync'], ['status'], ['diff'], ['list'], ['doctor'], ['log'],\n"
        "             ['target', 'list'], ['daemon', 'status']):\n"
        "    main(argv)\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in\n"
        "         ('watchdog', 'apscheduler', 'git', 'structlog', 'yaml')\n"
        "         or m == 'skillshared.api']\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=work, check=False, timeout=60)
    assert "HEAVY []" in proc.stderr, proc.stderr


# What `skillshare status` may load when the daemon answers: start-up time is the budget.
SLOW_IMPORTS = ("argparse", "pathlib", "typing", "dataclasses", "inspect", "shutil", "socket",
                "contextlib", "subprocess", "yaml", "skillshare.parser", "skillshared.core.paths")


@pytest.mark.parametrize("argv", [["status"], ["sync", "-n"], ["list", "--json"]])
def test_everyday_commands_through_the_daemon_import_only_what_they_need(
        world: dict[str, Path], daemon: DaemonStarter, work: Path, argv: list[str]) -> None:
    daemon()
    root = Path(__file__).resolve().parents[2]
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from skillshare.main import main\n"
        f"code = main({argv!r})\n"
        "print('LOADED', sorted(set(sys.modules) - before), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    # -S: without site, so that no import hook of an editable install loads modules first
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(root / "cli")])}
    proc = subprocess.run([sys.executable, "-S", "-c", script], capture_output=True,
                          text=True, cwd=work, env=env, check=False, timeout=60)
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stderr.split("LOADED", 1)[1]
    assert "'skillshared.core.client'" in loaded  # it did go to the daemon
    slow = [m for m in SLOW_IMPORTS if f"'{m}'" in loaded]
    assert slow == [], loaded


def test_no_daemon_and_stale_socket_fall_back_in_process(world: dict[str, Path]) -> None:
    from skillshared.core import protocol
    from skillshared.core.paths import Paths

    paths = Paths.from_env()
    paths.socket.parent.mkdir(parents=True)
    with socket.socket(socket.AF_UNIX) as stale, protocol.short_address(paths.socket) as address:
        stale.bind(address)  # bound, then closed: a socket file nobody listens on
    assert paths.socket.exists()
    result = cli("sync")
    assert result.code == 0, result.err
    assert (world["claude"] / "alpha").is_symlink()
    assert "Daemon: not running" in cli("status").out


def test_stopped_daemon_gives_exit_3_and_nothing_runs_beside_it(world: dict[str, Path],
                                                                daemon: DaemonStarter) -> None:
    d = daemon()
    env = {**os.environ, "SKILLSHARE_DAEMON_TIMEOUT": "1"}
    os.kill(d.proc.pid, signal.SIGSTOP)
    try:
        make_skill(world["source"], "gamma")
        result = cli("sync", env=env)
        assert result.code == 3, result
        assert "skillshare daemon restart" in result.err
        assert not os.path.lexists(world["claude"] / "gamma")  # no in-process run
        as_json = cli("status", "--json", env=env)
        assert as_json.code == 3
        assert json.loads(as_json.out)["error"]["code"] == "daemon_unresponsive"
    finally:
        os.kill(d.proc.pid, signal.SIGCONT)
    wait_for((world["claude"] / "gamma").is_symlink, what="the daemon catching up")


def test_missing_socket_with_the_lock_held_gives_exit_3(world: dict[str, Path],
                                                        daemon: DaemonStarter) -> None:
    d = daemon()
    d.paths.socket.unlink()
    result = cli("list", env={**os.environ, "SKILLSHARE_DAEMON_TIMEOUT": "0.5"})
    assert result.code == 3
    assert f"pid {d.proc.pid}" in result.err
    assert cli("list", "--no-daemon").code == 0  # explicitly in-process still works


def test_daemon_start_status_logs_stop(world: dict[str, Path]) -> None:
    started = cli("daemon", "start")
    try:
        assert started.code == 0, started.err
        assert "daemon started" in started.out
        again = cli("daemon", "start")
        assert again.code == 0 and "already running" in again.out
        status = cli("daemon", "status", "--json").json()
        assert status["running"] is True
        wait_for((world["claude"] / "alpha").is_symlink, what="the first reconcile")
        logs = cli("daemon", "logs", "--tail", "0", "--json").json()
        assert "started" in [e["event"] for e in logs["entries"] if isinstance(e, dict)]
        assert any(" started " in line for line in cli("daemon", "logs").out.splitlines())
    finally:
        stopped = cli("daemon", "stop")
    assert stopped.code == 0 and "daemon stopped" in stopped.out, stopped
    assert cli("daemon", "status").code == 1
    assert "not running" in cli("daemon", "stop").out


def test_daemon_restart_gives_a_new_process(world: dict[str, Path]) -> None:
    first = cli("daemon", "start", "--json").json()
    try:
        second = cli("daemon", "restart", "--json").json()
        assert second["started"] and second["restarted"]
        assert second["old_pid"] == first["pid"] != second["pid"]
    finally:
        cli("daemon", "stop")


def test_daemon_start_says_why_it_failed(world: dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the socket folder should be\n")
    env = {**os.environ, "SKILLSHARE_SOCKET": str(blocker / "s.sock")}
    result = cli("daemon", "start", env=env)
    assert result.code == 1
    assert "did not start" in result.err and "blocker" in result.err


def test_daemon_logs_without_a_log_file_hints_at_the_journal(world: dict[str, Path]) -> None:
    result = cli("daemon", "logs")
    assert result.code == 1 and "journalctl" in result.err
    bad = cli("daemon", "logs", "--tail", "-1")
    assert bad.code == 2 and "--tail must be 0 or more" in bad.err
    assert cli("daemon", "nope").code == 2


def test_service_install_status_uninstall_from_the_cli(home: Path) -> None:
    unit = home / ".config/systemd/user/skillshared.service"
    installed = cli("service", "install", "--no-start")
    assert installed.code == 0, installed.err
    assert "not started (as asked)" in installed.out
    assert "ExecStart=" in unit.read_text()
    status = cli("service", "status", "--json").json()
    assert status["installed"] and status["up_to_date"]
    assert cli("service", "uninstall").code == 0
    assert not unit.exists()
    assert "not installed" in cli("service", "uninstall").out
