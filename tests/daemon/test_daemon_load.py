"""Many clients at once: every connection is queued and served in turn (the limits are memory
and time, not a small count), silent or slow clients are cut off at their deadline without
holding anyone up, and beyond the cap a client is told `daemon_busy` and asks again."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillshared.core import client, protocol
from skillshared.core.errors import DaemonUnresponsiveError
from skillshared.core.locations import Locations
from skillshared.daemon.connections import REQUEST_DEADLINE
from skillshared.daemon.server import MAX_CONNECTIONS
from tests.conftest import DaemonStarter, make_skill, wait_for, write_config


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    target = home / ".claude/skills"
    write_config(home, f"source: {source}\ntargets:\n  claude: {{path: {target}}}\n"
                 "daemon:\n  debounce_ms: 20\n")
    for i in range(20):
        make_skill(source, f"skill-{i:02d}")
    return {"source": source, "target": target}


def connect(path: Path, timeout: float = 30) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(timeout)
    with protocol.short_address(path) as address:
        sock.connect(address)
    return sock


def read_all(sock: socket.socket) -> list[dict[str, Any]]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return [json.loads(line) for line in data.splitlines()]


@contextlib.contextmanager
def open_files(wanted: int) -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        pytest.skip(f"needs {wanted} open files (the hard limit is {hard})")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


REQUESTS = [("ping", {}), ("daemon", {"action": "status"}), ("status", {}), ("list", {}),
            ("diff", {}), ("sync", {})]


def test_200_simultaneous_clients_are_all_answered(world: dict[str, Path],
                                                  daemon: DaemonStarter) -> None:
    d = daemon()
    count = 200
    together = threading.Barrier(count)
    replies: list[Any] = [None] * count

    def one(i: int) -> None:
        cmd, args = REQUESTS[i % len(REQUESTS)]
        try:
            with connect(d.paths.socket, timeout=120) as sock:
                together.wait(60)  # all 200 connected before any sends its request
                sock.sendall(protocol.request(f"r{i}", cmd, {**args, "cwd": str(d.root)}))
                sock.shutdown(socket.SHUT_WR)
                replies[i] = read_all(sock)
        except Exception as exc:
            together.abort()
            replies[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    failed = [(i, r) for i, r in enumerate(replies)
              if not isinstance(r, list) or r[-1].get("ok") is not True]
    assert not failed, failed[:5]
    for i, lines in enumerate(replies):
        assert [line.get("event") for line in lines[:-1]] == ["accepted"], lines
        assert lines[-1]["id"] == f"r{i}"
    assert d.status()["running"] is True
    assert (world["target"] / "skill-00").is_symlink()


def test_silent_and_non_reading_clients_hold_nobody_up(world: dict[str, Path],
                                                       daemon: DaemonStarter) -> None:
    d = daemon()
    where = d.paths.where
    silent = [connect(d.paths.socket) for _ in range(100)]  # connect, say nothing
    deaf = []  # ask, never read the answer
    for _ in range(50):
        sock = connect(d.paths.socket)
        sock.sendall(protocol.request("x", "status", {"cwd": str(d.root)}))
        deaf.append(sock)
    try:
        pong = client.ask_daemon("ping", {}, where, timeout=REQUEST_DEADLINE / 2)
        assert pong is not None and pong["pid"] == d.proc.pid
        status = client.ask_daemon("daemon", {"action": "status"}, where)
        assert status is not None and status["server"]["connections"] >= 100
        result = client.ask_daemon("sync", {"cwd": str(d.root)}, where)
        assert result is not None and result["summary"]["failed"] == 0
        # the silent ones are told, at their deadline, and let go
        for sock in silent:
            reply = read_all(sock)
            assert "not received within" in reply[-1]["error"]["message"]
    finally:
        for sock in silent + deaf:
            sock.close()
    wait_for(lambda: d.status()["server"]["connections"] <= 1, what="the connections to go")


def test_a_burst_of_connections_while_the_daemon_is_paused_waits_in_the_backlog(
        world: dict[str, Path], daemon: DaemonStarter) -> None:
    """More clients than the old listen() backlog of 64 connect while the daemon cannot
    accept (stopped with SIGSTOP): every connect succeeds, and all are answered."""
    d = daemon()
    socks: list[socket.socket] = []
    os.kill(d.proc.pid, signal.SIGSTOP)
    try:
        for _ in range(300):
            socks.append(connect(d.paths.socket, timeout=5))
    finally:
        os.kill(d.proc.pid, signal.SIGCONT)
    try:
        for i, sock in enumerate(socks):
            sock.sendall(protocol.request(f"p{i}", "ping", {}))
        for i, sock in enumerate(socks):
            reply = read_all(sock)
            assert reply[-1]["ok"] is True and reply[-1]["id"] == f"p{i}", reply
    finally:
        for sock in socks:
            sock.close()


def test_beyond_the_cap_a_client_is_told_busy_and_asks_again(world: dict[str, Path],
                                                             daemon: DaemonStarter) -> None:
    with open_files(MAX_CONNECTIONS + 1024):
        d = daemon()
        held: list[socket.socket] = []
        try:
            for _ in range(MAX_CONNECTIONS):
                held.append(connect(d.paths.socket))
            extra = connect(d.paths.socket)  # accepted after all of them: one too many
            with extra:
                reply = read_all(extra)
            assert reply[-1]["ok"] is False
            assert reply[-1]["error"]["code"] == protocol.BUSY
            assert "try again" in reply[-1]["error"]["hint"]
            # the client asks again until the held ones are let go (their deadline)
            answer = client.ask_daemon("ping", {}, d.paths.where, timeout=REQUEST_DEADLINE * 4)
            assert answer is not None and answer["pid"] == d.proc.pid
        finally:
            for sock in held:
                sock.close()
        assert d.status()["server"]["busy_refusals"] >= 1


def test_a_full_backlog_is_exit_3_not_a_connection_error(tmp_path: Path,
                                                         home: Path) -> None:
    """A listening socket whose backlog is full (a daemon that cannot accept): the client
    keeps trying until its deadline, then says the daemon is too busy (exit 3)."""
    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        server.listen(0)
        queued = []
        with contextlib.suppress(BlockingIOError, TimeoutError):
            for _ in range(10):
                sock = socket.socket(socket.AF_UNIX)
                sock.setblocking(False)
                queued.append(sock)
                sock.connect(str(path))
        try:
            where = Locations.from_env({**os.environ, "SKILLSHARE_SOCKET": str(path)})
            with pytest.raises(DaemonUnresponsiveError) as info:
                client.ask_daemon("ping", {}, where, timeout=0.5)
            assert "too busy" in info.value.message
            assert info.value.exit_code == 3
        finally:
            for sock in queued:
                sock.close()
