"""The source's git repository, as ``push`` and ``pull`` see it: checked to be one with a
remote, and the small reads and changes they make through :mod:`gitops`."""

from __future__ import annotations

from collections.abc import Mapping

from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.git import gitops, gitstate


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
        name = gitstate.branch(self.path, env)
        self.remote = gitstate.pick_remote(self.path, env, name)

    def git(self, *args: str, timeout: float = gitops.LOCAL_TIMEOUT,
            check: bool = True) -> gitops.Result:
        return gitops.run(args, cwd=str(self.path), env=self.env, timeout=timeout, check=check)

    def branch(self) -> str:
        name = gitstate.branch(self.path, self.env)
        if not name:
            raise SkillshareError("the source is not on a branch (a detached HEAD)",
                                  hint=f"git -C {self.path} switch <branch>")
        return name

    def head(self) -> str | None:
        return gitstate.head(self.path, self.env)

    def changes(self) -> list[str]:
        """``git status --porcelain`` lines (untracked files included)."""
        return [line for line in self.git("status", "--porcelain=v1",
                                          "--untracked-files=all").out.splitlines() if line]

    def exists(self, ref: str) -> bool:
        return self.git("rev-parse", "--verify", "--quiet", ref + "^{commit}",
                        check=False).code == 0

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.git("merge-base", "--is-ancestor", older, newer, check=False).code == 0

    def related(self, one: str, other: str) -> bool:
        return self.git("merge-base", one, other, check=False).code == 0

    def count(self, spec: str) -> int:
        return int(self.git("rev-list", "--count", spec).out.strip() or 0)

    def set_upstream(self, branch: str, track: gitstate.Follow) -> None:
        self.git("branch", "--quiet", f"--set-upstream-to={track.short}", branch)
