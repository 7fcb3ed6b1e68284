"""``push`` and ``pull``: share the source through git (SPEC §6).

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
the remote's, or no commit yet) brings both together with a merge of the two histories,
as the original tool does: nothing of either side is lost, and a conflict undoes it all.
Only ``skillshare pull`` (``merge=True``) does that; the daemon's scheduled pull never
makes a merge commit and skips with the reason instead. Then every target is synced. Every
git call goes through :mod:`gitops`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skillshared.core.config import Config
from skillshared.core.config_records import RECORDS_FILE
from skillshared.core.errors import SkillshareError
from skillshared.engine import fsops
from skillshared.git import gitops, gitstate, installs, installs_original
from skillshared.store import project

NETWORK = gitops.NETWORK_TIMEOUT
GLOBAL_ONLY = ("{what} shares the global source; a project is shared through its own git "
               "repository")
FIRST_COMMIT = "Skills of this machine before the first pull"


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
                dry_run: bool = False) -> dict[str, Any]:
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
    result: dict[str, Any] = {"source": str(repo.path), "remote": repo.remote,
                              "branch": branch, "changes": changes,
                              "message": message if changes else None,
                              "dry_run": dry_run, "committed": None,
                              "pushed": False, "upstream": f"{repo.remote}/{dest}",
                              "set_upstream": not track.configured, "note": track.note}
    if dry_run:
        return result
    if changes:
        repo.git("add", "--all")
        repo.git("commit", "--quiet", "-m", message)
        result["committed"] = repo.head()
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
                merge: bool = False) -> dict[str, Any]:
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
    report: dict[str, Any] = {"source": str(repo.path), "remote": repo.remote,
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
        return _first_pull_with_skills(repo, report, track, merge, unborn=True)
    if before is None:  # nothing here yet: take the remote's branch, as a clone would
        name = track.branch if not repo.exists(f"refs/heads/{track.branch}") else branch
        report.update(status="would fast-forward" if dry_run else "fast-forwarded",
                      commits=repo.count(upstream), branch=name)
        if not dry_run:
            _bring_in(repo, upstream, name, unborn=True)
            repo.set_upstream(name, track)
            report["after"] = repo.head()
        return report
    if repo.is_ancestor(upstream, "HEAD"):
        report["status"] = "up to date" if repo.is_ancestor("HEAD", upstream) else "ahead"
    elif repo.is_ancestor("HEAD", upstream):
        report.update(status="would fast-forward" if dry_run else "fast-forwarded",
                      commits=repo.count(f"HEAD..{upstream}"))
        if not dry_run:
            _bring_in(repo, upstream, branch, unborn=False)
    elif not track.configured and not repo.related("HEAD", upstream):
        return _first_pull_with_skills(repo, report, track, merge, unborn=False)
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


def _first_pull_with_skills(repo: Repo, report: dict[str, Any], track: gitstate.Follow,
                            merge: bool, unborn: bool) -> dict[str, Any]:
    """The source holds skills of its own (commits unrelated to the remote's, or files not
    yet committed) and follows no remote branch yet: merge the remote's branch into it,
    keeping both sides. A conflict, or a file of the remote's that would overwrite one here,
    undoes it all and says which files."""
    upstream, branch = track.ref, report["branch"]
    if not merge:
        raise SkillshareError(f"the source holds skills of its own and {track.short} has "
                              "others; bringing the two together takes a merge commit, which "
                              "only `skillshare pull` run by hand makes; nothing was pulled",
                              hint="run `skillshare pull`")
    commits = repo.count(upstream if unborn else f"HEAD..{upstream}")
    report.update(status="would merge" if report["dry_run"] else "merged", commits=commits)
    if report["dry_run"]:
        return report
    if unborn:  # the files here become the source's first commit, so both sides are kept
        repo.git("add", "--all")
        try:
            repo.git("commit", "--quiet", "-m", FIRST_COMMIT)
        except gitops.GitError:
            repo.git("read-tree", "--empty")
            raise
    merged = repo.git("merge", "--quiet", "--no-ff", "--no-edit", gitops.NO_OVERWRITE,
                      "--allow-unrelated-histories", "-m",
                      f"Merge {track.short} into {branch} (the first pull)", upstream,
                      timeout=NETWORK, check=False)
    conflicts = [f for f in repo.git("diff", "--name-only", "--diff-filter=U"
                                     ).out.split("\n") if f] if merged.code else []
    if conflicts and _resolve(repo, conflicts):  # only files both machines always write
        done = repo.git("commit", "--quiet", "--no-edit", check=False)
        if done.code:
            _undo(repo, branch, unborn)
            raise gitops.GitError(f"git commit failed: {gitops.last_line(done.err)}; nothing "
                                  "was pulled and everything is as it was")
        report["resolved"] = conflicts
    elif merged.code != 0:
        covered = gitops.would_overwrite(merged.err)
        _undo(repo, branch, unborn)
        if conflicts:
            why = (f"the source and {track.short} both hold {len(conflicts)} of the same "
                   "files with different content")
        elif covered:
            why = (f"{track.short} holds {len(covered)} files at places where this source "
                   "has files git does not track")
        else:
            why = f"git merge failed ({gitops.last_line(merged.err)})"
        raise SkillshareError(f"{why}, so the two could not be brought together; nothing was "
                              "pulled and everything is as it was",
                              hint=f"merge by hand: git -C {repo.path} merge "
                                   f"--allow-unrelated-histories {track.short}, then "
                                   "`skillshare push`", details=(conflicts or covered)[:20])
    repo.set_upstream(branch, track)
    report["after"] = repo.head()
    return report


def _undo(repo: Repo, branch: str, unborn: bool) -> None:
    """Take back a first pull's merge (and the first commit it made of the files here)."""
    if repo.exists("MERGE_HEAD"):
        repo.git("merge", "--abort")
    if unborn:  # back to no commit at all, every file where it was
        repo.git("update-ref", "-d", f"refs/heads/{branch}")
        repo.git("read-tree", "--empty")


def _resolve(repo: Repo, conflicts: list[str]) -> bool:
    """Bring together the files both machines write whenever they install something (the
    source's ``.gitignore`` and its records of installs), line by line and record by record;
    False (nothing resolved that counts) when another file is in conflict or they differ
    on the same record."""
    merges = {".gitignore": merge_gitignore, RECORDS_FILE: installs.merge_records,
              installs_original.ORIGINAL_FILE: installs_original.merge_original}
    if not set(conflicts) <= set(merges):
        return False
    for path in conflicts:
        sides = [repo.git("show", f":{stage}:{path}", check=False) for stage in (2, 3)]
        if any(side.code for side in sides):
            return False
        text = merges[path](sides[0].out, sides[1].out)
        if text is None:
            return False
        fsops.atomic_write(repo.path / path, text.encode("utf-8"))
        repo.git("add", "--", path)
    return True


def merge_gitignore(ours: str, theirs: str) -> str:
    """Both ``.gitignore`` files in one: ours, with the entries of their managed block added
    to ours and their other lines that ours lacks after it."""
    managed: list[str] = []
    others: list[str] = []
    inside = False
    for line in theirs.splitlines():
        if not inside and line.strip().startswith("# BEGIN SKILLSHARE MANAGED"):
            inside = True
        elif inside and line.strip() == project.END:
            inside = False
        else:
            (managed if inside else others).append(line)
    text = project.render_gitignore(ours, managed) if managed else ours
    text = text if not text or text.endswith("\n") else text + "\n"
    have = set(text.splitlines())
    return text + "".join(f"{line}\n" for line in others if line.strip() and line not in have)
