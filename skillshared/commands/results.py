"""What each command returns: typed dictionaries, because a result is JSON on the socket and
the ``--json`` output, and the CLI's renderers read it back (mypy checks every key they
read). Here the views, init, target, doctor, sync, collect, pull and push; trash, backup and
restore in :mod:`results_backup`; audit, install, uninstall, update and check in
:mod:`results_install`. The parts the lower layers build are in :mod:`skillshared.core.results`
(and its ``_git`` and ``_daemon`` neighbours).

A result marked ``@final`` is one of several shapes a command returns; the renderers tell
them apart by a key only that shape has. Types only: nothing here runs."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final

from skillshared.commands.results_audit_hold import FlaggedSkill
from skillshared.commands.results_diff import FileChange
from skillshared.commands.results_status import AuditPolicy, SkillIgnore
from skillshared.core.results import (
    Change,
    ConflictItem,
    Failed,
    GitProblem,
    GitState,
    NotSaved,
    SyncReport,
    SyncSummary,
    TargetReport,
)
from skillshared.core.results_daemon import DaemonStatus
from skillshared.core.results_git import PullReport, PushReport

# -- status, diff, list, log ---------------------------------------------------------------------

TargetStateName = Literal["error", "missing", "linked", "conflict", "held", "not linked",
                          "needs sync", "synced"]


class SourceState(TypedDict):
    path: str
    exists: bool
    skills: int
    invalid: int
    ignored: int
    git: GitState | GitProblem | None
    skillignore: NotRequired[SkillIgnore]  # the original's


class TargetState(TypedDict):
    """A target as ``status`` (and ``doctor``) sees it, from its plan."""
    name: str
    also: list[str]
    path: str
    mode: str
    local: int
    conflicts: list[ConflictItem]
    guard: str | None
    error: str | None
    followed_link: str | None
    state: TargetStateName
    expected: int
    synced: int
    pending: int
    held: int
    guard_hint: str | None
    include: list[str]
    exclude: list[str]
    status: NotRequired[str]  # the original's: merged, copied, linked, not exist, ...
    synced_count: NotRequired[int]  # the original's
    linked: NotRequired[int]  # an agents folder: the original's count of agents in place
    drift: NotRequired[bool]  # an agents folder: the original's "not all in place"


@final
class AgentsState(TypedDict):
    """The agents source and each target's agents folder (in ``status``, named as the
    target; elsewhere ``<target> (agents)``)."""
    source: str
    agents: int
    invalid: int
    targets: list[TargetState]
    exists: NotRequired[bool]  # the original's
    count: NotRequired[int]  # the original's


@final
class ExtraState(TypedDict):
    """One extra: its source, its files, why it cannot be synced (``problem``), and each of
    its target folders (named ``<extra>: <path>``)."""
    name: str
    source: str
    files: int
    problem: str | None
    targets: list[TargetState]


class TrackedRepoState(TypedDict):
    name: str
    skills: int
    git: GitState | GitProblem | None
    source: NotRequired[str]
    recorded_in: NotRequired[str]
    missing: NotRequired[bool]
    skill_count: NotRequired[int]  # the original's
    dirty: NotRequired[bool]  # the original's
    status: NotRequired[str]  # the original's: "unknown" when git cannot tell
    message: NotRequired[str]  # the original's: why


class StatusResult(TypedDict):
    scope: str
    config: str
    source: SourceState
    targets: list[TargetState]
    tracked_repos: list[TrackedRepoState]
    records_problem: str | None
    daemon: DaemonStatus
    agents: AgentsState | None  # None: no agents folder
    extras: list[ExtraState]
    out_of_sync: int
    held: int
    held_entries: int
    skill_count: NotRequired[int]  # the original's
    audit: NotRequired[AuditPolicy]  # the original's
    version: NotRequired[str]  # the original's
    audit_findings: NotRequired[list[FlaggedSkill]]  # skills at or above the threshold


class DiffItem(TypedDict):
    sign: str
    name: str
    action: str
    reason: str
    kind: NotRequired[str]  # skill, agent or extra (the original's: skill or agent)
    files: NotRequired[list[FileChange]]  # --stat, --patch: a real folder's files
    patch: NotRequired[str]  # --patch: the unified diff (target old, source new)


class DiffTarget(TypedDict):
    name: str
    also: list[str]
    path: str
    mode: str
    error: str | None
    guard: str | None
    held: int
    guard_hint: str | None
    synced: bool
    items: list[DiffItem]
    include: list[str]  # the target's filters (the original's fields)
    exclude: list[str]


class DiffResult(TypedDict):
    scope: str
    kind: NotRequired[str]  # all (no kind word), skills or agents (`diff agents`)
    targets: list[DiffTarget]
    duration: NotRequired[str]  # the original's ("0.012s")


# -- init, target, doctor ------------------------------------------------------------------------


class NamedPath(TypedDict):
    name: str
    path: str


class InitResult(TypedDict):
    scope: str
    config: str
    source: str
    mode: str
    targets: list[NamedPath]
    detected: bool
    remote: str | None
    created: list[str]
    dry_run: bool


class TargetDescription(TypedDict):
    name: str
    path: str
    mode: str
    mode_source: Literal["target", "default"]
    include: list[str]
    exclude: list[str]
    builtin: str | None  # the built-in target it is, if any
    exists: bool
    targetNaming: str  # the original's: flat or standard
    skillsEnabled: bool  # the original's
    # The original's, present when the target's tool reads agents (it has an agents folder):
    agentPath: NotRequired[str]
    agentMode: NotRequired[str]
    agentInclude: NotRequired[list[str]]
    agentExclude: NotRequired[list[str]]


class TargetSyncFields(TypedDict, total=False):
    """The original's sync summaries of ``target list``/``target <name>`` (from a dry plan):
    the skills' (``sync``) and, for a target with an agents folder, the agents'."""
    sync: str
    agentSync: str
    agentLinkedCount: int
    agentLocalCount: int
    agentExpectedCount: int


class TargetListed(TargetDescription, TargetSyncFields):
    pass


@final
class TargetListResult(TypedDict):
    scope: str
    targets: list[TargetListed]


@final
class TargetInfoResult(TargetDescription, TargetSyncFields):
    state: TargetReport


@final
class TargetAddedResult(TargetDescription):
    action: Literal["added"]
    dry_run: bool
    warnings: list[str]  # folders another target's tool also reads (doctor: duplicates)
    daemon_syncs: bool  # a daemon brings the target in line by itself (no sync to run)


@final
class TargetUpdatedResult(TargetDescription):
    action: Literal["updated"]
    changes: list[str]
    dry_run: bool
    warnings: list[str]  # a setting the target's mode does not use (symlink mode)
    daemon_syncs: bool  # a daemon applies the change by itself (no sync to run)


class KeptLink(TypedDict):
    """A link ``target remove`` kept (the skill is too large to copy)."""
    name: str
    why: str


class Unlinked(TypedDict):
    """What ``target remove`` did to a target's folder."""
    converted: int
    removed_links: int
    whole_folder: bool
    shared: bool
    kept_links: list[KeptLink]
    left_as_is: NotRequired[str]


class RemovedTarget(Unlinked):
    name: str
    path: str
    backup: str | None


class ItemFailure(TypedDict):
    name: str
    error: str


@final
class TargetRemovedResult(TypedDict):
    scope: str
    removed: list[RemovedTarget]
    failed: list[ItemFailure]
    dry_run: bool
    summary: Failed


TargetResult = (TargetListResult | TargetInfoResult | TargetAddedResult | TargetUpdatedResult
                | TargetRemovedResult)

CheckStatus = Literal["pass", "warning", "error", "info"]


class DoctorCheck(TypedDict):
    name: str
    status: CheckStatus
    message: str
    details: NotRequired[list[str]]
    hint: NotRequired[str]


DoctorSummary = TypedDict("DoctorSummary", {"total": int, "pass": int, "warning": int,
                                            "error": int, "info": int})


class DoctorResult(TypedDict):
    scope: str
    checks: list[DoctorCheck]
    summary: DoctorSummary
    ok: bool


# -- sync, collect, pull, push -------------------------------------------------------------------

CollectItem = TypedDict("CollectItem", {"target": str, "name": str, "from": str})


class Collected(CollectItem):
    to: str
    replaces: str | None
    trashed: NotRequired[str | None]
    left_out: NotRequired[list[NotSaved]]


Skipped = TypedDict("Skipped", {"target": str, "name": str, "reason": str,
                                "from": NotRequired[str]})


class CollectFailure(TypedDict):
    target: str
    name: str
    error: str


class LinkedTarget(TypedDict):
    """A target the collected skills were linked into."""
    target: str
    changes: list[Change]
    conflicts: list[ConflictItem]
    error: str | None


@final
class CollectResult(TypedDict):
    scope: str
    dry_run: bool
    force: bool
    targets: list[str]
    collected: list[Collected]
    same: list[CollectItem]
    skipped: list[Skipped]
    failed: list[CollectFailure]
    linked: list[LinkedTarget]
    summary: Failed
    hint: NotRequired[str]  # `pull <target>`: the old name of `collect <target>`
    daemon_syncs: NotRequired[bool]  # a daemon links what was collected by itself


@final
class PullResult(TypedDict):
    pull: PullReport
    sync: SyncReport | None
    summary: Failed


@final
class SyncAll(TypedDict):
    """``sync --all``: the skills' pass, the agents' (None: no agents folder), the extras',
    and the summary of all."""
    kind: Literal["all"]
    skills: SyncReport
    agents: SyncReport | None
    extras: ExtrasSync
    summary: SyncSummary
    dry_run: bool


@final
class ExtraPass(TypedDict):
    """One extra's part of ``sync extras``: its source, how many files it has, why it could
    not be synced (``problem``), flatten collisions, and the pass over its target folders
    (one line per folder a file goes to; None when it was not synced)."""
    name: str
    source: str
    files: int
    problem: str | None
    warnings: list[str]
    sync: SyncReport | None


@final
class ExtrasSync(TypedDict):
    """``sync extras``."""
    kind: Literal["extras"]
    dry_run: bool
    extras: list[ExtraPass]
    summary: SyncSummary


SyncResult = SyncReport
PushResult = PushReport
