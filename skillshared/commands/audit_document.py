"""The original skillshare's audit document (``results`` and ``summary`` of ``audit
--json``), made from what was scanned: each skill and agent with its findings under the
original's field names, then the run's totals (passed: no finding; warning: findings below
the threshold; failed: a finding at or above it). Each result has its tier profile and
analyzability (``totalBytes``, ``auditableBytes``, ``analyzability``, ``tierProfile``); the
summary their average (``avgAnalyzability``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from skillshared.audit.findings import Finding
from skillshared.audit.skillwalk import SkillFacts
from skillshared.commands.audit_policy import ANALYZERS, Policy, rule_analyzer
from skillshared.commands.audit_score import category, fingerprint, max_severity, risk_label
from skillshared.commands.results_audit import (
    Kind,
    OriginalFinding,
    OriginalResult,
    OriginalSummary,
    ScoredUnit,
    TierProfileItem,
)
from skillshared.core.config import SEVERITIES


@dataclass(frozen=True)
class Scanned:
    """One skill or agent as scanned: its entry of the result and its findings."""
    kind: Kind
    unit: ScoredUnit
    findings: tuple[Finding, ...]
    facts: SkillFacts = field(default_factory=SkillFacts)  # tier profile, analyzability


def analyzer_of(finding: Finding, scans: Mapping[str, str]) -> str:
    """The original's analyzer id a finding of ours stands for (``scans``: each rule's
    ``scan``)."""
    return rule_analyzer(finding.rule, scans.get(finding.rule, "text"))


def original_finding(f: Finding, unit: str, scans: Mapping[str, str]) -> OriginalFinding:
    return {"severity": f.severity, "pattern": f.rule, "message": f.message, "file": f.path,
            "line": f.line, "snippet": f.excerpt, "ruleId": f.rule,
            "analyzer": analyzer_of(f, scans), "category": category(f),
            "fingerprint": fingerprint(f, unit), "family": f.family}


def original_result(item: Scanned, level: str, scans: Mapping[str, str]) -> OriginalResult:
    u = item.unit
    return {"skillName": u["name"], "kind": item.kind,
            "findings": [original_finding(f, u["name"], scans) for f in item.findings],
            "riskScore": u["risk_score"], "riskLabel": u["risk_label"], "threshold": level,
            "isBlocked": u["blocked"], "scanTarget": u["path"],
            "totalBytes": item.facts.analyzability.total_bytes,
            "auditableBytes": item.facts.analyzability.auditable_bytes,
            "analyzability": round(item.facts.analyzability.ratio, 4),
            "tierProfile": tier_profile(item.facts), "files": u["files"]}


def tier_profile(facts: SkillFacts) -> TierProfileItem:
    return {"counts": list(facts.profile.counts), "total": facts.profile.total}


def add_facts(unit: ScoredUnit, facts: SkillFacts) -> ScoredUnit:
    """``unit`` with the fields of ours that the analyzers measured of it."""
    a = facts.analyzability
    unit["tier_profile"] = tier_profile(facts)
    unit["commands"] = facts.profile.describe()
    unit["total_bytes"], unit["auditable_bytes"] = a.total_bytes, a.auditable_bytes
    unit["analyzability"] = round(a.ratio, 4)
    return unit


def _scope(names: list[str], groups: list[str]) -> str:
    if not names and not groups:
        return "all"
    return "single" if len(names) == 1 and not groups else "filtered"


def summary(items: list[Scanned], policy: Policy, mode: str, names: list[str],
            groups: list[str]) -> OriginalSummary:
    """The original's ``summary`` of a run."""
    every = [f for item in items for f in item.findings]
    seen = Counter(f.severity for f in every)
    failed = [i.unit["name"] for i in items if i.unit["blocked"]]
    warned = [i.unit["name"] for i in items if i.findings and not i.unit["blocked"]]
    score = max((i.unit["risk_score"] for i in items), default=0)
    worst = max_severity(every)
    doc: OriginalSummary = {
        "scope": _scope(names, groups), "scanned": len(items),
        "passed": len(items) - len(failed) - len(warned), "warning": len(warned),
        "failed": len(failed), **{s.lower(): seen[s] for s in SEVERITIES},  # type: ignore[typeddict-item]
        "warningSkills": warned, "failedSkills": failed, "scanErrors": 0, "mode": mode,
        "threshold": policy.threshold, "maxSeverity": worst or "",
        "riskScore": score, "riskLabel": risk_label(score, worst),
        "byCategory": dict(sorted(Counter(category(f) for f in every).items())),
        "policyProfile": policy.profile, "policyDedupe": policy.dedupe,
        "policyAnalyzers": list(policy.analyzers) if not policy.all_analyzers
        else list(ANALYZERS),
        "avgAnalyzability": round(sum(i.facts.analyzability.ratio for i in items)
                                  / len(items), 4) if items else 1.0}
    if doc["scope"] == "single":
        doc["skill"] = names[0]
    return doc
