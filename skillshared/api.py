"""The application API: one function per command, returning plain result data.

The daemon's socket handler and the CLI's in-process fallback both call :func:`run`, so a
command gives the same result either way. Nothing here prints.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from skillshared.commands.request import Request
from skillshared.core.errors import (
    ConfigError,
    NotFoundError,
    SkillshareError,
    UsageError,
    from_os_error,
)

if TYPE_CHECKING:
    from skillshared.core.paths import Paths
    from skillshared.core.results_daemon import DaemonStatus

Handler = Callable[[Request], Mapping[str, Any]]  # each returns its result's TypedDict

# Each command's handler as "module:function" (the module is imported when the command
# runs, so a `sync` does not load the code of every other command).
COMMANDS = {
    "audit": "auditcmd:cmd_audit", "backup": "backupcmd:cmd_backup",
    "restore": "restorecmd:cmd_restore", "trash": "trashcmd:cmd_trash",
    "collect": "collect:cmd_collect_kind", "pull": "sync:cmd_pull", "push": "sync:cmd_push",
    "install": "installcmd:cmd_install", "uninstall": "uninstallcmd:cmd_uninstall",
    "check": "updatecmd:cmd_check", "update": "updatecmd:cmd_update",
    "init": "initcmd:cmd_init", "sync": "sync:cmd_sync", "status": "views:cmd_status",
    "diff": "views:cmd_diff", "list": "views:cmd_list", "doctor": "doctor:cmd_doctor",
    "log": "logcmd:cmd_log", "target": "targetcmd:cmd_target",
    "extras": "extrascmd:cmd_extras",
    "commit": "commitcmd:cmd_commit", "new": "newcmd:cmd_new",
    "enable": "enablecmd:cmd_enable", "disable": "enablecmd:cmd_disable",
    "analyze": "analyzecmd:cmd_analyze", "tui": "tuicmd:cmd_tui",
    "catalog": "catalogcmd:cmd_catalog",  # (the CLI's `status --catalog`)
}


def handler_for(cmd: str) -> Handler | None:
    """The function of ``cmd`` in its module of :mod:`skillshared.commands` (imported now)."""
    where = COMMANDS.get(cmd)
    if where is None:
        return None
    module, _, name = where.partition(":")
    handler: Handler = getattr(importlib.import_module(f"skillshared.commands.{module}"), name)
    return handler


READ_ONLY = frozenset({"status", "diff", "list", "doctor", "log", "audit", "check",
                       "analyze", "catalog"})


def mutates(cmd: str, args: Mapping[str, Any]) -> bool:
    """Whether a command changes files (so holds ops.lock and goes to the operation log)."""
    if cmd == "audit" and (args.get("names") or [""])[0] == "accept":
        return not args.get("list")  # `audit accept` records and syncs
    if cmd in READ_ONLY:
        return False
    if cmd == "backup":
        return not (args.get("list") or args.get("verify"))
    if cmd == "trash":
        return args.get("action", "list") not in ("list", "ls")
    if cmd == "restore":  # (without a target it lists the backups)
        return bool(args.get("target"))
    if cmd == "tui":  # (without on/off it only shows the setting)
        return args.get("state") is not None
    if cmd == "extras":  # (list, show one, show the source: read only)
        words = args.get("what") or ["list"]
        return not (words[0] in ("list", "ls") or words == ["source"] or (
            len(words) == 1 and words[0] not in ("init", "remove", "rm", "collect")
            and not any(args.get(k) for k in ("mode", "flatten", "no_flatten",
                                               "add_target", "remove_target", "prune"))))
    return not (cmd == "target" and args.get("action") in ("list", "info"))


def given_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments that say something (not the folder it ran in, not --json, no flag that
    is off): what the log records, and what tells two requests apart."""
    return {k: v for k, v in args.items() if k not in ("cwd", "json") and v not in (None, False,
                                                                                   [])}


def run(cmd: str, args: Mapping[str, Any], paths: Paths,
        daemon: Callable[[], DaemonStatus] | None = None) -> dict[str, Any]:
    """Run one command; raises :class:`SkillshareError` for anything a user must fix.
    ``daemon``: set when the daemon runs the command (gives its status section)."""
    handler = handler_for(cmd) if isinstance(cmd, str) else None
    if handler is None:
        raise UsageError(f"unknown command '{cmd}'")
    req = Request(paths, args, daemon)
    logged = mutates(cmd, args) and not req.flag("dry_run")
    started = time.monotonic()
    try:
        try:
            result = handler(req)
        except OSError as exc:
            raise from_os_error(exc, f"{cmd} failed") from None
    except (ConfigError, UsageError, NotFoundError):
        raise  # bad input: nothing was attempted, nothing is written (not even the log)
    except SkillshareError as exc:
        if logged and cmd != "init":
            _log(req, cmd, "error", started, exc.message)
        _audit_log(req, cmd, None, exc, started)
        raise
    except KeyboardInterrupt:
        if logged:
            _log(req, cmd, "interrupted", started, "interrupted; the next run finishes the work")
        raise
    if logged:
        summary = result.get("summary", {})
        failed, held = summary.get("failed", 0), summary.get("held", 0)
        message = None
        if held:
            message = (f"pruning held back in {held} target{'s' if held != 1 else ''} "
                       "(the mass-delete guard); see `skillshare status`")
        _log(req, cmd, "partial" if failed or held else "ok", started, message)
    _audit_log(req, cmd, result, None, started)
    return dict(result)  # (the JSON document the socket and --json carry)


# the commands with entries in the audit log (its code is loaded for these only)
_AUDITED = frozenset({"audit", "install", "update"})


def _audit_log(req: Request, cmd: str, result: Mapping[str, Any] | None,
               error: SkillshareError | None, started: float) -> None:
    if cmd in _AUDITED:
        from skillshared.commands import audit_log

        audit_log.record(req, cmd, result, error, started)


def _log(req: Request, cmd: str, status: str, started: float, message: str | None = None) -> None:
    from skillshared.store import oplog

    try:
        scope = req.scope()
        max_entries = req.loaded.log_max_entries if req.loaded is not None else 1000
        oplog.append(scope.oplog_file, cmd, given_args(req.args), status,
                     (time.monotonic() - started) * 1000, message, max_entries)
    except (OSError, SkillshareError):
        pass  # the log is a record, never a reason for a command to fail
