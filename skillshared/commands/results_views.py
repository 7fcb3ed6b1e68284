"""What ``status`` shows of agents and extras (beside the skills' targets)."""

from __future__ import annotations

from typing import TypedDict, final

from skillshared.commands.results import TargetState


@final
class AgentsState(TypedDict):
    """The agents source and each target's agents folder (named ``<target> (agents)``)."""
    source: str
    agents: int
    invalid: int
    targets: list[TargetState]


@final
class ExtraState(TypedDict):
    """One extra: its source, its files, why it cannot be synced (``problem``), and each of
    its target folders (named ``<extra>: <path>``)."""
    name: str
    source: str
    files: int
    problem: str | None
    targets: list[TargetState]
