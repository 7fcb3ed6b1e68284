"""Run ``skillshare`` and exit abruptly (no cleanup, like kill -9) at the N-th filesystem change.

Usage: python tests/crash_harness.py N <skillshare arguments...>. Exits 77 when it crashed,
otherwise with the command's own exit code. The environment can change that:

- ``CRASH_AT=<event>:<K>`` names the point instead of N: the K-th change of that kind
  (``os.rename:1``: the first rename, ``os.symlink:3``, ``open:2``: the second file opened
  for writing; the kinds are the audit events below);
- ``CRASH_RAISE=ENOSPC`` (any errno name): the N-th change fails with that error instead (a
  full disk, say) and the command carries on as it would;
- ``CRASH_RAISE_UNDER=<folder>`` as well: every change under that folder fails with it (a
  read-only target, say), and N is not used;
- ``CRASH_COUNT_FILE=<file>``: the number of changes the run made is written there when it
  exits normally;
- ``CRASH_LOG=<file>``: each crash or failure appends a line (``crashed`` or ``failed``,
  the point, the command): how the README's count of crash points comes about.

``python tests/crash_harness.py --serve`` is the same harness as a fork server (the tests use
it through tests/crash_runner.py): it loads the code once, then runs each request in a
forked child of its own, which dies at its point just as a process of its own would.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import os
import sys
from collections.abc import Mapping
from typing import Any

CRASHED = 77
_CHANGES = {"os.symlink", "os.rename", "os.replace", "os.remove", "os.rmdir", "os.mkdir",
            "os.link", "shutil.rmtree", "os.chmod", "os.truncate"}
_WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_count = [0]
_kinds: dict[str, int] = {}  # changes so far of each kind
_noting: list[bool] = []  # non-empty while _note writes (its own open is not a change)


class _Point:
    """Where to crash or fail (set by :func:`_configure`)."""

    limit = 0  # the N-th change
    named: tuple[str, int] | None = None  # or the K-th change of one kind
    fail = 0  # an errno to fail with instead of crashing
    under = ""  # every change under this folder fails (N unused)


_at = _Point()


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _noting:
        return
    if event == "open":
        mode, flags = (*args, None, None)[1:3]
        if not ((isinstance(mode, str) and any(c in mode for c in "wax+"))
                or (isinstance(flags, int) and flags & _WRITE)):
            return
    elif event not in _CHANGES:
        return
    if _at.under:
        path = os.fsdecode(args[0]) if args and isinstance(args[0], str | bytes) else ""
        if os.path.abspath(path).startswith(_at.under):
            raise OSError(_at.fail, os.strerror(_at.fail), path)
        return
    _count[0] += 1
    _kinds[event] = _kinds.get(event, 0) + 1
    if _count[0] == _at.limit if _at.named is None else (event, _kinds[event]) == _at.named:
        if _at.fail:
            _note("failed")
            raise OSError(_at.fail, os.strerror(_at.fail), str(args[0]) if args else None)
        _note("crashed")
        os._exit(CRASHED)


def _note(what: str) -> None:
    log = os.environ.get("CRASH_LOG")
    if log:
        _noting.append(True)
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        point = _at.limit if _at.named is None else ":".join(map(str, _at.named))
        os.write(fd, f"{what} {point} {' '.join(sys.argv[2:3])}\n".encode())
        os.close(fd)
        _noting.pop()


def _configure(point: str, env: Mapping[str, str]) -> None:
    """Set the point (N) and the CRASH_* settings of ``env``."""
    _at.limit = int(point)
    if env.get("CRASH_AT"):
        event, _, k = env["CRASH_AT"].rpartition(":")
        _at.named = (event, int(k))
    _at.fail = getattr(errno, env["CRASH_RAISE"], 0) if env.get("CRASH_RAISE") else 0
    _at.under = env.get("CRASH_RAISE_UNDER", "")
    if env.get("CRASH_COUNT_FILE"):
        atexit.register(_write_count, env["CRASH_COUNT_FILE"])


def _write_count(path: str) -> None:
    made = str(_count[0])  # before the open below counts as a change
    with open(path, "w") as handle:
        handle.write(made)


def _serve() -> None:
    """Answer requests (a JSON line: ``argv`` (N and the command), ``env``, ``cwd``) read on
    stdin, one at a time, each run in a forked child: the reply is a JSON line (``code``
    and the lengths of ``out`` and ``err``) followed by the child's output and errors."""
    import json

    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # nothing but the replies goes to the test
    from skillshare.main import main

    for line in requests:
        request = json.loads(line)
        out, err = os.memfd_create("out"), os.memfd_create("err")
        replies.flush()
        pid = os.fork()
        if pid == 0:
            requests.close()
            replies.close()
            _child(main, request, out, err)
        code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        texts = [os.pread(fd, os.fstat(fd).st_size, 0) for fd in (out, err)]
        for fd in (out, err):
            os.close(fd)
        head = {"code": code, "out": len(texts[0]), "err": len(texts[1])}
        replies.write(json.dumps(head).encode() + b"\n" + texts[0] + texts[1])
        replies.flush()
        _warm(request["argv"][1:2])


def _warm(command: list[str]) -> None:
    """Load the code of ``command`` now, so that the next child need not."""
    from skillshared import api

    for cmd in command:
        with contextlib.suppress(ImportError):
            api.handler_for(cmd)


def _child(main: Any, request: dict[str, Any], out: int, err: int) -> None:
    """Run the request as a process of its own would, then exit (never returns)."""
    import threading
    import traceback

    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.dup2(out, 1)
        os.dup2(err, 2)
        sys.argv = [__file__, *request["argv"]]
        _configure(request["argv"][0], os.environ)
        sys.addaudithook(_hook)
        code = _exit_code(main, request["argv"][1:])
        threading._shutdown()  # type: ignore[attr-defined]  # as the interpreter's exit does
        atexit._run_exitfuncs()
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
        os._exit(code)


def _exit_code(main: Any, argv: list[str]) -> int:
    """What ``sys.exit(main(argv))`` would end the process with."""
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code
    except BaseException:
        import traceback

        traceback.print_exc()
        return 1
    if status is None or isinstance(status, int):
        return status or 0
    print(status, file=sys.stderr)
    return 1


if __name__ == "__main__" and sys.argv[1:2] == ["--serve"]:
    _serve()
elif __name__ == "__main__":
    _configure(sys.argv[1], os.environ)
    sys.addaudithook(_hook)

    from skillshare.main import main

    sys.exit(main(sys.argv[2:]))
