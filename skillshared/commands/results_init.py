"""What ``init`` returns: a new setup, or the changes made to an existing one."""

from __future__ import annotations

from typing import TypedDict

from skillshared.commands.results import InitResult, NamedPath


class InitDone(InitResult):
    """A new setup (``action``: init): the original fields, and what the flags added."""

    action: str
    agents_source: str
    copied_from: str | None
    copied: list[str]  # skill folders copied in (--copy-from)
    copy_skipped: list[str]  # names the source already had
    git_init: bool  # a repository was made in the source (or the --git-root folder)
    git_root: str  # what git versions: skills (the default), agents, extras or root
    repo: str | None  # the repository's folder (with --git, --remote or --git-root)
    skill_installed: bool  # the built-in `skillshare` skill was added
    subdir: str | None
    warnings: list[str]
    daemon_syncs: bool  # a daemon brings the targets in line by itself (no sync to run)


class Skipped(TypedDict):
    name: str
    reason: str


class InitChanged(TypedDict):
    """``init`` on an existing setup (``action``: discover, remote or git-root)."""

    action: str
    scope: str
    config: str
    source: str
    found: list[NamedPath]  # --discover: built-in targets found here and not configured
    added: list[NamedPath]  # the targets added to the config
    skipped: list[Skipped]  # --select names that were not added, and why
    mode: str | None  # --mode given to the targets added
    remote: str | None
    remote_added: bool
    git_init: bool
    git_root: str | None  # --git-root: the scope now set in the config
    repo: str | None  # the repository the remote was added to
    schema_added: bool  # --force: the editors' schema comment put first in the config
    warnings: list[str]
    dry_run: bool
    daemon_syncs: bool  # a daemon fills the targets added by itself (no sync to run)
