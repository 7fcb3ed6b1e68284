"""The parts of ``status --json`` that the original tool writes (beside ours)."""

from __future__ import annotations

from typing import TypedDict


class SkillIgnore(TypedDict, total=False):
    """``source.skillignore``: only ``active`` when there is no ``.skillignore`` file."""
    active: bool
    files: list[str]  # relative to the source (.skillignore.local ones too)
    patterns: list[str]
    ignored_count: int
    ignored_skills: list[str]


class AuditPolicy(TypedDict):
    profile: str
    threshold: str
    dedupe: str
    analyzers: list[str]
