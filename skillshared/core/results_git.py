"""The shapes of what the git layer and the audit build: push and pull reports, the audit
of a folder, the records of installs, and what ``update`` and ``check`` say of each tracked
repo or installed skill (typed dictionaries: they travel as JSON). Types only."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

# -- push and pull -------------------------------------------------------------------------------


class PushReport(TypedDict):
    source: str
    remote: str
    branch: str
    changes: list[str]
    message: str | None
    dry_run: bool
    committed: str | None
    pushed: bool
    upstream: str
    set_upstream: bool
    note: str | None


PullStatus = Literal["up to date", "ahead", "the remote has nothing yet", "fast-forwarded",
                     "would fast-forward", "merged", "would merge"]


class PullReport(TypedDict):
    source: str
    remote: str
    branch: str
    upstream: str
    before: str | None
    after: str | None
    dry_run: bool
    status: PullStatus
    commits: int
    note: str | None
    resolved: NotRequired[list[str]]


# -- the audit, and installs -----------------------------------------------------------------


class FindingItem(TypedDict):
    path: str
    line: int
    rule: str
    family: str
    severity: str
    message: str
    excerpt: str


class AuditReport(TypedDict):
    """The audit of a folder (an install or an update): findings, whether one blocks, and
    counts per severity (all of them, and those below the threshold)."""
    files: int
    findings: list[FindingItem]
    blocked: bool
    counts: dict[str, int]
    below: dict[str, int]


class Origin(TypedDict):
    """Where a recorded install came from, and the file that records it."""
    source: str
    tracked: bool
    file: str


class Attention(TypedDict):
    name: str
    problem: str


class OriginalRecords(TypedDict):
    """The original tool's install records, as ``doctor`` shows them."""
    file: str
    exists: bool
    records: int
    tracked: int
    untouched: int
    attention: list[Attention]
    error: str | None
    details: list[str]
    hint: NotRequired[str | None]


class InstalledCopy(TypedDict):
    name: str
    path: str
    audit: AuditReport | None
    trashed: str | None


# -- tracked repos (update and check) ----------------------------------------------------------


class UpdateItem(TypedDict):
    """One tracked repo or installed skill of ``update`` (or of ``install`` with no
    argument): every key but its name and status is there only for some outcomes."""
    name: str
    status: str
    kind: NotRequired[Literal["repo", "skill"]]
    source: NotRequired[str]
    tracked: NotRequired[bool]
    skills: NotRequired[list[str] | list[InstalledCopy]]  # (install with no argument)
    before: NotRequired[str | None]
    after: NotRequired[str | None]
    commits: NotRequired[int]
    audit: NotRequired[AuditReport | None]
    upstream: NotRequired[str | None]
    note: NotRequired[str | None]
    stashed: NotRequired[int]
    blocked_at: NotRequired[str]
    trashed: NotRequired[str | None]
    error: NotRequired[str]
    hint: NotRequired[str | None]
    details: NotRequired[list[str]]


class RepoCheck(TypedDict):
    """How far a tracked repo is behind (and ahead of) the remote branch it follows."""
    ahead: int
    behind: int
    status: str
    dirty: bool
    upstream: str | None
    note: str | None
