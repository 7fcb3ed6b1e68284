"""Test guards and helpers.

Every test runs with HOME, the XDG folders and the working directory inside its own temp
folder, with git's configuration pinned by the environment. A write anywhere outside the
test's temp root fails the test (an audit hook watches file creation, renames, links and
deletions), and so does a thread or child process the test leaves running.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from skillshared.core.paths import Paths, Scope
from tests import write_guard

settings.register_profile("project", database=None, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile("project")

REPO = Path(__file__).resolve().parents[1]

write_guard.install()


@pytest.fixture(autouse=True, scope="session")
def hypothesis_storage_in_temp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Hypothesis caches constants of changed source files under ``./.hypothesis``; keep that
    in the session's temp folder (the write guard would otherwise fail the test doing it)."""
    base = Path(os.path.realpath(tmp_path_factory.getbasetemp()))
    set_hypothesis_home_dir(base / "hypo")
    KNOB_LOCK[:] = [str(base.parent / "inotify-knob.lock")]
    yield
    set_hypothesis_home_dir(None)


def children() -> set[int]:
    """The child processes of this process (Linux: from /proc)."""
    pids: set[int] = set()
    for task in Path(f"/proc/{os.getpid()}/task").glob("*"):
        try:
            pids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return pids


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path / "home"
    work = tmp_path / "work"
    for folder in (home, work):
        folder.mkdir()
    for var in list(os.environ):
        if var.startswith(("SKILLSHARE_", "XDG_", "GIT_")) or var in (
                "INVOCATION_ID", "JOURNAL_STREAM", "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"):
            monkeypatch.delenv(var)
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_TERMINAL_PROMPT": "0",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(work)
    threads = set(threading.enumerate())
    started_with = children()
    write_guard.allowed[:] = [os.path.realpath(tmp_path_factory.getbasetemp()), str(tmp_path),
                              *KNOB_LOCK]
    write_guard.violations.clear()
    try:
        yield tmp_path
    finally:
        write_guard.allowed.clear()
    assert not write_guard.violations, (
        f"writes outside the test's temp folder: {write_guard.violations}")
    leaked = [t for t in threading.enumerate() if t not in threads and t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"
    stray = children() - started_with
    assert not stray, f"child processes left running: {sorted(stray)}"


@pytest.fixture(autouse=True)
def crash_server_stopped(isolated: Path) -> Iterator[None]:
    """The crash harness server a test started (tests/crash_runner.py) ends with the test."""
    yield
    runner = sys.modules.get("tests.crash_runner")
    if runner is not None:
        runner.stop()


# -- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def home(isolated: Path) -> Path:
    return isolated / "home"


@pytest.fixture
def work(isolated: Path) -> Path:
    return isolated / "work"


@pytest.fixture
def scope(home: Path) -> Scope:
    """The global scope of the test's isolated environment."""
    return Paths.from_env().global_scope()


@pytest.fixture
def project_scope(work: Path) -> Scope:
    """A project scope in the test's working folder."""
    (work / ".skillshare").mkdir()
    return Paths.from_env().project_scope()


@pytest.fixture
def source(home: Path) -> Path:
    """The default global source folder."""
    return home / ".config/skillshare/skills"


@pytest.fixture
def trash_dir(home: Path) -> Path:
    """The global trash folder."""
    return home / ".local/share/skillshare/trash"


@pytest.fixture
def configured(home: Path, source: Path) -> Path:
    """A global config with no targets and its (empty) source folder."""
    write_config(home, "source: ~/.config/skillshare/skills\ntargets: {}\n")
    source.mkdir(parents=True, exist_ok=True)
    return source


@pytest.fixture
def agents(home: Path, source: Path) -> Path:
    """A global config with claude as its target, an empty skills source, and where the
    agents source goes (not made: an install of agents makes it)."""
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    source.mkdir(parents=True)
    return home / ".config/skillshare/agents"


def make_skill(root: Path, rel: str, name: str | None = None, body: str = "instructions\n",
               frontmatter: str | None = None, files: dict[str, str] | None = None) -> Path:
    folder = root / rel
    folder.mkdir(parents=True, exist_ok=True)
    if frontmatter is None:
        frontmatter = f"name: {name or rel.rsplit('/', 1)[-1]}\ndescription: test skill\n"
    (folder / "SKILL.md").write_text(f"---\n{frontmatter}---\n{body}")
    for rel_file, text in (files or {}).items():
        path = folder / rel_file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def write_config(home: Path, text: str) -> Path:
    path = home / ".config/skillshare/config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def three_targets(home: Path, source: Path) -> dict[str, Path]:
    """A config with two merge targets (claude, cursor) and a copy target (codex), and a
    debounce of 20 ms; returns the source and each target's folder by name."""
    targets = {name: home / f".{name}/skills" for name in ("claude", "cursor", "codex")}
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {targets['claude']}}}\n"
                 f"  cursor: {{path: {targets['cursor']}}}\n"
                 f"  codex: {{path: {targets['codex']}, mode: copy}}\n"
                 "daemon:\n  debounce_ms: 20\n")
    return {"source": source, **targets}


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class CliRunner(Protocol):
    """The ``cli`` fixture: ``cli("sync", "--json")`` -> Run."""

    def __call__(self, *argv: str) -> Run: ...


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run ``skillshare`` in this process: ``cli("sync", "--json")`` -> Run."""
    from skillshare.main import main

    def run(*argv: str) -> Run:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors and --help
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def run_cli_process(*argv: str, cwd: Path | None = None,
                    env: dict[str, str] | None = None) -> Run:
    """Run ``skillshare`` in a child process (same environment as the test)."""
    proc = subprocess.run([sys.executable, "-m", "skillshare", *argv], capture_output=True,
                          text=True, cwd=cwd, env=env or dict(os.environ), timeout=120,
                          check=False)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def tree(root: Path) -> dict[str, tuple[str, str]]:
    """A snapshot of everything under ``root``: kind plus link text or content."""
    result: dict[str, tuple[str, str]] = {}
    if not os.path.lexists(root):
        return result
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                result[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                result[rel] = ("dir", "")
            else:
                result[rel] = ("file", path.read_bytes().hex())
        dirs[:] = [d for d in dirs if not (Path(folder) / d).is_symlink()]
    return result


# -- the daemon ----------------------------------------------------------------------------

KNOB_LOCK: list[str] = []  # a file every test process of this run shares (set per session)


@contextlib.contextmanager
def inotify_knob(exclusive: bool) -> Iterator[None]:
    """Daemons start holding this shared; the test that lowers the kernel's inotify queue
    (a setting of the whole machine) holds it alone, so no other daemon starts with it."""
    if not KNOB_LOCK:
        yield
        return
    import fcntl

    with open(KNOB_LOCK[0], "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


T = TypeVar("T")


def wait_for(predicate: Callable[[], T | None], timeout: float = 15.0,
             what: str = "condition") -> T:
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


class Daemon:
    """A real ``skillshared`` process in the test's isolated environment."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._proc: subprocess.Popen[bytes] | None = None
        self.stderr_file = root / "daemon.stderr"

    @property
    def proc(self) -> subprocess.Popen[bytes]:
        """The process of the last ``start``."""
        assert self._proc is not None, "the daemon was never started"
        return self._proc

    @property
    def paths(self) -> Paths:
        return Paths.from_env()

    def start(self, *args: str, wait: bool = True, knob: bool = True
              ) -> subprocess.Popen[bytes]:
        """``knob``: start while no test has the kernel's inotify queue lowered."""
        with inotify_knob(exclusive=False) if knob else contextlib.nullcontext():
            with open(self.stderr_file, "ab") as err:
                self._proc = subprocess.Popen(
                    [sys.executable, "-m", "skillshared.daemon", *args],
                    stdin=subprocess.DEVNULL, stdout=err, stderr=err, env=dict(os.environ))
            if wait:
                wait_for(self._ready, what="the daemon to answer")
        if wait:
            self.settle()
        return self.proc

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"the daemon exited with {self.proc.returncode}: "
                                 f"{self.stderr_file.read_text()}")
        try:
            return self.ask("ping") is not None
        except Exception:
            return False

    def exchange(self, payload: bytes, close_write: bool = True) -> list[dict[str, Any]]:
        """Send raw bytes on a new connection; every reply line, parsed."""
        import socket

        from skillshared.core import protocol

        with socket.socket(socket.AF_UNIX) as sock, \
                protocol.short_address(self.paths.socket) as address:
            sock.settimeout(30)
            sock.connect(address)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(payload)  # the daemon may refuse before reading everything
                if close_write:
                    sock.shutdown(socket.SHUT_WR)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        return [json.loads(line) for line in data.splitlines()]

    def ask(self, cmd: str, args: dict[str, Any] | None = None) -> Any:
        from skillshared.core import client

        return client.ask_daemon(cmd, args or {}, self.paths.where)

    def status(self) -> dict[str, Any]:
        result = self.ask("daemon", {"action": "status"})
        assert result is not None, "no daemon answers"
        return result  # type: ignore[no-any-return]

    def idle(self, after: int = -1) -> dict[str, Any] | None:
        status = self.status()
        quiet = (status["pending_events"] == 0 and status["queued"] == 0
                 and status["busy"] is None)
        return status if quiet and status["reconciles"] > after else None

    def settle(self, after: int = -1, timeout: float = 15.0) -> dict[str, Any]:
        """Wait until the daemon has reconciled (more than ``after`` passes) and is idle."""
        return wait_for(lambda: self.idle(after), timeout, "the daemon to settle")

    def reconciles(self) -> int:
        return int(self.status()["reconciles"])

    def stop(self, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        return self.proc.wait(timeout)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def log(self) -> list[dict[str, Any]]:
        path = self.paths.daemon_log
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


class DaemonStarter(Protocol):
    """The ``daemon`` fixture: ``daemon("--flag")`` starts one more daemon."""

    def __call__(self, *args: str, wait: bool = True, knob: bool = True) -> Daemon: ...


@pytest.fixture
def daemon(isolated: Path) -> Iterator[DaemonStarter]:
    """``daemon()`` starts a daemon (more calls: more daemons); all are stopped afterwards."""
    started: list[Daemon] = []

    def start(*args: str, wait: bool = True, knob: bool = True) -> Daemon:
        instance = Daemon(isolated)
        instance.start(*args, wait=wait, knob=knob)
        started.append(instance)
        return instance

    yield start
    for instance in started:
        if instance._proc is not None and instance._proc.poll() is None:
            try:
                os.kill(instance.proc.pid, signal.SIGCONT)
                instance.stop()
            except subprocess.TimeoutExpired:
                instance.kill()
