"""The connections of the socket server, served without blocking: a request line read within
its deadline and size, ``accepted`` written at once, replies written as the client reads
them, and a client cut off at its deadline. :class:`Connections` is the I/O half of
:class:`skillshared.daemon.server.Server`; the server thread alone calls it."""

from __future__ import annotations

import collections
import contextlib
import heapq
import selectors
import socket
import time
from typing import Any

from skillshared.core import protocol
from skillshared.core.errors import SkillshareError

REQUEST_DEADLINE = 5.0  # seconds to send the whole request line
REPLY_DEADLINE = 60.0  # seconds a client may leave its reply unread before it is dropped
MAX_BUFFERED = 64 << 20  # bytes of unfinished request lines held for all clients together
MAX_PROGRESS_BUFFERED = 64 << 10  # bytes unread by a client beyond which progress is skipped


class Conn:
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


class Connections:
    """The open connections, their deadlines, and the replies waiting to be written."""

    def __init__(self, log: Any) -> None:
        self.log = log
        self._sel = selectors.DefaultSelector()
        self._conns: dict[int, Conn] = {}
        self._deadlines: list[tuple[float, int, int]] = []  # (when, conn id, phase serial)
        self._serial: dict[int, int] = {}
        self._buffered = 0
        # (conn id, line, whether it is the last): replies, and progress lines before them
        self._outbox: collections.deque[tuple[int, bytes, bool]] = collections.deque()
        self.busy_refusals = 0

    def _dispatch(self, conn: Conn, req: protocol.Request, future: Any) -> None:
        """Run a request that was read (the server queues it for a handler thread)."""
        raise NotImplementedError

    def _watch(self, conn: Conn, events: int, deadline: float | None) -> None:
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

    def _ready(self, conn: Conn, events: int) -> None:
        if conn.done:
            return
        if events & selectors.EVENT_WRITE:
            self._write(conn)
        if events & selectors.EVENT_READ and conn.phase == "read" and not conn.done:
            self._read(conn)

    def _read(self, conn: Conn) -> None:
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

    def _too_large(self, conn: Conn) -> None:
        self._finish(conn, protocol.failed("", protocol.ProtocolError(
            f"request larger than {protocol.MAX_REQUEST_BYTES} bytes")))

    def _finish(self, conn: Conn, reply: bytes) -> None:
        """Send ``reply`` as the last thing on ``conn``, then close it."""
        self._buffered -= len(conn.inbuf)
        conn.inbuf = b""
        conn.outbuf += reply
        conn.final = True
        conn.phase = "write"
        self._write(conn)

    def _write(self, conn: Conn) -> None:
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

    def _drop(self, conn: Conn) -> None:
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
            ident, reply, final = self._outbox.popleft()
            conn = self._conns.get(ident)
            if conn is None or conn.done:
                continue  # the client hung up while its request ran
            if not final:
                if len(conn.outbuf) < MAX_PROGRESS_BUFFERED:  # else the client lags: skip it
                    conn.outbuf += reply
                    self._write(conn)
                continue
            conn.outbuf += reply
            conn.final = True
            conn.phase = "write"
            self._write(conn)
