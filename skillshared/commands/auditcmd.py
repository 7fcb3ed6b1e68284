"""``audit [skills|agents] [names...] [-G DIR] [--format F] [--profile P] [-T LEVEL]
[--dedupe M] [--analyzer ID] [-q] [--init-rules]``: scan the source's skills and the agents
source's agents (or those named, or the skills of a group) with the audit rules; exit 1 when
a finding is at or above the threshold.

An agent is one markdown file, scanned with the same rules as a skill's files; a link the
agents source holds is scanned as the file it leads to. Skills and agents are reported apart
(``skills``, ``agents``); the totals count both. Each has a risk score (0-100) and label
(:mod:`skillshared.commands.audit_score`); ``results`` and ``summary`` are the original
skillshare's audit document (:mod:`skillshared.commands.audit_document`); ``report`` is the
SARIF log or Markdown text when ``--format`` asks for one. The policy (format, profile,
threshold, dedupe, analyzers) is checked before anything is read
(:mod:`skillshared.commands.audit_policy`). After the rule scan of each skill, the analyzers
beyond the rules it asks for run (:mod:`skillshared.commands.audit_analyzers`: command tiers,
dangling links, analyzability, install records), then those over all skills, whose findings
are the unit ``cross_skill`` (``_cross-skill``, blocking nothing).

``audit rules ...`` (a leading word ``rules``) is handed to
``skillshared.commands.audit_rules_cmd:cmd_audit_rules``. ``--init-rules`` writes a starter
rule file (:mod:`skillshared.commands.audit_init_rules`).

The result names the user rule files read (``rule_files``: path and format, this tool's or
the original skillshare's) and lists the ``warnings`` about what of them could not be used
(see :mod:`skillshared.audit.original`)."""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skillshared.audit.findings import Finding, blocking
from skillshared.audit.original_ids import CHECKS, COUNTERPARTS
from skillshared.audit.rulefiles import load_rule_set, rule_files
from skillshared.audit.rules import Rule
from skillshared.audit.scan import scan_files, scan_tree
from skillshared.audit.skillwalk import SkillFacts
from skillshared.catalog.agents import Agent
from skillshared.commands.audit_analyzers import (
    CROSS_SKILL_NAME,
    agent_findings,
    bundle_findings,
    skill_findings,
)
from skillshared.commands.audit_document import Scanned, add_facts, original_result, summary
from skillshared.commands.audit_init_rules import init_rules
from skillshared.commands.audit_markdown import markdown_report
from skillshared.commands.audit_policy import (
    Defaults,
    Policy,
    analyzers_here,
    config_defaults,
    dedupe,
    missing,
    resolve,
    select_rules,
)
from skillshared.commands.audit_sarif import sarif_log
from skillshared.commands.audit_score import max_severity, risk
from skillshared.commands.audit_select import select
from skillshared.commands.kindpick import AGENT, SKILL, split_kind
from skillshared.commands.request import Request
from skillshared.commands.results_audit import AuditResult, InitRulesResult
from skillshared.core import progress
from skillshared.core.config import SEVERITIES, Config

RULES_COMMAND = "skillshared.commands.audit_rules_cmd"


def _unit(kind: str, name: str, path: str, files: int, found: list[Finding],
          policy: Policy, facts: SkillFacts | None = None) -> Scanned:
    facts = facts or SkillFacts()
    findings = dedupe(found, policy.dedupe)
    score, label = risk(findings)
    return Scanned("agent" if kind == AGENT else "skill", add_facts({
        "name": name, "path": path, "files": files,
        "findings": [f.to_dict() for f in findings],
        "blocked": bool(blocking(findings, policy.threshold)),
        "risk_score": score, "risk_label": label, "max_severity": max_severity(findings)},
        facts), tuple(findings), facts)


@dataclass(frozen=True)
class Checks:
    """The original's checks the user's rule files turn off (through their ids, or through
    our counterpart rules), and the severities they give them."""
    off: frozenset[str] = frozenset()
    severity: Mapping[str, str] = field(default_factory=dict)

    def grade(self, found: Iterable[Finding]) -> list[Finding]:
        return [dataclasses.replace(f, severity=self.severity[f.rule])
                if f.rule in self.severity else f for f in found]


def _scan_skills(config: Config, units: list[tuple[str, str]], rules: list[Rule],
                 policy: Policy, checks: Checks) -> list[Scanned]:
    folders = {path for _, path in units}
    done = []
    for count, (flat, path) in enumerate(units):
        progress.report("auditing", None, count, len(units), flat)
        inner = {f for f in folders if f != path and f.startswith(path + os.sep)}
        findings, scanned = scan_tree(path, rules, skip=inner)
        extras = skill_findings(path, flat, config, analyzers=policy.analyzers,
                                found=findings, skip=inner, off=checks.off)
        done.append(_unit(SKILL, flat, path, scanned,
                          [*findings, *checks.grade(extras.findings)], policy, extras.facts))
    return done


def _scan_agents(config: Config, agents: list[Agent], rules: list[Rule], policy: Policy,
                 checks: Checks) -> list[Scanned]:
    files = [(os.path.realpath(a.path), a.rel) for a in agents]
    found = scan_files(files, rules, str(config.agents))
    done = []
    for a, findings, (real, _) in zip(agents, found, files, strict=True):
        extras = agent_findings(real, a.rel, analyzers=policy.analyzers, found=findings,
                                off=checks.off)
        done.append(_unit(AGENT, a.rel.removesuffix(".md"), str(config.agents / a.rel), 1,
                          [*findings, *checks.grade(extras.findings)], policy, extras.facts))
    return done


def _turned_off(every: list[Rule]) -> frozenset[str]:
    """The original's checks whose counterpart here the user's rule files turned off
    (``tier-stealth: enabled: false`` turns off ``stealth-commands``, and so the tier's
    own finding too)."""
    active = {r.id for r in every}
    return frozenset(check for check in CHECKS
                     if COUNTERPARTS[check] and not active & set(COUNTERPARTS[check]))


def _cross_skill(config: Config, skills: list[Scanned], policy: Policy,
                 checks: Checks) -> Scanned | None:
    """The findings over all skills (None: there are none); they block nothing."""
    found = checks.grade(bundle_findings([(s.unit["name"], s.facts, s.findings)
                                          for s in skills],
                                         analyzers=policy.analyzers, off=checks.off))
    if not found:
        return None
    item = _unit(SKILL, CROSS_SKILL_NAME, str(config.source), 0, found, policy)
    item.unit["blocked"] = False
    return item


def _policy(req: Request, config: Config | None) -> Policy:
    defaults = config_defaults(config) if config is not None else Defaults()
    return resolve(req.text("format"), req.text("profile"), req.text("threshold"),
                   req.text("dedupe"), req.texts("analyzer"), defaults)


def _words(req: Request) -> list[str]:
    name = req.text("name")
    return req.texts("names") or ([name] if name else [])


def cmd_audit(req: Request) -> AuditResult | InitRulesResult | dict[str, Any]:
    words = _words(req)
    if words and words[0] == "rules":
        handler = importlib.import_module(RULES_COMMAND).cmd_audit_rules
        args = {**req.args, "rule_args": req.texts("rule_args") or words[1:]}
        return handler(Request(req.paths, args, req.daemon))  # type: ignore[no-any-return]
    if words and words[0] == "accept":  # `audit accept <skill>`, --revoke, --list
        accept = importlib.import_module("skillshared.commands.audit_accept")
        return accept.cmd_audit_accept(req, words[1:])  # type: ignore[no-any-return]
    if req.flag("init_rules"):
        _policy(req, None)  # a bad value is refused here too
        return init_rules(req.scope())
    config = req.config()
    policy = _policy(req, config)
    kind, names = split_kind(req, words)
    groups = req.texts("group")
    chosen = select(config, kind, names, groups)
    loaded = load_rule_set(rule_files(req.paths, config))
    every = list(loaded.rules)
    rules = select_rules(every, policy)
    checks = Checks(_turned_off(every) | loaded.checks_off, loaded.check_severity)
    done_skills = _scan_skills(config, chosen.units, rules, policy, checks)
    done_agents = _scan_agents(config, chosen.agents, rules, policy, checks)
    cross = _cross_skill(config, done_skills, policy, checks)
    return _result(config, kind, policy, req, names, groups, (every, rules), done_skills,
                   done_agents, cross, loaded.warnings, chosen.notes, [
                       {"path": str(f.path), "format": f.format, "entries": f.entries}
                       for f in loaded.files])


def _result(config: Config, kind: str | None, policy: Policy, req: Request, names: list[str],
            groups: list[str], both_rules: tuple[list[Rule], list[Rule]],
            skills: list[Scanned], agents: list[Scanned], cross: Scanned | None,
            warnings: list[str], notes: list[str], files: Any) -> AuditResult:
    every, rules = both_rules
    lacking = missing(policy, every)
    both = [*skills, *agents]
    shown = [*both, *([cross] if cross is not None else [])]
    counts = Counter(f.severity for item in both for f in item.findings)
    doc = summary(both, policy, config.scope.name, names, groups)
    scans = {r.id: r.scan for r in rules}
    result: AuditResult = {
        "scope": config.scope.name, "kind": "agent" if kind == AGENT else (
            "skill" if kind == SKILL else None),
        "format": policy.format, "profile": policy.profile, "dedupe": policy.dedupe,
        "analyzers": list(policy.analyzers), "analyzers_missing": lacking,
        "analyzers_here": analyzers_here(every),
        "quiet": req.flag("quiet"), "groups": groups,
        "threshold": policy.threshold, "rules": len(rules),
        "scanned": len(both), "files": sum(i.unit["files"] for i in both),
        "counts": {s: counts[s] for s in SEVERITIES},
        "skills": [i.unit for i in skills], "agents": [i.unit for i in agents],
        "agents_source": str(config.agents), "source": str(config.source),
        "blocked": [i.unit["name"] for i in skills if i.unit["blocked"]],
        "blocked_agents": [i.unit["name"] for i in agents if i.unit["blocked"]],
        "rule_files": files, "warnings": warnings, "notes": notes,
        "results": [original_result(i, policy.threshold, scans) for i in shown],
        "summary": doc}
    if cross is not None:
        result["cross_skill"] = cross.unit
    if policy.format == "sarif":
        project = config.scope.project_root
        result["report"] = sarif_log(shown, str(config.source), str(config.agents),
                                     str(project) if project is not None else None)
    elif policy.format == "markdown":
        result["report"] = markdown_report(shown, doc, tuple(lacking),
                                           tuple(result["analyzers_here"]))
    return result
