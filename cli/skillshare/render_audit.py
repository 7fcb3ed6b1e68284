"""Text rendering of `audit` results: each skill with its risk, auditable share, command tiers
and findings (a clean one as one line, none with ``-q``), then the agents in their own
section, the findings across skills (``_cross-skill``), then the totals of both, the policy
and the verdict. ``--format sarif|json|markdown`` prints that document instead
(the exit code is the same). ``audit --init-rules`` and ``audit rules`` have their own."""

from __future__ import annotations

from skillshare import summarise
from skillshare.textout import FAIL, INFO, OK, WARN, Out, json_text, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from skillshared.commands.results_audit import AuditResult, InitRulesResult, ScoredUnit

MARKS = {"CRITICAL": FAIL, "HIGH": FAIL, "MEDIUM": WARN, "LOW": INFO, "INFO": INFO}
WITH_ANALYZER = ("static", "structure")  # (a result that does not say)
ALL_ANALYZERS = ("static", "dataflow", "tier", "integrity", "metadata", "structure",
                 "cross-skill")


def _risk(unit: ScoredUnit) -> str:
    worst = unit.get("max_severity")
    tail = f", max {worst}" if worst else ""
    return f"risk {unit.get('risk_label', 'clean').upper()} {unit.get('risk_score', 0)}/100{tail}"


def _measured(unit: ScoredUnit, out: Out) -> None:
    """``→ Auditable: 85%`` and ``→ Commands: destructive:2 network:3`` (when it runs any)."""
    if "analyzability" in unit:
        out(f"    → Auditable: {unit['analyzability']:.0%}")
    if unit.get("tier_profile", {}).get("total"):
        out(f"    → Commands: {unit.get('commands', '')}")


def _findings(unit: ScoredUnit, out: Out, whole: str = "(whole skill)") -> None:
    for f in unit["findings"]:
        where = f"{f['path']}:{f['line']}" if f["path"] != "." else whole
        out(f"    {MARKS[f['severity']]} {f['severity']:<8} {where}  {f['rule']}: "
            f"{f['message']}")
        if f["excerpt"]:
            out.verbatim(f"        {f['excerpt']}")


def _units(units: list[ScoredUnit], out: Out, r: AuditResult, noun: str = "skill") -> None:
    """Each unit with its findings; one with none on one line (``-q``: not at all; past
    :data:`summarise.LONG` of them: counted, with the first names)."""
    listing = summarise.Listing(out, r)
    for unit in units:
        if not unit["findings"]:
            clean = Out(out.home)
            clean(f"{OK} {unit['name']}")
            if len(units) == 1:
                _measured(unit, clean)
            listing.plain(unit["name"], clean.lines, f"{OK} ", noun, " with no findings")
            continue
        found = Out(out.home)
        mark = FAIL if unit["blocked"] else WARN
        found(f"{mark} {unit['name']} ({out.path(unit['path'])})  {_risk(unit)}")
        _measured(unit, found)
        _findings(unit, found)
        listing.notable(*found.lines)
    listing.write()


def _cross_skill(r: AuditResult, out: Out) -> None:
    """The findings across skills (``_cross-skill``): shown, never blocking."""
    unit = r.get("cross_skill")
    if unit:
        out(f"{WARN} _cross-skill (risks of skills together; they block nothing)  "
            f"{_risk(unit)}")
        _findings(unit, out, "(across skills)")


def _notes(r: AuditResult, out: Out) -> None:
    for warning in r.get("warnings", []):
        out(f"{WARN} audit rules: {warning}")
    for note in r.get("notes", []):
        out(f"{INFO} {note}")
    missing = r.get("analyzers_missing", [])
    if missing:
        here = r.get("analyzers_here") or WITH_ANALYZER
        out(f"{WARN} --analyzer {', '.join(missing)}: no such analyzer here yet, so nothing "
            f"was checked for {'it' if len(missing) == 1 else 'them'} (analyzers here: "
            f"{', '.join(here)})")


def _summary(r: AuditResult, out: Out) -> None:
    agents = r.get("agents", [])
    counts = ", ".join(f"{n} {s.lower()}" for s, n in r["counts"].items() if n) or "no findings"
    scanned = plural(len(r["skills"]), "skill")
    if agents or r.get("kind") == "agent":
        scanned = (f"{scanned} and " if r.get("kind") != "agent" else "") + plural(
            len(agents), "agent")
    out(f"Audit: {scanned}, {plural(r['files'], 'file')} scanned, {r['rules']} rules; "
        f"{counts}")
    s = r.get("summary")
    if s and "passed" in s:
        chosen = r.get("analyzers", [])
        ran = [a for a in chosen if a in r.get("analyzers_here", chosen)]
        analyzers = ("every analyzer here" if set(chosen) >= set(ALL_ANALYZERS) else
                     "analyzers") + " (" + (", ".join(ran) or "none") + ")"
        out(f"Policy: profile {r.get('profile', 'default')}, block at {r['threshold']} or "
            f"worse, dedupe {r.get('dedupe', 'global')}, {analyzers}")
        share = (f"; auditable {s['avgAnalyzability']:.0%} avg" if "avgAnalyzability" in s
                 else "")
        out(f"Passed {s['passed']}, warning {s['warning']}, failed {s['failed']}; aggregate "
            f"risk {s['riskLabel'].upper()} ({s['riskScore']}/100){share}")


def _document(r: AuditResult, out: Out) -> bool:
    """Print the document ``--format`` asked for, its paths whole; False: text was asked
    for."""
    fmt = r.get("format", "text")
    if fmt == "json":
        out.verbatim(json_text(r))
    elif fmt == "sarif":
        out.verbatim(json_text(r.get("report")))
    elif fmt == "markdown":
        out.verbatim(str(r.get("report", "")).rstrip("\n"))
    return fmt != "text"


def _init_rules(r: InitRulesResult, out: Out) -> int:
    out(f"{OK} wrote {out.path(r['path'])}: a starter rule file (every example is commented "
        "out; edit it to add, change or turn off rules)")
    return 0


def _rules(r: Any, out: Out) -> int:
    import importlib

    module = importlib.import_module("skillshare.render_audit_rules")
    return int(module.render_audit_rules(r, out))


def render_audit(r: Any, out: Out) -> int:
    """``r``: an :class:`AuditResult`, an :class:`InitRulesResult`, or the result of
    ``audit rules`` (it has ``rules_action``)."""
    if r.get("action") == "init-rules":
        return _init_rules(r, out)
    if "rules_action" in r:
        return _rules(r, out)
    if "accept" in r:
        from skillshare.render_audit_accept import render_audit_accept

        return render_audit_accept(r, out)
    return _audit(r, out)


def _audit(r: AuditResult, out: Out) -> int:
    failed = bool(r["blocked"] or r.get("blocked_agents"))
    if _document(r, out):
        return 1 if failed else 0
    _notes(r, out)
    quiet = bool(r.get("quiet"))
    _units(r["skills"], out, r)
    agents = r.get("agents", [])
    if any(a["findings"] for a in agents) or (agents and not quiet):
        out.header(f"Agents ({out.path(r['agents_source'])})")
        _units(agents, out, r, "agent")
    _cross_skill(r, out)
    _summary(r, out)
    blocked = [*r["blocked"], *(f"agent {a}" for a in r.get("blocked_agents", []))]
    if blocked:
        out(f"{FAIL} at or above {r['threshold']}: {', '.join(blocked)}")
        return 1
    out(f"{OK} nothing at or above {r['threshold']}")
    return 0
