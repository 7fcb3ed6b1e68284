"""Run the crash harness (tests/crash_harness.py) many times in one test, quickly.

``run(point, argv, env)`` is ``subprocess.run([python, crash_harness.py, point, *argv])``
with its output captured as text, but each run is a child forked from one harness process
that has already loaded the code (``--serve``), so a test that kills a command at each of
its 80 changes does not start Python and import everything 80 times. The child is a process
of its own all the same: it dies at its point with nothing cleaned up, as one started anew
would. The server of a test is stopped when the test ends (``stop``, from tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

HARNESS = Path(__file__).with_name("crash_harness.py")
_servers: list[subprocess.Popen[bytes]] = []


def run(point: int | str, argv: Sequence[str], env: Mapping[str, str] | None = None,
        timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    """Run ``skillshare argv`` under the harness (crash or fail at ``point``) in ``env``
    (default: this process's environment) and this working folder."""
    server = _server()
    request = {"argv": [str(point), *argv], "env": dict(env or os.environ), "cwd": os.getcwd()}
    assert server.stdin is not None and server.stdout is not None
    server.stdin.write(json.dumps(request).encode() + b"\n")
    server.stdin.flush()
    deadline = time.monotonic() + timeout
    args = [sys.executable, str(HARNESS), *request["argv"]]
    try:
        head = json.loads(_read(server.stdout, None, deadline))
        out, err = (_read(server.stdout, head[key], deadline) for key in ("out", "err"))
    except TimeoutError:
        os.killpg(server.pid, signal.SIGKILL)  # the server, the child and what it started
        stop()
        raise subprocess.TimeoutExpired(args, timeout) from None
    return subprocess.CompletedProcess(args, head["code"], _text(out), _text(err))


def stop() -> None:
    """End this test's harness server (and anything it left running)."""
    while _servers:
        server = _servers.pop()
        assert server.stdin is not None
        server.stdin.close()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(10)
        assert server.stdout is not None
        server.stdout.close()


def _server() -> subprocess.Popen[bytes]:
    if _servers and _servers[0].poll() is None:
        return _servers[0]
    stop()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    _servers.append(subprocess.Popen([sys.executable, str(HARNESS), "--serve"], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     start_new_session=True))
    return _servers[0]


def _read(stream: IO[bytes], size: int | None, deadline: float) -> bytes:
    """A line (``size`` None) or ``size`` bytes from the server, by ``deadline`` (or
    TimeoutError)."""
    data = b""
    fd = stream.fileno()
    while (b"\n" not in data) if size is None else len(data) < size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise TimeoutError
        chunk = os.read(fd, 1 if size is None else size - len(data))
        if not chunk:
            raise AssertionError("the crash harness server ended")
        data += chunk
    return data


def _text(data: bytes) -> str:
    """As ``subprocess.run(..., text=True)`` decodes it (universal newlines)."""
    return data.decode().replace("\r\n", "\n").replace("\r", "\n")
