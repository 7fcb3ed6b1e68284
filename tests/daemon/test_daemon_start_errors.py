"""Every way the daemon can fail to start gives one `error: <what> (hint: <what to do>)` line
and exit 1, never a traceback; `skillshare daemon start` shows the daemon's own line."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from skillshared.core.paths import Paths
from tests.conftest import DaemonStarter, run_cli_process, wait_for, write_config

OTHER_UID = 65534  # nobody


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """``folder`` cannot be written, even by root (the immutable attribute)."""
    if os.getuid() != 0:
        folder.chmod(0o500)
        try:
            yield
        finally:
            folder.chmod(0o700)
        return
    if shutil.which("chattr") is None or subprocess.run(
            ["chattr", "+i", str(folder)], capture_output=True, check=False).returncode:
        pytest.skip("cannot make a folder unwritable for root here (chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def run_daemon(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``skillshared`` in the foreground; it must give up at once (a started daemon would
    run until the timeout)."""
    return subprocess.run([sys.executable, "-m", "skillshared.daemon"], capture_output=True,
                          text=True, env=env or dict(os.environ), timeout=60, check=False,
                          stdin=subprocess.DEVNULL)


def one_error_line(err: str) -> str:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and " (hint: " in lines[0], err
    return lines[0]


def _state(isolated: Path) -> Path:
    return Paths.from_env().lock_dir


def state_folder_is_a_file(isolated: Path) -> tuple[dict[str, str], str]:
    state = _state(isolated)
    state.parent.mkdir(parents=True)
    state.write_text("not a folder\n")
    return {}, "a file stands where a folder should be"


def state_parent_is_a_file(isolated: Path) -> tuple[dict[str, str], str]:
    state = _state(isolated)
    state.parent.parent.mkdir(parents=True)
    state.parent.write_text("not a folder\n")
    return {}, "a file stands where a folder should be"


def log_folder_is_a_file(isolated: Path) -> tuple[dict[str, str], str]:
    logs = Paths.from_env().log_dir
    logs.parent.mkdir(parents=True)
    logs.write_text("not a folder\n")
    return {}, "cannot open the daemon log"


def log_file_is_a_folder(isolated: Path) -> tuple[dict[str, str], str]:
    Paths.from_env().daemon_log.mkdir(parents=True)
    return {}, "a folder stands where a file should be"


def lock_file_is_a_folder(isolated: Path) -> tuple[dict[str, str], str]:
    Paths.from_env().daemon_lock.mkdir(parents=True)
    return {}, "cannot take the daemon lock"


def lock_file_is_a_fifo(isolated: Path) -> tuple[dict[str, str], str]:
    lock = Paths.from_env().daemon_lock
    lock.parent.mkdir(parents=True)
    os.mkfifo(lock)
    return {}, "cannot take the daemon lock"


def runtime_folder_is_a_file(isolated: Path) -> tuple[dict[str, str], str]:
    runtime = Paths.from_env().runtime_dir
    runtime.parent.mkdir(parents=True)
    runtime.write_text("not a folder\n")
    return {}, "cannot create the socket's folder"


def socket_name_too_long(isolated: Path) -> tuple[dict[str, str], str]:
    return {"SKILLSHARE_SOCKET": str(isolated / ("s" * 120 + ".sock"))}, "too long"


def socket_place_holds_a_file(isolated: Path) -> tuple[dict[str, str], str]:
    path = Paths.from_env().socket
    path.parent.mkdir(parents=True)
    path.write_text("a user's file, not a socket\n")
    return {}, "it is not a socket"


CASES: list[Callable[[Path], tuple[dict[str, str], str]]] = [
    state_folder_is_a_file, state_parent_is_a_file, log_folder_is_a_file,
    log_file_is_a_folder, lock_file_is_a_folder, lock_file_is_a_fifo,
    runtime_folder_is_a_file, socket_name_too_long, socket_place_holds_a_file,
]


def _reset(isolated: Path) -> None:
    for name in ("home", "run"):
        path = isolated / name
        if path.exists():
            shutil.rmtree(path)
    (isolated / "home").mkdir()


def test_every_start_failure_is_one_error_line_with_a_hint(isolated: Path, home: Path,
                                                          daemon: DaemonStarter) -> None:
    for case in CASES:
        _reset(isolated)
        extra, expected = case(isolated)
        result = run_daemon({**os.environ, **extra})
        assert result.returncode == 1, (case.__name__, result)
        line = one_error_line(result.stderr)
        assert expected in line, (case.__name__, line)
    # the user's file at the socket's place is still there, untouched
    assert Paths.from_env().socket.read_text() == "a user's file, not a socket\n"
    # A missing config folder is no start failure: the daemon runs, says the config is
    # missing, and loads it when it appears (a daemon started at login before `init`).
    _reset(isolated)
    assert not (home / ".config").exists()
    d = daemon()
    assert d.status()["config"]["loaded"] is False
    source = home / "src"
    (source / "alpha").mkdir(parents=True)
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\ndescription: x\n---\nbody\n")
    write_config(home, f"source: {source}\ntargets:\n  claude: {{path: {home}/t}}\n")
    wait_for(lambda: d.status()["config"]["loaded"], what="the config to be loaded")
    wait_for((home / "t/alpha").is_symlink, what="the first sync")


@pytest.mark.parametrize("case", [state_folder_is_a_file, log_folder_is_a_file,
                                  runtime_folder_is_a_file, socket_name_too_long,
                                  lock_file_is_a_folder])
def test_daemon_start_shows_the_daemons_own_error(
        isolated: Path, case: Callable[[Path], tuple[dict[str, str], str]]) -> None:
    _reset(isolated)
    extra, expected = case(isolated)
    direct = one_error_line(run_daemon({**os.environ, **extra}).stderr)
    what, _, hint = direct[len("error: "):].partition(" (hint: ")
    result = run_cli_process("daemon", "start", env={**os.environ, **extra})
    assert result.code == 1, result
    line = one_error_line(result.err)
    said = f"error: the daemon did not start: {what} (hint: {hint}"  # (text: ~/… paths)
    assert line == said.replace(f"{isolated / 'home'}/", "~/"), line
    assert expected in line and "within" not in line


def test_an_unwritable_state_folder(isolated: Path) -> None:
    state = Paths.from_env().lock_dir
    state.mkdir(parents=True)
    with unwritable(state):
        result = run_daemon()
        line = one_error_line(result.stderr)
        assert result.returncode == 1
        assert "cannot take the daemon lock" in line and "writable" in line
        started = run_cli_process("daemon", "start")
        assert started.code == 1 and "cannot take the daemon lock" in started.err
        assert "Traceback" not in started.err
    # the log folder alone
    logs = Paths.from_env().log_dir
    logs.mkdir()
    with unwritable(logs):
        result = run_daemon()
        assert result.returncode == 1
        assert "cannot open the daemon log" in one_error_line(result.stderr)


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a folder to another user")
def test_a_socket_folder_owned_by_another_user_is_refused(isolated: Path) -> None:
    runtime = Paths.from_env().runtime_dir
    runtime.mkdir(parents=True, mode=0o777)
    os.chown(runtime, OTHER_UID, OTHER_UID)
    result = run_daemon()
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert f"belongs to another user (uid {OTHER_UID})" in line
    assert not (runtime / "skillshared.sock").exists()


def test_a_socket_another_daemon_answers_on_is_not_taken(
        isolated: Path, tmp_path: Path, daemon: DaemonStarter,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A daemon that does not share our lock (another home given the same SKILLSHARE_SOCKET,
    or an older version) keeps its socket: the new one refuses to start."""
    shared = tmp_path / "shared/s.sock"
    monkeypatch.setenv("SKILLSHARE_SOCKET", str(shared))
    first = daemon()
    other_home = tmp_path / "other-home"
    other_home.mkdir()
    env = {**os.environ, "HOME": str(other_home),
           "XDG_STATE_HOME": str(other_home / ".local/state"),
           "XDG_CONFIG_HOME": str(other_home / ".config")}
    result = run_daemon(env)
    assert result.returncode == 1
    assert f"another daemon answers on {shared}" in one_error_line(result.stderr)
    assert first.ask("ping")["pid"] == first.proc.pid  # still reachable
