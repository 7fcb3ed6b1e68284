"""The dashboard's HTTP server: the standard library's threaded server on 127.0.0.1, one
thread per connection (at most :data:`MAX_CONNECTIONS`, streams at most
:data:`MAX_STREAMS`), every request checked by the :class:`~skillshared.web.guard.Guard`
before anything else is looked at.

Routes: ``/login`` (the one-time token for a session cookie), ``/`` and ``/static/...``
(the page, shipped with the package), ``/api/session``, ``/api/status``, ``/api/catalog``,
``/api/backups``, ``/api/events`` (Server-Sent Events) and ``POST /api/actions/<name>``.
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from skillshared.core import protocol
from skillshared.core.errors import ConfigError, NotFoundError, SkillshareError, UsageError
from skillshared.web import actions
from skillshared.web.guard import CSRF_HEADER, Guard, Refused, Session, set_cookie
from skillshared.web.hub import Hub

MAX_CONNECTIONS = 64
MAX_STREAMS = 16
MAX_BODY = 64 * 1024
KEEPALIVE = 15.0  # seconds between a stream's keep-alive comments
LOOK = 1.0  # seconds between looks at whether a quiet stream's reader went away
STATIC = Path(__file__).parent / "static"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
         ".json": "application/json", ".txt": "text/plain; charset=utf-8"}
SECURITY = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
                               "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY", "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Resource-Policy": "same-origin",
}
SIGN_IN = ("<!doctype html><meta charset=utf-8><title>skillshare</title><h1>{title}</h1>"
           "<p>{text}</p>")

Run = Callable[[str, "dict[str, Any]"], "dict[str, Any]"]
OnError = Callable[[str, BaseException], None]  # (what failed, the exception): for the log


class App:
    """What the handlers share: the guard, the event hub, how to run a command."""

    def __init__(self, guard: Guard, hub: Hub, run: Run, version: str, home: str,
                 on_error: OnError = lambda what, exc: None) -> None:
        self.guard = guard
        self.hub = hub
        self.run = run
        self.on_error = on_error
        self.version = version
        self.home = home  # (the page shows paths under it as ~/...)
        self.streams = 0
        self.lock = threading.Condition()  # guards (and signals a change of) ``streams``
        self.files = {f"/static/{p.relative_to(STATIC).as_posix()}": p
                      for p in STATIC.rglob("*") if p.is_file() and p.suffix in TYPES}
        if (STATIC / "index.html").is_file():
            self.files["/"] = STATIC / "index.html"


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: App

    def __init__(self, port: int, app: App) -> None:
        self.app = app
        self._open = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(("127.0.0.1", port), Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._open.acquire(blocking=False):
            self.shutdown_request(request)  # too many at once: refused, nothing read
            return
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A connection that failed outside the handlers' own care: logged, not printed."""
        self.app.on_error("connection", sys.exc_info()[1] or RuntimeError("unknown"))

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._open.release()


class Handler(BaseHTTPRequestHandler):
    server: Server
    timeout = 10  # seconds to send a request (and for each write to a slow reader)
    server_version = "skillshared"
    sys_version = ""
    default_request_version = "HTTP/1.0"  # a malformed request's error has headers too

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are not logged (the daemon's log says what commands did)

    # -- replies --------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, kind: str,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in {**SECURITY, "Content-Type": kind,
                           "Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, protocol.encode(data), "application/json")

    def _error(self, status: int, message: str, code: str = "refused",
               hint: str | None = None) -> None:
        if self.path.startswith("/api/") or self.command == "POST":
            self._json(status, {"ok": False, "error": {"code": code, "message": message,
                                                        "hint": hint}})
        else:
            page = SIGN_IN.format(title="skillshare dashboard", text=_html(message))
            self._send(status, page.encode(), "text/html; charset=utf-8")

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        """The server's own errors (a malformed request line, say): with our headers."""
        self.close_connection = True
        self._send(code, f"{code} {message or ''}\n".encode(errors="replace"),
                   "text/plain; charset=utf-8")

    # -- methods --------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._handle(self._get)

    def do_POST(self) -> None:
        self._handle(self._post)

    def _other(self) -> None:
        self._handle(lambda _: self._error(405, f"{self.command} is not served here",
                                           "method"))

    do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _other

    def _handle(self, serve: Callable[[Session], None]) -> None:
        app = self.server.app
        try:
            app.guard.check_host(self.headers.get("Host"))
            url = urlsplit(self.path)
            if url.path == "/login" and self.command == "GET":
                token = parse_qs(url.query).get("token", [None])[0]
                value = app.guard.exchange(token)
                self._send(303, b"", "text/plain", {"Location": "/",
                                                     "Set-Cookie": set_cookie(value)})
                return
            session = app.guard.session(self.headers.get("Cookie"))
            serve(session)
        except Refused as refused:
            self._error(refused.status, refused.message)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # a bug: said to the page and logged, the server goes on
            app.on_error(f"{self.command} {urlsplit(self.path).path}", exc)
            self.close_connection = True
            self._error(500, f"internal error: {type(exc).__name__}: {exc}", "internal",
                        hint="this is a bug; see `skillshare daemon logs`")

    def _get(self, session: Session) -> None:
        app = self.server.app
        url = urlsplit(self.path)
        path = url.path
        query = parse_qs(url.query)
        if path in app.files:
            file = app.files[path]
            self._send(200, file.read_bytes(), TYPES[file.suffix])
        elif path == "/api/session":
            # the key, to the page that signs in (once), or to one that shows it has it
            sent = self.headers.get(CSRF_HEADER)
            if not app.guard.has_key(sent, session) and not app.guard.hand_out(session):
                app.guard.check_key(sent, session)  # (refused)
            self._json(200, {"csrf": session.csrf, "version": app.version,
                             "port": app.guard.port, "home": app.home})
        elif path == "/api/events":
            app.guard.check_key(self.headers.get(CSRF_HEADER)
                                or query.get("csrf", [None])[0], session)
            self._stream()
        elif path in ("/api/status", "/api/catalog", "/api/backups"):
            app.guard.check_key(self.headers.get(CSRF_HEADER), session)
            tool = query.get("tool", [None])[0]
            reads: dict[str, tuple[str, dict[str, Any]]] = {
                "/api/status": ("status", {}),
                "/api/catalog": ("catalog", {"tool": tool} if tool else {}),
                "/api/backups": ("backup", {"list": True})}
            self._command(*reads[path], lambda result: result)
        else:
            self._error(404, f"nothing is served at {path}", "not_found")

    def _post(self, session: Session) -> None:
        app = self.server.app
        path = urlsplit(self.path).path
        if not path.startswith("/api/actions/"):
            self._error(405 if path in app.files or path.startswith("/api/") else 404,
                        f"nothing to POST at {path}", "method")
            return
        app.guard.check_action(self.headers, session)
        body = self._body()
        if body is None:
            return
        action = path.removeprefix("/api/actions/")
        try:
            cmd, args = actions.command(action, body)
        except SkillshareError as exc:
            self._json(_status(exc), {"ok": False, "error": _said(exc)})
            return
        self._command(cmd, args, lambda result: {"ok": True, "action": action,
                                                 "dry_run": body["dry_run"], "result": result})

    def _body(self) -> Any:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._error(411, "an action needs a Content-Length", "length")
            return None
        if int(length) > MAX_BODY:
            self.close_connection = True
            self._error(413, f"an action's body is at most {MAX_BODY} bytes", "too_large")
            return None
        try:
            return json.loads(self.rfile.read(int(length)))
        except (ValueError, UnicodeDecodeError) as exc:
            self._error(400, f"the body is not JSON: {exc}", "bad_json")
            return None

    def _command(self, cmd: str, args: dict[str, Any],
                 wrap: Callable[[dict[str, Any]], Any]) -> None:
        try:
            result = self.server.app.run(cmd, args)
        except SkillshareError as exc:
            self._json(_status(exc), {"ok": False, "error": _said(exc)})
            return
        self._json(200, wrap(result))

    # -- the event stream -----------------------------------------------------------------
    def _stream(self) -> None:
        app = self.server.app
        with app.lock:
            if app.streams >= MAX_STREAMS:
                self._error(503, f"at most {MAX_STREAMS} event streams are served at once",
                            "busy")
                return
            app.streams += 1
        try:
            self.send_response(200)
            for key, value in {**SECURITY, "Content-Type": "text/event-stream",
                               "X-Accel-Buffering": "no"}.items():
                self.send_header(key, value)
            self.end_headers()
            self.close_connection = True
            last = app.hub.generation
            self._event("hello", {"generation": last})
            quiet = 0.0
            while True:
                events = app.hub.wait(last, LOOK)
                if events is None:
                    self._event("bye", {})
                    return
                for event in events:
                    self._event(event.name, event.data)
                    last = event.seq
                quiet = 0.0 if events else quiet + LOOK
                if quiet >= KEEPALIVE:
                    quiet = 0.0
                    self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                if not events and _closed(self.connection):
                    return
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            return  # the page went away
        finally:
            with app.lock:
                app.streams -= 1
                app.lock.notify_all()

    def _event(self, name: str, data: dict[str, Any]) -> None:
        line = protocol.encode(data).rstrip(b"\n")
        self.wfile.write(b"event: " + name.encode() + b"\ndata: " + line + b"\n\n")
        self.wfile.flush()


def _closed(sock: socket.socket) -> bool:
    """Whether the other end closed (a stream's reader sends nothing after its request)."""
    try:
        ready, _, _ = select.select([sock], [], [], 0)
        return bool(ready) and not sock.recv(1, socket.MSG_PEEK)
    except OSError:
        return True


def _status(exc: SkillshareError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, UsageError | ConfigError | protocol.ProtocolError):
        return 400
    return 409


def _said(exc: SkillshareError) -> dict[str, Any]:
    return {"code": exc.code, "message": exc.message, "hint": exc.hint,
            "details": exc.details}


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
