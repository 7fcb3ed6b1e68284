"""The agents as a pass sees them: the agents source as a source whose units are files, and
each target's agents folder as a target, so that one reconcile pass
(:func:`skillshared.engine.reconcile.sync` with ``unit=AGENT_UNIT``) syncs agents with every
guarantee it gives skills (ownership, the mass-delete guard, backups, crash recovery)."""

from __future__ import annotations

from dataclasses import replace

from skillshared.catalog.agents import AgentDiscovery, discover_agents
from skillshared.catalog.skills import Discovery, Skill
from skillshared.catalog.walker import Rejected
from skillshared.core.config import Config, TargetConfig


def agent_targets(config: Config) -> tuple[TargetConfig, ...]:
    """Each target whose tool reads agents, as a target at its agents folder (same name)."""
    return tuple(
        TargetConfig(t.name, t.agents.path, t.agents.mode, t.agents.include, t.agents.exclude,
                     mode_explicit=True, builtin=t.builtin)
        for t in config.targets if t.agents is not None)


def agents_config(config: Config) -> Config:
    """``config`` with the agents source as its source and the agent folders as targets."""
    return replace(config, source=config.agents, targets=agent_targets(config))


def as_discovery(found: AgentDiscovery, config: Config) -> Discovery:
    """The agents as a :class:`Discovery` of units (flat name: the file name in a target)."""
    units = tuple(Skill(a.flat, a.rel, str(a.path)) for a in found.agents)
    return Discovery(config.agents, config.agents.is_dir(), units,
                     tuple(Rejected(rel, why) for rel, why in found.invalid), found.ignored,
                     by_name={u.flat_name: u for u in units})


def agents_world(config: Config) -> tuple[Config, Discovery]:
    """What an agents pass works on: the derived config and the agents found now."""
    return agents_config(config), as_discovery(discover_agents(config.agents), config)
