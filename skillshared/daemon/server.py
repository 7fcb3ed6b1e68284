"""The Unix socket server (SPEC §9): one request per connection, newline-delimited JSON.

The socket is 0600 in a 0700 folder, the peer's uid must be ours, a request must arrive
whole within a deadline and be at most 1 MiB, and nothing a client sends can harm the
daemon: every failure is answered with an error response, or the connection is dropped.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from skillshared import fsops, protocol
from skillshared.daemon import logs
from skillshared.errors import SkillshareError
from skillshared.paths import Paths

REQUEST_DEADLINE = 5.0  # seconds to send the whole request line
MAX_CONNECTIONS = 32

Handler = Callable[[protocol.Request], dict[str, Any]]


class PermissionDeniedError(SkillshareError):
    code = "permission_denied"


class InternalError(SkillshareError):
    code = "internal"


def peer_uid(conn: socket.socket) -> int | None:
    if hasattr(socket, "SO_PEERCRED"):
        data = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return int(struct.unpack("3i", data)[1])
    if sys.platform == "darwin":  # LOCAL_PEERCRED: struct xucred {u_int version; uid_t uid…}
        data = conn.getsockopt(0, 0x001, 76)
        return int(struct.unpack_from("I", data, 4)[0])
    return None


class Server:
    def __init__(self, paths: Paths, handle: Handler) -> None:
        self.paths = paths
        self.handle = handle
        self.log = logs.get("server")
        self._sock: socket.socket | None = None
        self._ident: tuple[int, int] | None = None
        self._thread = threading.Thread(target=self._accept_loop, name="server", daemon=True)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._stopping = False

    def start(self) -> None:
        """Bind the socket (the caller holds daemon.lock, so a file there is stale)."""
        path = self.paths.socket
        self._prepare_dir()
        if os.path.lexists(path):
            os.unlink(path)
            self.log.info("stale_socket_removed", socket=str(path))
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)
        try:
            with protocol.short_address(path) as address:
                sock.bind(address)
        except OSError:
            sock.close()
            raise
        finally:
            os.umask(old)
        os.chmod(path, 0o600)
        st = os.lstat(path)
        self._ident = (st.st_dev, st.st_ino)
        sock.listen(64)
        self._sock = sock
        self._thread.start()

    def _prepare_dir(self) -> None:
        folder = self.paths.socket.parent
        fsops.make_private_dir(folder)
        if not self.paths.where.custom_socket:
            os.chmod(folder, 0o700)  # our own folder: nobody else may even look in

    def stop(self) -> None:
        """Stop accepting; remove the socket file if it is still ours."""
        self._stopping = True
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread.is_alive():
            self._thread.join(5)
        try:
            st = os.lstat(self.paths.socket)
            if (st.st_dev, st.st_ino) == self._ident:
                os.unlink(self.paths.socket)
        except OSError:
            pass

    def _accept_loop(self) -> None:
        while not self._stopping and self._sock is not None:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                if self._stopping:
                    return
                time.sleep(0.05)  # EMFILE and the like: do not spin
                continue
            if not self._slots.acquire(blocking=False):
                self._refuse(conn)
                continue
            threading.Thread(target=self._serve, args=(conn,), name="conn", daemon=True).start()

    def _refuse(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(1.0)
                conn.sendall(protocol.failed("", SkillshareError(
                    "the daemon is busy with too many connections", hint="try again")))
            except OSError:
                pass

    def _serve(self, conn: socket.socket) -> None:
        try:
            with conn:
                self._exchange(conn)
        except OSError as exc:
            self.log.info("client_gone", error=str(exc))
        except Exception:
            self.log.exception("connection_failed")
        finally:
            self._slots.release()

    def _exchange(self, conn: socket.socket) -> None:
        uid = peer_uid(conn)
        if uid is not None and uid != os.getuid():
            self.log.warning("peer_refused", uid=uid)
            conn.sendall(protocol.failed("", PermissionDeniedError(
                "this daemon serves only its own user")))
            return
        line = self._read_line(conn)
        if line is None:
            return
        try:
            req = protocol.decode_request(line)
        except SkillshareError as exc:
            self.log.info("bad_request", error=exc.message)
            conn.sendall(protocol.failed(protocol.request_id(line), exc))
            return
        conn.sendall(protocol.accepted(req.id))
        conn.settimeout(None)
        try:
            reply = protocol.ok(req.id, self.handle(req))
        except SkillshareError as exc:
            reply = protocol.failed(req.id, exc)
        except Exception as exc:
            self.log.exception("request_failed", cmd=req.cmd)
            reply = protocol.failed(req.id, InternalError(
                f"internal error: {type(exc).__name__}: {exc}",
                hint="this is a bug; see `skillshare daemon logs`"))
        conn.sendall(reply)

    def _read_line(self, conn: socket.socket) -> bytes | None:
        """The request line; None (after answering, if possible) when it is too big, too
        slow, or the client hung up."""
        deadline = time.monotonic() + REQUEST_DEADLINE
        data = b""
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                conn.sendall(protocol.failed("", protocol.ProtocolError(
                    f"request not received within {REQUEST_DEADLINE:g} s")))
                return None
            conn.settimeout(left)
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            if not chunk:
                return None
            data += chunk
            if len(data) > protocol.MAX_REQUEST_BYTES + 1 and b"\n" not in data:
                conn.sendall(protocol.failed("", protocol.ProtocolError(
                    f"request larger than {protocol.MAX_REQUEST_BYTES} bytes")))
                return None
        line = data.split(b"\n", 1)[0]
        if len(line) > protocol.MAX_REQUEST_BYTES:
            conn.sendall(protocol.failed("", protocol.ProtocolError(
                f"request larger than {protocol.MAX_REQUEST_BYTES} bytes")))
            return None
        return line
