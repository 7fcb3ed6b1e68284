"""The config's values: frozen, already checked (:mod:`skillshared.core.config_file` loads
them; :mod:`skillshared.core.config_check` validates a document into them)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.core import targets as builtin
from skillshared.core.config_original import Unused
from skillshared.core.config_records import SkillRecord
from skillshared.core.limits import Limits
from skillshared.core.paths import Scope
from skillshared.core.patterns import IgnoreRules

if TYPE_CHECKING:
    from skillshared.core.config_extras import ExtraConfig

MODES = ("merge", "symlink", "copy")
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")
DEFAULT_IGNORE = (".DS_Store", ".git/", "__pycache__/")


@dataclass(frozen=True)
class AgentsPlace:
    """Where a target's tool reads agents (its ``agents:`` entry, else the built-in table),
    in which mode, with which filters on agent names."""

    path: Path
    mode: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class TargetConfig:
    name: str
    path: Path
    mode: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    mode_explicit: bool = False
    builtin: str | None = None
    agents: AgentsPlace | None = None  # None: the tool reads no agents
    # how its skills' entries are named: "flat" (frontend__dev) or "standard" (the SKILL.md
    # name, dev); symlink mode names nothing
    naming: str = "flat"

    @property
    def has_filters(self) -> bool:
        return bool(self.include or self.exclude)


@dataclass(frozen=True)
class BackupPolicy:
    keep: int = 10
    max_age_days: int = 30
    max_total_mb: float = 500.0


@dataclass(frozen=True)
class DaemonConfig:
    debounce_ms: int = 50
    rescan_interval: float | None = 3600.0
    pull_interval: float | None = None
    update_interval: float | None = None
    backup_interval: float | None = 86400.0
    cleanup_interval: float | None = 86400.0
    watch_targets: bool = True


@dataclass(frozen=True)
class Config:
    scope: Scope
    source: Path
    mode: str = "merge"
    targets: tuple[TargetConfig, ...] = ()
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    audit_threshold: str = "CRITICAL"
    backup: BackupPolicy = BackupPolicy()
    trash_retention_days: int = 7
    log_max_entries: int = 1000
    limits: Limits = field(default_factory=Limits)
    daemon: DaemonConfig = DaemonConfig()
    skills: tuple[SkillRecord, ...] = ()
    agents_source: Path | None = None  # None: the scope's agents folder (see :attr:`agents`)
    extras: tuple[ExtraConfig, ...] = ()  # (see :mod:`skillshared.core.config_extras`)
    extras_source: Path | None = None  # sources.extras / extras_source; None: the default
    warnings: tuple[str, ...] = ()
    # Keys the original tool writes that this version keeps but does not use (doctor).
    unused: tuple[Unused, ...] = ()
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def target(self, name: str) -> TargetConfig | None:
        for target in self.targets:
            if target.name == name:
                return target
        wanted = builtin.lookup(name)
        if wanted is None:
            return None
        return next((t for t in self.targets if builtin.lookup(t.name) is wanted), None)

    @property
    def agents(self) -> Path:
        """The agents source: ``sources.agents`` or ``agents_source`` (global mode), else
        ``agents/`` beside the config file (a project's ``.skillshare/agents/``)."""
        return self.agents_source or self.scope.config_file.parent / "agents"

    def copy_ignore(self) -> IgnoreRules:
        """What copies leave out: the ``ignore`` patterns, and special files (FIFOs,
        sockets, devices), which a copy cannot hold."""
        return _copy_rules((*DEFAULT_IGNORE, *self.ignore))


@functools.lru_cache(maxsize=8)
def _copy_rules(patterns: tuple[str, ...]) -> IgnoreRules:
    """The compiled rules of ``patterns`` (each pass asks; they change with the config)."""
    return IgnoreRules.parse(patterns, specials=False)
