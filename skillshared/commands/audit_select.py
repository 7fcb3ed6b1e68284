"""What an ``audit`` scans: every skill and agent, or those its names and groups mean.

A name is looked for among the skills (flat name or path in the source) and tracked repos
(the whole folder), then the agents (by name, path or file name); a name of both kinds scans
both and says so. ``-G/--group DIR`` adds every skill in that folder of the source (a tracked
repo's folder too). A name or group that means nothing is an error, before anything is
scanned."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from skillshared.catalog import skills
from skillshared.catalog.agents import Agent, AgentDiscovery, discover_agents
from skillshared.commands.kindpick import AGENT, SKILL, pick_agent
from skillshared.commands.namepick import group_path, in_group
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, UsageError


@dataclass
class Selection:
    units: list[tuple[str, str]] = field(default_factory=list)  # skills: (name, folder)
    agents: list[Agent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add_unit(self, unit: tuple[str, str]) -> None:
        if unit[1] not in {path for _, path in self.units}:
            self.units.append(unit)

    def add_agent(self, agent: Agent) -> None:
        if agent.rel not in {a.rel for a in self.agents}:
            self.agents.append(agent)


def _all_units(config: Config) -> list[tuple[str, str]]:
    return [(s.flat_name, s.path) for s in skills.discover(config.source).skills]


def _named_unit(config: Config, units: list[tuple[str, str]], name: str
                ) -> tuple[str, str] | None:
    """The skill (by flat name or path) or tracked repo (its whole folder) ``name`` means."""
    for flat, path in units:
        if name in (flat, os.path.relpath(path, config.source)):
            return flat, path
    repo = config.source / name
    if name.startswith("_") and "/" not in name and repo.is_dir():
        return name, str(repo)
    return None


def _one(config: Config, kind: str | None, units: list[tuple[str, str]],
         found: AgentDiscovery | None, name: str, chosen: Selection) -> None:
    unit = _named_unit(config, units, name) if kind != AGENT else None
    agent = pick_agent(found, name) if found is not None else None
    if unit is None and agent is None:
        if kind == AGENT:
            raise NotFoundError(f"no agent named '{name}' in {config.agents}",
                                hint="see `skillshare list agents`")
        nor = f", nor an agent in {config.agents}" if found and found.agents else ""
        raise NotFoundError(f"no skill or tracked repo named '{name}' in {config.source}"
                            f"{nor}", hint="see `skillshare list`")
    if unit is not None and agent is not None:
        chosen.notes.append(f"'{name}' names both a skill ({unit[0]}) and an agent "
                            f"({agent.rel}): both are scanned (--kind skill or --kind agent "
                            "scans one)")
    if unit is not None:
        chosen.add_unit(unit)
    if agent is not None:
        chosen.add_agent(agent)


def _group(config: Config, units: list[tuple[str, str]], raw: str, chosen: Selection) -> None:
    group = group_path(raw)
    found = [u for u in units
             if in_group(os.path.relpath(u[1], config.source).replace(os.sep, "/"), group)]
    if not found:
        raise NotFoundError(f"no skill in the group {group!r} of {config.source}",
                            hint="a group is a folder of the source; see `skillshare list`")
    for unit in found:
        chosen.add_unit(unit)


def select(config: Config, kind: str | None, names: list[str], groups: list[str]
           ) -> Selection:
    """The skills and agents to scan (``kind``: only that kind; None: both)."""
    if groups and kind == AGENT:
        raise UsageError("--group picks skills in a folder of the source, not agents",
                         hint="leave out --kind agent, or name the agents")
    units = _all_units(config) if kind != AGENT else []
    found = discover_agents(config.agents) if kind != SKILL else None
    chosen = Selection()
    if not names and not groups:
        chosen.units = units
        chosen.agents = list(found.agents) if found is not None else []
        return chosen
    for raw in groups:
        _group(config, units, raw, chosen)
    for name in names:
        _one(config, kind, units, found, name, chosen)
    return chosen
