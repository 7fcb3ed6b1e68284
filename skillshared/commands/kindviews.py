"""``status``, ``diff`` and ``doctor`` of agents and extras: the dry plans of the agents
folders of targets and of each extra's target folders, seen as the skills' targets are."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the engine is loaded by a plan, and only when there is one to make)
    from skillshared.catalog.skills import Discovery
    from skillshared.commands.results import AgentsState, DiffTarget, ExtraState, TargetState
    from skillshared.core.config import Config
    from skillshared.engine.runs import TargetRun

    StateOf = Callable[[TargetRun], TargetState]  # views.target_state
    DiffOf = Callable[[TargetRun], DiffTarget]  # views.diff_target


@dataclass(frozen=True)
class KindPlans:
    """The dry plans of one kind's target folders, with what their source holds."""

    kind: str  # "agents" or "extras"
    name: str  # the extra's name ("agents" for the agents)
    source: str
    discovery: Discovery
    runs: tuple[TargetRun, ...]
    problem: str | None = None
    home: str = ""  # shown as ~ in the extras' folder names

    def ours(self, run: TargetRun) -> set[str]:
        """Local entries of ``run``'s folder that are an extra's own subfolders."""
        folders = {str(r.group.spec.path) for r in self.runs}
        return {e for e in run.plan.local
                if os.path.join(run.group.spec.path, e) in folders}

    def label(self, path: str) -> str:
        home = self.home.rstrip("/")
        shown = "~" + path[len(home):] if home and path.startswith(home + "/") else path
        return f"{self.name}: {shown}"


def plan_kinds(config: Config, targets: Collection[str] | None = None) -> list[KindPlans]:
    """The agents' plans (when there is an agents folder; ``targets``: only these targets'
    agents folders) and each extra's (all of them unless ``targets`` is given: then only
    the extras named in it)."""
    if not config.extras and not config.agents.is_dir():
        return []  # (what the agents' discovery would say: no agents folder, no plans)
    from skillshared.engine import reconcile, resources
    from skillshared.engine.groups import build_groups
    from skillshared.engine.observe import DigestCache
    from skillshared.engine.units import AGENT_UNIT, EXTRA_UNIT

    found: list[KindPlans] = []
    cache = DigestCache(config.copy_ignore(), config.limits)
    derived, discovery = resources.agents_world(config)
    if discovery.exists:
        only = None if targets is None else [n for n in targets if derived.target(n)]
        if only != []:
            groups = build_groups(derived, discovery, only, unit=AGENT_UNIT)
            found.append(KindPlans("agents", "agents", str(config.agents), discovery,
                                   tuple(reconcile.plan_group(g, derived, cache, False)
                                         for g in groups)))
    for extra in config.extras:
        if targets is not None and extra.name not in targets:
            continue
        world = resources.extra_world(config, extra)
        runs: tuple[TargetRun, ...] = ()
        problem = world.found.problem
        if world.found.exists:
            groups = build_groups(world.config, world.discovery, unit=EXTRA_UNIT,
                                  per_target=world.per_target)
            runs = tuple(reconcile.plan_group(g, world.config, cache, False) for g in groups)
        else:
            problem = problem or f"the source folder {extra.source} does not exist"
        found.append(KindPlans("extras", extra.name, str(extra.source), world.discovery,
                               runs, problem, str(config.scope.home)))
    return found


def _shown(run: TargetRun, plans: KindPlans, state_of: StateOf) -> TargetState:
    """A state named as status shows it: ``claude (agents)``, or ``<extra>: <folder>``."""
    state = state_of(run)
    if plans.kind == "agents":
        return {**state, "name": f"{state['name']} (agents)", "also": [
            f"{n} (agents)" for n in state["also"]]}
    return {**state, "name": plans.label(state["path"]), "also": [],
            "local": state["local"] - len(plans.ours(run))}


def agents_state(plans: list[KindPlans], state_of: StateOf) -> AgentsState | None:
    for each in plans:
        if each.kind == "agents":
            return {"source": each.source, "agents": len(each.discovery.skills),
                    "invalid": len(each.discovery.rejected),
                    "targets": [_shown(r, each, state_of) for r in each.runs]}
    return None


def extras_state(plans: list[KindPlans], state_of: StateOf) -> list[ExtraState]:
    return [{"name": each.name, "source": each.source, "files": len(each.discovery.skills),
             "problem": each.problem,
             "targets": [_shown(r, each, state_of) for r in each.runs]}
            for each in plans if each.kind == "extras"]


def with_kind(target: DiffTarget, kind: str) -> DiffTarget:
    """Each item named with its kind (``skill``, ``agent``, ``extra``), as the original's
    diff items are."""
    for item in target["items"]:
        item["kind"] = kind
    return target


def agents_diff(config: Config, name: str | None, diff_of: DiffOf) -> list[DiffTarget]:
    """``diff agents [target]``: the agents folders alone (of ``name`` only: refused when
    there is no such target or it has no agents folder)."""
    from skillshared.commands.kindwords import AGENTS_SUFFIX, agents_name

    if name is not None:
        name = agents_name(config, name).removesuffix(AGENTS_SUFFIX)
    plans = [p for p in plan_kinds(config, None if name is None else [name])
             if p.kind == "agents"]
    return diff_targets(plans, diff_of)


def diff_targets(plans: list[KindPlans], diff_of: DiffOf) -> list[DiffTarget]:
    result = []
    for each in plans:
        for run in each.runs:
            target = with_kind(diff_of(run), "agent" if each.kind == "agents" else "extra")
            if each.kind == "agents":
                target["name"] = f"{target['name']} (agents)"
                target["also"] = [f"{n} (agents)" for n in target["also"]]
            else:
                target["name"] = each.label(target["path"])
                ours = each.ours(run)
                target["items"] = [i for i in target["items"]
                                   if not (i["action"] == "local" and i["name"] in ours)]
            result.append(target)
    return result

