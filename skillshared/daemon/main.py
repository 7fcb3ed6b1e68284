"""Entry point of ``skillshared``, the daemon: runs in the foreground (as systemd and launchd
run it) until SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from skillshared import __version__, locking
from skillshared.errors import LockedError
from skillshared.paths import Paths

EPILOG = """\
examples:
  skillshared                      run in the foreground (Ctrl-C stops it)
  skillshare daemon start          start it in the background and wait until it answers
  skillshare service install       run it at login (systemd user unit / launchd agent)

signals: SIGTERM/SIGINT finish the current operation and exit 0; SIGHUP reloads the config.
The log is $XDG_STATE_HOME/skillshare/logs/daemon.log (JSON lines), or stderr when a
service manager runs the daemon.
"""

LOCK_RETRY = 0.5  # a CLI probing the lock holds it for an instant


def acquire_lock(paths: Paths) -> int:
    """Hold daemon.lock for life; exits naming the holder if another daemon runs."""
    try:
        return locking.hold(paths.daemon_lock, LOCK_RETRY, poll=0.02,
                            busy="another skillshared is already running",
                            hint="stop it with `skillshare daemon stop`")
    except LockedError as exc:
        raise SystemExit(f"error: {exc.message} (hint: {exc.hint})") from None


def _detach_output() -> None:
    """After start-up, stop writing to the terminal that `skillshare daemon start` used."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="skillshared", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter,
        description="The skillshare daemon: watches the source, the config and the targets "
                    "and reconciles within a moment of a change, runs scheduled jobs, and "
                    "answers `skillshare` over a Unix socket.")
    parser.add_argument("--version", action="version", version=f"skillshared {__version__}")
    parser.add_argument("--detached", action="store_true",
                        help="close stdin/stdout/stderr once the socket answers (used by "
                             "`skillshare daemon start`)")
    args = parser.parse_args(argv)
    try:
        paths = Paths.from_env()
    except FileNotFoundError:
        os.chdir("/")
        paths = Paths.from_env()
    try:
        lock_fd = acquire_lock(paths)
    except OSError as exc:
        print(f"error: cannot take the daemon lock {paths.daemon_lock}: "
              f"{exc.strerror or exc} (hint: check SKILLSHARE_SOCKET / XDG_RUNTIME_DIR)",
              file=sys.stderr)
        return 1
    try:
        from skillshared.daemon import logs
        from skillshared.daemon.runtime import Runtime

        where = logs.setup(paths)
        runtime = Runtime(paths, where)
        try:
            return runtime.run(ready=_detach_output if args.detached else lambda: None)
        except Exception as exc:
            logs.get("daemon").exception("crashed")
            print(f"error: skillshared stopped: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    finally:
        os.close(lock_fd)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
