"""The dashboard as the daemon holds it: started on a port when ``skillshare ui`` asks,
moved when asked for another port, stopped by ``skillshare ui stop`` or with the daemon.
Each start hands out a new one-time sign-in token."""

from __future__ import annotations

import errno
import threading
from typing import Any

from skillshared.core import timefmt
from skillshared.core.errors import SkillshareError, UsageError
from skillshared.core.results_daemon import UiServed
from skillshared.web.guard import TOKEN_TTL, Guard
from skillshared.web.httpd import App, OnError, Run, Server
from skillshared.web.hub import Hub

DEFAULT_PORT = 19420  # the original's
STOP_WAIT = 3.0  # seconds for open streams to say goodbye at a stop


class PortInUseError(SkillshareError):
    code = "port_in_use"


class Dashboard:
    def __init__(self, run: Run, version: str, home: str,
                 on_error: OnError = lambda what, exc: None) -> None:
        self._run = run
        self._on_error = on_error
        self._version = version
        self._home = home
        self._lock = threading.Lock()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._since = ""

    # -- the socket's `ui` ----------------------------------------------------------------
    def start(self, port: int | None) -> dict[str, Any]:
        want = DEFAULT_PORT if port is None else _port(port)
        with self._lock:
            server = self._server
            already = server is not None and (port is None or want in (0, server.app.guard.port))
            if not already:
                fresh = self._bind(want)  # the old one serves until the new one is bound
                self._stop_locked()
                self._serve(fresh)
            assert self._server is not None
            app = self._server.app
            token = app.guard.issue_token()
        served = self.status()
        assert served is not None
        return {"served": True, **served, "already": already,
                "login_url": f"{served['url']}login?token={token}",
                "token_expires_s": int(TOKEN_TTL)}

    def stop(self) -> dict[str, Any]:
        with self._lock:
            url = self._url()
            was = self._stop_locked()
        return {"served": False, "was_served": was, "url": url}

    def status(self) -> UiServed | None:
        server = self._server
        if server is None:
            return None
        app = server.app
        return {"url": f"http://127.0.0.1:{app.guard.port}/", "port": app.guard.port,
                "since": self._since, "sessions": app.guard.sessions, "streams": app.streams}

    def publish(self, name: str, data: dict[str, Any]) -> None:
        server = self._server
        if server is not None:
            server.app.hub.publish(name, data)

    # -- serving --------------------------------------------------------------------------
    def _bind(self, port: int) -> Server:
        app = App(Guard(port), Hub(), self._run, self._version, self._home,
                  self._on_error)
        try:
            server = Server(port, app)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUseError(f"port {port} on 127.0.0.1 is taken by another program",
                                     hint="choose another: `skillshare ui --port N` (0: any "
                                          "free port)") from None
            raise SkillshareError(f"cannot serve the dashboard on port {port}: "
                                  f"{exc.strerror or exc}") from None
        app.guard.port = server.server_address[1]
        return server

    def _serve(self, server: Server) -> None:
        self._server = server
        self._since = timefmt.now()
        self._thread = threading.Thread(target=server.serve_forever, args=(0.2,),
                                        name="dashboard", daemon=True)
        self._thread.start()

    def _stop_locked(self) -> bool:
        server, thread = self._server, self._thread
        if server is None:
            return False
        self._server = self._thread = None
        server.app.hub.close()  # every stream says goodbye and returns
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(STOP_WAIT)
        with server.app.lock:
            server.app.lock.wait_for(lambda: not server.app.streams, STOP_WAIT)
        return True

    def _url(self) -> str | None:
        served = self.status()
        return served["url"] if served else None


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 65535:
        raise UsageError(f"the port must be a number from 0 to 65535 (got {value!r})",
                         hint="0 picks any free port")
    return value
