"""What an install or an update does with a scan: the report it shows, and the block (a
finding at or above the threshold stops it, unless ``--force``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from skillshared.audit.findings import Finding, blocking, rank
from skillshared.audit.rulefiles import load_rule_set
from skillshared.audit.rules import Rule
from skillshared.audit.scan import scan_tree
from skillshared.core.config import SEVERITIES
from skillshared.core.errors import SkillshareError
from skillshared.core.results_git import AuditReport


def audit_report(findings: list[Finding], files: int, level: str) -> AuditReport:
    """The JSON of a scan: every finding, whether one blocks, and counts per severity (all
    of them, and those below ``level``)."""
    below = [f for f in findings if rank(f.severity) > rank(level)]
    return {"files": files, "findings": [f.to_dict() for f in findings],
            "blocked": len(below) < len(findings), "counts": _counts(findings),
            "below": _counts(below)}


def _counts(findings: list[Finding]) -> dict[str, int]:
    return {s: n for s in SEVERITIES if (n := sum(f.severity == s for f in findings))}


def blocked_details(findings: list[Finding], level: str) -> list[str]:
    """What a blocked install or update shows: the findings that block it, then a summary
    of those below ``level`` (counts per severity) and those findings too, so nothing found
    is hidden."""
    above = blocking(findings, level)
    below = [f for f in findings if rank(f.severity) > rank(level)]
    lines = shown(above)
    if below:
        counts = ", ".join(f"{n} {s}" for s, n in _counts(below).items())
        lines.append(f"also found, below {level} (not blocking): {counts}")
        lines += [f"  {line}" for line in shown(below)]
    return lines


def count(findings: list[Finding]) -> str:
    return f"{len(findings)} finding{'' if len(findings) == 1 else 's'}"


def shown(findings: list[Finding], limit: int = 20) -> list[str]:
    lines = [f"{f.severity} {f.path}:{f.line} {f.rule}: {f.message}" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"… and {len(findings) - limit} more")
    return lines


@dataclass(frozen=True)
class Gate:
    """How an install audits what it brings in: the user's rule files (read at the first
    folder checked, after the shipped rules), the level at which a finding blocks, and
    ``force`` (``--force``: what is found does not block)."""

    files: tuple[Path, ...]
    level: str
    force: bool = False

    @cached_property
    def rules(self) -> list[Rule]:
        """The shipped rules and the user's files, read once for this gate (an install
        checks every skill it brings in with the same rules)."""
        return load_rule_set(self.files).rules

    def check(self, folder: Path, what: str = "nothing was installed") -> AuditReport:
        """Scan ``folder``; a finding at or above the level is an error (unless ``force``)."""
        findings, files = scan_tree(str(folder), self.rules)
        report = audit_report(findings, files, self.level)
        above = blocking(findings, self.level)
        if above and not self.force:
            raise SkillshareError(f"blocked by the security audit: {count(above)} at or above "
                                  f"{self.level}; {what}",
                                  hint="read them; --force installs anyway, -T sets the level",
                                  details=blocked_details(findings, self.level))
        return report
