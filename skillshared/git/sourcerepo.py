"""The source's git repository, as ``push`` and ``pull`` see it (the one ``git_root`` names:
:mod:`skillshared.git.gitroot`): checked to be one with a remote, and the small reads and
changes they make through :mod:`gitops`. A repository holding the config folder must ignore
the config file, and nothing is committed while a repository sits untracked inside it (git
would record an empty pointer and drop its files)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.git import gitops, gitroot, gitstate


class Repo:
    """The source's git repository (the one ``git_root`` names)."""

    def __init__(self, config: Config, env: Mapping[str, str]) -> None:
        self.path = gitroot.repo_root(config)
        self.env = env
        self.what = gitroot.what(config)
        if not (self.path / ".git").exists():
            raise SkillshareError(f"{self.what} is not a git repository: {self.path}",
                                  hint=_init_hint(config, self.path))
        remotes = self.git("remote").out.split()
        if not remotes:
            raise SkillshareError(f"{self.what} has no git remote, so there is nowhere to "
                                  "push or pull", hint=f"git -C {self.path} remote add origin "
                                                       "<url>")
        name = gitstate.branch(self.path, env)
        self.remote = gitstate.pick_remote(self.path, env, name)
        self._config_file = _inside(config.scope.config_file, self.path)

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
        """``git status --porcelain`` lines (untracked files included). Refused (nothing is
        committed) when they would take in the config file or a repository inside this one."""
        lines = [line for line in self.git("status", "--porcelain=v1",
                                           "--untracked-files=all").out.splitlines() if line]
        if self._config_file is not None and self.git(
                "check-ignore", "--quiet", "--", self._config_file,
                check=False).code != 0:
            raise SkillshareError(
                f"{self._config_file} is not ignored in {self.path}, so a commit would share "
                "this machine's config; nothing was committed",
                hint=f"add `{self._config_file}` to {self.path / '.gitignore'} (and `git rm "
                     f"--cached {self._config_file}` if it is tracked)")
        nested = [p for p in _untracked(lines) if (self.path / p / ".git").exists()]
        if nested:
            raise SkillshareError(
                f"{len(nested)} git repositories inside {self.path} are not ignored; git "
                "would commit each as an empty pointer, so nothing was committed",
                hint="add them to the .gitignore, or remove their .git folder",
                details=nested[:20])
        return lines

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


def _init_hint(config: Config, path: Path) -> str:
    if gitroot.git_root(config) == "skills":
        return ("run `skillshare init --remote <url>` (or `git init` in the source and add a "
                "remote)")
    return f"run `git init` in {path} and add a remote, or change `git_root` in the config"


def _inside(file: Path, folder: Path) -> str | None:
    """``file``'s path inside ``folder`` (None: it is not inside)."""
    try:
        return file.relative_to(folder).as_posix()
    except ValueError:
        return None


def _untracked(lines: list[str]) -> list[str]:
    """The untracked folders among ``git status --porcelain`` lines."""
    return [line[3:].strip('"').rstrip("/") for line in lines
            if line.startswith("?? ") and line.rstrip('"').endswith("/")]
