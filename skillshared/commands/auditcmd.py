"""``audit [skills|agents|name] [--kind K] [-T LEVEL]``: scan the source's skills and the
agents source's agents (or one skill, tracked repo or agent; or one kind) with the audit
rules; exit 1 when a finding is at or above the threshold.

An agent is one markdown file, scanned with the same rules as a skill's files; a link the
agents source holds is scanned as the file it leads to. Skills and agents are reported
apart (``skills``, ``agents``); the totals count both. A name is looked for among the skills
and tracked repos, then the agents (by name, path or file name); a name of both kinds scans
both and says so.

The result names the user rule files read (``rule_files``: path and format, this tool's or
the original skillshare's) and lists the ``warnings`` about what of them could not be used
(see :mod:`skillshared.audit.original`)."""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING

from skillshared.audit.findings import Finding, blocking, threshold
from skillshared.audit.rulefiles import load_rule_set, rule_files
from skillshared.audit.rules import Rule
from skillshared.audit.scan import scan_files, scan_tree
from skillshared.catalog import skills
from skillshared.catalog.agents import Agent, discover_agents
from skillshared.commands.kindpick import AGENT, SKILL, pick_agent, split_kind
from skillshared.commands.results_install import AuditedSkill
from skillshared.commands.results_kinds import AuditKindsResult
from skillshared.core.config import SEVERITIES, Config
from skillshared.core.errors import NotFoundError

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def _units(config: Config, name: str | None) -> list[tuple[str, str]]:
    """What to scan, as (name, folder): every skill, or the skill (by flat name or path) or
    tracked repo (its whole folder) ``name`` means (none: nothing of that name)."""
    discovery = skills.discover(config.source)
    units = [(s.flat_name, s.path) for s in discovery.skills]
    if name is None:
        return units
    for flat, path in units:
        if name in (flat, os.path.relpath(path, config.source)):
            return [(flat, path)]
    repo = config.source / name
    if name.startswith("_") and "/" not in name and repo.is_dir():
        return [(name, str(repo))]
    return []


def _select(config: Config, kind: str | None, name: str | None
            ) -> tuple[list[tuple[str, str]], list[Agent], list[str]]:
    """The skills (name, folder) and agents to scan, and notes on what a name meant."""
    units = _units(config, name) if kind != AGENT else []
    found = discover_agents(config.agents) if kind != SKILL else None
    if name is None:
        return units, list(found.agents) if found else [], []
    agent = pick_agent(found, name) if found is not None else None
    if not units and agent is None:
        if kind == AGENT:
            raise NotFoundError(f"no agent named '{name}' in {config.agents}",
                                hint="see `skillshare list agents`")
        nor = f", nor an agent in {config.agents}" if found and found.agents else ""
        raise NotFoundError(f"no skill or tracked repo named '{name}' in {config.source}"
                            f"{nor}", hint="see `skillshare list`")
    notes = []
    if units and agent is not None:
        notes.append(f"'{name}' names both a skill ({units[0][0]}) and an agent "
                     f"({agent.rel}): both are scanned (--kind skill or --kind agent "
                     "scans one)")
    return units, [agent] if agent else [], notes


def _scan_skills(units: list[tuple[str, str]], rules: list[Rule], level: str
                 ) -> list[tuple[AuditedSkill, list[Finding]]]:
    folders = {path for _, path in units}
    results = []
    for flat, path in units:
        inner = {f for f in folders if f != path and f.startswith(path + os.sep)}
        findings, scanned = scan_tree(path, rules, skip=inner)
        results.append(_audited(flat, path, scanned, findings, level))
    return results


def _scan_agents(config: Config, agents: list[Agent], rules: list[Rule], level: str
                 ) -> list[tuple[AuditedSkill, list[Finding]]]:
    files = [(os.path.realpath(a.path), a.rel) for a in agents]
    found = scan_files(files, rules, str(config.agents))
    return [_audited(a.rel.removesuffix(".md"), str(config.agents / a.rel), 1, findings,
                     level) for a, findings in zip(agents, found, strict=True)]


def _audited(name: str, path: str, files: int, findings: list[Finding], level: str
             ) -> tuple[AuditedSkill, list[Finding]]:
    return ({"name": name, "path": path, "files": files,
             "findings": [f.to_dict() for f in findings],
             "blocked": bool(blocking(findings, level))}, findings)


def cmd_audit(req: Request) -> AuditKindsResult:
    config = req.config()
    level = threshold(req.text("threshold"), config.audit_threshold)
    name = req.text("name")
    kind, words = split_kind(req, [name] if name else [])
    loaded = load_rule_set(rule_files(req.paths, config))
    rules = list(loaded.rules)
    units, agents, notes = _select(config, kind, words[0] if words else None)
    done_skills = _scan_skills(units, rules, level)
    done_agents = _scan_agents(config, agents, rules, level)
    counts: Counter[str] = Counter()
    for _, findings in (*done_skills, *done_agents):
        counts.update(f.severity for f in findings)
    blocked = [r["name"] for r, _ in done_skills if r["blocked"]]
    blocked_agents = [r["name"] for r, _ in done_agents if r["blocked"]]
    both = [r for r, _ in (*done_skills, *done_agents)]
    return {"scope": config.scope.name, "kind": "agent" if kind == AGENT else (
                "skill" if kind == SKILL else None),
            "threshold": level, "rules": len(rules),
            "scanned": len(both), "files": sum(r["files"] for r in both),
            "counts": {s: counts[s] for s in SEVERITIES},
            "skills": [r for r, _ in done_skills], "agents": [r for r, _ in done_agents],
            "agents_source": str(config.agents),
            "blocked": blocked, "blocked_agents": blocked_agents,
            "summary": {"failed": len(blocked) + len(blocked_agents)},
            "rule_files": [{"path": str(f.path), "format": f.format, "entries": f.entries}
                           for f in loaded.files],
            "warnings": loaded.warnings, "notes": notes}
