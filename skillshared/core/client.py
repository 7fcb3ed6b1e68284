"""The daemon's client side: is a daemon there, and one request/response exchange with it.

Used by the CLI's transport and by the in-process `status`/`doctor` to describe a running
daemon. The CLI imports it on every run, so it keeps to the few modules a client needs: the
C ``_socket`` module (``socket`` adds enums and ``selectors``), no typing, no pathlib.

The daemon is found where this environment puts its socket, or else where the daemon holding
``daemon.lock`` (a per-user place) recorded it: a CLI and a daemon started from shells with
different XDG_RUNTIME_DIR, XDG_STATE_HOME or SKILLSHARE_SOCKET still find each other.
"""

from __future__ import annotations

import _socket
import errno
import fcntl
import json
import os
import sys
import time

from skillshared.core import protocol
from skillshared.core.errors import DaemonUnresponsiveError, OtherDaemonError, SkillshareError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.core.locations import Locations
    from skillshared.core.results_daemon import DaemonRunning, DaemonStatus

RESULT_TIMEOUT = 3 * 3600.0  # an accepted request may run this long (jobs have own limits)
_HINT = "restart it: skillshare daemon restart (or run with --no-daemon after stopping it)"


MAX_RECORD = 65536  # bytes of daemon.lock read: a pid line and a JSON line


def daemon_record(paths: Locations) -> tuple[int, dict[str, Any]] | None:
    """Who holds ``daemon.lock``: its pid (0 if unknown) and what it recorded there (``socket``,
    ``log``, ``config``; empty if nothing readable), or None if no daemon holds it. A record
    left by a daemon that is gone is never read: the lock is free."""
    try:
        fd = os.open(paths.daemon_lock, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                return None
            try:
                data = os.pread(fd, MAX_RECORD, 0)
            except OSError:
                data = b""
            return _parse_record(data)
        return None
    finally:
        os.close(fd)


def _parse_record(data: bytes) -> tuple[int, dict[str, Any]]:
    first, _, rest = data.partition(b"\n")
    first = first.strip()
    pid = int(first) if first.isdigit() and len(first) < 12 else 0
    try:
        info = json.loads(rest.partition(b"\n")[0]) if rest else {}
    except (UnicodeDecodeError, ValueError):
        info = {}
    return pid, info if isinstance(info, dict) else {}


def lock_holder(paths: Locations) -> int | None:
    """The pid of the daemon holding ``daemon.lock`` (0 if unknown), or None if none does."""
    record = daemon_record(paths)
    return None if record is None else record[0]


def recorded_socket(paths: Locations, record: tuple[int, dict[str, Any]] | None) -> str:
    """The socket the daemon holding the lock listens on: the one it recorded, else ours."""
    if record is not None:
        value = record[1].get("socket")
        if isinstance(value, str) and value.startswith("/"):
            return value
    return paths.socket


_ABSENT, _BUSY = "absent", "busy"


def _attempt(path: str, deadline: float) -> _socket.socket | str:
    """A socket connected to ``path``; or why not: nobody listens (no socket file, or
    refused), or the daemon's backlog of connections is full (busy)."""
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    sock.settimeout(max(0.05, deadline - time.monotonic()))
    try:
        with protocol.short_address(path) as address:
            sock.connect(address)
        return sock
    except (FileNotFoundError, ConnectionRefusedError, NotADirectoryError, SkillshareError):
        sock.close()  # SkillshareError: a path no socket can have (its name is too long)
        return _ABSENT
    except (BlockingIOError, TimeoutError):  # EAGAIN: the listen backlog is full
        sock.close()
        return _BUSY
    except OSError as exc:
        sock.close()
        raise SkillshareError(f"cannot connect to the daemon at {path}: "
                              f"{exc.strerror or exc}",
                              hint="check the socket's permissions, or use --no-daemon"
                              ) from None
    except BaseException:
        sock.close()
        raise


def _connect(paths: Locations, deadline: float) -> _socket.socket | None:
    """A connected socket; None when no daemon runs (nobody listens and the lock is free).
    The socket is looked for where this environment puts it, then where the daemon holding
    the lock says it is (a daemon started from another shell: XDG_RUNTIME_DIR or
    SKILLSHARE_SOCKET set differently)."""
    path = paths.socket
    while True:
        outcome = _attempt(paths.socket, deadline)
        if not isinstance(outcome, str):
            return outcome
        holder = 0
        if outcome == _ABSENT:
            record = daemon_record(paths)
            if record is None:
                return None
            holder = record[0]
            path = recorded_socket(paths, record)
            if path != paths.socket:
                outcome = _attempt(path, deadline)
                if not isinstance(outcome, str):
                    return outcome
        if time.monotonic() >= deadline:
            if outcome == _BUSY:
                raise DaemonUnresponsiveError(
                    f"the daemon is too busy to take a connection on {path}",
                    hint="try again in a moment; if it keeps happening, " + _HINT)
            who = f" (pid {holder})" if holder else ""
            raise DaemonUnresponsiveError(
                f"the daemon{who} is running but does not accept connections on {path}",
                hint=_HINT)
        time.sleep(0.05)  # it may be starting (its socket is not bound yet), or busy


def ask_daemon(cmd: str, args: dict[str, Any], paths: Locations,
               timeout: float | None = None,
               on_progress: Callable[[dict[str, Any]], None] | None = None
               ) -> dict[str, Any] | None:
    """Send one command to the daemon; None when no daemon runs. ``timeout``: how long to
    wait for a daemon holding its lock to accept the request (default: the configured).
    ``on_progress``: asks for progress frames, and is called with each."""
    timeout = timeout or paths.daemon_timeout
    deadline = time.monotonic() + timeout
    while True:
        sock = _connect(paths, deadline)
        if sock is None:
            return None
        req_id = os.urandom(8).hex()
        try:
            sock.settimeout(timeout)
            try:  # noqa: SIM105 (contextlib is one import more for the CLI)
                sock.sendall(protocol.request(req_id, cmd, args, on_progress is not None))
            except (BrokenPipeError, ConnectionResetError):
                pass  # it may have said why before it hung up (busy): read that
            return _read_reply(sock, on_progress)
        except OtherDaemonError:
            raise OtherDaemonError(peer_pid(sock)) from None
        except protocol.RemoteError as exc:
            # Too many connections at once: nothing ran; ask again while time is left.
            if exc.code != protocol.BUSY or time.monotonic() >= deadline:
                raise
        except TimeoutError:
            raise DaemonUnresponsiveError(
                f"the daemon did not answer within {timeout:g} s", hint=_HINT) from None
        except (BrokenPipeError, ConnectionResetError):
            raise DaemonUnresponsiveError("the daemon closed the connection before answering",
                                          hint="see `skillshare daemon logs`") from None
        finally:
            sock.close()
        time.sleep(0.1)


def peer_pid(sock: _socket.socket) -> int | None:
    """The pid of the process listening at the other end (SO_PEERCRED on Linux,
    LOCAL_PEERPID on macOS), or None."""
    try:
        if hasattr(_socket, "SO_PEERCRED"):
            data = sock.getsockopt(_socket.SOL_SOCKET, _socket.SO_PEERCRED, 12)
            return int.from_bytes(data[:4], sys.byteorder)
        return int(sock.getsockopt(0, 0x002))  # SOL_LOCAL, LOCAL_PEERPID
    except (OSError, ValueError):
        return None


READ_SIZE = 1 << 18  # bytes asked of the socket at a time


def _read_reply(sock: _socket.socket,
                on_progress: Callable[[dict[str, Any]], None] | None = None
                ) -> dict[str, Any]:
    pending = bytearray()
    searched = 0  # no newline in pending before this: a long reply is scanned once, in pieces
    while True:
        end = pending.find(b"\n", searched)
        if end < 0:
            searched = len(pending)
            chunk = sock.recv(READ_SIZE)
            if not chunk:
                raise DaemonUnresponsiveError("the daemon closed the connection before "
                                              "answering", hint="see `skillshare daemon logs`")
            pending += chunk
            continue
        line = bytes(pending[:end])
        del pending[:end + 1]
        searched = 0
        data = protocol.parse_response(line)
        if data.get("event") == "accepted":
            sock.settimeout(RESULT_TIMEOUT)  # alive: wait as long as the operation takes
            continue
        if "event" in data:  # progress, or an event of a later version: not the reply
            if (data["event"] == "progress" and on_progress is not None
                    and isinstance(data.get("progress"), dict)):
                on_progress(data["progress"])
            continue
        if data.get("ok") is True and isinstance(data.get("result"), dict):
            return data["result"]  # type: ignore[no-any-return]
        raise protocol.error_from(data)


def daemon_status(paths: Locations, timeout: float | None = None) -> DaemonStatus:
    """The daemon's status section when one answers; else whether a stale socket is left, or
    why a daemon holding its lock does not answer."""
    try:
        answer: Any = ask_daemon("daemon", {"action": "status"}, paths, timeout)
    except SkillshareError as exc:
        record = daemon_record(paths)
        return {"running": True, "socket": recorded_socket(paths, record),
                "error": exc.message, "pid": None if record is None else record[0]}
    state: DaemonRunning | None = answer  # (the daemon's runtime status)
    if state is None:
        return {"running": False, "socket": paths.socket,
                "stale_socket": os.path.exists(paths.socket)}
    return state
