"""``collect agents``: bring agents made in a target's agents folder back into the agents
source, as ``collect`` does for skills.

In each chosen target that has an agents folder, a regular ``.md`` file (not a link, not
hidden, not a conventional file such as ``README.md``) that the agents source does not hold
by that name is copied into the agents source under its file name (a flat ``a__b.md``
stays flat). The copy is written under a temp name, read back, and renamed into place;
then the agents sync's pass over the collected names replaces the target's file, now
identical to its source agent, by our link in merge mode (a managed copy in copy mode), as
``collect`` does for skills. A name the source already holds with other content is a
conflict, reported and left alone, unless ``--force`` (the source's file goes to the
trash). Nothing else in a target is touched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillshared.catalog.agents import EXCLUDED, discover_agents, name_problem
from skillshared.catalog.kinds import AGENTS
from skillshared.commands import agentfiles
from skillshared.commands.request import pick_targets
from skillshared.commands.results_agents import (
    AgentCollected,
    AgentCollectItem,
    CollectAgentsResult,
)
from skillshared.core.config import Config, TargetConfig
from skillshared.core.errors import SkillshareError, UsageError
from skillshared.engine import fsops, reconcile, resources, trees
from skillshared.engine.observe import Record, read_manifest
from skillshared.engine.units import AGENT_UNIT

if TYPE_CHECKING:
    from skillshared.commands.request import Request


@dataclass(frozen=True)
class LocalAgent:
    target: str
    folder: str  # the target's agents folder (its real path)
    name: str  # the file name
    data: bytes
    digest: str
    mode: str  # the target's agents mode


def _chosen(config: Config, names: list[str], every: bool) -> tuple[list[TargetConfig],
                                                                    list[str]]:
    """The targets to look in, and those passed over for having no agents folder; a target
    named explicitly that has none is an error."""
    if names and every:
        raise UsageError("name targets or use --all, not both")
    with_agents = [t for t in config.targets if t.agents is not None]
    if not names and not every:
        if len(with_agents) == 1:
            return with_agents, []
        known = ", ".join(t.name for t in with_agents) or "none"
        raise UsageError("name the target to collect agents from, or use --all",
                         hint=f"targets with an agents folder: {known}")
    picked = pick_targets(config, names)
    chosen = [t for t in config.targets if picked is None or t.name in picked]
    lacking = [t.name for t in chosen if t.agents is None]
    if names and lacking:
        raise UsageError(f"{', '.join(lacking)} has no agents folder; nothing was collected",
                         hint="set `agents: {path: ...}` under the target in the config")
    return [t for t in chosen if t.agents is not None], lacking


def _ours(path: str, real_agents: str) -> bool:
    dest = os.path.realpath(path)
    return dest == real_agents or dest.startswith(real_agents + os.sep)


def local_agents(config: Config, target: TargetConfig, real_agents: str
                 ) -> tuple[list[LocalAgent], list[AgentCollectItem]]:
    """A target's own agent files (not our links, nor our unedited copies of a copy-mode
    folder), and those passed over with the reason."""
    assert target.agents is not None
    place = target.agents
    path = str(place.path)
    if os.path.lexists(path) and not os.path.isdir(path):
        return [], [{"target": target.name, "name": "",
                     "reason": f"its agents path {path} is not a folder"}]
    if place.mode == "symlink" or not os.path.isdir(path) or _ours(path, real_agents):
        return [], []  # nothing there, or the folder is the agents source itself
    real = os.path.realpath(path)
    records = read_manifest(real).records
    found: list[LocalAgent] = []
    skipped: list[AgentCollectItem] = []
    with os.scandir(real) as it:
        entries = sorted(it, key=lambda e: e.name)
    for entry in entries:
        name = entry.name
        if (name.startswith(".") or not name.endswith(AGENTS.marker) or name in EXCLUDED
                or entry.is_symlink() or not entry.is_file(follow_symlinks=False)):
            continue
        if _our_copy(config, entry.path, records.get(name)):
            continue
        problem = name_problem(name)
        if problem:
            skipped.append({"target": target.name, "name": name, "reason": problem})
            continue
        try:
            data = agentfiles.read_agent(entry.path)
        except (OSError, SkillshareError) as exc:
            reason = exc.message if isinstance(exc, SkillshareError) else str(exc.strerror)
            skipped.append({"target": target.name, "name": name, "reason": reason})
            continue
        found.append(LocalAgent(target.name, real, name, data, agentfiles.digest(data),
                                place.mode))
    return found, skipped


def _our_copy(config: Config, path: str, record: Record | None) -> bool:
    """Whether the file at ``path`` is a copy a sync made and nobody edited since."""
    if record is None:
        return False
    try:
        return trees.digest(path, config.copy_ignore(), config.limits) == record.digest
    except (OSError, trees.TooLarge):
        return False


def cmd_collect_agents(req: Request, names: list[str]) -> CollectAgentsResult:
    config = req.config()
    chosen, without = _chosen(config, names, req.flag("all"))
    dry_run, force = req.flag("dry_run"), req.flag("force")
    agents = config.agents
    if os.path.lexists(agents) and not os.path.isdir(agents):
        raise UsageError(f"the agents source is not a folder: {agents}",
                         hint="move it away, or set `sources.agents` in the config")
    if not dry_run and agents.is_dir():
        fsops.remove_temps(agents)
    real_agents = os.path.realpath(agents)
    in_source = {a.flat: str(a.path) for a in discover_agents(agents).agents}
    result: CollectAgentsResult = {
        "kind": "agents", "scope": config.scope.name, "source": str(agents),
        "dry_run": dry_run, "force": force, "targets": [t.name for t in chosen],
        "without": without, "collected": [], "same": [], "skipped": [], "failed": [],
        "summary": {"failed": 0}}
    taken: dict[str, LocalAgent] = {}
    planned: list[tuple[AgentCollected, LocalAgent]] = []
    for target in chosen:
        if not dry_run and target.agents is not None and target.agents.path.is_dir():
            agentfiles.recover(str(target.agents.path))
        found, passed = local_agents(config, target, real_agents)
        result["skipped"] += passed
        for local in found:
            item = _decide(local, taken, in_source, agents, force, result)
            if item is not None:
                planned.append((item, local))
    for item, local in planned:
        if dry_run or _collect_one(config, item, local, result):
            result["collected"].append(item)
    names = sorted({i["name"] for i in [*result["collected"], *result["same"]]})
    if names and not dry_run:
        _link(config, chosen, names, result)
    result["summary"]["failed"] = len(result["failed"])
    return result


def _link(config: Config, chosen: list[TargetConfig], names: list[str],
          result: CollectAgentsResult) -> None:
    """The pass of the agents sync over the collected names of the chosen targets: a
    target's file identical to its (new) source agent becomes our link in merge mode, our
    managed copy in copy mode."""
    world, discovery = resources.agents_world(config)
    report = reconcile.sync(world, discovery, only=[t.name for t in chosen], names=names,
                            unit=AGENT_UNIT)
    result["passes"] = [{"target": t["name"], "changes": t["changes"],
                         "conflicts": t["conflicts"], "error": t["error"]}
                        for t in report["targets"]]
    real_agents = os.path.realpath(config.agents)
    folders = {t.name: str(t.agents.path) for t in chosen if t.agents is not None}
    for item in result["collected"]:
        path = os.path.join(folders[item["target"]], item["name"])
        item["linked"] = os.path.islink(path) and _ours(path, real_agents)


def _decide(local: LocalAgent, taken: dict[str, LocalAgent], in_source: dict[str, str],
            agents: os.PathLike[str], force: bool, result: CollectAgentsResult
            ) -> AgentCollected | None:
    """What to do with one local agent: None when it is the same as (or in conflict with)
    what the source or an earlier target has (recorded in ``result``)."""
    item: AgentCollectItem = {"target": local.target, "name": local.name}
    first = taken.get(local.name)
    if first is not None:
        if first.digest == local.digest:
            result["same"].append(item)
        else:
            result["skipped"].append({**item, "reason": f"differs from the file collected "
                                                        f"from {first.target}"})
        return None
    dest = os.path.join(agents, local.name)
    existing = in_source.get(local.name) or (dest if os.path.lexists(dest) else None)
    if existing is not None and (os.path.islink(existing) or not os.path.isfile(existing)):
        result["skipped"].append({**item, "reason": f"{existing} is in the way and is not a "
                                                    "regular file; move it away first"})
        return None
    if existing is not None and agentfiles.file_digest(existing) == local.digest:
        result["same"].append(item)
        return None
    if existing is not None and not force:
        result["skipped"].append({**item, "reason": f"the agents source already has a "
                                                    f"different {local.name} (use --force to "
                                                    "replace it; the source's file goes to "
                                                    "the trash)"})
        return None
    taken[local.name] = local
    return {"target": local.target, "name": local.name, "to": existing or dest,
            "replaces": existing}


def _collect_one(config: Config, item: AgentCollected, local: LocalAgent,
                 result: CollectAgentsResult) -> bool:
    """Copy one agent into the agents source; whether it was copied (a failure is added
    to ``result``)."""
    dest = item["to"]
    rel = os.path.relpath(dest, config.agents)
    try:
        item["trashed"] = agentfiles.put_agent(
            config, local.data, config.agents / rel, item["replaces"], rel,
            f"replaced by collect agents from {local.target}")
    except (OSError, SkillshareError) as exc:
        result["failed"].append({"target": local.target, "name": local.name,
                                 "error": _why(exc)})
        return False
    item["linked"] = False
    return True


def _why(exc: Exception) -> str:
    if isinstance(exc, SkillshareError):
        return exc.message
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
