"""Git run safely: no prompts, time limits that kill the whole process group, URLs that are
options refused before git runs. Remotes are local: bare repositories, and sockets that
accept a connection and then never answer, or answer with a password request."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from skillshared.core.errors import UsageError
from skillshared.git import gitops
from tests.conftest import wait_for


@pytest.mark.parametrize("url", [
    "--upload-pack=touch /tmp/pwned", "-oProxyCommand=touch x", "ext::sh -c touch% /tmp/x",
    "fd::17", "EXT::sh", "https://host/repo\nrm", " https://host/repo", "",
    "ftp://host/repo", "user@host:--upload-pack=x", "https://host/re po",
])
def test_urls_that_are_options_or_odd_transports_are_refused(url: str) -> None:
    with pytest.raises(UsageError, match="invalid repository address"):
        gitops.check_url(url)


@pytest.mark.parametrize("url", [
    "https://github.com/team/skills", "http://localhost:8080/r.git", "ssh://git@host/o/r.git",
    "git://host/r", "file:///srv/git/skills.git", "git@github.com:team/skills.git",
    "/home/me/skills", "../skills", "github.com/team/skills",
])
def test_ordinary_addresses_pass(url: str) -> None:
    assert gitops.check_url(url) == url


def test_a_local_bare_remote_works(tmp_path: Path) -> None:
    bare = tmp_path / "remote.git"
    gitops.run(["init", "--bare", "-q", str(bare)], env=os.environ)
    result = gitops.run(["ls-remote", "--", f"file://{bare}"], env=os.environ,
                        timeout=gitops.NETWORK_TIMEOUT)
    assert result.code == 0 and result.out == ""


def test_a_failing_command_says_why(tmp_path: Path) -> None:
    with pytest.raises(gitops.GitError, match="git rev-parse failed: fatal: not a git"):
        gitops.run(["rev-parse", "HEAD"], cwd=str(tmp_path), env=os.environ)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in held:
        conn.close()
    server.close()


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes in the process group ``pgid``, from /proc."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry))
    return members


def _group_gone(pgid: int) -> bool:
    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc to see process groups")
    return bool(wait_for(lambda: not _group_members(pgid), 5, "the process group to go"))


def test_a_remote_that_never_answers_is_stopped_with_its_process_group(
        silent_server: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[int] = []
    real_popen = subprocess.Popen

    def recording(*args: Any, **kwargs: Any) -> Any:
        proc = real_popen(*args, **kwargs)
        started.append(proc.pid)
        return proc

    monkeypatch.setattr("skillshared.git.gitops.subprocess.Popen", recording)
    began = time.monotonic()
    with pytest.raises(gitops.GitTimeout, match="did not finish within 1 s"):
        gitops.run(["ls-remote", "--", f"http://127.0.0.1:{silent_server}/repo.git"],
                   env=os.environ, timeout=1.0)
    assert time.monotonic() - began < 10
    assert started and _group_gone(started[0])  # git and its remote helper: all gone
    with pytest.raises(gitops.GitTimeout):
        gitops.run(["clone", "-q", "--", f"git://127.0.0.1:{silent_server}/repo.git",
                    str(tmp_path / "clone")], env=os.environ, timeout=1.0)
    assert _group_gone(started[-1])


class _AsksForPassword(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="private"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_remote_that_asks_for_a_password_fails_at_once() -> None:
    server = HTTPServer(("127.0.0.1", 0), _AsksForPassword)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        began = time.monotonic()
        with pytest.raises(gitops.GitError) as caught:
            gitops.run(["ls-remote", "--", f"http://127.0.0.1:{server.server_port}/r.git"],
                       env=os.environ, timeout=30)
        assert not isinstance(caught.value, gitops.GitTimeout)
        assert time.monotonic() - began < 20
        assert "could not read Username" in caught.value.message or "terminal prompts" in (
            caught.value.message)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_many_pulls_leak_no_files_or_processes(tmp_path: Path) -> None:
    """200 fetches in one process: open files and child processes stay flat."""
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("needs /proc to count open files")
    bare = tmp_path / "remote.git"
    gitops.run(["init", "--bare", "-q", str(bare)], env=os.environ)
    work = tmp_path / "work"
    gitops.run(["clone", "-q", "--", f"file://{bare}", str(work)], env=os.environ,
               timeout=gitops.NETWORK_TIMEOUT)

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    gitops.run(["fetch", "-q", "origin"], cwd=str(work), env=os.environ)
    before = open_files()
    for _ in range(200):
        gitops.run(["fetch", "-q", "origin"], cwd=str(work), env=os.environ,
                   timeout=gitops.NETWORK_TIMEOUT)
    assert open_files() == before
    children = [p for p in os.listdir("/proc") if p.isdigit()
                and _parent(int(p)) == os.getpid()]
    assert children == []


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return int(handle.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None
