"""The Unix socket server (README: "The daemon"): one request per connection,
newline-delimited JSON.

The socket is 0600 in a 0700 folder, the peer's uid must be ours, a request must arrive
whole within a deadline and be at most 1 MiB, and nothing a client sends can harm the
daemon: every failure is answered with an error response, or the connection is dropped.

Every connection is accepted and served in turn. One thread (``server``) does all the
socket work without blocking: it accepts, reads each request line, answers ``accepted`` at
once and writes replies as clients read them, so a slow or silent client costs an open file
and a little memory, never a thread, and is cut off at its deadline. Requests that were read
wait in a queue for a small pool of handler threads; a mutation is handed to the worker and
holds no handler while it waits. The limits are memory and time: at most MAX_CONNECTIONS
open at once (beyond that a connection is told ``daemon_busy``, and the client asks again)
and MAX_BUFFERED bytes of request lines being read.

The socket file is set up by :mod:`skillshared.daemon.server_socket`; the reading and writing
of each connection is :mod:`skillshared.daemon.connections`.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import os
import queue
import selectors
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from skillshared.core import progress, protocol
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths
from skillshared.core.results_daemon import ServerState
from skillshared.daemon import logs, server_socket
from skillshared.daemon.connections import REQUEST_DEADLINE, Conn, Connections
from skillshared.daemon.server_socket import peer_uid

MAX_CONNECTIONS = 4096  # open at once (each is a file descriptor and a few kB)
HANDLERS = 8  # threads that run requests (reads; a mutation only waits in the worker)
CLOSE_GRACE = 5.0  # seconds at shutdown to deliver the replies of requests already read

Handler = Callable[[protocol.Request], "dict[str, Any] | Future[dict[str, Any]]"]


class PermissionDeniedError(SkillshareError):
    code = "permission_denied"


class InternalError(SkillshareError):
    code = "internal"


class Server(Connections):
    def __init__(self, paths: Paths, handle: Handler,
                 on_failure: Callable[[], None] = lambda: None) -> None:
        self.paths = paths
        self.handle = handle
        self.on_failure = on_failure  # the loop died: the daemon stops (and is restarted)
        super().__init__(logs.get("server"))
        self._sock: socket.socket | None = None
        self._ident: tuple[int, int] | None = None
        self._thread = threading.Thread(target=self._loop, name="server", daemon=True)
        self._ids = itertools.count()
        self._wake_r, self._wake_w = os.pipe()
        for fd in (self._wake_r, self._wake_w):
            os.set_blocking(fd, False)
        self._tasks: queue.SimpleQueue[tuple[Conn, protocol.Request, Any] | None] = (
            queue.SimpleQueue())
        # started with the server, all at once: the daemon's threads do not change with
        # its load, so any growth is a leak
        self._handlers = [threading.Thread(target=self._handler, name="handler", daemon=True)
                          for _ in range(HANDLERS)]
        self._paused_until = 0.0  # accepting paused (out of file descriptors)
        self._listening = False
        self._stopping = False
        self._close_by: float | None = None

    # -- setting up -----------------------------------------------------------------------
    def bind(self) -> None:
        """Create the socket's folder and bind the socket (see :func:`server_socket.bind`).
        Raises :class:`server_socket.StartError` saying what is wrong and what to do."""
        self._sock, self._ident = server_socket.bind(self.paths, MAX_CONNECTIONS, self.log)

    def start(self) -> None:
        """Bind (if not done yet) and start serving."""
        if self._sock is None:
            self.bind()
        assert self._sock is not None
        self._sel.register(self._sock, selectors.EVENT_READ, None)
        self._sel.register(self._wake_r, selectors.EVENT_READ, "wake")
        self._listening = True
        self._thread.start()
        for handler in self._handlers:
            handler.start()

    # -- stopping -------------------------------------------------------------------------
    def stop_accepting(self) -> None:
        """Take no new connections; remove the socket file if it is still ours. Requests
        already read are still answered (see :meth:`close`)."""
        self._stopping = True
        self._wakeup()
        try:
            st = os.lstat(self.paths.socket)
            if (st.st_dev, st.st_ino) == self._ident:
                os.unlink(self.paths.socket)
        except OSError:
            pass

    def close(self, grace: float = CLOSE_GRACE) -> None:
        """Deliver what is owed (for at most ``grace`` seconds), then close every connection
        and end the threads."""
        self.stop_accepting()
        self._close_by = time.monotonic() + grace
        self._wakeup()
        if self._thread.is_alive():
            self._thread.join(grace + 1)
        for _ in self._handlers:
            self._tasks.put(None)
        until = time.monotonic() + grace + 1
        for handler in self._handlers:
            if handler.is_alive():
                handler.join(max(0.0, until - time.monotonic()))

    def stop(self) -> None:
        self.close()

    # -- the server thread ----------------------------------------------------------------
    def _wakeup(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"\0")

    def _loop(self) -> None:
        try:
            while True:
                if self._stopping and self._listening:
                    self._unlisten()
                if self._close_by is not None and (
                        not self._owed() or time.monotonic() >= self._close_by):
                    break
                for key, events in self._sel.select(self._timeout()):
                    if key.data is None:
                        self._accept()
                    elif key.data == "wake":
                        with contextlib.suppress(OSError):
                            os.read(self._wake_r, 4096)
                    else:
                        self._ready(key.data, events)
                self._deliver()
                self._expire()
                self._resume_accepting()
        except Exception:
            self.log.exception("server_failed")
            self.on_failure()  # a daemon that no longer answers must not go on holding its lock
        finally:
            for conn in list(self._conns.values()):
                self._drop(conn)
            self._unlisten()
            with contextlib.suppress(OSError):
                if self._sock is not None:
                    self._sock.close()
            self._sel.close()
            for fd in (self._wake_r, self._wake_w):
                with contextlib.suppress(OSError):
                    os.close(fd)

    def _owed(self) -> bool:
        """Whether a connection still waits for its request to run or its reply to go."""
        return any(c.phase in ("run", "write") for c in self._conns.values()) or bool(
            self._outbox)

    def _unlisten(self) -> None:
        if self._listening and self._sock is not None:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(self._sock)
            self._sock.close()
            self._listening = False

    def _timeout(self) -> float | None:
        now = time.monotonic()
        waits = [self._deadlines[0][0] - now] if self._deadlines else []
        if self._paused_until:
            waits.append(self._paused_until - now)
        if self._close_by is not None:
            waits.append(0.05)
        return max(0.0, min(waits)) if waits else None

    def _accept(self) -> None:
        assert self._sock is not None
        while self._listening:
            try:
                sock, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                if exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    self._pause_accepting(exc)  # they wait in the backlog meanwhile
                return
            sock.setblocking(False)
            conn = Conn(sock, next(self._ids))
            self._conns[conn.id] = conn
            if len(self._conns) > MAX_CONNECTIONS:
                self.busy_refusals += 1
                self._finish(conn, protocol.failed("", protocol.BusyError(
                    f"the daemon has {MAX_CONNECTIONS} connections open",
                    hint="try again in a moment")))
                continue
            try:
                uid = peer_uid(sock)
            except OSError:
                uid = None
            if uid is not None and uid != os.getuid():
                self.log.warning("peer_refused", uid=uid)
                self._finish(conn, protocol.failed("", PermissionDeniedError(
                    "this daemon serves only its own user")))
                continue
            self._watch(conn, selectors.EVENT_READ, REQUEST_DEADLINE)

    def _pause_accepting(self, exc: OSError) -> None:
        if not self._paused_until:
            self.log.warning("accept_paused", error=str(exc), open=len(self._conns))
            with contextlib.suppress(KeyError, ValueError):
                assert self._sock is not None
                self._sel.unregister(self._sock)
        self._paused_until = time.monotonic() + 0.05

    def _resume_accepting(self) -> None:
        if self._paused_until and time.monotonic() >= self._paused_until:
            self._paused_until = 0.0
            if self._listening and self._sock is not None:
                self._sel.register(self._sock, selectors.EVENT_READ, None)

    # -- running requests -----------------------------------------------------------------
    def _dispatch(self, conn: Conn, req: protocol.Request, future: Any) -> None:
        """Queue a request (or the finished future of a mutation) for a handler thread."""
        self._tasks.put((conn, req, future))

    def _handler(self) -> None:
        while True:
            item = self._tasks.get()
            if item is None:
                return
            try:
                self._run(*item)
            except Exception:
                self.log.exception("connection_failed")

    def _run(self, conn: Conn, req: protocol.Request, future: Any) -> None:
        try:
            if future is None:
                if req.progress:
                    req.notify = progress.throttled(functools.partial(self._progress, conn, req))
                result = self.handle(req)
                if isinstance(result, Future):
                    # a mutation: it waits in the worker's queue, not in this thread
                    result.add_done_callback(lambda done: self._dispatch(conn, req, done))
                    return
            else:
                result = future.result()
            reply = protocol.ok(req.id, result)
        except SkillshareError as exc:
            reply = protocol.failed(req.id, exc)
        except Exception as exc:
            self.log.exception("request_failed", cmd=req.cmd)
            reply = protocol.failed(req.id, InternalError(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug; see `skillshare daemon logs`"))
        self._outbox.append((conn.id, reply, True))
        self._wakeup()

    def _progress(self, conn: Conn, req: protocol.Request, frame: dict[str, Any]) -> None:
        """Send a progress frame of ``req`` (from the thread running it)."""
        self._outbox.append((conn.id, protocol.progress_line(req.id, frame), False))
        self._wakeup()

    # -- status ---------------------------------------------------------------------------
    def status(self) -> ServerState:
        return {"connections": len(self._conns), "handlers": len(self._handlers),
                "busy_refusals": self.busy_refusals}
