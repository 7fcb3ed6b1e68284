"""Where everything is, resolved once from the environment, as plain text.

The locks (``daemon.lock``, ``ops.lock``) are the exception to "every place follows the XDG
variables": they live in the home's own state folder (``~/.local/state/skillshare``), so that
every shell of one user finds the same ones (see :func:`_home_state_dir`).

This is the only module that reads ``os.environ`` or the user's home. Nothing happens at
import time: call :meth:`Locations.from_env` once per process and pass the result down.
It uses nothing but ``os`` and ``sys`` because the CLI resolves it on every run, before it
knows whether a daemon will answer; the engine works with :class:`skillshared.core.paths.Paths`,
the same places as ``Path`` objects (``Paths.of(locations)``).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

APP = "skillshare"
DEFAULT_DAEMON_TIMEOUT = 5.0


def _xdg(env: Mapping[str, str], var: str) -> str | None:
    value = env.get(var, "")
    return value if value and os.path.isabs(value) else None


def _clean(path: str) -> str:
    """``path`` as pathlib would show it: no empty or ``.`` parts, no trailing slash (``..``
    is kept: folding it could cross a symlink)."""
    text = os.sep.join(part for part in path.split(os.sep) if part not in ("", "."))
    return os.sep + text if path.startswith(os.sep) else (text or ".")


def _absolute(path: str, cwd: str) -> str:
    return _clean(path if os.path.isabs(path) else os.path.join(cwd, path))


class Locations:
    """The home, the current folder, and where the config, data, state and socket live."""

    __slots__ = ("config_file", "cwd", "data_dir", "env", "home", "lock_dir", "platform",
                 "runtime_dir", "socket", "state_dir", "under_service_manager")

    def __init__(self, *, home: str, cwd: str, config_file: str, data_dir: str,
                 state_dir: str, runtime_dir: str, socket: str, lock_dir: str, platform: str,
                 under_service_manager: bool, env: Mapping[str, str]) -> None:
        self.home = home
        self.cwd = cwd
        self.config_file = config_file
        self.data_dir = data_dir
        self.state_dir = state_dir
        self.runtime_dir = runtime_dir
        self.socket = socket
        self.lock_dir = lock_dir
        self.platform = platform
        self.under_service_manager = under_service_manager
        self.env = env

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, cwd: str | None = None
                 ) -> Locations:
        env = dict(os.environ if env is None else env)
        home = env.get("HOME") or os.path.expanduser("~")
        cwd = cwd if cwd is not None else os.getcwd()
        config_home = _xdg(env, "XDG_CONFIG_HOME") or os.path.join(home, ".config")
        config_file = _absolute(env.get("SKILLSHARE_CONFIG") or
                                os.path.join(config_home, APP, "config.yaml"), cwd)
        data_dir = _platform_dir(env, "XDG_DATA_HOME", "data", home)
        state_dir = _platform_dir(env, "XDG_STATE_HOME", "state", home)
        runtime_base = _xdg(env, "XDG_RUNTIME_DIR")
        runtime_dir = os.path.join(runtime_base, APP) if runtime_base is not None else state_dir
        socket = _absolute(env.get("SKILLSHARE_SOCKET") or
                           os.path.join(runtime_dir, "skillshared.sock"), cwd)
        managed = bool(env.get("INVOCATION_ID") or env.get("JOURNAL_STREAM")) or (
            sys.platform == "darwin" and env.get("XPC_SERVICE_NAME", "0") not in ("", "0")
        )
        return cls(home=_clean(home), cwd=_clean(cwd), config_file=config_file,
                   data_dir=_clean(data_dir), state_dir=_clean(state_dir),
                   runtime_dir=os.path.dirname(socket), socket=socket,
                   lock_dir=_absolute(_home_state_dir(home), cwd),
                   platform=sys.platform, under_service_manager=managed, env=env)

    @property
    def custom_socket(self) -> bool:
        """Whether SKILLSHARE_SOCKET chose the socket's place (a folder that may be shared)."""
        return bool(self.env.get("SKILLSHARE_SOCKET"))

    @property
    def daemon_timeout(self) -> float:
        """Seconds the CLI waits for a daemon that holds its lock to answer."""
        try:
            value = float(self.env.get("SKILLSHARE_DAEMON_TIMEOUT", "") or
                          DEFAULT_DAEMON_TIMEOUT)
        except ValueError:
            return DEFAULT_DAEMON_TIMEOUT
        return value if value > 0 else DEFAULT_DAEMON_TIMEOUT

    @property
    def debug(self) -> bool:
        """SKILLSHARE_DEBUG: show tracebacks of internal errors."""
        return bool(self.env.get("SKILLSHARE_DEBUG"))

    @property
    def daemon_lock(self) -> str:
        """Held by the daemon for life; it also names the daemon's pid and socket."""
        return os.path.join(self.lock_dir, "daemon.lock")

    @property
    def ops_lock(self) -> str:
        return os.path.join(self.lock_dir, "ops.lock")

    @property
    def daemon_log(self) -> str:
        return os.path.join(self.state_dir, "logs", "daemon.log")

    def child_env(self, **extra: str) -> dict[str, str]:
        """Environment for a child process (git, the daemon): ours, plus ``extra``."""
        return {**self.env, **extra}


def _home_state_dir(home: str) -> str:
    """The state folder of the user whose home is ``home``, whatever the XDG variables say:
    where the locks live. ``daemon.lock`` and ``ops.lock`` guard "one writer per user", so
    they must be the same files for every shell of the user: XDG_RUNTIME_DIR is set in a
    login session and unset under su, cron or ssh without systemd, and XDG_STATE_HOME or
    SKILLSHARE_SOCKET may be set in one shell and not in another. Only HOME decides."""
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Application Support", APP)
    return os.path.join(home, ".local", "state", APP)


def _platform_dir(env: Mapping[str, str], var: str, kind: str, home: str) -> str:
    """XDG variable if set (on every platform), else platformdirs' user dir."""
    explicit = _xdg(env, var)
    if explicit is not None:
        return os.path.join(explicit, APP)
    if sys.platform.startswith("linux"):
        default = {"data": ".local/share", "state": ".local/state"}[kind]
        return os.path.join(home, default, APP)
    import platformdirs

    func = platformdirs.user_data_dir if kind == "data" else platformdirs.user_state_dir
    return str(func(APP, appauthor=False))
