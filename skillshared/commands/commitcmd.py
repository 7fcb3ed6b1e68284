"""``commit``: commit everything in the source (or the folder ``git_root`` names) to its git
repository, without pushing (no remote needed). The default message is the original tool's,
``Update skills``."""

from __future__ import annotations

from skillshared.commands.request import Request, check_source
from skillshared.commands.results_new import CommitResult
from skillshared.core.errors import SkillshareError
from skillshared.git import commits, gitroot

GLOBAL_ONLY = ("commit works on the global source; a project is committed with its own git "
               "repository")


def cmd_commit(req: Request) -> CommitResult:

    config = req.global_config(GLOBAL_ONLY)
    check_source(config)
    source = gitroot.repo_root(config)  # (git_root: the skills source by default)
    if not commits.is_repository(source):
        raise SkillshareError(f"{gitroot.what(config)} is not a git repository: {source}",
                              hint="run `skillshare init` (or `git init` in the source)")
    message = req.text("message") or commits.DEFAULT_MESSAGE
    changes = commits.pending(source, req.paths.env)
    result: CommitResult = {"source": str(source), "changes": changes, "message": message,
                            "dry_run": req.flag("dry_run"), "committed": None}
    if changes and not result["dry_run"]:
        result["committed"] = commits.commit_all(source, req.paths.env, message)
    return result
