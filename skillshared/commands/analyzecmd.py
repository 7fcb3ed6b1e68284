"""``analyze [target]``: how much of each target's context window its skills take, and the
lint of every SKILL.md (the original tool's report and JSON shape; see
:mod:`skillshared.commands.analyze_lint` for what is measured). A target's skills are the
ones sync gives it (its include/exclude filters, the skills' own ``targets``); targets that
receive none are left out; the costliest target comes first, and within a target the
largest description. ``context_budget`` (``warn_always_loaded_tokens``, default 10,000;
``warn_on_demand_tokens``, default 100,000; 0 turns one off) adds warnings. Reads only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from skillshared.commands.analyze_lint import Measured, measure, tokens
from skillshared.commands.request import Request, check_source
from skillshared.commands.results_new import (
    AnalyzedSkill,
    AnalyzedTarget,
    AnalyzeResult,
    BudgetWarning,
    FilterSummary,
)
from skillshared.core.config import Config, TargetConfig
from skillshared.core.errors import NotFoundError, UsageError

BUDGETS = {"always_loaded": ("warn_always_loaded_tokens", 10_000),
           "on_demand": ("warn_on_demand_tokens", 100_000)}
SKILL_FILE_MAX = 4 * 1024 * 1024  # a larger SKILL.md is measured from its first 4 MiB


def cmd_analyze(req: Request) -> AnalyzeResult:
    from skillshared.catalog.skills import discover

    config = req.config()
    check_source(config)
    wanted = req.text("target")
    chosen = _targets(config, wanted)
    text = req.text("filter")
    if text is not None and not text:
        raise UsageError("--filter needs a non-empty value")
    found = discover(config.source)
    measured = {s.flat_name: (s.rel_path, _measure(s.path)) for s in found.skills}
    entries = [e for e in (_entry(config, t, found.skills, measured) for t in chosen)
               if e["skill_count"]]
    entries.sort(key=lambda e: (-e["always_loaded"]["chars"], e["name"]))
    result: AnalyzeResult = {"targets": entries,
                             "scope": "project" if config.scope.is_project else "global",
                             "verbose": req.flag("verbose") or wanted is not None,
                             "target": chosen[0].name if wanted else None,
                             "skills_found": len(found.skills),
                             "warnings": budget_warnings(entries, config.document)}
    if text is not None:
        _filtered(result, text)
    return result


def _targets(config: Config, wanted: str | None) -> Sequence[TargetConfig]:
    if wanted is None:
        return config.targets
    target = config.target(wanted)
    if target is None:
        known = ", ".join(t.name for t in config.targets) or "none"
        raise NotFoundError(f"target {wanted!r} not configured",
                            hint=f"configured targets: {known}")
    return [target]


def _measure(folder: str) -> Measured:
    try:
        with open(f"{folder}/SKILL.md", "rb") as handle:
            data = handle.read(SKILL_FILE_MAX)
    except OSError:
        data = b""
    return measure(data)


def _entry(config: Config, target: TargetConfig, skills: Sequence[Any],
           measured: Mapping[str, tuple[str, Measured]]) -> AnalyzedTarget:
    from skillshared.engine.groups import wanted_skills

    rows = [_row(s.flat_name, *measured[s.flat_name]) for s in wanted_skills(target, skills)]
    rows.sort(key=lambda r: (-r["description_chars"], r["name"]))
    always = sum(r["description_chars"] for r in rows)
    body = sum(r["body_chars"] for r in rows)
    return {"name": target.name, "skill_count": len(rows),
            "always_loaded": {"chars": always, "estimated_tokens": tokens(always)},
            "on_demand_max": {"chars": body, "estimated_tokens": tokens(body)},
            "skills": rows}


def _row(name: str, rel: str, m: Measured) -> AnalyzedSkill:
    row: AnalyzedSkill = {"name": name, "description_chars": m.description_chars,
                          "description_tokens": tokens(m.description_chars),
                          "body_chars": m.body_chars, "body_tokens": tokens(m.body_chars),
                          "path": rel}
    if m.issues:
        row["lint_issues"] = list(m.issues)
    return row


def _threshold(document: Mapping[str, Any], key: str, default: int) -> int:
    section = document.get("context_budget")
    value = section.get(key) if isinstance(section, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def budget_warnings(entries: Sequence[AnalyzedTarget], document: Mapping[str, Any]
                    ) -> list[BudgetWarning]:
    """A warning per target over a ``context_budget`` threshold, with its 3 costliest
    skills."""
    always_budget = _threshold(document, *BUDGETS["always_loaded"])
    demand_budget = _threshold(document, *BUDGETS["on_demand"])
    warnings: list[BudgetWarning] = []
    for entry in entries:
        always = entry["always_loaded"]["estimated_tokens"]
        if always_budget > 0 and always > always_budget:
            costs = [(s["description_tokens"], s["name"]) for s in entry["skills"]]
            warnings.append(_warning(entry, "always_loaded", always, always_budget, costs))
        demand = entry["on_demand_max"]["estimated_tokens"]
        if demand_budget > 0 and demand > demand_budget:
            costs = [(s["body_tokens"], s["name"]) for s in entry["skills"]]
            warnings.append(_warning(entry, "on_demand", demand, demand_budget, costs))
    return warnings


def _warning(entry: AnalyzedTarget, kind: Literal["always_loaded", "on_demand"], actual: int,
             budget: int, costs: list[tuple[int, str]]) -> BudgetWarning:
    top = sorted((c for c in costs if c[0] > 0), key=lambda c: -c[0])[:3]
    return {"type": kind, "target": entry["name"], "actual": actual, "budget": budget,
            "top_offenders": [{"name": n, "tokens": t} for t, n in top]}


def _filtered(result: AnalyzeResult, text: str) -> None:
    """``--filter``: the skills whose path holds ``text`` (any case), in every target; the
    original's filtered view (of the first target) beside them."""
    lower = text.lower()
    totals = []
    for entry in result["targets"]:
        total = len(entry["skills"])
        entry["skills"] = [s for s in entry["skills"] if lower in s["path"].lower()]
        always = sum(s["description_chars"] for s in entry["skills"])
        body = sum(s["body_chars"] for s in entry["skills"])
        entry["skill_count"] = len(entry["skills"])
        entry["always_loaded"] = {"chars": always, "estimated_tokens": tokens(always)}
        entry["on_demand_max"] = {"chars": body, "estimated_tokens": tokens(body)}
        totals.append(total)
    result["filter"] = text
    first = result["targets"][0] if result["targets"] else None
    skills = first["skills"] if first else []
    always = first["always_loaded"]["chars"] if first else 0
    body = first["on_demand_max"]["chars"] if first else 0
    summary: FilterSummary = {
        "always_loaded": {"chars": always, "tokens": tokens(always)},
        "on_demand": {"chars": body, "tokens": tokens(body)},
        "total": {"chars": always + body, "tokens": tokens(always + body)}}
    result["matched_count"] = len(skills)
    result["total_count"] = totals[0] if totals else 0
    result["filtered_summary"] = summary
    result["skills"] = skills
