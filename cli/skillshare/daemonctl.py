"""``skillshare daemon start | stop | restart | status | logs``: managing the daemon process.

These run in the CLI itself (they start and stop the daemon, so they cannot be sent to it,
except ``status``, which asks it).
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import time

from skillshared.core import client
from skillshared.core.errors import EXIT_INTERRUPTED, OtherDaemonError, SkillshareError
from skillshared.store import locking

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, BinaryIO, NoReturn

    from skillshared.core.locations import Locations
    from skillshared.core.results_daemon import DaemonControl, DaemonStatus

START_TIMEOUT = 20.0
STOP_TIMEOUT = 120.0
FOLLOW_POLL = 0.1  # seconds between looks at a followed log that has nothing new


def _ping(paths: Locations) -> dict[str, Any] | None:
    """What the daemon says of itself; for a daemon of another version, just its pid (so it
    can be stopped); None when none answers."""
    try:
        return client.ask_daemon("ping", {}, paths)
    except OtherDaemonError as exc:
        return {"pid": exc.pid, "other_version": True} if exc.pid else None
    except SkillshareError:
        return None


def status(paths: Locations) -> DaemonStatus:
    return client.daemon_status(paths)


def start(paths: Locations) -> DaemonControl:
    record = client.daemon_record(paths)
    info = _ping(paths)  # also a daemon that does not share our lock (an older version)
    if info is not None and info.get("other_version"):
        raise OtherDaemonError(info["pid"])
    if info is not None:
        return {"started": False, "already_running": True, "pid": info["pid"],
                "socket": info.get("socket") or client.recorded_socket(paths, record)}
    if record is not None:
        who = f" (pid {record[0]})" if record[0] else ""
        raise SkillshareError(f"a daemon{who} holds the lock but does not answer",
                              hint="skillshare daemon restart")
    read_end = _spawn(paths)
    try:
        info = _wait_ready(paths, read_end)
    finally:
        os.close(read_end)
    return {"started": True, "already_running": False, "pid": info["pid"],
            "socket": info.get("socket") or paths.socket, "log": paths.daemon_log}


def _spawn(paths: Locations) -> int:
    """Start ``skillshared --detached`` in its own session, not as our child (double fork);
    returns the read end of a pipe that is its stderr until it is ready."""
    read_end, write_end = os.pipe()
    argv = [sys.executable, "-m", "skillshared.daemon", "--detached"]
    env = paths.child_env()
    for key, value in (("SKILLSHARE_CONFIG", paths.config_file),
                       ("SKILLSHARE_SOCKET", paths.socket)):
        if env.get(key):
            env[key] = value  # absolute: the daemon runs in /
    pid = os.fork()
    if pid == 0:  # pragma: no cover - in the child
        try:
            os.setsid()
            if os.fork() > 0:
                os._exit(0)
            null = os.open(os.devnull, os.O_RDWR)
            os.dup2(null, 0)
            os.dup2(null, 1)
            os.dup2(write_end, 2)
            os.chdir("/")
            os.execve(sys.executable, argv, env)
        finally:
            os._exit(127)
    os.close(write_end)
    os.waitpid(pid, 0)
    return read_end


def _wait_ready(paths: Locations, read_end: int) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT
    output = b""
    closed = False
    while time.monotonic() < deadline:
        if not closed:
            ready, _, _ = select.select([read_end], [], [], 0.05)
            if ready:
                chunk = os.read(read_end, 65536)
                output += chunk
                closed = not chunk  # EOF: it detached its output (ready) or it exited
        else:
            time.sleep(0.05)
        info = _ping(paths)
        if info is not None:
            return info
        if closed and client.lock_holder(paths) is None:
            break  # gone
    text = output.decode("utf-8", "replace").strip()
    own = _error_line(text)
    if own is not None:  # the daemon said what is wrong and what to do
        raise SkillshareError(f"the daemon did not start: {own[0]}", hint=own[1])
    reason = text or (f"no answer on {paths.socket} within {START_TIMEOUT:g} s"
                      if time.monotonic() >= deadline else "it exited without a word")
    raise SkillshareError(f"the daemon did not start: {reason}",
                          hint="run `skillshared` in a terminal to see what it says, or "
                               "`skillshare daemon logs`")


def _error_line(text: str) -> tuple[str, str | None] | None:
    """The daemon's last ``error: <what> (hint: <what to do>)`` line, as (what, hint)."""
    for line in reversed(text.splitlines()):
        if line.startswith("error: "):
            what, _, hint = line[len("error: "):].partition(" (hint: ")
            if hint.endswith(")"):
                return what, hint[:-1]
            return what + (f" (hint: {hint}" if hint else ""), None
    return None


def stop(paths: Locations) -> DaemonControl:
    pid = client.lock_holder(paths)
    by_lock = pid is not None
    if pid is None:
        info = _ping(paths)  # a daemon that does not share our lock (an older version)
        if info is None:
            return {"stopped": False, "was_running": False}
        pid = int(info["pid"])
    if pid <= 1:
        raise SkillshareError("the daemon's lock file does not name its process",
                              hint=f"find it with `pgrep -f skillshared` ({paths.daemon_lock})")
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while client.lock_holder(paths) is not None if by_lock else locking.alive(pid):
        if time.monotonic() > deadline:
            raise SkillshareError(f"the daemon (pid {pid}) did not stop within "
                                  f"{STOP_TIMEOUT:g} s", hint=f"kill -9 {pid}")
        time.sleep(0.05)
    return {"stopped": True, "was_running": True, "pid": pid}


def restart(paths: Locations) -> DaemonControl:
    stopped = stop(paths)
    started = start(paths)
    return {**started, "restarted": stopped["was_running"], "old_pid": stopped.get("pid")}


# -- logs ---------------------------------------------------------------------------------

def log_file(paths: Locations) -> str:
    """The running daemon's log (it may have been started with another XDG_STATE_HOME), else
    where this environment puts it."""
    record = client.daemon_record(paths)
    value = record[1].get("log") if record is not None else None
    return value if isinstance(value, str) and value.startswith("/") else paths.daemon_log


def _open_log(paths: Locations) -> tuple[str, BinaryIO]:
    path = log_file(paths)
    try:
        return path, open(path, "rb")
    except FileNotFoundError:
        raise SkillshareError(f"no daemon log at {path}",
                              hint="under systemd the log is in the journal: journalctl --user "
                                   "-u skillshared") from None


def log_lines(paths: Locations, tail: int) -> list[str]:
    """The log's last ``tail`` lines (all for 0), read from its end."""
    from skillshared.core import logtail

    with _open_log(paths)[1] as handle:
        return logtail.tail_of(handle, tail)


def follow(paths: Locations, tail: int | None = None) -> Iterator[str]:
    """The last ``tail`` lines (all for 0; none for None), then new lines as they are
    written, from the same open file (nothing written in between is missed; survives
    rotation). An empty string is an idle tick. Ctrl-C ends it quietly (it is how one
    stops following: no error), with the exit status of an interrupted command, wherever
    it comes (reading, or printing a line)."""
    previous = signal.getsignal(signal.SIGINT)
    quiet = previous is signal.default_int_handler  # (not when Ctrl-C is ignored)
    if quiet:
        try:
            signal.signal(signal.SIGINT, _stop_following)
        except ValueError:  # not the main thread: Ctrl-C is not ours to handle
            quiet = False
    try:
        yield from _follow(paths, tail)
    finally:
        if quiet:
            signal.signal(signal.SIGINT, previous)


def _stop_following(signum: int, frame: object) -> NoReturn:
    raise SystemExit(EXIT_INTERRUPTED)


def _follow(paths: Locations, tail: int | None) -> Iterator[str]:
    from skillshared.core import logtail

    path, handle = _open_log(paths)
    try:
        if tail is None:
            handle.seek(0, os.SEEK_END)
        else:
            yield from logtail.tail_of(handle, tail)
        ident, partial = os.fstat(handle.fileno()).st_ino, b""
        while True:
            partial += handle.readline()
            if partial.endswith(b"\n"):
                yield partial.decode("utf-8", "replace").rstrip("\n")
                partial = b""
                continue
            time.sleep(FOLLOW_POLL)
            yield ""  # an idle tick: the caller may check that its reader is still there
            try:
                if os.stat(path).st_ino != ident:
                    handle.close()
                    handle = open(path, "rb")  # noqa: SIM115
                    ident, partial = os.fstat(handle.fileno()).st_ino, b""
            except FileNotFoundError:
                continue
    finally:
        handle.close()


def parse(line: str) -> object:
    """A log line's JSON object (the line itself if it is not JSON), its ``timestamp`` in
    the one form of every time in ``--json`` (the file keeps structlog's)."""
    try:
        record = json.loads(line)
    except ValueError:
        return line
    if isinstance(record, dict) and isinstance(record.get("timestamp"), str):
        from skillshared.core import timefmt

        record["timestamp"] = timefmt.iso_text(record["timestamp"])
    return record


def json_line(line: str) -> str:
    """A followed line as ``daemon logs -f --json`` prints it: :func:`parse`'s object on one
    line (a line that is not JSON as it is)."""
    record = parse(line)
    return line if isinstance(record, str) else json.dumps(record, ensure_ascii=False)


def pretty(line: str) -> str:
    """One JSON log line as text: local time, level, event, what happened."""
    from skillshare import render_daemon_log

    return render_daemon_log.line_text(line)
