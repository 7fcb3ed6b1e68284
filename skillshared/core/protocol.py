"""The socket protocol between ``skillshare`` and ``skillshared`` (README: "The daemon").

Newline-delimited JSON, one request per connection::

    {"v": 1, "id": "…", "cmd": "status", "args": {…}}

The daemon answers with ``accepted``, zero or more progress lines, then one final response::

    {"v": 2, "id": "…", "event": "accepted"}
    {"v": 2, "id": "…", "event": "progress", "progress": {"task": "syncing", …}}
    {"v": 2, "id": "…", "ok": true, "result": {…}}
    {"v": 2, "id": "…", "ok": false, "error": {"code": "…", "message": "…", "hint": "…"}}

``accepted`` comes as soon as the request is read and checked: a client that gets it knows
the daemon is alive and may wait as long as the operation takes. Progress lines come only to
a request that asked for them with ``"progress": true`` (see
:mod:`skillshared.core.progress`); a client ignores events it does not know.

Standard library only: the CLI imports this module on every run.
"""

from __future__ import annotations

import json
import os

from skillshared.core.errors import OtherDaemonError, SkillshareError

TYPE_CHECKING = False  # no typing, dataclasses or pathlib: the CLI loads this on every run
if TYPE_CHECKING:
    from typing import Any

VERSION = 2  # 2: the locks moved to a per-user place (a daemon of 1 takes others)
MAX_REQUEST_BYTES = 1 << 20  # a request line longer than this is refused
MAX_ID_CHARS = 200
MAX_ADDRESS_BYTES = 100  # sun_path holds 104-108 bytes depending on the system
BUSY = "daemon_busy"  # the error code of a connection refused because too many are open


class Request:
    """A request read. ``progress``: whether the client asked for progress lines; the server
    sets ``notify`` to the callable that sends them (None: nobody wants them)."""

    __slots__ = ("args", "cmd", "id", "notify", "progress")

    def __init__(self, req_id: str, cmd: str, args: dict[str, Any],
                 progress: bool = False) -> None:
        self.id = req_id
        self.cmd = cmd
        self.args = args
        self.progress = progress
        self.notify: Any = None


class ProtocolError(SkillshareError):
    code = "bad_request"


class BusyError(SkillshareError):
    """Too many connections are open at once; nothing ran (a client may ask again)."""

    code = BUSY


def encode(message: dict[str, Any]) -> bytes:
    """One message as a line of JSON (UTF-8). A text that is not valid Unicode (a file name
    that is not UTF-8, read as surrogate escapes) makes the whole line ASCII, with ``\\u``
    escapes: valid JSON that carries the same data."""
    text = json.dumps(message, ensure_ascii=False, default=str)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(message, default=str).encode("ascii")
    return data + b"\n"


def request(req_id: str, cmd: str, args: dict[str, Any], progress: bool = False) -> bytes:
    message: dict[str, Any] = {"v": VERSION, "id": req_id, "cmd": cmd, "args": args}
    if progress:
        message["progress"] = True
    return encode(message)


def decode_request(line: bytes) -> Request:
    """Parse and check one request line; raises :class:`ProtocolError` saying what is wrong."""
    try:
        data = json.loads(line)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"request is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError("request must be a JSON object")
    if data.get("v") != VERSION:
        raise ProtocolError(f"unsupported protocol version {data.get('v')!r}; this daemon "
                            f"speaks version {VERSION}",
                            hint="run the same version of skillshare and skillshared")
    req_id = data.get("id", "")
    if not isinstance(req_id, str) or len(req_id) > MAX_ID_CHARS:
        raise ProtocolError(f"'id' must be text of at most {MAX_ID_CHARS} characters")
    cmd = data.get("cmd")
    if not isinstance(cmd, str) or not cmd:
        raise ProtocolError("'cmd' must be a command name")
    args = data.get("args", {})
    if not isinstance(args, dict):
        raise ProtocolError("'args' must be a JSON object")
    progress = data.get("progress", False)
    if not isinstance(progress, bool):
        raise ProtocolError("'progress' must be true or false")
    return Request(req_id, cmd, args, progress)


def request_id(line: bytes) -> str:
    """The id of a request that failed to parse, if one can be read (for the error reply)."""
    try:
        data = json.loads(line)
    except (UnicodeDecodeError, ValueError):
        return ""
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and len(value) <= MAX_ID_CHARS else ""


def accepted(req_id: str) -> bytes:
    return encode({"v": VERSION, "id": req_id, "event": "accepted"})


def progress_line(req_id: str, frame: dict[str, Any]) -> bytes:
    return encode({"v": VERSION, "id": req_id, "event": "progress", "progress": frame})


def ok(req_id: str, result: dict[str, Any]) -> bytes:
    return encode({"v": VERSION, "id": req_id, "ok": True, "result": result})


def failed(req_id: str, error: SkillshareError) -> bytes:
    return encode({"v": VERSION, "id": req_id, "ok": False, "error": error.to_dict()})


class RemoteError(SkillshareError):
    """An error the daemon reported; keeps the daemon's code so the exit code is the same."""

    def __init__(self, code: str, message: str, hint: str | None = None,
                 details: list[str] | None = None) -> None:
        super().__init__(message, hint, details)
        self.code = code


def parse_response(line: bytes) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError("the daemon sent a response that is not JSON") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise OtherDaemonError(None)
    return data


def error_from(data: dict[str, Any]) -> SkillshareError:
    err = data.get("error")
    if not isinstance(err, dict):
        return ProtocolError("the daemon sent an error without details")
    details = err.get("details")
    return RemoteError(str(err.get("code") or "error"), str(err.get("message") or "error"),
                       err.get("hint") if isinstance(err.get("hint"), str) else None,
                       [str(d) for d in details] if isinstance(details, list) else None)


class short_address:  # used like a function: ``with short_address(p) as address``
    """An address for ``path`` that fits in a Unix socket address: the path itself, or on
    Linux, when it is too long, the same file reached through an open fd of its folder.
    (A class rather than a ``contextmanager``: contextlib is one import more for the CLI.)"""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.text = os.fspath(path)
        self.fd: int | None = None

    def __enter__(self) -> str:
        if len(os.fsencode(self.text)) <= MAX_ADDRESS_BYTES:
            return self.text
        if not os.path.isdir("/proc/self/fd"):
            raise SkillshareError(f"the socket path is too long for this system: {self.text}",
                                  hint="set SKILLSHARE_SOCKET to a shorter path")
        folder, name = os.path.split(self.text)
        if len(os.fsencode(name)) > MAX_ADDRESS_BYTES - len("/proc/self/fd/99999/"):
            raise SkillshareError(f"the socket's file name is too long for a Unix socket: "
                                  f"{self.text}",
                                  hint="set SKILLSHARE_SOCKET to a path with a shorter name")
        self.fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        return f"/proc/self/fd/{self.fd}/{name}"

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
