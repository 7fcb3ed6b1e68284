"""The daemon as a user service: install, uninstall and inspect its service file (rendered
by :mod:`skillshared.system.servicefiles`), enabling and starting it when the service manager
(``systemctl --user``, ``launchctl``) is reachable (through :mod:`servicectl`). Nothing
here prints: each action returns plain JSON-able data.
"""

from __future__ import annotations

import os
import re
import shlex
import time
from pathlib import Path

from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths
from skillshared.core.results_daemon import ServiceResult
from skillshared.engine import fsops
from skillshared.system.servicectl import Manager, Ran, Steps, launchd_loaded, probe, run, show
from skillshared.system.servicefiles import (
    FILE_MODE,
    LAUNCHD,
    PROBE_TIMEOUT,
    SYSTEMD,
    UNIT_NAME,
    expected,
    program_path,
    read,
    service_kind,
    unit_path,
)

# -- install ----------------------------------------------------------------------------------


def _start_commands(kind: str, path: Path, uid: int) -> list[str]:
    """What to run by hand to start an installed service."""
    if kind == SYSTEMD:
        return ["systemctl --user daemon-reload", f"systemctl --user enable --now {UNIT_NAME}"]
    return [f"launchctl bootstrap gui/{uid} {shlex.quote(str(path))}"]


def _write(path: Path, text: str) -> None:
    fsops.makedirs(path.parent)
    fsops.atomic_write(path, text.encode("utf-8"), FILE_MODE)
    if (path.stat().st_mode & 0o777) != FILE_MODE:
        fsops.set_mode(path, FILE_MODE)


def _start_systemd(steps: Steps, state: str) -> None:
    steps.run("--user", "daemon-reload")
    if state == "replaced":
        steps.run("--user", "try-restart", UNIT_NAME)
    steps.run("--user", "enable", "--now", UNIT_NAME)


def _start_launchd(steps: Steps, state: str, path: Path) -> None:
    manager = steps.manager
    loaded = launchd_loaded(steps.paths, manager).ok
    if loaded and state == "unchanged":
        steps.run("kickstart", manager.target)
        return
    if loaded:
        steps.run("bootout", manager.target)
    steps.run("enable", manager.target)
    steps.run("bootstrap", manager.domain, str(path))
    if loaded and steps.failed is not None and steps.failed.argv[1] == "bootstrap":
        time.sleep(1.0)  # launchd may still be tearing the old job down: try once more
        steps.retry()


def install(paths: Paths, start: bool = True, dry_run: bool = False) -> ServiceResult:
    """Write the service file and, with ``start``, enable and start the service.

    Result fields:

    - ``kind``: ``"systemd"`` or ``"launchd"``; ``path``: the service file; ``program``: the
      ``skillshared`` it runs; ``log_file``: where launchd writes the daemon's output
      (``None`` for systemd, which uses the journal); ``dry_run``.
    - ``file``: ``"created"``, ``"replaced"`` (it differed) or ``"unchanged"`` (what would
      happen, in a dry run).
    - ``manager``: ``{"present": bool, "detail": why not, or None}`` (``None`` when not
      asked to start).
    - ``start_requested``; ``started``: the service manager enabled and started it.
    - ``commands``: the service-manager commands run (or, in a dry run, to be run).
    - ``ok``: false only when a service-manager command failed; ``error``: that failure,
      with its stderr. The file stays written either way.
    - ``next_steps``: commands for the user to run (when not started, or after a failure).
    - ``message``: one line saying what happened.
    """
    kind = service_kind(paths)
    path = unit_path(paths)
    program = program_path(paths)
    text = expected(paths, kind, program)
    old = read(path)
    state = "created" if old is None else "unchanged" if old == text else "replaced"
    if not dry_run:
        if kind == LAUNCHD:
            fsops.make_private_dir(paths.log_dir)
        if state != "unchanged":
            _write(path, text)
    result: ServiceResult = {
        "kind": kind, "path": str(path), "program": str(program),
        "log_file": str(paths.daemon_log) if kind == LAUNCHD else None, "dry_run": dry_run,
        "file": state, "manager": None, "start_requested": start, "started": False,
        "commands": [], "ok": True, "error": None, "next_steps": [], "message": "",
    }
    manual = _start_commands(kind, path, os.getuid())
    if not start:
        result["next_steps"] = manual
        result["message"] = f"{_verb(state, dry_run)} {path}; not started (as asked)"
        return result
    manager = probe(paths, kind)
    result["manager"] = manager.to_dict()
    if not manager.present:
        result["next_steps"] = manual
        result["message"] = (f"{_verb(state, dry_run)} {path}; not started: {manager.detail}; "
                             "start it with the commands in next_steps")
        return result
    steps = Steps(paths, manager, dry_run)
    if kind == SYSTEMD:
        _start_systemd(steps, state)
    else:
        _start_launchd(steps, state, path)
    return _finish(result, steps, manual, f"{_verb(state, dry_run)} {path}")


_VERBS = {"created": ("wrote", "would write"),
          "replaced": ("replaced (it differed)", "would replace (it differs)"),
          "unchanged": ("unchanged:", "unchanged:")}


def _verb(state: str, dry_run: bool) -> str:
    return _VERBS[state][1 if dry_run else 0]


def _finish(result: ServiceResult, steps: Steps, manual: list[str],
            done: str) -> ServiceResult:
    result["commands"] = steps.shown
    error = steps.error()
    if error is None:
        result["started"] = not steps.dry_run
        result["message"] = f"{done}; {'would start' if steps.dry_run else 'started'} the service"
        return result
    result.update({"ok": False, "error": error, "next_steps": manual})
    result["message"] = f"{done}, but starting the service failed: {error}"
    return result


# -- uninstall --------------------------------------------------------------------------------


def _wants_link(path: Path) -> Path:
    return path.parent / "default.target.wants" / UNIT_NAME


def _remove_wants_link(path: Path) -> None:
    """Drop the ``enable`` link to our unit if it is still there (systemctl was not)."""
    link = _wants_link(path)
    if link.is_symlink() and os.readlink(link) in (str(path), f"../{UNIT_NAME}"):
        fsops.remove_file(link)


def uninstall(paths: Paths, dry_run: bool = False) -> ServiceResult:
    """Stop and disable the service where the manager is present, then remove its file.

    Result fields: ``kind``, ``path``, ``dry_run``; ``installed`` (the file was there);
    ``removed`` (it is gone now, or would be); ``manager`` (as in :func:`install`, ``None``
    when nothing was installed); ``commands``; ``ok`` and ``error`` (a stop command failed:
    the file is kept so that nothing is left half removed); ``next_steps``; ``message``.
    Nothing installed is not an error: ``installed`` is false and ``ok`` true.
    """
    kind = service_kind(paths)
    path = unit_path(paths)
    result: ServiceResult = {
        "kind": kind, "path": str(path), "dry_run": dry_run, "installed": os.path.lexists(path),
        "removed": False, "manager": None, "commands": [], "ok": True, "error": None,
        "next_steps": [], "message": "",
    }
    if not result["installed"]:
        result["message"] = f"not installed: there is no {path}"
        return result
    manager = probe(paths, kind)
    result["manager"] = manager.to_dict()
    steps = Steps(paths, manager, dry_run)
    if manager.present:
        _stop(steps, kind)
    if steps.failed is not None:
        result.update({"ok": False, "error": steps.error(), "commands": steps.shown,
                       "next_steps": [show(steps.failed.argv), "skillshare service uninstall"]})
        result["message"] = f"kept {path}: stopping the service failed: {result['error']}"
        return result
    if not dry_run:
        fsops.remove_file(path)
        if kind == SYSTEMD:
            _remove_wants_link(path)
    if manager.present and kind == SYSTEMD:
        steps.run("--user", "daemon-reload")
    result.update({"removed": True, "commands": steps.shown})
    return _uninstalled(result, steps, manager, path)


def _stop(steps: Steps, kind: str) -> None:
    if kind == SYSTEMD:
        steps.run("--user", "disable", "--now", UNIT_NAME)
    elif launchd_loaded(steps.paths, steps.manager).ok:
        steps.run("bootout", steps.manager.target)


def _uninstalled(result: ServiceResult, steps: Steps, manager: Manager,
                 path: Path) -> ServiceResult:
    verb = "would remove" if steps.dry_run else "removed"
    if steps.failed is not None:
        result.update({"ok": False, "error": steps.error(),
                       "next_steps": [show(steps.failed.argv)]})
        result["message"] = f"{verb} {path}, but {result['error']}"
    elif manager.present:
        result["message"] = f"stopped the service and {verb} {path}"
    else:
        result["message"] = f"{verb} {path}; nothing was stopped: {manager.detail}"
    return result


# -- status -----------------------------------------------------------------------------------


def _launchd_state(ran: Ran) -> str:
    match = re.search(r"^\s*state = (.+)$", ran.stdout, re.MULTILINE)
    return match.group(1).strip() if match else "loaded"


def _manager_state(paths: Paths, manager: Manager) -> tuple[str | None, str | None]:
    """``(active, enabled)`` as the service manager reports them."""
    if not manager.present:
        return None, None
    if manager.kind == SYSTEMD:
        active = run(paths, manager.argv("--user", "is-active", UNIT_NAME), PROBE_TIMEOUT)
        enabled = run(paths, manager.argv("--user", "is-enabled", UNIT_NAME), PROBE_TIMEOUT)
        return active.stdout.strip() or "unknown", enabled.stdout.strip() or "not-found"
    loaded = launchd_loaded(paths, manager)
    if not loaded.ok:
        return "not loaded", "not loaded"
    return _launchd_state(loaded), "loaded"


def status(paths: Paths) -> ServiceResult:
    """What is installed, and what the service manager says about it.

    Result fields: ``kind``, ``path``; ``installed`` (the file exists); ``up_to_date`` (it
    is exactly what :func:`install` would write; ``None`` when not installed or when the
    program cannot be found); ``program`` (what install would use, or ``None``) and
    ``program_error``; ``manager`` (as in :func:`install`); ``active`` (systemd's
    ``is-active``, or launchd's job state such as ``running``, or ``not loaded``) and
    ``enabled`` (systemd's ``is-enabled``; launchd: ``loaded`` / ``not loaded``), both
    ``None`` without a manager; ``message``.
    """
    kind = service_kind(paths)
    path = unit_path(paths)
    current = read(path)
    program: Path | None = None
    program_error: str | None = None
    try:
        program = program_path(paths)
    except SkillshareError as exc:
        program_error = exc.message
    up_to_date: bool | None = None
    if current is not None and program is not None:
        up_to_date = current == expected(paths, kind, program)
    manager = probe(paths, kind)
    active, enabled = _manager_state(paths, manager)
    return {
        "kind": kind, "path": str(path), "installed": current is not None,
        "up_to_date": up_to_date, "program": str(program) if program else None,
        "program_error": program_error, "manager": manager.to_dict(), "active": active,
        "enabled": enabled, "message": _status_message(path, current is not None, up_to_date),
    }


def _status_message(path: Path, installed: bool, up_to_date: bool | None) -> str:
    if not installed:
        return "not installed (run `skillshare service install`)"
    if up_to_date is False:
        return f"{path} is out of date (run `skillshare service install` to rewrite it)"
    return f"installed: {path}"
