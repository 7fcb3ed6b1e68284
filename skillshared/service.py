"""The application API: one function per command, returning plain result data.

The daemon's socket handler and the CLI's in-process fallback both call :func:`run`, so a
command gives the same result either way. Nothing here prints.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from skillshared import restore
from skillshared.catalog import skills
from skillshared.core import config as configmod
from skillshared.core.config import Config
from skillshared.core.errors import (
    ConfigError,
    NotFoundError,
    SkillshareError,
    UsageError,
    from_os_error,
)
from skillshared.core.paths import Paths, Scope
from skillshared.engine import fsops, reconcile
from skillshared.store import oplog


class Request:
    """A command's arguments (from argparse or a socket request), checked on access."""

    def __init__(self, paths: Paths, args: Mapping[str, Any],
                 daemon: Callable[[], dict[str, Any]] | None = None) -> None:
        if not isinstance(args, Mapping):
            raise UsageError("arguments must be a mapping of names to values")
        cwd = args.get("cwd")
        if cwd is not None:
            if not isinstance(cwd, str) or not os.path.isabs(cwd):
                raise UsageError("'cwd' must be an absolute path")
            paths = dataclasses.replace(paths, cwd=Path(cwd))
        self.paths = paths
        self.args = args
        self.loaded: Config | None = None  # the config, once a handler has loaded it
        self.daemon = daemon  # inside the daemon: its status section

    def _typed(self, key: str, kinds: tuple[type, ...], what: str, default: Any) -> Any:
        value = self.args.get(key, default)
        if value is None or value is default:
            return value
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise UsageError(f"argument '{key}' must be {what}")
        return value

    def flag(self, key: str) -> bool:
        return bool(self._typed(key, (bool,), "true or false", False))

    def text(self, key: str, default: str | None = None) -> str | None:
        value = self._typed(key, (str,), "text", default)
        if isinstance(value, str) and "\0" in value:
            raise UsageError(f"argument '{key}' must not contain a NUL character")
        return value  # type: ignore[no-any-return]

    def number(self, key: str, default: int | None = None) -> int | None:
        return self._typed(key, (int,), "a whole number", default)  # type: ignore[no-any-return]

    def texts(self, key: str) -> list[str]:
        value = self.args.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"argument '{key}' must be a list of text")
        return list(value)

    def scope(self) -> Scope:
        project = self.args.get("project")
        if project is not None and not isinstance(project, bool):
            raise UsageError("argument 'project' must be true, false or absent")
        return self.paths.scope(project)

    def config(self) -> Config:
        self.loaded = configmod.load(self.scope())
        return self.loaded

    def global_config(self, refusal: str, hint: str = "run it with -g") -> Config:
        """The config, for a command that works on the global scope only (``refusal``: why
        not in project mode)."""
        config = self.config()
        if config.scope.is_project:
            raise UsageError(refusal, hint=hint)
        return config


Handler = Callable[[Request], dict[str, Any]]


def pick_targets(config: Config, names: list[str]) -> list[str] | None:
    """Configured target names for ``names`` (names or aliases); None means all."""
    if not names:
        return None
    chosen, unknown = [], []
    for name in names:
        target = config.target(name)
        if target is None:
            unknown.append(name)
        elif target.name not in chosen:
            chosen.append(target.name)
    if unknown:
        known = ", ".join(t.name for t in config.targets) or "none"
        raise NotFoundError(
            f"unknown target{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            hint=f"configured targets: {known}",
        )
    return chosen


def check_source(config: Config) -> None:
    """Refuse before changing anything when the source is unusable. (A target that is
    unusable fails on its own: the others are synced.)"""
    if not os.path.isdir(config.source):
        kind = "is not a folder" if os.path.lexists(config.source) else "does not exist"
        raise ConfigError(f"source folder {kind}: {config.source}",
                          hint="create it, or set `source:` in the config to your skills folder")


def cmd_sync(req: Request) -> dict[str, Any]:
    config = req.config()
    only = pick_targets(config, req.texts("targets"))
    check_source(config)
    scope = config.scope
    dry_run = req.flag("dry_run")
    interrupted = [] if dry_run else restore.recover(config)
    if not dry_run:
        fsops.remove_temps(config.source)
    discovery = skills.discover(config.source)
    report = reconcile.sync(
        config, discovery, dry_run=dry_run, force=req.flag("force"), only=only,
        backups_dir=scope.backups_dir, auto_backup=not scope.is_project,
    )
    if interrupted:
        report["interrupted_restores"] = interrupted
    return report


def cmd_log(req: Request) -> dict[str, Any]:
    scope = req.scope()
    tail = req.number("tail", 20)
    if tail is not None and tail < 0:
        raise UsageError("--tail must be 0 or more")
    entries = oplog.read(scope.oplog_file, tail or None)
    return {"scope": scope.name, "file": str(scope.oplog_file), "entries": entries}


def cmd_pull(req: Request) -> dict[str, Any]:
    """``pull``: fetch and fast-forward the source, then sync every target. ``pull <target>``
    is the old name of ``collect <target>``."""
    from skillshared import collect
    from skillshared.git import gitsync

    if req.texts("targets"):
        return {**collect.cmd_collect(req),
                "hint": "`skillshare pull <target>` is now `skillshare collect <target>`"}
    config = req.global_config(gitsync.GLOBAL_ONLY.format(what="pull"))
    pulled = gitsync.pull_source(config, req.paths.env, req.flag("dry_run"), merge=True)
    if req.flag("dry_run"):
        return {"pull": pulled, "sync": None, "summary": {"failed": 0}}
    report = cmd_sync(req)
    return {"pull": pulled, "sync": report, "summary": report["summary"]}


# Each command's handler as "module:function" (the module is imported when the command
# runs, so a `sync` does not load the code of every other command).
COMMANDS = {
    "audit": "auditcmd:cmd_audit", "backup": "backupcmd:cmd_backup",
    "restore": "restore:cmd_restore", "trash": "trash:cmd_trash",
    "collect": "collect:cmd_collect", "pull": ":cmd_pull", "push": "git.gitsync:cmd_push",
    "install": "installcmd:cmd_install", "uninstall": "installcmd:cmd_uninstall",
    "check": "installcmd:cmd_check", "update": "installcmd:cmd_update",
    "init": "setup:cmd_init", "sync": ":cmd_sync", "status": "views:cmd_status",
    "diff": "views:cmd_diff", "list": "views:cmd_list", "doctor": "doctor:cmd_doctor",
    "log": ":cmd_log", "target": "targetcmd:cmd_target",
}


def handler_for(cmd: str) -> Handler | None:
    where = COMMANDS.get(cmd)
    if where is None:
        return None
    module, _, name = where.partition(":")
    if not module:
        return globals()[name]  # type: ignore[no-any-return]
    import importlib

    return getattr(importlib.import_module(f"skillshared.{module}"), name)  # type: ignore[no-any-return]


READ_ONLY = frozenset({"status", "diff", "list", "doctor", "log", "audit", "check"})


def mutates(cmd: str, args: Mapping[str, Any]) -> bool:
    """Whether a command changes files (so holds ops.lock and goes to the operation log)."""
    if cmd in READ_ONLY:
        return False
    if cmd == "backup":
        return not (args.get("list") or args.get("verify"))
    if cmd == "trash":
        return args.get("action", "list") not in ("list", "ls")
    return not (cmd == "target" and args.get("action") in ("list", "info"))


def _log_args(args: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k not in ("cwd", "json") and v not in (None, False,
                                                                                   [])}


def run(cmd: str, args: Mapping[str, Any], paths: Paths,
        daemon: Callable[[], dict[str, Any]] | None = None) -> dict[str, Any]:
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
    return result


def _log(req: Request, cmd: str, status: str, started: float, message: str | None = None) -> None:
    try:
        scope = req.scope()
        max_entries = req.loaded.log_max_entries if req.loaded is not None else 1000
        oplog.append(scope.oplog_file, cmd, _log_args(req.args), status,
                     (time.monotonic() - started) * 1000, message, max_entries)
    except (OSError, SkillshareError):
        pass  # the log is a record, never a reason for a command to fail
