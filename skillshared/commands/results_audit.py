"""What ``audit`` returns (typed dictionaries: see :mod:`skillshared.commands.results`).
Types only.

Ours come first (``skills``, ``agents``, ``counts``, ...); ``results`` and ``summary`` are
the original skillshare's audit document, field for field, with a few fields of ours added
(``failed`` stays in ``summary``). ``report``: the SARIF log (``--format sarif``) or the
Markdown text (``--format markdown``)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from skillshared.commands.results_install import AuditedSkill, RuleFile

Kind = Literal["skill", "agent"]


class ScoredUnit(AuditedSkill):
    """A skill or agent as scanned, with its risk (0-100, and its label)."""
    risk_score: int
    risk_label: str
    max_severity: str | None


class OriginalFinding(TypedDict):
    severity: str
    pattern: str  # the rule's id
    message: str
    file: str
    line: int
    snippet: str
    ruleId: str
    analyzer: str
    category: str
    fingerprint: str
    family: str  # ours


class OriginalResult(TypedDict):
    skillName: str
    kind: Kind
    findings: list[OriginalFinding]
    riskScore: int
    riskLabel: str
    threshold: str
    isBlocked: bool
    scanTarget: str
    files: int  # ours


class OriginalSummary(TypedDict):
    scope: str  # all, filtered or single
    skill: NotRequired[str]
    scanned: int
    passed: int
    warning: int
    failed: int
    critical: int
    high: int
    medium: int
    low: int
    info: int
    warningSkills: list[str]
    failedSkills: list[str]
    scanErrors: int
    mode: str
    threshold: str
    maxSeverity: str
    riskScore: int
    riskLabel: str
    byCategory: dict[str, int]
    policyProfile: str
    policyDedupe: str
    policyAnalyzers: list[str]


class AuditResult(TypedDict):
    scope: str
    kind: Kind | None
    format: str
    profile: str
    dedupe: str
    analyzers: list[str]
    analyzers_missing: list[str]  # asked for, but no rule here belongs to them
    analyzers_here: list[str]  # the original's analyzer ids some rule here belongs to
    quiet: bool
    groups: list[str]
    threshold: str
    rules: int
    scanned: int
    files: int
    counts: dict[str, int]
    skills: list[ScoredUnit]
    agents: list[ScoredUnit]
    agents_source: str
    source: str
    blocked: list[str]
    blocked_agents: list[str]
    rule_files: list[RuleFile]
    warnings: list[str]
    notes: list[str]
    results: list[OriginalResult]
    summary: OriginalSummary
    report: NotRequired[Any]  # the SARIF log (a mapping) or the Markdown text


class InitRulesResult(TypedDict):
    """``audit --init-rules``: the starter rule file written (never over an existing one)."""
    action: Literal["init-rules"]
    path: str
    scope: str
    created: bool
