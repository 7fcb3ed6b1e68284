"""The Unix socket server (SPEC §9): one request per connection, newline-delimited JSON.

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
"""

from __future__ import annotations

import collections
import contextlib
import errno
import heapq
import itertools
import os
import queue
import resource
import selectors
import socket
import stat
import struct
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from skillshared.core import protocol
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths
from skillshared.daemon import logs
from skillshared.engine import fsops

REQUEST_DEADLINE = 5.0  # seconds to send the whole request line
REPLY_DEADLINE = 60.0  # seconds a client may leave its reply unread before it is dropped
MAX_CONNECTIONS = 4096  # open at once (each is a file descriptor and a few kB)
MAX_BUFFERED = 64 << 20  # bytes of unfinished request lines held for all clients together
HANDLERS = 8  # threads that run requests (reads; a mutation only waits in the worker)
CLOSE_GRACE = 5.0  # seconds at shutdown to deliver the replies of requests already read

Handler = Callable[[protocol.Request], "dict[str, Any] | Future[dict[str, Any]]"]


class PermissionDeniedError(SkillshareError):
    code = "permission_denied"


class InternalError(SkillshareError):
    code = "internal"


class StartError(SkillshareError):
    """The socket cannot be set up; the daemon says so and exits."""


def peer_uid(conn: socket.socket) -> int | None:
    if hasattr(socket, "SO_PEERCRED"):
        data = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return int(struct.unpack("3i", data)[1])
    if sys.platform == "darwin":  # LOCAL_PEERCRED: struct xucred {u_int version; uid_t uid…}
        data = conn.getsockopt(0, 0x001, 76)
        return int(struct.unpack_from("I", data, 4)[0])
    return None


def raise_open_files_limit(wanted: int) -> int:
    """Lift the soft limit on open files towards ``wanted`` (at most the hard limit): the
    common soft limit of 1024 would refuse connections long before MAX_CONNECTIONS."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            return target
        return soft
    except (OSError, ValueError):
        return -1


class _Conn:
    """One client. Only the server thread touches it, except through the outbox."""

    __slots__ = ("done", "events", "final", "id", "inbuf", "outbuf", "phase", "sock")

    def __init__(self, sock: socket.socket, ident: int) -> None:
        self.sock = sock
        self.id = ident
        self.inbuf = b""
        self.outbuf = bytearray()
        self.phase = "read"  # read -> run -> (write) -> closed
        self.final = False  # the last reply is in outbuf: close once it is written
        self.events = 0
        self.done = False


class Server:
    def __init__(self, paths: Paths, handle: Handler,
                 on_failure: Callable[[], None] = lambda: None) -> None:
        self.paths = paths
        self.handle = handle
        self.on_failure = on_failure  # the loop died: the daemon stops (and is restarted)
        self.log = logs.get("server")
        self._sock: socket.socket | None = None
        self._ident: tuple[int, int] | None = None
        self._thread = threading.Thread(target=self._loop, name="server", daemon=True)
        self._sel = selectors.DefaultSelector()
        self._conns: dict[int, _Conn] = {}
        self._ids = itertools.count()
        self._deadlines: list[tuple[float, int, int]] = []  # (when, conn id, phase serial)
        self._serial: dict[int, int] = {}
        self._buffered = 0
        self._outbox: collections.deque[tuple[int, bytes]] = collections.deque()
        self._wake_r, self._wake_w = os.pipe()
        for fd in (self._wake_r, self._wake_w):
            os.set_blocking(fd, False)
        self._tasks: queue.SimpleQueue[tuple[_Conn, protocol.Request, Any] | None] = (
            queue.SimpleQueue())
        # started with the server, all at once: the daemon's threads do not change with
        # its load, so any growth is a leak
        self._handlers = [threading.Thread(target=self._handler, name="handler", daemon=True)
                          for _ in range(HANDLERS)]
        self._paused_until = 0.0  # accepting paused (out of file descriptors)
        self._listening = False
        self._stopping = False
        self._close_by: float | None = None
        self.busy_refusals = 0

    # -- setting up -----------------------------------------------------------------------
    def bind(self) -> None:
        """Create the socket's folder and bind the socket (the caller holds daemon.lock, so a
        socket file there is stale, unless a daemon of another kind answers on it). Raises
        :class:`StartError` saying what is wrong and what to do."""
        path = self.paths.socket
        raise_open_files_limit(MAX_CONNECTIONS + 1024)
        self._prepare_dir()
        if os.path.lexists(path):
            self._remove_stale(str(path))
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            with protocol.short_address(path) as address:
                sock.bind(address)
        except SkillshareError as exc:
            sock.close()
            raise StartError(exc.message, hint=exc.hint) from None
        except OSError as exc:
            sock.close()
            raise _start_error(f"cannot create the socket {path}", exc) from None
        finally:
            os.umask(old)
        os.chmod(path, 0o600)
        st = os.lstat(path)
        self._ident = (st.st_dev, st.st_ino)
        sock.listen(MAX_CONNECTIONS)  # the kernel caps it (net.core.somaxconn)
        sock.setblocking(False)
        self._sock = sock

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

    def _prepare_dir(self) -> None:
        folder = self.paths.socket.parent
        try:
            fsops.make_private_dir(folder)
            st = os.stat(folder)
        except OSError as exc:
            raise _start_error(f"cannot create the socket's folder {folder}", exc) from None
        if not stat.S_ISDIR(st.st_mode):
            raise StartError(f"the socket's folder {folder} is not a folder",
                             hint="move that file away, or set SKILLSHARE_SOCKET")
        if self.paths.where.custom_socket:
            return  # a folder the user chose (it may be shared): left as it is
        if st.st_uid != os.getuid():
            raise StartError(f"the socket's folder {folder} belongs to another user "
                             f"(uid {st.st_uid})",
                             hint="remove it (it is recreated), or set SKILLSHARE_SOCKET")
        try:
            os.chmod(folder, 0o700)  # our own folder: nobody else may even look in
        except OSError as exc:
            raise _start_error(f"cannot make the socket's folder {folder} private",
                               exc) from None

    def _remove_stale(self, path: str) -> None:
        """Remove a socket file nobody answers on; refuse to take one that answers (a daemon
        that does not share our lock: another version, or another home's daemon given the
        same SKILLSHARE_SOCKET). Anything else at that path is left alone."""
        try:
            kind = os.lstat(path).st_mode
        except OSError as exc:
            raise _start_error(f"cannot look at {path}", exc) from None
        if not stat.S_ISSOCK(kind):
            raise StartError(f"{path} is in the way of the socket: it is not a socket",
                             hint="move it away, or set SKILLSHARE_SOCKET to another path")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(1.0)
        try:
            with protocol.short_address(path) as address:
                probe.connect(address)
        except (OSError, SkillshareError):
            pass
        else:
            raise StartError(f"another daemon answers on {path}",
                             hint="stop it (`skillshare daemon stop`), or give this one "
                                  "another SKILLSHARE_SOCKET")
        finally:
            probe.close()
        try:
            os.unlink(path)
        except OSError as exc:
            raise _start_error(f"cannot remove the stale socket {path}", exc) from None
        self.log.info("stale_socket_removed", socket=path)

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
            conn = _Conn(sock, next(self._ids))
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

    def _watch(self, conn: _Conn, events: int, deadline: float | None) -> None:
        """Wait for ``events`` on ``conn`` (0: none), cut it off after ``deadline`` s."""
        if events != conn.events:
            if conn.events and events:
                self._sel.modify(conn.sock, events, conn)
            elif events:
                self._sel.register(conn.sock, events, conn)
            else:
                self._sel.unregister(conn.sock)
            conn.events = events
        serial = self._serial.get(conn.id, 0) + 1
        self._serial[conn.id] = serial
        if deadline is not None:
            heapq.heappush(self._deadlines, (time.monotonic() + deadline, conn.id, serial))

    def _expire(self) -> None:
        now = time.monotonic()
        while self._deadlines and self._deadlines[0][0] <= now:
            _, ident, serial = heapq.heappop(self._deadlines)
            conn = self._conns.get(ident)
            if conn is None or self._serial.get(ident) != serial:
                continue  # done, or a later deadline replaced this one
            if conn.phase == "read":
                self._finish(conn, protocol.failed("", protocol.ProtocolError(
                    f"request not received within {REQUEST_DEADLINE:g} s")))
            else:
                self.log.info("client_gone", error="the reply was not read in time")
                self._drop(conn)

    def _ready(self, conn: _Conn, events: int) -> None:
        if conn.done:
            return
        if events & selectors.EVENT_WRITE:
            self._write(conn)
        if events & selectors.EVENT_READ and conn.phase == "read" and not conn.done:
            self._read(conn)

    def _read(self, conn: _Conn) -> None:
        try:
            chunk = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._drop(conn)
            return
        if not chunk:
            self._drop(conn)  # hung up before the end of its line
            return
        if self._buffered + len(chunk) > MAX_BUFFERED:
            self.busy_refusals += 1
            self._finish(conn, protocol.failed("", protocol.BusyError(
                "the daemon is reading too many requests at once",
                hint="try again in a moment")))
            return
        self._buffered += len(chunk)
        conn.inbuf += chunk
        if b"\n" not in chunk:
            if len(conn.inbuf) > protocol.MAX_REQUEST_BYTES + 1:
                self._too_large(conn)
            return
        line = conn.inbuf.split(b"\n", 1)[0]
        self._buffered -= len(conn.inbuf)
        conn.inbuf = b""
        if len(line) > protocol.MAX_REQUEST_BYTES:
            self._too_large(conn)
            return
        try:
            req = protocol.decode_request(line)
        except SkillshareError as exc:
            self.log.info("bad_request", error=exc.message)
            self._finish(conn, protocol.failed(protocol.request_id(line), exc))
            return
        conn.phase = "run"
        conn.outbuf += protocol.accepted(req.id)  # at once: the client knows we are alive
        self._write(conn)
        if not conn.done:
            self._dispatch(conn, req, None)

    def _too_large(self, conn: _Conn) -> None:
        self._finish(conn, protocol.failed("", protocol.ProtocolError(
            f"request larger than {protocol.MAX_REQUEST_BYTES} bytes")))

    def _finish(self, conn: _Conn, reply: bytes) -> None:
        """Send ``reply`` as the last thing on ``conn``, then close it."""
        self._buffered -= len(conn.inbuf)
        conn.inbuf = b""
        conn.outbuf += reply
        conn.final = True
        conn.phase = "write"
        self._write(conn)

    def _write(self, conn: _Conn) -> None:
        sent = 0
        if conn.outbuf:
            try:
                sent = conn.sock.send(conn.outbuf)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:  # the client went away (EPIPE, ECONNRESET)
                self._drop(conn)
                return
            del conn.outbuf[:sent]
        if not conn.outbuf:
            if conn.final:
                self._drop(conn)
            elif conn.events:
                self._watch(conn, 0, None)  # all said for now: its request runs
        elif sent or conn.events != selectors.EVENT_WRITE:
            # progress (or the first try): it has REPLY_DEADLINE more to read the rest
            self._watch(conn, selectors.EVENT_WRITE, REPLY_DEADLINE if conn.final else None)

    def _drop(self, conn: _Conn) -> None:
        if conn.done:
            return
        conn.done = True
        self._buffered -= len(conn.inbuf)
        conn.inbuf = b""
        if conn.events:
            with contextlib.suppress(KeyError, ValueError):
                self._sel.unregister(conn.sock)
        conn.sock.close()
        self._conns.pop(conn.id, None)
        self._serial.pop(conn.id, None)

    def _deliver(self) -> None:
        """Move the replies the handlers produced to their connections."""
        while self._outbox:
            ident, reply = self._outbox.popleft()
            conn = self._conns.get(ident)
            if conn is None or conn.done:
                continue  # the client hung up while its request ran
            conn.outbuf += reply
            conn.final = True
            conn.phase = "write"
            self._write(conn)

    # -- running requests -----------------------------------------------------------------
    def _dispatch(self, conn: _Conn, req: protocol.Request, future: Any) -> None:
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

    def _run(self, conn: _Conn, req: protocol.Request, future: Any) -> None:
        try:
            if future is None:
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
        self._outbox.append((conn.id, reply))
        self._wakeup()

    # -- status ---------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        return {"connections": len(self._conns), "handlers": len(self._handlers),
                "busy_refusals": self.busy_refusals}


def _start_error(doing: str, exc: OSError) -> StartError:
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) not in doing else ""
    return StartError(f"{doing}: {exc.strerror or exc}{where}", hint=start_hint(exc))


def start_hint(exc: OSError) -> str:
    """What to do about a file-system error at start, by its kind."""
    code = exc.errno
    if code in (errno.ENOTDIR, errno.EEXIST):
        return "a file stands where a folder should be: move it away"
    if code in (errno.EACCES, errno.EPERM):
        return "make that folder yours and writable (chown/chmod), or point XDG_STATE_HOME " \
               "/ SKILLSHARE_SOCKET elsewhere"
    if code == errno.EROFS:
        return "that filesystem is read-only: point XDG_STATE_HOME / SKILLSHARE_SOCKET at " \
               "a writable place"
    if code == errno.ENOSPC:
        return "free some disk space"
    if code == errno.ENAMETOOLONG:
        return "set SKILLSHARE_SOCKET to a shorter path"
    if code == errno.EISDIR:
        return "a folder stands where a file should be: move it away"
    return "check that path"
