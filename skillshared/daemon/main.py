"""Entry point of ``skillshared``, the daemon: runs in the foreground (as systemd and launchd
run it) until SIGTERM or SIGINT.

Whatever stops it from starting (a file where a folder should be, a folder it may not write,
a socket path too long, another daemon) is said on one line, ``error: <what> (hint: <what to
do>)``, with exit code 1 and no traceback; `skillshare daemon start` shows that line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from skillshared import __version__
from skillshared.core.errors import LockedError
from skillshared.core.paths import Paths
from skillshared.daemon.process import fewer_arenas
from skillshared.store import locking

EPILOG = """\
examples:
  skillshared                      run in the foreground (Ctrl-C stops it)
  skillshare daemon start          start it in the background and wait until it answers
  skillshare service install       run it at login (systemd user unit / launchd agent)

signals: SIGTERM/SIGINT finish the current operation and exit 0; SIGHUP reloads the config.
The log is $XDG_STATE_HOME/skillshare/logs/daemon.log (JSON lines), or stderr when a
service manager runs the daemon. One daemon per user: its lock is
~/.local/state/skillshare/daemon.lock whatever XDG_RUNTIME_DIR, XDG_STATE_HOME or
SKILLSHARE_SOCKET say.
"""

LOCK_RETRY = 0.5  # a CLI probing the lock holds it for an instant


def record(paths: Paths) -> str:
    """What the daemon writes in its lock, after its pid: where a CLI whose environment puts
    things elsewhere finds its socket and its log."""
    return json.dumps({"socket": str(paths.socket), "config": str(paths.config_file),
                       "log": None if paths.under_service_manager else str(paths.daemon_log),
                       "version": __version__})


def acquire_lock(paths: Paths) -> int:
    """Hold daemon.lock for life (it records our pid and socket); raises LockedError naming
    the holder if another daemon runs, OSError if the lock cannot be made."""
    return locking.hold(paths.daemon_lock, LOCK_RETRY, poll=0.02,
                        busy="another skillshared is already running",
                        hint="stop it with `skillshare daemon stop`", note=record(paths))


def _detach_output() -> None:
    """After start-up, stop writing to the terminal that `skillshare daemon start` used."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def fail(message: str, hint: str | None) -> int:
    print(f"error: {message}" + (f" (hint: {hint})" if hint else ""), file=sys.stderr)
    return 1


def _os_message(doing: str, path: object, exc: OSError) -> str:
    """``doing path: what went wrong`` (and where, when it was another path)."""
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
    return f"{doing} {path}: {exc.strerror or exc}{where}"


class _Parser(argparse.ArgumentParser):
    """Help, version and usage errors written to the end through the descriptor, so a reader
    that went away is noticed (a text stream with PYTHONUNBUFFERED may drop a short write)
    and a character the encoding cannot show is replaced, never a crash."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if not message:
            return
        stream = file or sys.stderr
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):  # not a file (a test's capture)
            stream.write(message)
            return
        stream.flush()
        data = message.encode(getattr(stream, "encoding", None) or "utf-8", "replace")
        while data:
            data = data[os.write(fd, data):]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(
        prog="skillshared", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The skillshare daemon: watches the source, the config and the targets "
                    "and reconciles within a moment of a change, runs scheduled jobs, and "
                    "answers `skillshare` over a Unix socket.")
    parser.add_argument("--version", action="version", version=f"skillshared {__version__}")
    parser.add_argument("--detached", action="store_true",
                        help="close stdin/stdout/stderr once the socket answers (used by "
                             "`skillshare daemon start`)")
    try:
        args = parser.parse_args(argv)
    except BrokenPipeError:  # `skillshared --help | head -1`: the reader went away
        return 141
    fewer_arenas()
    try:
        paths = Paths.from_env()
    except FileNotFoundError:
        os.chdir("/")
        paths = Paths.from_env()
    from skillshared.daemon.server_socket import StartError, start_hint

    try:
        lock_fd = acquire_lock(paths)
    except LockedError as exc:
        return fail(exc.message, exc.hint)
    except OSError as exc:
        return fail(_os_message("cannot take the daemon lock", paths.daemon_lock, exc),
                    start_hint(exc))
    try:
        from skillshared.daemon import logs

        try:
            where = logs.setup(paths)
        except OSError as exc:
            return fail(_os_message("cannot open the daemon log", paths.daemon_log, exc),
                        start_hint(exc))
        from skillshared.daemon.runtime import Runtime

        try:
            runtime = Runtime(paths, where)
            return runtime.run(ready=_detach_output if args.detached else lambda: None)
        except StartError as exc:
            logs.get("daemon").error("start_failed", error=exc.message, hint=exc.hint)
            return fail(exc.message, exc.hint)
        except Exception as exc:
            logs.get("daemon").exception("crashed")
            return fail(f"skillshared stopped: {type(exc).__name__}: {exc}",
                        f"the traceback is in the daemon log ({where})")
    finally:
        os.close(lock_fd)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
