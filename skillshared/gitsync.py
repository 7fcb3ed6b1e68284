"""``push`` and ``pull``: share the source through git (SPEC §6).

``push`` commits everything in the source (with the message given, or one that names the
skills changed) and pushes it to the upstream. ``pull`` fetches and fast-forwards, never
merging: local uncommitted changes or a diverged history are errors that change nothing;
then every target is synced. Every git call goes through :mod:`gitops`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from skillshared import gitops
from skillshared.config import Config
from skillshared.errors import SkillshareError

if TYPE_CHECKING:
    from skillshared.service import Request

NETWORK = gitops.NETWORK_TIMEOUT
GLOBAL_ONLY = ("{what} shares the global source; a project is shared through its own git "
               "repository")


class Repo:
    """The source's git repository."""

    def __init__(self, config: Config, env: Mapping[str, str]) -> None:
        self.path = config.source
        self.env = env
        if not (self.path / ".git").exists():
            raise SkillshareError(f"the source is not a git repository: {self.path}",
                                  hint="run `skillshare init --remote <url>` (or `git init` "
                                       "in the source and add a remote)")
        remotes = self.git("remote").out.split()
        if not remotes:
            raise SkillshareError("the source has no git remote, so there is nowhere to "
                                  "push or pull", hint=f"git -C {self.path} remote add origin "
                                                       "<url>")
        self.remote = "origin" if "origin" in remotes else remotes[0]

    def git(self, *args: str, timeout: float = gitops.LOCAL_TIMEOUT,
            check: bool = True) -> gitops.Result:
        return gitops.run(args, cwd=str(self.path), env=self.env, timeout=timeout, check=check)

    def branch(self) -> str:
        name = self.git("symbolic-ref", "--quiet", "--short", "HEAD", check=False).out.strip()
        if not name:
            raise SkillshareError("the source is not on a branch (a detached HEAD)",
                                  hint=f"git -C {self.path} switch <branch>")
        return name

    def head(self) -> str | None:
        result = self.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
        return result.out.strip() or None

    def changes(self) -> list[str]:
        """``git status --porcelain`` lines (untracked files included)."""
        return [line for line in self.git("status", "--porcelain=v1",
                                          "--untracked-files=all").out.splitlines() if line]

    def upstream(self, branch: str) -> str:
        result = self.git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}",
                          check=False)
        return result.out.strip() if result.code == 0 else f"{self.remote}/{branch}"

    def exists(self, ref: str) -> bool:
        return self.git("rev-parse", "--verify", "--quiet", ref, check=False).code == 0

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.git("merge-base", "--is-ancestor", older, newer, check=False).code == 0


def changed_skills(changes: list[str]) -> list[str]:
    """The top folders (skills, groups, tracked repos) that ``git status`` lines touch."""
    names: list[str] = []
    for line in changes:
        path = line[3:].split(" -> ")[-1].strip('"')
        top = path.split("/", 1)[0] if "/" in path else path
        if top not in names:
            names.append(top)
    return names


def message_for(changes: list[str]) -> str:
    names = changed_skills(changes)
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"Update skills: {shown}" if names else "Update skills"


def cmd_push(req: Request) -> dict[str, Any]:
    config = req.global_config(GLOBAL_ONLY.format(what="push"))
    repo = Repo(config, req.paths.env)
    branch = repo.branch()
    changes = repo.changes()
    message = req.text("message") or message_for(changes)
    result: dict[str, Any] = {"source": str(repo.path), "remote": repo.remote,
                              "branch": branch, "changes": changes,
                              "message": message if changes else None,
                              "dry_run": req.flag("dry_run"), "committed": None,
                              "pushed": False}
    if req.flag("dry_run"):
        return result
    if changes:
        repo.git("add", "--all")
        repo.git("commit", "--quiet", "-m", message)
        result["committed"] = repo.head()
    if repo.head() is None:
        raise SkillshareError("nothing to push: the source has no commits yet",
                              hint="add a skill first")
    has_upstream = repo.git("rev-parse", "--abbrev-ref", "@{u}", check=False).code == 0
    args = ["push", "--porcelain"] + ([] if has_upstream else ["-u", repo.remote, branch])
    pushed = repo.git(*args, timeout=NETWORK, check=False)
    if pushed.code != 0:
        text = pushed.err + pushed.out
        if any(word in text for word in ("rejected", "non-fast-forward", "fetch first")):
            raise SkillshareError("the remote has changes this source does not have; nothing "
                                  "was pushed" + (" (your changes are committed)"
                                                  if result["committed"] else ""),
                                  hint="run `skillshare pull` first, then push again")
        raise gitops.GitError(f"git push failed: {gitops.last_line(pushed.err)}")
    result["pushed"] = True
    return result


def pull_source(config: Config, env: Mapping[str, str], dry_run: bool = False
                ) -> dict[str, Any]:
    """Fetch and fast-forward the source; returns what happened (before any sync)."""
    repo = Repo(config, env)
    branch = repo.branch()
    changes = repo.changes()
    if changes:
        many = "s" if len(changes) != 1 else ""
        raise SkillshareError(f"the source has {len(changes)} uncommitted change{many}; "
                              "nothing was pulled",
                              hint="run `skillshare push` to share them first, or "
                                   f"`git -C {repo.path} stash -u`", details=changes[:20])
    repo.git("fetch", "--quiet", "--prune", "--", repo.remote, timeout=NETWORK)
    upstream = repo.upstream(branch)
    before = repo.head()
    report: dict[str, Any] = {"source": str(repo.path), "remote": repo.remote,
                              "branch": branch, "upstream": upstream, "before": before,
                              "after": before, "dry_run": dry_run, "status": "up to date"}
    if not repo.exists(upstream):
        report["status"] = "the remote has nothing yet"
        return report
    if before is not None and repo.is_ancestor(upstream, "HEAD"):
        report["status"] = "up to date" if repo.is_ancestor("HEAD", upstream) else "ahead"
        return report
    if before is not None and not repo.is_ancestor("HEAD", upstream):
        raise SkillshareError("the source and the remote have both changed (the histories "
                              "diverged); nothing was pulled",
                              hint=f"merge or rebase by hand in {repo.path} "
                                   f"(git pull --rebase), then `skillshare sync`")
    incoming = repo.git("rev-list", "--count", upstream if before is None
                        else f"HEAD..{upstream}").out.strip()
    report.update(status="would fast-forward" if dry_run else "fast-forwarded",
                  commits=int(incoming or 0))
    if dry_run:
        return report
    if before is None:  # a new clone with no commits of its own: take the remote's branch
        repo.git("checkout", "--quiet", "-B", branch, "--track", upstream)
    else:
        repo.git("merge", "--ff-only", "--quiet", upstream)
    report["after"] = repo.head()
    return report

