"""Results of ``commit``, ``new``, ``enable``/``disable`` and ``analyze``.

``analyze`` keeps the original tool's field names (``targets[].always_loaded.chars``,
``estimated_tokens``, ``skills[].description_chars``...); ``--filter`` adds its filtered
summary beside them."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class CommitResult(TypedDict):
    source: str
    changes: list[str]  # `git status --porcelain` lines: what is (or would be) committed
    message: str
    dry_run: bool
    committed: str | None  # the new commit; None: nothing to commit (or a dry run)


class NewResult(TypedDict):
    name: str
    path: str  # the skill's folder
    file: str  # its SKILL.md
    pattern: str  # tool-wrapper | generator | reviewer | inversion | pipeline | none
    category: str | None
    folders: list[str]  # the scaffold folders made (each holds a .gitkeep)
    content: str  # the SKILL.md written (or that would be)
    dry_run: bool
    scope: str  # global | project
    daemon_syncs: bool  # a daemon links the new skill by itself (no sync to run)


class Toggled(TypedDict):
    pattern: str
    changed: bool  # False: it was already so (already disabled, not disabled)
    matches: list[str]  # skills (or agents) in the source the pattern names


class ToggleResult(TypedDict):
    action: Literal["enable", "disable"]
    kind: Literal["skill", "agent"]
    file: str  # the .skillignore (or .agentignore) edited
    patterns: list[Toggled]
    dry_run: bool
    sync_needed: bool
    daemon_syncs: bool  # a daemon applies the change by itself (no sync to run)


class CharTokens(TypedDict):
    chars: int
    estimated_tokens: int


class FilterTokens(TypedDict):
    chars: int
    tokens: int


class LintIssue(TypedDict):
    rule: str
    severity: Literal["error", "warning"]
    category: str
    message: str


class AnalyzedSkill(TypedDict):
    name: str
    description_chars: int
    description_tokens: int
    body_chars: int
    body_tokens: int
    lint_issues: NotRequired[list[LintIssue]]  # (left out when there are none)
    path: str  # ours: the skill's folder relative to the source


class AnalyzedTarget(TypedDict):
    name: str
    skill_count: int
    always_loaded: CharTokens
    on_demand_max: CharTokens
    skills: list[AnalyzedSkill]  # the largest descriptions first


class BudgetWarning(TypedDict):
    type: Literal["always_loaded", "on_demand"]
    target: str
    actual: int
    budget: int
    top_offenders: list[dict[str, int | str]]  # {name, tokens}, at most 3


class FilterSummary(TypedDict):
    always_loaded: FilterTokens
    on_demand: FilterTokens
    total: FilterTokens


class AnalyzeResult(TypedDict):
    targets: list[AnalyzedTarget]  # the targets receiving skills, the costliest first
    scope: str  # ours from here on
    verbose: bool
    target: str | None  # the one target asked for
    skills_found: int
    warnings: list[BudgetWarning]
    filter: NotRequired[str]  # with --filter: the original's filtered view of one target
    matched_count: NotRequired[int]
    total_count: NotRequired[int]
    filtered_summary: NotRequired[FilterSummary]
    skills: NotRequired[list[AnalyzedSkill]]
