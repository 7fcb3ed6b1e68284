"""Every path the tool uses, as ``Path`` objects: :class:`Paths` (from
:class:`skillshared.core.locations.Locations`, the one reader of the environment) and the
:class:`Scope` of global or project mode."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from skillshared.core.locations import Locations

PROJECT_DIR = ".skillshare"


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
    """:class:`Locations` as ``Path`` objects, with the scopes and the derived paths."""

    home: Path
    cwd: Path
    config_file: Path
    data_dir: Path
    state_dir: Path
    runtime_dir: Path
    socket: Path
    lock_dir: Path
    platform: str
    under_service_manager: bool
    env: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, where: Locations) -> Paths:
        return cls(home=Path(where.home), cwd=Path(where.cwd),
                   config_file=Path(where.config_file), data_dir=Path(where.data_dir),
                   state_dir=Path(where.state_dir), runtime_dir=Path(where.runtime_dir),
                   socket=Path(where.socket), lock_dir=Path(where.lock_dir),
                   platform=where.platform,
                   under_service_manager=where.under_service_manager, env=where.env)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Paths:
        return cls.of(Locations.from_env(env, None if cwd is None else str(cwd)))

    @property
    def where(self) -> Locations:
        """The same places as text (what the socket client takes)."""
        return Locations(home=str(self.home), cwd=str(self.cwd),
                         config_file=str(self.config_file), data_dir=str(self.data_dir),
                         state_dir=str(self.state_dir), runtime_dir=str(self.runtime_dir),
                         socket=str(self.socket), lock_dir=str(self.lock_dir),
                         platform=self.platform,
                         under_service_manager=self.under_service_manager, env=self.env)

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
        return self.lock_dir / "daemon.lock"

    @property
    def ops_lock(self) -> Path:
        return self.lock_dir / "ops.lock"

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


