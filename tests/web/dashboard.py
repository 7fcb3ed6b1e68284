"""Helpers of the dashboard's tests: a daemon with a small world, the dashboard served on a
free port, and plain HTTP requests whose every header the test chooses."""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.conftest import Daemon, DaemonStarter, make_skill, write_config


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Web:
    """A dashboard served by ``daemon`` on ``port``, signed in with ``cookie``."""
    daemon: Daemon
    port: int
    cookie: str = ""
    csrf: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                body: bytes | None = None, host: str | None = "default",
                cookie: bool = True, key: bool = True) -> Reply:
        """``cookie``, ``key``: send the session's cookie, and its key in the header (once
        signed in)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            if host is not None:
                conn.putheader("Host", f"127.0.0.1:{self.port}" if host == "default" else host)
            if cookie and self.cookie:
                conn.putheader("Cookie", self.cookie)
            if key and self.csrf and "X-Skillshare-CSRF" not in (headers or {}):
                conn.putheader("X-Skillshare-CSRF", self.csrf)
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            res = conn.getresponse()
            return Reply(res.status, {k.lower(): v for k, v in res.getheaders()}, res.read())
        finally:
            conn.close()

    def get(self, path: str, **kw: Any) -> Reply:
        return self.request("GET", path, **kw)

    def action(self, name: str, body: dict[str, Any], headers: dict[str, str] | None = None
               ) -> Reply:
        sent = {"Content-Type": "application/json", "X-Skillshare-CSRF": self.csrf,
                "Origin": self.origin, "Sec-Fetch-Site": "same-origin", **(headers or {})}
        return self.request("POST", f"/api/actions/{name}", {
            k: v for k, v in sent.items() if v is not None}, json.dumps(body).encode(),
            key=False)

    def sign_in(self) -> Web:
        token = self.extra["login_url"].split("token=", 1)[1]
        reply = self.get(f"/login?token={token}", cookie=False)
        assert reply.status == 303, reply
        self.cookie = reply.headers["set-cookie"].split(";", 1)[0]
        self.csrf = self.get("/api/session").json()["csrf"]
        return self


def world(home: Path, source: Path) -> None:
    """Two targets: claude, and cursor (which also reads ~/.claude/skills)."""
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {home / '.claude/skills'}}}\n"
                 f"  cursor: {{path: {home / '.cursor/skills'}}}\n")
    make_skill(source, "alpha")
    make_skill(source, "beta")


def serve(daemon: DaemonStarter, port: int = 0) -> Web:
    d = daemon()
    reply = d.ask("ui", {"action": "start", "port": port})
    return Web(d, reply["port"], extra=reply)


class Stream:
    """A raw event-stream connection (so a test can hold it open and read it line by line)."""

    def __init__(self, web: Web, key: str | None = None) -> None:
        """``key``: the key sent (in the address, as a page's EventSource does): the
        session's unless given."""
        self.sock = socket.create_connection(("127.0.0.1", web.port), timeout=30)
        sent = web.csrf if key is None else key
        self.sock.sendall(f"GET /api/events?csrf={sent} HTTP/1.1\r\n"
                          f"Host: 127.0.0.1:{web.port}\r\n"
                          f"Cookie: {web.cookie}\r\n\r\n".encode())
        self.file = self.sock.makefile("rb")
        self.status = self.file.readline().decode()
        while self.file.readline() not in (b"\r\n", b"\n", b""):
            pass  # the headers

    def next(self) -> tuple[str, dict[str, Any]] | None:
        """The next event (keep-alive comments skipped); None when the stream ended."""
        name, data = "", ""
        for raw in self.file:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and name:
                return name, json.loads(data)
        return None

    def until(self, wanted: str, test: Any = lambda data: True) -> dict[str, Any]:
        while (event := self.next()) is not None:
            if event[0] == wanted and test(event[1]):
                return event[1]
        raise AssertionError(f"the stream ended before a {wanted!r} event")

    def close(self) -> None:
        self.file.close()
        self.sock.close()
