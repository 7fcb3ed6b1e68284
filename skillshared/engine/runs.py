"""What one reconcile pass works on per target folder: the group of targets planned together,
and the run (its plan, what was observed, the outcome), which the reports describe."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from skillshared.catalog.skills import Skill
from skillshared.core.config import TargetConfig
from skillshared.engine.apply import Outcome
from skillshared.engine.observe import Manifest
from skillshared.engine.plan import Observed, TargetPlan, TargetSpec


@dataclass(frozen=True)
class Group:
    """Targets that share one folder are planned together (else they would undo each other).
    A partial group (``names`` set) holds only the wanted skills among ``names``."""

    targets: tuple[TargetConfig, ...]
    spec: TargetSpec
    skills: tuple[Skill, ...] = ()
    wanted: dict[str, str] = field(default_factory=dict)
    skill_paths: Mapping[str, str] = field(default_factory=dict)  # flat name -> skill folder
    error: str | None = None
    names: frozenset[str] | None = None
    in_sync_extra: int = 0  # partial: wanted skills outside ``names`` (for the guard)
    skipped: tuple[tuple[str, str], ...] = ()  # skills target naming leaves out: (name, why)

    @property
    def name(self) -> str:
        return self.targets[0].name


@dataclass
class TargetRun:
    group: Group
    plan: TargetPlan
    obs: Observed | None = None
    manifest: Manifest = field(default_factory=Manifest)
    outcome: Outcome | None = None
    backup: str | None = None
    unsaved: Mapping[str, str] = field(default_factory=dict)  # left out of the backup: why
