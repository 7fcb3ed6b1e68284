"""What a scan finds, and what is made of it: severities and thresholds, the findings that
block, counts and one-line descriptions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from skillshared.core.config import SEVERITIES
from skillshared.core.errors import UsageError
from skillshared.core.results_git import FindingItem

SHORT = {"c": "CRITICAL", "crit": "CRITICAL", "h": "HIGH", "m": "MEDIUM", "med": "MEDIUM",
         "l": "LOW", "i": "INFO"}


def rank(severity: str) -> int:
    """CRITICAL 0 … INFO 4 (lower is worse)."""
    return SEVERITIES.index(severity)


def threshold(raw: str | None, default: str) -> str:
    """A severity from ``-T`` (a name in any case, or c, crit, h, m, med, l, i)."""
    if raw is None:
        return default
    value = SHORT.get(raw.lower(), raw.upper())
    if value not in SEVERITIES:
        raise UsageError(f"invalid threshold {raw!r}: must be one of "
                         f"{', '.join(s.lower() for s in SEVERITIES)} (or c, h, m, l, i)")
    return value


@dataclass(frozen=True)
class Finding:
    path: str  # relative to what was scanned
    line: int  # 0: the file as a whole (or a place in it without a line number)
    rule: str
    family: str
    severity: str
    message: str
    excerpt: str

    def to_dict(self) -> FindingItem:
        return {"path": self.path, "line": self.line, "rule": self.rule, "family": self.family,
                "severity": self.severity, "message": self.message, "excerpt": self.excerpt}


def blocking(findings: Iterable[Finding], level: str) -> list[Finding]:
    """The findings at or above ``level``."""
    return [f for f in findings if rank(f.severity) <= rank(level)]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity (every severity named, most severe first)."""
    seen = Counter(f.severity for f in findings)
    return {s: seen[s] for s in SEVERITIES}


def summary(findings: Iterable[Finding]) -> str:
    """``"1 critical, 2 high, 1 info"`` (``"no findings"``): what a blocked install or update
    also shows of the findings below its threshold."""
    return ", ".join(f"{n} {s.lower()}" for s, n in counts(findings).items() if n) or (
        "no findings")


def describe(finding: Finding) -> str:
    """One line: ``HIGH scripts/x.sh:3 rule-id: message``."""
    return (f"{finding.severity} {finding.path}:{finding.line} {finding.rule}: "
            f"{finding.message}")
