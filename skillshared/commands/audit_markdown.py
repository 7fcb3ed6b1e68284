"""``audit --format markdown``: a report a team pastes into a pull request or an issue.

A heading with the verdict, the policy line, a table of the findings by severity, a table of
the skills and agents that have findings (risk, worst severity, status), then for each of
them its auditable share, command tiers and findings (severity, rule, ``file:line``,
message, the matched text); the findings across skills come last as ``_cross-skill``. Clean
skills are counted, not listed. Everything taken from a skill is escaped, so a hostile file name or
line cannot break the tables or inject markup into the page."""

from __future__ import annotations

import re

from skillshared.commands.audit_analyzers import CROSS_SKILL_NAME
from skillshared.commands.audit_document import Scanned
from skillshared.commands.results_audit import OriginalSummary
from skillshared.core.config import SEVERITIES

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def cell(text: str) -> str:
    """``text`` safe in a table cell: one line, Markdown and HTML characters escaped,
    invisible and direction-changing characters shown as escapes."""
    shown = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text.replace("\n", " "))
    return _SPECIAL.sub(r"\\\1", shown)


def code(text: str) -> str:
    """``text`` as inline code that no backtick in it can end."""
    shown = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text.replace("\n", " "))
    shown = shown.replace("|", "\\|")
    fence = "`" * (max((len(r) for r in re.findall("`+", shown)), default=0) + 1)
    return f"{fence} {shown} {fence}" if shown else ""


def _head(s: OriginalSummary, failed: bool, here: tuple[str, ...]) -> list[str]:
    verdict = (f"❌ {s['failed']} failed at or above {s['threshold']}" if failed
               else f"✅ nothing at or above {s['threshold']}")
    analyzers = ", ".join(a for a in s["policyAnalyzers"] if not here or a in here) or "none"
    return ["## skillshare audit", "",
            f"**{verdict}** · {s['scanned']} scanned: {s['passed']} passed, "
            f"{s['warning']} with warnings, {s['failed']} failed", "",
            f"Policy: profile `{s['policyProfile']}`, block at `{s['threshold']}` or worse, "
            f"dedupe `{s['policyDedupe']}`, analyzers {analyzers}. Aggregate risk: "
            f"**{s['riskLabel'].upper()}** ({s['riskScore']}/100). Auditable: "
            f"{s['avgAnalyzability']:.0%} avg.", ""]


def _severity_table(s: OriginalSummary) -> list[str]:
    rows = [f"| {sev} | {s[sev.lower()]} |" for sev in SEVERITIES]  # type: ignore[literal-required]
    return ["| Severity | Findings |", "| --- | ---: |", *rows, ""]


def _status(item: Scanned) -> str:
    return "❌ failed" if item.unit["blocked"] else "⚠️ warning"


def _units_table(items: list[Scanned]) -> list[str]:
    rows = [f"| {cell(i.unit['name'])} | {i.kind} | {i.unit['risk_label'].upper()} "
            f"({i.unit['risk_score']}/100) | {i.unit['max_severity']} | {len(i.findings)} | "
            f"{_status(i)} |" for i in items]
    return ["| Name | Kind | Risk | Max severity | Findings | Status |",
            "| --- | --- | --- | --- | ---: | --- |", *rows, ""]


def _measured(item: Scanned) -> list[str]:
    """Auditable share and command tiers of a skill or agent (none for ``_cross-skill``)."""
    if item.unit["name"] == CROSS_SKILL_NAME:
        return ["Findings across skills (they block nothing).", ""]
    share = f"Auditable: {item.facts.analyzability.ratio:.0%}"
    tiers = item.facts.profile
    return [f"{share} · Commands: {tiers.describe()}" if tiers.total else share, ""]


def _findings(item: Scanned) -> list[str]:
    lines = [f"#### {cell(item.unit['name'])} ({item.kind}, "
             f"{item.unit['risk_label'].upper()} {item.unit['risk_score']}/100)", "",
             *_measured(item),
             "| Severity | Rule | Location | Message | Matched |",
             "| --- | --- | --- | --- | --- |"]
    for f in item.findings:
        where = f"{f.path}:{f.line}" if f.line else f.path
        lines.append(f"| {f.severity} | `{f.rule}` | {code(where)} | {cell(f.message)} | "
                     f"{code(f.excerpt)} |")
    return [*lines, ""]


def markdown_report(items: list[Scanned], summary: OriginalSummary,
                    missing: tuple[str, ...] = (), here: tuple[str, ...] = ()) -> str:
    """The report of a run, as Markdown text (``missing``: analyzers asked for that have no
    implementation here yet, said under the policy line; ``here``: the analyzers that have
    one, the only ones the policy line names as run)."""
    found = [i for i in items if i.findings]
    lines = _head(summary, summary["failed"] > 0, here)
    if missing:
        them = "it" if len(missing) == 1 else "them"
        lines += [f"> ⚠️ No analyzer here yet for {', '.join(missing)}: nothing was checked "
                  f"for {them}.", ""]
    lines += _severity_table(summary)
    if found:
        lines += ["### Skills with findings", "", *_units_table(found)]
        for item in found:
            lines += _findings(item)
    else:
        lines += ["No findings.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
