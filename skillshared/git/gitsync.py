"""``push`` and ``pull``: share the source through git.

Both follow the branch of the remote that the source's branch is set to follow; until it
follows one (a first push or pull), or when that branch is gone from the remote, they follow
the remote's default branch (what its HEAD names: ``main`` on the remote while the source's
branch is ``master`` is the usual case), and set it as the upstream. An empty remote gets
the source's own branch.

``push`` commits everything in the source (with the message given, or one that names the
skills changed) and pushes it there. ``pull`` fetches and fast-forwards: local uncommitted
changes or a diverged history are errors that change nothing, and a checkout or
fast-forward never overwrites a file git does not track (a tracked repo's clone is one).

The first pull into a source that already holds skills of its own (a history unrelated to
the remote's, or no commit yet) brings both together with a merge of the two histories
(:mod:`skillshared.git.firstpull`), as the original tool does. Only ``skillshare pull``
(``merge=True``) does that; the daemon's scheduled pull never makes a merge commit and skips
with the reason instead. Then every target is synced. Every git call goes through
:mod:`gitops`.
"""

from __future__ import annotations

from collections.abc import Mapping

from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.core.results_git import PullReport, PushReport
from skillshared.git import commits, gitops, gitstate
from skillshared.git.firstpull import first_pull
from skillshared.git.sourcerepo import Repo

NETWORK = gitops.NETWORK_TIMEOUT
GLOBAL_ONLY = ("{what} shares the global source; a project is shared through its own git "
               "repository")


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


def push_source(config: Config, env: Mapping[str, str], message: str | None = None,
                dry_run: bool = False) -> PushReport:
    """Commit everything in the source (with ``message`` or one that names the skills
    changed) and push it to the branch it follows."""
    repo = Repo(config, env)
    branch = repo.branch()
    changes = repo.changes()
    message = message or message_for(changes)
    try:
        track = gitstate.follow(repo.path, repo.env, branch, repo.remote, fetched=False)
    except gitops.GitError as exc:
        if not dry_run:
            raise
        # a preview offline: where it would go as far as this machine knows
        known = gitstate.configured_upstream(repo.path, repo.env, branch)
        track = gitstate.Follow(repo.remote, known[1] if known else None, bool(known),
                                f"the remote could not be asked ({exc.message})")
    dest = track.branch or branch  # an empty remote gets the source's own branch
    result: PushReport = {"source": str(repo.path), "remote": repo.remote,
                              "branch": branch, "changes": changes,
                              "message": message if changes else None,
                              "dry_run": dry_run, "committed": None,
                              "pushed": False, "upstream": f"{repo.remote}/{dest}",
                              "set_upstream": not track.configured, "note": track.note}
    if dry_run:
        return result
    if changes:
        result["committed"] = commits.commit_all(repo.path, repo.env, message)
    if repo.head() is None:
        raise SkillshareError("nothing to push: the source has no commits yet",
                              hint="add a skill first")
    args = ["push", "--porcelain", *([] if track.configured else ["--set-upstream"]),
            "--", repo.remote, f"HEAD:refs/heads/{dest}"]
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


def pull_source(config: Config, env: Mapping[str, str], dry_run: bool = False,
                merge: bool = False) -> PullReport:
    """Fetch and fast-forward the source; returns what happened (before any sync).
    ``merge``: a first pull into a source with skills of its own may merge the two
    histories (``skillshare pull`` by hand); without it that is an error that changes
    nothing (the daemon)."""
    repo = Repo(config, env)
    branch = repo.branch()
    before = repo.head()
    changes = repo.changes()
    if changes and before is not None:
        many = "s" if len(changes) != 1 else ""
        raise SkillshareError(f"the source has {len(changes)} uncommitted change{many}; "
                              "nothing was pulled",
                              hint="run `skillshare push` to share them first, or "
                                   f"`git -C {repo.path} stash -u`", details=changes[:20])
    repo.git("fetch", "--quiet", "--prune", "--", repo.remote, timeout=NETWORK)
    track = gitstate.follow(repo.path, env, branch, repo.remote, fetched=True)
    report: PullReport = {"source": str(repo.path), "remote": repo.remote,
                              "branch": branch, "upstream": f"{repo.remote}/{branch}",
                              "before": before, "after": before, "dry_run": dry_run,
                              "status": "up to date", "commits": 0, "note": track.note}
    if track.branch is None:
        report["status"] = "the remote has nothing yet"
        return report
    upstream = track.ref
    report["upstream"] = track.short
    if not repo.exists(upstream):
        raise SkillshareError(f"{track.short} was not fetched, so nothing was pulled",
                              hint=f"check `git -C {repo.path} config --get-all "
                                   f"remote.{repo.remote}.fetch`")
    if before is None and changes:
        return first_pull(repo, report, track, merge, unborn=True)
    if before is None:  # nothing here yet: take the remote's branch, as a clone would
        name = track.branch if not repo.exists(f"refs/heads/{track.branch}") else branch
        report["status"] = "would fast-forward" if dry_run else "fast-forwarded"
        report["commits"], report["branch"] = repo.count(upstream), name
        if not dry_run:
            _bring_in(repo, upstream, name, unborn=True)
            repo.set_upstream(name, track)
            report["after"] = repo.head()
        return report
    if repo.is_ancestor(upstream, "HEAD"):
        report["status"] = "up to date" if repo.is_ancestor("HEAD", upstream) else "ahead"
    elif repo.is_ancestor("HEAD", upstream):
        report["status"] = "would fast-forward" if dry_run else "fast-forwarded"
        report["commits"] = repo.count(f"HEAD..{upstream}")
        if not dry_run:
            _bring_in(repo, upstream, branch, unborn=False)
    elif not track.configured and not repo.related("HEAD", upstream):
        return first_pull(repo, report, track, merge, unborn=False)
    else:
        raise SkillshareError("the source and the remote have both changed (the histories "
                              "diverged); nothing was pulled",
                              hint=f"merge or rebase by hand in {repo.path} "
                                   f"(git pull --rebase), then `skillshare sync`")
    if not dry_run:
        if not track.configured:
            repo.set_upstream(branch, track)
        report["after"] = repo.head()
    return report


def _bring_in(repo: Repo, upstream: str, branch: str, unborn: bool) -> None:
    try:
        gitops.bring_in(str(repo.path), repo.env, upstream, branch, unborn)
    except gitops.GitError:
        raise
    except SkillshareError as exc:
        raise SkillshareError(f"the pull stopped: {exc.message}", exc.hint,
                              exc.details) from None
