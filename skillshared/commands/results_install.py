"""What ``audit``, ``install``, ``uninstall``, ``update`` and ``check`` return (typed
dictionaries: see :mod:`skillshared.commands.results`). Types only."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict, final

from skillshared.commands.results_agents import AgentCheckItem, InstalledAgent
from skillshared.core.results import Failed
from skillshared.core.results_git import AuditReport, FindingItem, InstalledCopy, UpdateItem

# -- audit, install, uninstall, update, check ----------------------------------------------------


class AuditedSkill(TypedDict):
    name: str
    path: str
    files: int
    findings: list[FindingItem]
    blocked: bool


class RuleFile(TypedDict):
    path: str
    format: str
    entries: int



@final
class InstallCopyResult(TypedDict):
    url: str
    dry_run: bool
    track: Literal[False]
    threshold: str
    skills: list[str]  # the names installed (the original's field)
    installed: list[InstalledCopy]  # each skill: where it went, its audit, what it replaced
    accepted: NotRequired[list[str]]  # --force past the audit: the paths accepted as they are
    skipped: NotRequired[list[str]]  # already installed from the same place (not replaced)
    agents: NotRequired[list[InstalledAgent]]  # the agents/ folder of a source with skills
    # The original's fields (see ``install_shape``): the source as given, tracked, what
    # failed (an install is all or nothing here: always empty), --into, the time it took.
    source: NotRequired[str]
    tracked: NotRequired[bool]
    failed: NotRequired[list[str]]
    into: NotRequired[str]
    duration: NotRequired[str]
    daemon_syncs: NotRequired[bool]  # a daemon links what came in by itself (no sync)


@final
class InstallRepoResult(TypedDict):
    name: str
    url: str
    path: str
    track: Literal[True]
    dry_run: bool
    threshold: str
    audit: AuditReport | None
    skills: list[str]
    accepted: NotRequired[list[str]]  # as InstallCopyResult's
    source: NotRequired[str]  # the original's fields (see InstallCopyResult)
    tracked: NotRequired[bool]
    failed: NotRequired[list[str]]
    into: NotRequired[str]
    duration: NotRequired[str]
    daemon_syncs: NotRequired[bool]  # a daemon links what came in by itself (no sync)


@final
class InstallRecordedResult(TypedDict):
    recorded: Literal[True]
    dry_run: bool
    items: list[UpdateItem]
    summary: Failed
    agents: NotRequired[list[UpdateItem]]  # recorded agents and tracked repos of agents
    daemon_syncs: NotRequired[bool]  # a daemon links what came in by itself (no sync)


InstallResult = InstallCopyResult | InstallRepoResult | InstallRecordedResult




class UpdateResult(TypedDict):
    dry_run: bool
    threshold: str
    items: list[UpdateItem]
    summary: Failed
    agents: NotRequired[list[UpdateItem]]  # installed agents and tracked repos of agents
    stale: NotRequired[list[str]]  # installed skills their repository no longer holds
    daemon_syncs: NotRequired[bool]  # a daemon links what came in by itself (no sync)
    accepted: NotRequired[list[str]]  # applied past the audit: the paths accepted as they are


class CheckItem(TypedDict):
    """A tracked repo (``path``, and how far behind it is) or an installed skill
    (``source``) of ``check``; ``error`` when it could not be checked."""
    name: str
    kind: Literal["repo", "skill"]
    status: str
    path: NotRequired[str]
    source: NotRequired[str]
    ahead: NotRequired[int]
    behind: NotRequired[int]
    dirty: NotRequired[bool]
    upstream: NotRequired[str | None]
    note: NotRequired[str | None]
    error: NotRequired[str]
    hint: NotRequired[str]


class CheckResult(TypedDict):
    items: list[CheckItem]
    behind: list[str]
    summary: Failed
    agents: NotRequired[list[AgentCheckItem]]  # installed agents (and local ones: check agents)
    # The original's lists: {name, status, behind, branch} and {name, source, version,
    # status, installed_at, message?} (status words up_to_date, behind, update_available...)
    tracked_repos: NotRequired[list[dict[str, Any]]]
    skills: NotRequired[list[dict[str, Any]]]
