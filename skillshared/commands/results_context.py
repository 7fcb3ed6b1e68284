"""``context_cost`` of ``sync --json`` (the original's field): tokens per group of targets
that load the same skills, and the ``context_budget`` warnings."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from skillshared.core.results import SyncReport


class CostGroup(TypedDict):
    targets: list[str]
    always_loaded_tokens: int  # every skill's name and description
    on_demand_tokens: int  # every skill's SKILL.md, read when the skill is used
    skills: int


class TopSkill(TypedDict):
    name: str
    tokens: int


class BudgetWarning(TypedDict):
    kind: Literal["always_loaded", "on_demand"]
    tokens: int
    budget: int
    targets: list[str]
    top: list[TopSkill]  # the 3 skills that cost the most


class ContextCost(TypedDict):
    groups: list[CostGroup]
    warnings: list[BudgetWarning]
    budget: dict[str, int]  # warn_always_loaded_tokens, warn_on_demand_tokens (0: off)


class CostedSync(SyncReport):
    """A skills pass with its context cost (and ``quiet``: print neither cost nor
    warnings)."""
    context_cost: NotRequired[ContextCost]
    quiet: NotRequired[bool]
