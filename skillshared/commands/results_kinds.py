"""What ``audit``, ``uninstall`` and ``trash`` return now that they handle agents as well as
skills (typed dictionaries: see :mod:`skillshared.commands.results`). Types only."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from skillshared.commands.results_install import AuditedSkill, RuleFile
from skillshared.core.results import Failed
from skillshared.core.results_trash import KindTrashItem

Kind = Literal["skill", "agent"]
TrashKind = Literal["skill", "agent", "all"]  # all: `trash --all` (both trashes, one list)

# -- audit ---------------------------------------------------------------------------------------


class AuditKindsResult(TypedDict):
    """``skills`` and ``agents`` (each agent file as a unit: its ``name`` is its path in the
    agents source) are kept apart; ``scanned``, ``files``, ``counts`` and ``summary`` count
    both; ``blocked`` names the skills, ``blocked_agents`` the agents at or over the
    threshold; ``notes``: what a name meant when it named both kinds."""
    scope: str
    kind: Kind | None
    threshold: str
    rules: int
    scanned: int
    files: int
    counts: dict[str, int]
    skills: list[AuditedSkill]
    agents: list[AuditedSkill]
    agents_source: str
    blocked: list[str]
    blocked_agents: list[str]
    summary: Failed
    rule_files: list[RuleFile]
    warnings: list[str]
    notes: list[str]


# -- uninstall -----------------------------------------------------------------------------------


class UninstalledItem(TypedDict):
    name: str
    kind: Kind
    path: str
    trash: str | None
    uncommitted: int


class UninstallKindsResult(TypedDict):
    """``sync_needed``: something left the source; the links a sync made to it in the
    targets go at the next sync."""
    dry_run: bool
    removed: list[UninstalledItem]
    forgotten: list[str]
    expired: int
    sync_needed: bool
    daemon_syncs: bool  # a daemon removes the links by itself (no sync to run)


# -- trash ---------------------------------------------------------------------------------------


class TrashKindsList(TypedDict):
    action: Literal["list"]
    kind: TrashKind
    dir: str
    items: list[KindTrashItem]
    bytes: int
    retention_days: int | None
    agents_kept: int  # the original's agent items (listed with `trash agents list`)
    agents: int  # every agent item (when listing skills)


class TrashKindsEmpty(TypedDict):
    action: Literal["empty"]
    kind: TrashKind
    dry_run: bool
    items: list[KindTrashItem]


class TrashKindsDelete(TypedDict):
    action: Literal["delete"]
    kind: Kind
    dry_run: bool
    item: KindTrashItem


class TrashKindsRestore(TypedDict):
    action: Literal["restore"]
    kind: Kind
    dry_run: bool
    item: KindTrashItem
    to: str
    note: NotRequired[str]
    daemon_syncs: bool  # a daemon links what came back by itself (no sync to run)


TrashKindsResult = TrashKindsList | TrashKindsEmpty | TrashKindsDelete | TrashKindsRestore
