"""The context cost of a sync, as the original estimates it: a skill's name and
description are always loaded (in every request), its ``SKILL.md`` on demand (when the
skill is used); about four characters make a token. Targets that load the same skills form
one group; a group over ``context_budget`` gets a warning naming the three costliest
skills."""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence

from skillshared.catalog.skills import Discovery, Skill
from skillshared.commands.results_context import BudgetWarning, ContextCost, CostGroup
from skillshared.core.config import Config
from skillshared.core.config_original import context_budget
from skillshared.engine.groups import build_groups

CHARS_PER_TOKEN = 4


def tokens(chars: int) -> int:
    return -(-chars // CHARS_PER_TOKEN)


def skill_cost(skill: Skill) -> tuple[int, int]:
    """(always loaded, on demand) tokens of one skill."""
    meta = skill.meta
    always = tokens(len(meta.name or skill.flat_name) + len(meta.description or ""))
    try:
        size = os.stat(os.path.join(skill.path, "SKILL.md")).st_size
    except OSError:
        size = 0
    return always, tokens(size)


def _warning(kind: str, total: int, budget: int, targets: list[str], names: Collection[str],
             costs: Mapping[str, tuple[int, int]]) -> BudgetWarning:
    at = 0 if kind == "always_loaded" else 1
    top = sorted(names, key=lambda n: (-costs[n][at], n))[:3]
    return {"kind": "always_loaded" if at == 0 else "on_demand", "tokens": total,
            "budget": budget, "targets": targets,
            "top": [{"name": n, "tokens": costs[n][at]} for n in top]}


def context_cost(config: Config, discovery: Discovery, only: Sequence[str] | None
                 ) -> ContextCost:
    costs = {s.flat_name: skill_cost(s) for s in discovery.skills}
    by_set: dict[frozenset[str], list[str]] = {}
    for group in build_groups(config, discovery, only):
        if group.error is None:
            names = frozenset(n for n in group.wanted if n in costs)
            by_set.setdefault(names, []).extend(t.name for t in group.targets)
    warn_always, warn_demand = context_budget(config.document)
    groups: list[CostGroup] = []
    warnings: list[BudgetWarning] = []
    for names, targets in by_set.items():
        always = sum(costs[n][0] for n in names)
        demand = sum(costs[n][1] for n in names)
        groups.append({"targets": targets, "always_loaded_tokens": always,
                       "on_demand_tokens": demand, "skills": len(names)})
        if warn_always and always > warn_always:
            warnings.append(_warning("always_loaded", always, warn_always, targets, names,
                                     costs))
        if warn_demand and demand > warn_demand:
            warnings.append(_warning("on_demand", demand, warn_demand, targets, names, costs))
    return {"groups": groups, "warnings": warnings,
            "budget": {"warn_always_loaded_tokens": warn_always,
                       "warn_on_demand_tokens": warn_demand}}
