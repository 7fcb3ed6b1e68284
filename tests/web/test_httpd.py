"""The dashboard's HTTP server in this process, with a stand-in for the daemon's commands:
how command errors, bugs and malformed requests are answered."""

from __future__ import annotations

import http.client
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from skillshared.core.errors import LockedError, NotFoundError, SkillshareError, UsageError
from skillshared.web.guard import Guard
from skillshared.web.httpd import App, Server
from skillshared.web.hub import Hub
from tests.conftest import wait_for
from tests.web.dashboard import Web

# what the stand-in raises, by command or by the target named
FAILS: dict[str, BaseException] = {
    "backup": NotFoundError("no such"), "status": RuntimeError("boom"),
    "bad": UsageError("bad"), "busy": LockedError("busy"), "broken": SkillshareError("failed")}


@pytest.fixture
def served() -> Iterator[tuple[Web, list[tuple[str, BaseException]]]]:
    errors: list[tuple[str, BaseException]] = []

    def run(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        named = (args.get("targets") or args.get("target") or [""])[-1]
        fail = FAILS.get(cmd) or FAILS.get(named)
        if fail is not None:
            raise fail
        return {"cmd": cmd, "args": args}

    app = App(Guard(0), Hub(), run, "1.0", "/home/someone",
              lambda what, exc: errors.append((what, exc)))
    server = Server(0, app)
    app.guard.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,))
    thread.start()
    try:
        web = Web(None, app.guard.port,  # type: ignore[arg-type]
                  extra={"login_url": f"/login?token={app.guard.issue_token()}"})
        yield web.sign_in(), errors
    finally:
        app.hub.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_bug_is_a_500_said_and_logged(served: tuple[Web, list[Any]]) -> None:
    web, errors = served
    reply = web.get("/api/status")
    assert reply.status == 500
    error = reply.json()["error"]
    assert error["code"] == "internal" and "RuntimeError: boom" in error["message"]
    assert [(what, type(exc)) for what, exc in errors] == [("GET /api/status", RuntimeError)]
    assert web.get("/api/session").json()["home"] == "/home/someone"  # and it goes on


@pytest.mark.parametrize(("action", "body", "status", "code"), [
    ("sync", {"target": "bad"}, 400, "usage"),
    ("restore", {"target": "busy"}, 409, "locked"),
    ("collect", {"target": "broken", "skill": "b"}, 409, "error"),
])
def test_command_errors_keep_their_code(served: tuple[Web, list[Any]], action: str,
                                        body: dict[str, Any], status: int, code: str) -> None:
    web, errors = served
    reply = web.action(action, {**body, "dry_run": True})
    assert reply.status == status
    assert reply.json()["error"]["code"] == code
    assert web.get("/api/backups").status == 404
    assert errors == []


def test_what_an_action_runs(served: tuple[Web, list[Any]]) -> None:
    web, _ = served
    reply = web.action("release", {"target": "claude", "kind": "agents", "dry_run": True})
    assert reply.json()["result"] == {"cmd": "sync", "args": {
        "targets": ["agents", "claude"], "dry_run": True, "force": True}}
    accept = web.action("accept", {"skill": "x", "dry_run": True}).json()["result"]
    assert accept == {"cmd": "audit", "args": {"names": ["x"]}}
    accept = web.action("accept", {"skill": "x", "dry_run": False}).json()["result"]
    assert accept == {"cmd": "audit", "args": {"names": ["accept", "x"]}}
    reject = web.action("reject", {"skill": "x", "dry_run": False}).json()["result"]
    assert reject == {"cmd": "uninstall", "args": {"names": ["x"], "dry_run": False}}
    assert web.action("restore", {"target": "c", "kind": "extras", "dry_run": True}
                      ).status == 400
    restore = web.action("restore", {"target": "c", "force": True, "dry_run": True}).json()
    assert restore["result"]["args"] == {"target": ["c"], "from": None, "dry_run": True,
                                         "force": True}
    collect = web.action("collect", {"target": "c", "dry_run": True}).json()["result"]
    assert collect["args"] == {"targets": ["c"], "skill": [], "dry_run": True, "force": False}
    assert web.action("sync", {"target": "c", "force": True, "dry_run": True}).status == 400


def test_a_malformed_request_gets_the_same_headers(served: tuple[Web, list[Any]]) -> None:
    web, _ = served
    for sent, status in ((b"GET / HTTP/1.1\r\nX-Long: " + b"x" * 70000 + b"\r\n\r\n", 431),
                         (b"NONSENSE\r\n\r\n", 400), (b"GET / HTTP/9.9\r\n\r\n", 505)):
        with socket.create_connection(("127.0.0.1", web.port), timeout=10) as sock:
            sock.sendall(sent)
            head = sock.makefile("rb").read().decode(errors="replace")
        assert head.startswith(f"HTTP/1.0 {status}"), head[:80]
        assert "Content-Security-Policy: default-src 'none'" in head


def test_connections_beyond_the_cap_are_closed_and_idle_ones_cut_off(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from skillshared.web import httpd

    monkeypatch.setattr(httpd, "MAX_CONNECTIONS", 2)
    monkeypatch.setattr(httpd.Handler, "timeout", 60)
    app = App(Guard(0), Hub(), lambda cmd, args: {}, "1.0", "/home/someone")
    server = Server(0, app)
    port = app.guard.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,))
    thread.start()
    try:
        idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as third:
            # closed at once (two are open): no handler waits 60 s for its request
            assert third.recv(100) == b""
        for sock in idle:
            sock.close()

        def served() -> int | None:
            try:
                return Web(None, port).get("/api/session", cookie=False).status  # type: ignore[arg-type]
            except http.client.RemoteDisconnected:
                return None  # (their handlers have not seen them go yet)

        assert wait_for(served, what="a request served again") == 401
        monkeypatch.setattr(httpd.Handler, "timeout", 0.2)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as silent:
            assert silent.recv(100) == b""  # cut off at its time limit, not held open
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
