"""A command's request: its arguments, checked on access, and the checks most commands
share (which targets were named, whether the source is usable)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.core import config_file
from skillshared.core.config import Config
from skillshared.core.errors import ConfigError, NotFoundError, UsageError
from skillshared.core.paths import Paths, Scope

if TYPE_CHECKING:
    from skillshared.core.results_daemon import DaemonStatus


class Request:
    """A command's arguments (from argparse or a socket request), checked on access."""

    def __init__(self, paths: Paths, args: Mapping[str, Any],
                 daemon: Callable[[], DaemonStatus] | None = None) -> None:
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
        self.loaded = config_file.load(self.scope())
        return self.loaded

    def global_config(self, refusal: str, hint: str = "run it with -g") -> Config:
        """The config, for a command that works on the global scope only (``refusal``: why
        not in project mode)."""
        config = self.config()
        if config.scope.is_project:
            raise UsageError(refusal, hint=hint)
        return config



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
