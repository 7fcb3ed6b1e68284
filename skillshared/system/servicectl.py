"""Running the service manager (``systemctl --user``, ``launchctl``) for
:mod:`skillshared.system.servicemanager`: one command with :meth:`Locations.child_env` and a
time limit, whether the manager answers for this user, and commands run one after another.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from skillshared.core.paths import Paths
from skillshared.core.results_daemon import ServiceManagerState
from skillshared.system.servicefiles import COMMAND_TIMEOUT, LABEL, PROBE_TIMEOUT, SYSTEMD

# -- running the service manager --------------------------------------------------------------


@dataclass
class Ran:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def why(self) -> str:
        text = (self.stderr.strip() or self.stdout.strip()).splitlines()
        return text[-1] if text else f"exit status {self.returncode}"


def run(paths: Paths, argv: list[str], timeout: float = COMMAND_TIMEOUT) -> Ran:
    try:
        proc = subprocess.run(argv, env=paths.where.child_env(), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL, check=False,
                              errors="replace")
    except subprocess.TimeoutExpired:
        return Ran(argv, 124, "", f"timed out after {timeout:g}s")
    except OSError as exc:
        return Ran(argv, 127, "", f"cannot run {argv[0]}: {exc.strerror or exc}")
    return Ran(argv, proc.returncode, proc.stdout, proc.stderr)


def show(argv: list[str]) -> str:
    """A command as the user would type it (the tool by name, not by path)."""
    return shlex.join([Path(argv[0]).name, *argv[1:]])


@dataclass
class Manager:
    kind: str
    tool: str | None
    detail: str | None
    uid: int = field(default_factory=os.getuid)

    @property
    def present(self) -> bool:
        return self.tool is not None and self.detail is None

    def argv(self, *args: str) -> list[str]:
        return [self.tool or ("systemctl" if self.kind == SYSTEMD else "launchctl"), *args]

    @property
    def domain(self) -> str:
        return f"gui/{self.uid}"

    @property
    def target(self) -> str:
        return f"{self.domain}/{LABEL}"

    def to_dict(self) -> ServiceManagerState:
        return {"present": self.present, "detail": self.detail}


def probe(paths: Paths, kind: str) -> Manager:
    """Is the service manager there, and does it answer for this user?"""
    name = "systemctl" if kind == SYSTEMD else "launchctl"
    tool = shutil.which(name, path=paths.env.get("PATH"))
    if tool is None:
        return Manager(kind, None, f"{name} is not on PATH")
    manager = Manager(kind, tool, None)
    if kind == SYSTEMD:
        ran = run(paths, manager.argv("--user", "show-environment"), PROBE_TIMEOUT)
        if not ran.ok:
            manager.detail = f"no systemd user manager is reachable ({ran.why()})"
    else:
        ran = run(paths, manager.argv("print", manager.domain), PROBE_TIMEOUT)
        if not ran.ok:
            manager.detail = f"no launchd session {manager.domain} ({ran.why()})"
    return manager


def launchd_loaded(paths: Paths, manager: Manager) -> Ran:
    return run(paths, manager.argv("print", manager.target), PROBE_TIMEOUT)


@dataclass
class Steps:
    """Commands run one after another, stopping at the first failure."""

    paths: Paths
    manager: Manager
    dry_run: bool
    shown: list[str] = field(default_factory=list)
    failed: Ran | None = None

    def run(self, *args: str) -> bool:
        if self.failed is not None:
            return False
        argv = self.manager.argv(*args)
        self.shown.append(show(argv))
        if self.dry_run:
            return True
        ran = run(self.paths, argv)
        if not ran.ok:
            self.failed = ran
        return ran.ok

    def retry(self) -> None:
        """Run the failed command again."""
        if self.failed is not None:
            args = self.failed.argv[1:]
            self.failed = None
            self.shown.pop()
            self.run(*args)

    def error(self) -> str | None:
        if self.failed is None:
            return None
        detail = self.failed.stderr.strip() or self.failed.stdout.strip()
        return (f"`{show(self.failed.argv)}` failed with exit status "
                f"{self.failed.returncode}" + (f": {detail}" if detail else ""))
