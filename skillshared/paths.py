"""Every path the tool uses, resolved once from the environment.

This is the only module that reads ``os.environ`` or the user's home. Nothing happens at
import time: call :func:`Paths.from_env` once per process and pass the result down.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

APP = "skillshare"
PROJECT_DIR = ".skillshare"


def _xdg(env: Mapping[str, str], var: str) -> Path | None:
    value = env.get(var, "")
    return Path(value) if value and os.path.isabs(value) else None


@dataclass(frozen=True)
class Scope:
    """Where one mode (global, or one project) keeps its config, skills and state."""

    project_root: Path | None
    config_file: Path
    default_source: Path
    backups_dir: Path
    trash_dir: Path
    log_dir: Path
    home: Path

    @property
    def is_project(self) -> bool:
        return self.project_root is not None

    @property
    def name(self) -> str:
        return "project" if self.is_project else "global"

    @property
    def base_dir(self) -> Path:
        """Directory that relative paths in the config are resolved against."""
        return self.project_root if self.project_root is not None else self.config_file.parent

    @property
    def oplog_file(self) -> Path:
        return self.log_dir / "operations.log"

    def expand(self, raw: str) -> Path:
        """Expand ``~`` and make ``raw`` absolute (relative to :attr:`base_dir`)."""
        if raw == "~" or raw.startswith("~/"):
            raw = str(self.home) + raw[1:]
        path = Path(raw)
        if not path.is_absolute():
            path = self.base_dir / path
        return Path(os.path.normpath(path))

    def contract(self, path: Path) -> str:
        """Show ``path`` with the home folder as ``~`` (for display)."""
        text = str(path)
        home = str(self.home)
        if text == home:
            return "~"
        if text.startswith(home + os.sep):
            return "~" + text[len(home) :]
        return text


@dataclass(frozen=True)
class Paths:
    home: Path
    cwd: Path
    config_file: Path
    data_dir: Path
    state_dir: Path
    runtime_dir: Path
    socket: Path
    platform: str
    under_service_manager: bool
    env: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Paths:
        env = os.environ if env is None else env
        home = Path(env.get("HOME") or os.path.expanduser("~"))
        cwd = cwd if cwd is not None else Path(os.getcwd())
        config_home = _xdg(env, "XDG_CONFIG_HOME") or home / ".config"
        config_file = Path(env["SKILLSHARE_CONFIG"]) if env.get("SKILLSHARE_CONFIG") else (
            config_home / APP / "config.yaml"
        )
        if not config_file.is_absolute():
            config_file = cwd / config_file
        data_dir = _platform_dir(env, "XDG_DATA_HOME", "data", home)
        state_dir = _platform_dir(env, "XDG_STATE_HOME", "state", home)
        runtime_base = _xdg(env, "XDG_RUNTIME_DIR")
        runtime_dir = runtime_base / APP if runtime_base is not None else state_dir
        socket = Path(env["SKILLSHARE_SOCKET"]) if env.get("SKILLSHARE_SOCKET") else (
            runtime_dir / "skillshared.sock"
        )
        if not socket.is_absolute():
            socket = cwd / socket
        managed = bool(env.get("INVOCATION_ID") or env.get("JOURNAL_STREAM")) or (
            sys.platform == "darwin" and env.get("XPC_SERVICE_NAME", "0") not in ("", "0")
        )
        return cls(
            home=home,
            cwd=cwd,
            config_file=config_file,
            data_dir=data_dir,
            state_dir=state_dir,
            runtime_dir=socket.parent,
            socket=socket,
            platform=sys.platform,
            under_service_manager=managed,
            env=dict(env),
        )

    @property
    def custom_socket(self) -> bool:
        """Whether SKILLSHARE_SOCKET chose the socket's place (a folder that may be shared)."""
        return bool(self.env.get("SKILLSHARE_SOCKET"))

    @property
    def daemon_timeout(self) -> float:
        """Seconds the CLI waits for a daemon that holds its lock to answer."""
        try:
            value = float(self.env.get("SKILLSHARE_DAEMON_TIMEOUT", "") or 5.0)
        except ValueError:
            return 5.0
        return value if value > 0 else 5.0

    def child_env(self, **extra: str) -> dict[str, str]:
        """Environment for a child process (git): ours, plus ``extra``."""
        return {**self.env, **extra}

    # -- derived paths -------------------------------------------------------------------
    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def trash_dir(self) -> Path:
        return self.data_dir / "trash"

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def daemon_log(self) -> Path:
        return self.log_dir / "daemon.log"

    @property
    def daemon_lock(self) -> Path:
        return self.runtime_dir / "daemon.lock"

    @property
    def ops_lock(self) -> Path:
        return self.runtime_dir / "ops.lock"

    # -- scopes --------------------------------------------------------------------------
    def global_scope(self) -> Scope:
        return Scope(
            project_root=None,
            config_file=self.config_file,
            default_source=self.config_file.parent / "skills",
            backups_dir=self.backups_dir,
            trash_dir=self.trash_dir,
            log_dir=self.log_dir,
            home=self.home,
        )

    def project_scope(self, root: Path | None = None) -> Scope:
        root = Path(os.path.normpath(root if root is not None else self.cwd))
        base = root / PROJECT_DIR
        return Scope(
            project_root=root,
            config_file=base / "config.yaml",
            default_source=base / "skills",
            backups_dir=base / "backups",
            trash_dir=base / "trash",
            log_dir=base / "logs",
            home=self.home,
        )

    def scope(self, project: bool | None) -> Scope:
        """``True``: project mode here; ``False``: global; ``None``: auto-detect (cwd only)."""
        if project is None:
            project = (self.cwd / PROJECT_DIR / "config.yaml").is_file()
        return self.project_scope() if project else self.global_scope()


def _platform_dir(env: Mapping[str, str], var: str, kind: str, home: Path) -> Path:
    """XDG variable if set (on every platform), else platformdirs' user dir."""
    explicit = _xdg(env, var)
    if explicit is not None:
        return explicit / APP
    if sys.platform.startswith("linux"):
        default = {"data": ".local/share", "state": ".local/state"}[kind]
        return home / default / APP
    import platformdirs

    func = platformdirs.user_data_dir if kind == "data" else platformdirs.user_state_dir
    return Path(func(APP, appauthor=False))
