"""Read-only git state through the ``git`` executable (see :mod:`gitops`; no GitPython):
what ``status`` shows of a repository, and which branch of its remote a repository follows
(its upstream, or the remote's default branch when it has none yet or the one it followed
is gone), shared by ``pull``/``push`` of the source and ``update``/``check`` of tracked
repos."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from skillshared.core.errors import SkillshareError
from skillshared.core.results import GitProblem, GitState
from skillshared.git import gitops

TIMEOUT = 10
_HEADS = "refs/heads/"


def state(repo: Path, env: Mapping[str, str]) -> GitState | GitProblem | None:
    """``{"branch", "dirty", "changes", "remotes", "ahead", "behind", "detached",
    "commits", "upstream", "upstream_gone"}``; None if not a repo. ``branch`` is "" on a
    detached HEAD; ``commits`` is False before the first commit; ``upstream_gone`` says that
    the remote branch it followed was deleted."""
    if not os.path.exists(repo / ".git"):
        return None
    try:
        status = gitops.run(["status", "--porcelain=v2", "--branch"], cwd=str(repo), env=env,
                            timeout=TIMEOUT, check=False)
        remotes = gitops.run(["remote"], cwd=str(repo), env=env, timeout=TIMEOUT, check=False)
    except gitops.GitError as exc:
        return {"error": exc.message}
    if status.code != 0:
        return {"error": status.err.strip() or "git status failed"}
    heads: dict[str, str] = {}
    changes = 0
    for line in status.out.splitlines():
        if line.startswith("# branch."):
            key, _, value = line[len("# branch."):].partition(" ")
            heads[key] = value
        elif line.strip():
            changes += 1
    branch = heads.get("head", "")
    detached = branch == "(detached)"
    ahead = behind = 0
    plus, _, minus = heads.get("ab", "").partition(" ")
    if plus.startswith("+") and minus.startswith("-"):
        ahead, behind = int(plus[1:]), int(minus[1:])
    upstream = heads.get("upstream")
    branch_unborn = heads.get("oid", "(initial)") == "(initial)"
    return {"branch": "" if detached else branch, "dirty": changes > 0, "changes": changes,
            "remotes": remotes.out.split(), "ahead": ahead, "behind": behind,
            "detached": detached, "commits": not branch_unborn,
            "upstream": upstream,
            "upstream_gone": bool(upstream) and "ab" not in heads and not branch_unborn}


# -- which remote branch a repository follows ---------------------------------------------------


def _git(folder: Path, env: Mapping[str, str], *args: str,
         timeout: float = gitops.LOCAL_TIMEOUT, check: bool = True) -> gitops.Result:
    return gitops.run(args, cwd=str(folder), env=env, timeout=timeout, check=check)


def branch(folder: Path, env: Mapping[str, str]) -> str | None:
    """The checked-out branch (also before its first commit); None on a detached HEAD."""
    out = _git(folder, env, "symbolic-ref", "--quiet", "HEAD", check=False).out.strip()
    return out[len(_HEADS):] if out.startswith(_HEADS) else None


def head(folder: Path, env: Mapping[str, str]) -> str | None:
    """The commit checked out; None before the first commit."""
    return _git(folder, env, "rev-parse", "--verify", "--quiet", "HEAD^{commit}",
                check=False).out.strip() or None


def configured_upstream(folder: Path, env: Mapping[str, str], name: str
                        ) -> tuple[str, str] | None:
    """(remote, remote branch) that ``name`` is set to follow (its git config), or None."""
    remote = _git(folder, env, "config", "--get", f"branch.{name}.remote", check=False)
    merge = _git(folder, env, "config", "--get", f"branch.{name}.merge", check=False)
    ref = merge.out.strip()
    if remote.code or merge.code or not ref.startswith(_HEADS) or remote.out.strip() == ".":
        return None
    return remote.out.strip(), ref[len(_HEADS):]


def pick_remote(folder: Path, env: Mapping[str, str], name: str | None) -> str:
    """The remote to talk to: the one ``name`` follows, else ``origin``, else the first."""
    configured = configured_upstream(folder, env, name) if name else None
    if configured:
        return configured[0]
    remotes = _git(folder, env, "remote").out.split()
    if not remotes:
        raise SkillshareError(f"{folder} has no git remote",
                              hint=f"git -C {folder} remote add origin <url>")
    return "origin" if "origin" in remotes else remotes[0]


def remote_heads(folder: Path, env: Mapping[str, str], remote: str
                 ) -> tuple[str | None, list[str]]:
    """What the remote says (``git ls-remote --symref``): the branch its HEAD names (None when
    it names none, as an empty remote), and its branches."""
    listed = _git(folder, env, "ls-remote", "--symref", remote, "HEAD", "refs/heads/*",
                  timeout=gitops.NETWORK_TIMEOUT)
    default = None
    heads = []
    for line in listed.out.splitlines():
        left, _, ref = line.partition("\t")
        if left.startswith("ref: ") and ref == "HEAD" and left[5:].startswith(_HEADS):
            default = left[5 + len(_HEADS):]
        elif ref.startswith(_HEADS):
            heads.append(ref[len(_HEADS):])
    return (default if default in heads else None), heads


@dataclass(frozen=True)
class Follow:
    """The remote branch a repository follows. ``branch`` is None when the remote has no
    branches at all; ``configured`` when it is the local branch's upstream already;
    ``note`` says why another one was chosen."""

    remote: str
    branch: str | None
    configured: bool
    note: str | None = None

    @property
    def ref(self) -> str:
        return f"refs/remotes/{self.remote}/{self.branch}"

    @property
    def short(self) -> str:
        return f"{self.remote}/{self.branch}"


def follow(folder: Path, env: Mapping[str, str], name: str | None, remote: str,
           fetched: bool) -> Follow:
    """Which branch of ``remote`` the local branch ``name`` follows: its upstream while the
    remote still has it; else the remote's default branch (what its HEAD names); else a
    branch of the local branch's name; else the remote's only branch. ``fetched``: the
    remote-tracking refs are fresh (a ``fetch --prune`` just ran), so a configured upstream
    that still has its ref is taken without asking the remote."""
    configured = configured_upstream(folder, env, name) if name else None
    if configured and configured[0] == remote and fetched and _has_ref(
            folder, env, f"refs/remotes/{remote}/{configured[1]}"):
        return Follow(remote, configured[1], True)
    default, heads = remote_heads(folder, env, remote)
    if configured and configured[0] == remote and configured[1] in heads:
        return Follow(remote, configured[1], True)
    if not heads:
        return Follow(remote, None, False)
    chosen = default or (name if name in heads else None) or (
        heads[0] if len(heads) == 1 else None)
    if chosen is None:
        raise SkillshareError(f"the remote {remote} has several branches ({', '.join(heads)}) "
                              "and does not say which one is its default",
                              hint=f"choose one: git -C {folder} branch --set-upstream-to="
                                   f"{remote}/<branch>")
    note = None
    if configured:
        note = (f"{configured[0]}/{configured[1]}, which it followed, is gone from the "
                f"remote; it now follows {remote}/{chosen}")
    return Follow(remote, chosen, False, note)


def _has_ref(folder: Path, env: Mapping[str, str], ref: str) -> bool:
    return _git(folder, env, "rev-parse", "--verify", "--quiet", ref + "^{commit}",
                check=False).code == 0
