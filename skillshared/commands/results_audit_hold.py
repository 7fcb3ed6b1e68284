"""Results of the continuous audit: ``audit accept`` (accept, ``--revoke``, ``--list``) and
what ``status`` and ``doctor`` show of the skills with findings."""

from __future__ import annotations

from typing import Literal, TypedDict


class FlaggedSkill(TypedDict):
    """A skill with findings at or above the threshold, as the last pass saw it."""
    name: str
    path: str  # in the source
    origin: str  # local | installed | tracked | pulled
    top: str  # its most severe finding's severity
    findings: list[str]  # "SEVERITY path:line rule" (the first few)
    held: bool  # held back from the targets until accepted
    hint: str | None  # the command that accepts it (held skills)


class AcceptedSkill(TypedDict):
    name: str | None  # None: no longer in the source
    path: str
    digest: str
    at: str
    top: str | None
    rules: list[str]
    current: bool  # the skill is still as it was accepted


class AuditAcceptResult(TypedDict):
    accept: Literal["accept", "revoke", "list"]
    scope: str
    threshold: str
    file: str  # the store of acceptances
    items: list[AcceptedSkill]  # what this call accepted or revoked; --list: every one
    held: list[FlaggedSkill]  # what stays held back after it
    synced: list[str]  # the skills brought in line in the targets
    summary: dict[str, int]
