"""Errors meant for users: a message, a hint, a stable code and an exit code."""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported: the CLI loads this on every run
if TYPE_CHECKING:
    from typing import Any

# Exit codes (README: "Commands").
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_DAEMON = 3
EXIT_INTERRUPTED = 130

_EXIT_BY_CODE = {"usage": EXIT_USAGE, "daemon_unresponsive": EXIT_DAEMON, "interrupted": 130}


def exit_code_for(code: str) -> int:
    return _EXIT_BY_CODE.get(code, EXIT_FAILURE)


class SkillshareError(Exception):
    """Base class of every error shown to a user."""

    code = "error"

    def __init__(self, message: str, hint: str | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.details = list(details or [])

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.code)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message, "hint": self.hint}
        if self.details:
            data["details"] = self.details
        return data


class UsageError(SkillshareError):
    code = "usage"


class ConfigError(SkillshareError):
    """The config file is missing, unreadable or invalid; ``details`` lists every problem."""

    code = "config"


class NotFoundError(SkillshareError):
    code = "not_found"


class LockedError(SkillshareError):
    code = "locked"


class DaemonUnresponsiveError(SkillshareError):
    """The daemon holds its lock but does not answer (exit 3)."""

    code = "daemon_unresponsive"


class OtherDaemonError(DaemonUnresponsiveError):
    """A daemon of another version answers on the socket (exit 3): it cannot serve this
    CLI, and nothing may run beside it (an older one takes other locks)."""

    def __init__(self, pid: int | None) -> None:
        who = f" (pid {pid})" if pid else ""
        super().__init__(f"the daemon{who} is another version of skillshare",
                         hint="restart it with this version: skillshare daemon restart")
        self.pid = pid


_OS_HINTS = {
    28: "free some disk space, then run it again",  # ENOSPC
    13: "check the permissions of that path",  # EACCES
    1: "check the permissions of that path",  # EPERM
    30: "that filesystem is mounted read-only",  # EROFS
    122: "a disk quota is full; free some space, then run it again",  # EDQUOT
}


def from_os_error(exc: OSError, doing: str) -> SkillshareError:
    """A filesystem error the tool could not work around, said plainly (nothing half-done
    is left: every change is made so that it is whole or not at all)."""
    where = f": {exc.filename}" if exc.filename else ""
    return SkillshareError(f"{doing}: {exc.strerror or exc}{where}",
                           hint=_OS_HINTS.get(exc.errno or 0, "run it again; if it keeps "
                                              "failing, check that path"))
