"""What ``target list`` and ``target <name>`` show of a target: its settings (skills and
agents), and the original tool's one-line sync summaries taken from dry plans."""

from __future__ import annotations

import os
from collections.abc import Collection

from skillshared.commands import views
from skillshared.commands.results import TargetDescription, TargetState, TargetSyncFields
from skillshared.commands.status_original import target_status
from skillshared.core.config import Config, TargetConfig
from skillshared.engine import reconcile, resources
from skillshared.engine.groups import build_groups
from skillshared.engine.observe import DigestCache
from skillshared.engine.units import AGENT_UNIT


def describe(target: TargetConfig) -> TargetDescription:
    described: TargetDescription = {
        "name": target.name,
        "path": str(target.path),
        "mode": target.mode,
        "mode_source": "target" if target.mode_explicit else "default",
        "include": list(target.include),
        "exclude": list(target.exclude),
        "builtin": target.builtin,
        "exists": os.path.lexists(target.path),
        "targetNaming": target.naming,  # the original's
        "skillsEnabled": True,  # the original's (every target here syncs skills)
    }
    if target.agents is not None:
        described["agentPath"] = str(target.agents.path)
        described["agentMode"] = target.agents.mode
        described["agentInclude"] = list(target.agents.include)
        described["agentExclude"] = list(target.agents.exclude)
    return described


def sync_fields(config: Config, names: Collection[str] | None = None
                ) -> dict[str, TargetSyncFields]:
    """Each target's sync summaries (``names``: only these targets')."""
    fields: dict[str, TargetSyncFields] = {}
    _, runs = views.plan_all(config, None if names is None else list(names))
    for run in runs:
        state = views.target_state(run)
        for name in (state["name"], *state["also"]):
            fields[name] = {"sync": skills_summary(state)}
    for name, agents in _agent_states(config, names).items():
        fields.setdefault(name, {}).update(agents)
    return fields


def skills_summary(state: TargetState) -> str:
    """The original's word for the skills' state, with its counts."""
    word = target_status(state)
    if state["state"] in ("error", "missing"):
        return word
    label = "managed" if state["mode"] == "copy" else "linked"
    counts = [f"{linked(state)}/{state['expected']} {label}"]
    if state["local"]:
        counts.append(f"{state['local']} local")
    return f"{word} · {', '.join(counts)}"


def linked(state: TargetState) -> int:
    """How many of the wanted entries are in place (in symlink mode: all or none)."""
    if state["mode"] == "symlink":
        return state["expected"] if state["state"] == "linked" else 0
    return state["synced"]


def _agent_states(config: Config, names: Collection[str] | None
                  ) -> dict[str, TargetSyncFields]:
    """The agents folders' counts and summary, by target name."""
    derived, discovery = resources.agents_world(config)
    only = [t.name for t in derived.targets if names is None or t.name in names]
    if not only:
        return {}
    if not discovery.exists:
        return {name: _agent_fields(0, 0, 0, "") for name in only}
    cache = DigestCache(config.copy_ignore(), config.limits)
    found: dict[str, TargetSyncFields] = {}
    for group in build_groups(derived, discovery, only, unit=AGENT_UNIT):
        state = views.target_state(reconcile.plan_group(group, derived, cache, False))
        for name in (state["name"], *state["also"]):
            found[name] = _agent_fields(linked(state), state["local"], state["expected"],
                                        state["mode"])
    return found


def _agent_fields(linked: int, local: int, expected: int, mode: str) -> TargetSyncFields:
    label = "managed" if mode == "copy" else "linked"
    if expected == 0:
        counts = ", ".join(([f"{linked} {label}"] if linked else [])
                           + ([f"{local} local"] if local else []))
        text = "no source agents yet" + (f" ({counts})" if counts else "")
    else:
        text = f"{linked}/{expected} {label}" + (f", {local} local" if local else "")
        text += " (directory symlink)" if mode == "symlink" else ""
    return {"agentSync": text, "agentLinkedCount": linked, "agentLocalCount": local,
            "agentExpectedCount": expected}
