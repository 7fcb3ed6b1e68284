"""Results of ``audit rules``: the list, and an edit of a rule file."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class RuleRow(TypedDict):
    id: str
    severity: str
    pattern: str  # the rule's group (its family)
    message: str
    enabled: bool
    defined: str  # built-in, user or project
    changed_in: list[str]  # the files (user, project) that change it
    original_ids: list[str]  # the original skillshare's rules it stands for
    regex: str  # the original's fields: the pattern, its exclude, and the last layer that
    exclude: NotRequired[str]  # sets the rule (builtin, global or project)
    source: str


class PatternRow(TypedDict):
    pattern: str
    total: int
    enabled: int
    disabled: int
    maxSeverity: str  # the original's field


class RuleFileRow(TypedDict):
    scope: str  # user or project
    path: str
    exists: bool


class AuditRulesListResult(TypedDict):
    rules_action: str  # "list"
    format: NotRequired[str]  # text or json (--format)
    rules: list[RuleRow]
    patterns: list[PatternRow]
    total: int  # rules before the filters
    files: list[RuleFileRow]
    warnings: list[str]


class AuditRulesEditResult(TypedDict):
    rules_action: str  # disable, enable or severity
    format: NotRequired[str]  # text or json (--format)
    file: str
    file_format: str  # "original" or "skillshare"
    changed: bool  # whether the file was written
    ids: list[str]  # the rules named (globs expanded)
    pattern: str | None
    severity: str | None
    done: list[str]  # one line per rule or group edited
    notes: list[str]  # what does not follow (stays on, is still off, ...)
