"""The daemon's passes over agents and extras: a full pass of the agents (when an agents
folder or a target's agents folder changed) and of each extra whose source or target folders
changed, without backups, as the daemon's skills passes are. Agents and extras are few, so a
whole pass is what a change costs (a few milliseconds)."""

from __future__ import annotations

from collections.abc import Collection

from skillshared.commands import restore
from skillshared.core.config import Config
from skillshared.core.results import SyncReport
from skillshared.engine import reconcile, resources
from skillshared.engine.units import AGENT_UNIT, EXTRA_UNIT


def passes(config: Config, *, full: bool, agents: bool, extras: Collection[str],
           max_changes: int) -> list[SyncReport]:
    """The passes due (``full``: all of them); each target line is named ``<target>@agents``
    or ``<extra>@<n>[@<subfolder>]``, apart from the skills' targets."""
    reports = []
    if full or agents:
        derived, discovery = resources.agents_world(config)
        if discovery.exists:
            if full:
                restore.recover(derived)
            report = reconcile.sync(derived, discovery, max_changes=max_changes,
                                    unit=AGENT_UNIT)
            for line in report["targets"]:
                line["name"] += AGENT_UNIT.backup_suffix
            reports.append(report)
    for extra in config.extras:
        if not (full or extra.name in extras):
            continue
        world = resources.extra_world(config, extra)
        if world.found.exists:
            if full:
                restore.recover(world.config)
            reports.append(reconcile.sync(world.config, world.discovery,
                                          max_changes=max_changes, unit=EXTRA_UNIT,
                                          per_target=world.per_target))
    return reports
