"""A skill's risk, as the original skillshare scores it: each finding adds its severity's
weight (CRITICAL 25, HIGH 15, MEDIUM 8, LOW 3, INFO 1), capped at 100; the label is the
score's band (0 clean, up to 25 low, 50 medium, 75 high, above: critical) raised to the worst
finding's severity where that is worse (one HIGH finding is never "low" risk). Every finding
counts, the analyzers' (tier mixes, dangling links, low analyzability) as the rules'.

Also each finding's category in the original's words (its summary counts findings by them)
and a fingerprint that stays the same while the finding does (for SARIF's
``partialFingerprints``: a code-scanning alert keeps its identity across runs)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from skillshared.audit.findings import Finding, rank
from skillshared.core.config import SEVERITIES

WEIGHTS = {"CRITICAL": 25, "HIGH": 15, "MEDIUM": 8, "LOW": 3, "INFO": 1}
LABELS = ("critical", "high", "medium", "low", "clean")  # worst first
_FLOOR = {"CRITICAL": "critical", "HIGH": "high", "MEDIUM": "medium", "LOW": "low"}

# (words in a rule's family or id, the original's category); the first that matches wins
_CATEGORIES = (
    (("injection", "hidden-comment", "html-comment", "stealth"), "injection"),
    (("exfiltration", "dns", "send"), "exfiltration"),
    (("secret", "credential", "token", "key"), "credential"),
    (("obfuscation", "invisible", "unicode", "encoding", "bidi", "homoglyph"), "obfuscation"),
    (("destructive", "privilege", "fetch-and-run", "exec", "dynamic", "persistence",
      "sudo"), "privilege"),
    (("links", "link", "structure"), "structure"),
    (("integrity", "content-"), "integrity"),
)
# the findings of the analyzers beyond the rules: the original's category for each
_BY_RULE = {"tier-stealth": "obfuscation", "tier-destructive-network": "exfiltration",
            "tier-network-heavy": "risk", "tier-interpreter": "risk",
            "tier-interpreter-network": "risk", "cross-skill-exfiltration": "exfiltration",
            "cross-skill-privilege-network": "privilege", "cross-skill-stealth": "obfuscation",
            "cross-skill-cred-interpreter": "credential", "dangling-link": "structure",
            "low-analyzability": "risk", "publisher-mismatch": "trust",
            "authority-language": "trust"}
_SPACES = re.compile(r"\s+")


def risk_score(findings: Iterable[Finding]) -> int:
    """0-100: the findings' weights added up, capped at 100."""
    return min(sum(WEIGHTS.get(f.severity, 0) for f in findings), 100)


def max_severity(findings: Iterable[Finding]) -> str | None:
    """The worst severity among ``findings`` (None: there are none)."""
    worst = min((rank(f.severity) for f in findings), default=None)
    return None if worst is None else SEVERITIES[worst]


def _band(score: int) -> str:
    if score <= 0:
        return "clean"
    for limit, label in ((25, "low"), (50, "medium"), (75, "high")):
        if score <= limit:
            return label
    return "critical"


def risk_label(score: int, worst: str | None) -> str:
    """The score's band, or the worst severity's label where that is worse."""
    band, floor = _band(score), _FLOOR.get(worst or "", "clean")
    return floor if LABELS.index(floor) < LABELS.index(band) else band


def risk(findings: list[Finding]) -> tuple[int, str]:
    """(score, label) of one skill's findings."""
    score = risk_score(findings)
    return score, risk_label(score, max_severity(findings))


def category(finding: Finding) -> str:
    """The original's category of a finding: injection, exfiltration, credential,
    obfuscation, privilege, structure, integrity, trust, or risk (anything else)."""
    if finding.rule in _BY_RULE:
        return _BY_RULE[finding.rule]
    words = f"{finding.family} {finding.rule}".lower()
    for keys, name in _CATEGORIES:
        if any(k in words for k in keys):
            return name
    return "risk"


def fingerprint(finding: Finding, unit: str) -> str:
    """A stable digest of what a finding is and where: the skill, rule, file and the matched
    text with its white space squeezed (not the line number, so an edit above it keeps the
    alert's identity)."""
    text = _SPACES.sub(" ", finding.excerpt.strip())
    key = "\0".join((unit, finding.rule, finding.path, text))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
