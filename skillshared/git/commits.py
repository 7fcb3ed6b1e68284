"""A commit of everything in a folder's git work tree: what ``commit`` does, and the first
half of ``push``. Every git call goes through :mod:`gitops`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from skillshared.core.errors import SkillshareError
from skillshared.git import gitops, gitstate

DEFAULT_MESSAGE = "Update skills"


def is_repository(folder: Path) -> bool:
    """Whether ``folder`` is the top of a git work tree of its own (a ``.git`` in it)."""
    return (folder / ".git").exists()


def pending(folder: Path, env: Mapping[str, str]) -> list[str]:
    """``git status --porcelain`` lines of ``folder`` (untracked files included)."""
    out = gitops.run(("status", "--porcelain=v1", "--untracked-files=all"), cwd=str(folder),
                     env=env, timeout=gitops.LOCAL_TIMEOUT).out
    return [line for line in out.splitlines() if line]


def commit_all(folder: Path, env: Mapping[str, str], message: str) -> str:
    """Stage every change in ``folder`` (``git add --all``) and commit it with ``message``;
    returns the new commit. A failing commit (no identity, a hook refusing) is a
    :class:`gitops.GitError` with git's last line."""
    if not message.strip():
        raise SkillshareError("the commit message is empty", hint="give one with -m")
    for args in (("add", "--all"), ("commit", "--quiet", "-m", message)):
        gitops.run(args, cwd=str(folder), env=env, timeout=gitops.LOCAL_TIMEOUT)
    head = gitstate.head(folder, env)
    if head is None:  # (a commit that succeeded leaves a HEAD)
        raise gitops.GitError(f"git commit left no commit in {folder}")
    return head
