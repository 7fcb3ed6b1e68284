"""One daemon per user, whatever the environment: two shells of one user (one with
XDG_RUNTIME_DIR, one without, as under su, cron or ssh; or with another XDG_STATE_HOME or
SKILLSHARE_SOCKET) share ``daemon.lock`` and ``ops.lock``, and the CLI of either finds the
daemon that the other started."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skillshared.core.paths import Paths
from skillshared.store.locking import exclusive
from tests.conftest import DaemonStarter, Run, make_skill, run_cli_process, wait_for, write_config


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    target = home / ".claude/skills"
    write_config(home, f"source: {source}\ntargets:\n  claude: {{path: {target}}}\n"
                 "daemon:\n  debounce_ms: 20\n")
    make_skill(source, "alpha")
    return {"source": source, "target": target}


def shells(isolated: Path) -> dict[str, dict[str, str]]:
    """The environments of several shells of the same user (same HOME)."""
    login = dict(os.environ)  # XDG_RUNTIME_DIR set, as in a systemd login session
    plain = {k: v for k, v in login.items() if k != "XDG_RUNTIME_DIR"}  # su, cron, ssh
    return {
        "login": login,
        "no runtime dir": plain,
        "other state dir": {**plain, "XDG_STATE_HOME": str(isolated / "state2")},
        "own socket": {**login, "SKILLSHARE_SOCKET": str(isolated / "sockets/mine.sock")},
    }


def cli(env: dict[str, str], *argv: str) -> Run:
    return run_cli_process(*argv, env=env)


def test_a_second_daemon_from_another_environment_is_refused(world: dict[str, Path],
                                                             daemon: DaemonStarter,
                                                             isolated: Path) -> None:
    first = daemon()
    for name, env in shells(isolated).items():
        proc = subprocess.Popen([sys.executable, "-m", "skillshared.daemon"], env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError(f"a second daemon runs beside the first ({name})") from None
        assert proc.returncode == 1, (name, err)
        assert f"another skillshared is already running (pid {first.proc.pid})" in err, name
    assert first.ask("ping")["pid"] == first.proc.pid


def test_the_cli_of_any_shell_finds_the_daemon(world: dict[str, Path], daemon: DaemonStarter,
                                               isolated: Path) -> None:
    d = daemon()
    envs = shells(isolated)
    for name, env in envs.items():
        status = cli(env, "status", "--json")
        assert status.code == 0, (name, status.err)
        assert status.json()["daemon"]["pid"] == d.proc.pid, name
        assert cli(env, "daemon", "status", "--json").json()["pid"] == d.proc.pid, name
        again = cli(env, "daemon", "start", "--json")
        assert again.code == 0 and again.json()["already_running"] is True, name
        assert again.json()["pid"] == d.proc.pid, name
        logs = cli(env, "daemon", "logs", "--json")
        assert logs.code == 0, (name, logs.err)  # the daemon's own log, wherever it is
        make_skill(world["source"], f"skill-{len(name)}-{name[:3]}")
        assert cli(env, "sync").code == 0, name
    # stop from one shell, start from another, then every shell finds the new one
    stopped = cli(envs["no runtime dir"], "daemon", "stop", "--json")
    assert stopped.code == 0 and stopped.json()["pid"] == d.proc.pid
    d.proc.wait(30)
    started = cli(envs["other state dir"], "daemon", "start", "--json")
    assert started.code == 0, started.err
    try:
        pid = started.json()["pid"]
        assert started.json()["socket"] == str(isolated / "state2/skillshare/skillshared.sock")
        for name, env in envs.items():
            assert cli(env, "daemon", "status", "--json").json()["pid"] == pid, name
        restarted = cli(envs["login"], "daemon", "restart", "--json")
        assert restarted.code == 0 and restarted.json()["old_pid"] == pid, restarted.err
    finally:
        assert cli(envs["own socket"], "daemon", "stop").code == 0
    # what a stopped daemon left in its lock is never read: no waiting, no exit 3
    assert Paths.from_env().daemon_lock.read_text().count("\n") == 2
    slow = {**envs["no runtime dir"], "SKILLSHARE_DAEMON_TIMEOUT": "60"}
    for env in (slow, {**envs["login"], "SKILLSHARE_DAEMON_TIMEOUT": "60"}):
        result = cli(env, "status", "--json")
        assert result.code == 0 and result.json()["daemon"]["running"] is False


def _holds_open(pid: int, path: Path) -> bool:
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path):
                return True
        except OSError:
            continue
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_an_in_process_run_from_another_shell_waits_for_the_same_ops_lock(
        world: dict[str, Path], isolated: Path) -> None:
    """A CLI without XDG_RUNTIME_DIR running in-process, while a process started with it (a
    daemon's worker) holds ops.lock: it waits, then runs."""
    envs = shells(isolated)
    lock = Paths.from_env().ops_lock  # as the login shell's daemon sees it
    with exclusive(lock):
        proc = subprocess.Popen([sys.executable, "-m", "skillshare", "sync", "--no-daemon"],
                                env=envs["no runtime dir"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: _holds_open(proc.pid, lock) or proc.poll() is not None,
                     what="the CLI to wait on ops.lock")
            assert proc.poll() is None, proc.communicate()
            assert not os.path.lexists(world["target"] / "alpha")  # nothing ran beside us
        except BaseException:
            proc.kill()
            proc.communicate()
            raise
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert (world["target"] / "alpha").is_symlink()
