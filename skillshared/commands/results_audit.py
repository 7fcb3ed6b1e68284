"""What ``audit`` returns (typed dictionaries: see :mod:`skillshared.commands.results`).
Types only.

Ours come first (``skills``, ``agents``, ``counts``, ...); ``results`` and ``summary`` are
the original skillshare's audit document, field for field, with a few fields of ours added
(``failed`` stays in ``summary``). The findings across skills are the unit ``cross_skill``
(named ``_cross-skill``), also the last of ``results``; they block nothing. ``report``: the
SARIF log (``--format sarif``) or the Markdown text (``--format markdown``)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from skillshared.commands.results_install import AuditedSkill, RuleFile

Kind = Literal["skill", "agent"]


class TierProfileItem(TypedDict):
    """How many of its commands are of each tier (T0 read-only ... T6 interpreter)."""
    counts: list[int]
    total: int


class ScoredUnit(AuditedSkill):
    """A skill or agent as scanned, with its risk (0-100, and its label), its tier profile
    and how much of it is text the audit can read (``analyzability``: 0-1)."""
    risk_score: int
    risk_label: str
    max_severity: str | None
    tier_profile: NotRequired[TierProfileItem]
    commands: NotRequired[str]  # the profile in words: "destructive:2 network:3" ("none")
    total_bytes: NotRequired[int]
    auditable_bytes: NotRequired[int]
    analyzability: NotRequired[float]


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
    totalBytes: int
    auditableBytes: int
    analyzability: float
    tierProfile: TierProfileItem
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
    avgAnalyzability: float


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
    results: list[OriginalResult]  # with ``_cross-skill`` last when it has findings
    summary: OriginalSummary  # (of the skills and agents: ``_cross-skill`` is not counted)
    cross_skill: NotRequired[ScoredUnit]  # the findings over all skills, when there are any
    report: NotRequired[Any]  # the SARIF log (a mapping) or the Markdown text


class InitRulesResult(TypedDict):
    """``audit --init-rules``: the starter rule file written (never over an existing one)."""
    action: Literal["init-rules"]
    path: str
    scope: str
    created: bool
