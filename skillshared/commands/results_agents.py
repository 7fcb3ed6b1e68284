"""What ``collect agents``, the agent part of ``install``, and ``update``/``check`` of
installed agents return (typed dictionaries: see :mod:`skillshared.commands.results`).
Types only."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final

from skillshared.commands.results import LinkedTarget
from skillshared.core.results import Failed
from skillshared.core.results_git import AuditReport

# -- collect agents ---------------------------------------------------------------------------


class AgentCollected(TypedDict):
    target: str
    name: str  # the file name in the target (``tutor.md``, ``team__lint.md``)
    to: str  # where it goes (or went) in the agents source
    replaces: str | None  # the source's different file of that name (--force)
    trashed: NotRequired[str | None]  # where that file went in the trash
    linked: NotRequired[bool]  # the target's file was replaced by our link


class AgentCollectItem(TypedDict):
    target: str
    name: str
    reason: NotRequired[str]
    error: NotRequired[str]


class CollectAgentsResult(TypedDict):
    kind: Literal["agents"]
    scope: str
    source: str  # the agents source
    dry_run: bool
    force: bool
    targets: list[str]  # the targets looked at (those with an agents folder)
    without: list[str]  # targets passed over: they have no agents folder
    collected: list[AgentCollected]
    same: list[AgentCollectItem]  # already in the source with the same content
    skipped: list[AgentCollectItem]  # with the reason
    failed: list[AgentCollectItem]  # with the error
    summary: Failed
    passes: NotRequired[list[LinkedTarget]]  # the agents pass over the collected names
    daemon_syncs: NotRequired[bool]  # a daemon links what was collected by itself


# -- install, update, check -------------------------------------------------------------------


class InstalledAgent(TypedDict):
    name: str  # the agent's path in the agents source, without .md (``team/tutor``)
    path: str  # its file in the agents source
    source: str  # where it came from (as recorded)
    audit: AuditReport | None
    trashed: str | None  # the file it replaced (--force), in the trash


@final
class InstallAgentsResult(TypedDict):
    """``install`` of agents only (``--kind agent``, or a source holding agents and no
    skills)."""
    kind: Literal["agents"]
    url: str
    dry_run: bool
    track: bool
    threshold: str
    agents: list[InstalledAgent]
    path: NotRequired[str]  # a tracked repo of agents: its folder
    audit: NotRequired[AuditReport | None]  # a tracked repo of agents: the clone's audit
    # The original's fields (its agent installs report the names in ``skills``).
    skills: NotRequired[list[str]]
    source: NotRequired[str]
    tracked: NotRequired[bool]
    failed: NotRequired[list[str]]
    into: NotRequired[str]
    duration: NotRequired[str]
    daemon_syncs: NotRequired[bool]  # a daemon links what came in by itself (no sync)


class AgentCheckItem(TypedDict):
    """``check`` of one agent: installed (``source``) or local (made here)."""
    name: str
    kind: Literal["agent"]
    status: str  # up to date, update available, modified, missing, stale, local, error
    path: str
    source: NotRequired[str]
    error: NotRequired[str]
    hint: NotRequired[str]
