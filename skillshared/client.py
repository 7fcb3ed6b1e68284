"""The daemon's client side: is a daemon there, and one request/response exchange with it.

Used by the CLI's transport and by the in-process `status`/`doctor` to describe a running
daemon. The CLI imports it on every run, so it keeps to the few modules a client needs: the
C ``_socket`` module (``socket`` adds enums and ``selectors``), no typing, no pathlib.
"""

from __future__ import annotations

import _socket
import errno
import fcntl
import os
import time

from skillshared import protocol
from skillshared.errors import DaemonUnresponsiveError, SkillshareError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from skillshared.locations import Locations

RESULT_TIMEOUT = 3 * 3600.0  # an accepted request may run this long (jobs have own limits)
_HINT = "restart it: skillshare daemon restart (or run with --no-daemon after stopping it)"


def lock_holder(paths: Locations) -> int | None:
    """The pid of the daemon holding ``daemon.lock`` (0 if unknown), or None if none does."""
    try:
        fd = os.open(paths.daemon_lock, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                return None
            text = os.read(fd, 32).decode("ascii", "replace").strip()
            return int(text) if text.isdigit() else 0
        return None
    finally:
        os.close(fd)


def _connect(paths: Locations, deadline: float) -> _socket.socket | None:
    """A connected socket; None when no daemon runs (no socket or refused, lock free)."""
    while True:
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            with protocol.short_address(paths.socket) as address:
                sock.connect(address)
            return sock
        except (FileNotFoundError, ConnectionRefusedError):
            sock.close()
            holder = lock_holder(paths)
            if holder is None:
                return None
            if time.monotonic() >= deadline:
                who = f" (pid {holder})" if holder else ""
                raise DaemonUnresponsiveError(
                    f"the daemon{who} is running but does not accept connections on "
                    f"{paths.socket}", hint=_HINT) from None
            time.sleep(0.05)  # it may be starting: its socket is not bound yet
        except TimeoutError:
            sock.close()
            raise DaemonUnresponsiveError(
                f"the daemon does not accept connections on {paths.socket}",
                hint=_HINT) from None
        except OSError as exc:
            sock.close()
            raise SkillshareError(f"cannot connect to the daemon at {paths.socket}: "
                                  f"{exc.strerror or exc}",
                                  hint="check the socket's permissions, or use --no-daemon"
                                  ) from None


def ask_daemon(cmd: str, args: dict[str, Any], paths: Locations,
               timeout: float | None = None) -> dict[str, Any] | None:
    """Send one command to the daemon; None when no daemon runs. ``timeout``: how long to
    wait for a daemon holding its lock to accept the request (default: the configured)."""
    timeout = timeout or paths.daemon_timeout
    sock = _connect(paths, time.monotonic() + timeout)
    if sock is None:
        return None
    req_id = os.urandom(8).hex()
    try:
        sock.settimeout(timeout)
        sock.sendall(protocol.request(req_id, cmd, args))
        return _read_reply(sock)
    except TimeoutError:
        raise DaemonUnresponsiveError(
            f"the daemon did not answer within {timeout:g} s", hint=_HINT) from None
    except (BrokenPipeError, ConnectionResetError):
        raise DaemonUnresponsiveError("the daemon closed the connection before answering",
                                      hint="see `skillshare daemon logs`") from None
    finally:
        sock.close()


def _read_reply(sock: _socket.socket) -> dict[str, Any]:
    buffer = b""
    while True:
        line, sep, rest = buffer.partition(b"\n")
        if not sep:
            chunk = sock.recv(65536)
            if not chunk:
                raise DaemonUnresponsiveError("the daemon closed the connection before "
                                              "answering", hint="see `skillshare daemon logs`")
            buffer += chunk
            continue
        buffer = rest
        data = protocol.parse_response(line)
        if data.get("event") == "accepted":
            sock.settimeout(RESULT_TIMEOUT)  # alive: wait as long as the operation takes
            continue
        if data.get("ok") is True and isinstance(data.get("result"), dict):
            return data["result"]  # type: ignore[no-any-return]
        raise protocol.error_from(data)


def daemon_status(paths: Locations, timeout: float | None = None) -> dict[str, Any]:
    """The daemon's status section when one answers; else whether a stale socket is left, or
    why a daemon holding its lock does not answer."""
    try:
        state = ask_daemon("daemon", {"action": "status"}, paths, timeout)
    except SkillshareError as exc:
        return {"running": True, "socket": paths.socket, "error": exc.message,
                "pid": lock_holder(paths)}
    if state is None:
        return {"running": False, "socket": paths.socket,
                "stale_socket": os.path.exists(paths.socket)}
    return state
