"""The daemon's socket file: its private folder, a stale socket removed (never one that
answers), the socket bound 0600 and listening; the peer's uid; and every start failure as
one error saying what to do."""

from __future__ import annotations

import errno
import os
import resource
import socket
import stat
import struct
import sys
from typing import Any

from skillshared.core import protocol
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths
from skillshared.engine import fsops


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


def bind(paths: Paths, backlog: int, log: Any) -> tuple[socket.socket, tuple[int, int]]:
    """Create the socket's folder and bind the socket, listening with ``backlog`` (the
    caller holds daemon.lock, so a socket file there is stale, unless a daemon of another
    kind answers on it); the socket and the identity of its file. Raises
    :class:`StartError` saying what is wrong and what to do."""
    path = paths.socket
    raise_open_files_limit(backlog + 1024)
    _prepare_dir(paths)
    if os.path.lexists(path):
        _remove_stale(str(path), log)
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
    sock.listen(backlog)  # the kernel caps it (net.core.somaxconn)
    sock.setblocking(False)
    return sock, (st.st_dev, st.st_ino)


def _prepare_dir(paths: Paths) -> None:
    folder = paths.socket.parent
    try:
        fsops.make_private_dir(folder)
        st = os.stat(folder)
    except OSError as exc:
        raise _start_error(f"cannot create the socket's folder {folder}", exc) from None
    if not stat.S_ISDIR(st.st_mode):
        raise StartError(f"the socket's folder {folder} is not a folder",
                         hint="move that file away, or set SKILLSHARE_SOCKET")
    if paths.where.custom_socket:
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


def _remove_stale(path: str, log: Any) -> None:
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
    log.info("stale_socket_removed", socket=path)


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
