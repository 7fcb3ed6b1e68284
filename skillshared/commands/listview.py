"""What ``list`` shows (see :func:`skillshared.commands.views.cmd_list`): the skills found
through the persisted catalog, where each came from, and the agents. Nothing here loads the
engine, the audit or git code beyond the install records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillshared.catalog import skills

if TYPE_CHECKING:
    from pathlib import Path

    from skillshared.commands.results_list import ListedAgents, ListedSkill, ListResult
    from skillshared.core.config import Config


def listed_skills(config: Config, kept: Path | None, empty: bool) -> ListResult:
    """The skills of ``list`` (``empty``: none, without looking: ``list agents``), through
    the catalog kept in ``kept`` (None: none)."""
    from skillshared.commands import listflags, viewcache
    from skillshared.git import installs

    discovery = skills.Discovery(config.source, True) if empty else viewcache.discover(
        kept, config.source)
    origins = {} if empty else installs.origins(config)
    listed: list[ListedSkill] = []
    for s in discovery.skills:
        origin = origins.get(s.tracked_repo or s.rel_path)
        listed.append({
            "name": s.flat_name,
            "path": s.rel_path,
            "origin": "tracked" if s.tracked_repo else "installed" if s.rel_path in origins
            else "local",
            "repo": s.tracked_repo,
            "source": origin["source"] if origin else None,
            "recorded_in": origin["file"] if origin else None,
            "title": s.meta.name,
            "description": s.meta.description,
            "targets": list(s.meta.targets) if s.meta.targets is not None else None,
            "problem": s.meta.problem,
        })
        listed[-1]["type"] = listflags.skill_type(listed[-1])
        listed[-1]["installed_at"] = (listflags.installed_at(config.source, s.rel_path)
                                      if listed[-1]["origin"] != "local" else None)
    problems = discovery.problems  # (engine.reports.discovery_report, without the engine)
    return {
        "scope": config.scope.name,
        "source": str(config.source),
        "exists": discovery.exists if not empty else config.source.is_dir(),
        "skills": listed,
        "invalid": [{"path": r.rel_path, "reason": r.reason} for r in discovery.rejected],
        "frontmatter": [{"path": r.rel_path, "problem": r.reason} for r in problems],
        "ignored": list(discovery.ignored),
    }


def listed_agents(config: Config) -> ListedAgents:
    """The agents source's agents (name, file in a target, description), and the files
    refused or hidden."""
    from skillshared.catalog.agents import discover_agents

    found = discover_agents(config.agents)
    return {
        "source": str(config.agents),
        "agents": [{"name": a.name, "file": a.flat, "path": a.rel,
                    "description": a.description} for a in found.agents],
        "invalid": [{"path": rel, "reason": why} for rel, why in found.invalid],
        "ignored": list(found.ignored),
    }
