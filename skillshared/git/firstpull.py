"""The first pull into a source that already holds skills of its own (a history unrelated
to the remote's, or no commit yet): both are brought together with a merge of the two
histories, as the original tool does; nothing of either side is lost, and a conflict undoes
it all. The files both machines write whenever they install something (the source's
``.gitignore`` and its records of installs) are merged line by line and record by record."""

from __future__ import annotations

from skillshared.core.config_records import RECORDS_FILE
from skillshared.core.errors import SkillshareError
from skillshared.core.results_git import PullReport
from skillshared.engine import fsops
from skillshared.git import gitops, gitstate, installs, installs_original
from skillshared.git.sourcerepo import Repo
from skillshared.store import gitignore

FIRST_COMMIT = "Skills of this machine before the first pull"


def first_pull(repo: Repo, report: PullReport, track: gitstate.Follow, merge: bool,
               unborn: bool) -> PullReport:
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
    report["status"] = "would merge" if report["dry_run"] else "merged"
    report["commits"] = commits
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
                      timeout=gitops.NETWORK_TIMEOUT, check=False)
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
        elif inside and line.strip() == gitignore.END:
            inside = False
        else:
            (managed if inside else others).append(line)
    text = gitignore.render_gitignore(ours, managed) if managed else ours
    text = text if not text or text.endswith("\n") else text + "\n"
    have = set(text.splitlines())
    return text + "".join(f"{line}\n" for line in others if line.strip() and line not in have)
