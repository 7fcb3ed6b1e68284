"""Tracked repositories: the git side of ``install --track``, ``update`` and ``check``. A
tracked repo is a git clone named ``_<name>`` with its ``.git`` kept, at the top of the
source or in a folder of it (``--into``); its skills reach the targets as ``_name__…``. The
clone is audited before it is put in place (an audit ``Gate``), and what an update brings
is audited before it is kept; a finding at or above the threshold removes the clone, or
rolls the update back.

The commands themselves are in ``commands.installcmd`` and ``commands.updatecmd``; where
installs come from in ``sources``, the records of them in ``installs``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from skillshared.audit.findings import blocking, rank
from skillshared.audit.gate import Gate, audit_report, blocked_details, count
from skillshared.audit.rules import Rule
from skillshared.audit.scan import scan_file
from skillshared.catalog import walker
from skillshared.core import progress
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.results_git import RepoCheck, UpdateItem
from skillshared.engine import fsops
from skillshared.git import gitops, gitstate

# -- clones -------------------------------------------------------------------------------------


def remove_clone(temp: Path) -> str | None:
    """Remove a clone that is not to be kept; a note saying where it is if that fails."""
    if not os.path.lexists(temp):
        return None
    try:
        fsops.remove_tree(temp)
    except OSError as exc:
        return f"could not remove {temp} ({exc.strerror}); delete it by hand"
    return None


def clone(config: Config, url: str, dest: Path, env: Mapping[str, str], gate: Gate | None,
          options: Sequence[str] = ()) -> dict[str, Any]:
    """Clone ``url`` beside the skills, audit it through ``gate`` (None: not audited), and
    rename it to ``dest``; on any failure nothing is left (or the error says where the rest
    is). Returns the audit report. An empty repository is cloned too: ``update`` brings its
    first commits when there are. ``options``: checked clone options (the branch to follow,
    ``sources.branch_args``)."""
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, dest.name)
    report = None
    try:
        progress.report("cloning", item=url)
        gitops.run(["clone", "--quiet", *options, "--", url, str(temp)], env=env,
                   timeout=gitops.NETWORK_TIMEOUT)
        if gate is not None:
            report = gate.check(temp)
        fsops.makedirs(dest.parent)
        fsops.rename_no_replace(str(temp), str(dest))
    except BaseException as exc:
        cleanup = remove_clone(temp)
        if cleanup and isinstance(exc, SkillshareError):
            exc.details.append(cleanup)
        raise
    return {"audit": report}


def dirty(folder: Path, env: Mapping[str, str]) -> list[str]:
    """The lines of ``git status --porcelain`` (none when it is not a repo)."""
    if not (folder / ".git").exists():
        return []
    status = gitops.run(["status", "--porcelain"], cwd=str(folder), env=env)
    return [line for line in status.out.splitlines() if line]


def repos(source: Path) -> dict[str, Path]:
    """Every tracked repo in the source, by its path there (``_team`` or ``web/_team``): a
    folder named ``_…`` that holds a ``.git``. Repos inside repos are not looked for."""
    found: dict[str, Path] = {}

    def walk(folder: str, rel: str) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if walker.not_walked(entry.name) or not entry.is_dir(follow_symlinks=False):
                continue
            sub = f"{rel}{entry.name}"
            if entry.name.startswith("_") and os.path.exists(os.path.join(entry.path, ".git")):
                found[sub] = Path(entry.path)
            else:
                walk(entry.path, sub + "/")

    walk(str(source), "")
    return found


def resolve(known: Mapping[str, Any], name: str, what: str = "tracked repo") -> str:
    """The key of ``known`` that ``name`` means: the path itself, with ``_`` added, or a last
    path segment that only one has."""
    for key in (name, f"_{name}"):
        if key in known:
            return key
    ends = [k for k in known if k.rsplit("/", 1)[-1] in (name, f"_{name}")]
    if len(ends) == 1:
        return ends[0]
    if ends:
        raise UsageError(f"'{name}' could be any of {', '.join(ends)}",
                         hint="give its path in the source")
    raise NotFoundError(f"no {what} named {name}",
                        hint=f"there are: {', '.join(known) or 'none'}")




def _on_branch(folder: Path, env: Mapping[str, str], name: str, doing: str
               ) -> tuple[str, str | None]:
    """(branch, commit or None before the first one); a clear error on a detached HEAD or
    when the commit cannot be read (fail closed: without it there is no way back)."""
    gitops.run(["rev-parse", "--git-dir"], cwd=str(folder), env=env)  # a repository at all?
    branch = gitstate.branch(folder, env)
    if branch is None:
        at = gitstate.head(folder, env)
        raise SkillshareError(f"{name} is not on a branch (a detached HEAD at "
                              f"{(at or '?')[:12]}); {doing}",
                              hint=f"git -C {folder} switch <branch> makes it follow one")
    before = gitstate.head(folder, env)
    if before is None and gitops.run(["show-ref", "--verify", "--quiet", f"refs/heads/{branch}"],
                                     cwd=str(folder), env=env, check=False).code == 0:
        raise SkillshareError(f"{name}: its current commit cannot be recorded, so {doing} "
                              "(the repository looks damaged)",
                              hint=f"git -C {folder} fsck")
    return branch, before


def _fetch(folder: Path, env: Mapping[str, str], branch: str) -> gitstate.Follow:
    remote = gitstate.pick_remote(folder, env, branch)
    gitops.run(["fetch", "--quiet", "--prune", "--", remote], cwd=str(folder), env=env,
               timeout=gitops.NETWORK_TIMEOUT)
    return gitstate.follow(folder, env, branch, remote, fetched=True)


def update_repo(folder: Path, name: str, env: Mapping[str, str], rules: list[Rule] | None,
                level: str, *, force: bool = False, dry_run: bool = False,
                accept: str | None = None) -> UpdateItem:
    """Fetch and fast-forward one repo (never a merge), then audit the files that changed
    with ``rules`` (None: not audited); a finding at or above ``level`` rolls it back to
    where it was, unless ``force`` or the user accepted exactly that commit (``accept``,
    from the prompt on a terminal). ``force`` also sets uncommitted changes aside (git
    stash) rather than refusing. A repo with no commits yet takes the remote's first ones;
    one without an upstream (or whose upstream is gone) follows the remote's default
    branch."""

    def git(*args: str, timeout: float = gitops.LOCAL_TIMEOUT) -> gitops.Result:
        return gitops.run(args, cwd=str(folder), env=env, timeout=timeout)

    changes = dirty(folder, env)
    if changes and not force:
        raise SkillshareError(f"{name} has uncommitted changes; it was not updated",
                              hint="use --force to set them aside (git stash) and update",
                              details=changes[:20])
    branch, before = _on_branch(folder, env, name, "it was not updated")
    track = _fetch(folder, env, branch)
    result: dict[str, Any] = {"name": name, "kind": "repo", "before": before,
                              "after": before, "commits": 0, "audit": None,
                              "upstream": track.short if track.branch else None,
                              "note": track.note}
    if track.branch is None:
        return update_item(result, status="up to date", note="the remote has no commits yet")
    goal = accept or track.ref
    try:
        incoming = int(git("rev-list", "--count", goal if before is None
                           else f"HEAD..{goal}").out.strip() or 0)
    except gitops.GitError:
        raise SkillshareError(f"{name}: {goal} is not a commit it has fetched; it was not "
                              "updated") from None
    result["commits"] = incoming
    if before is not None and incoming and gitops.run(
            ["merge-base", "--is-ancestor", "HEAD", goal], cwd=str(folder), env=env,
            check=False).code != 0:
        raise SkillshareError(f"{name} has local commits the remote does not have (the "
                              "histories diverged); it was not updated",
                              hint=f"sort it out in {folder} with git")
    if dry_run:
        return update_item(result, status="would update" if incoming else "up to date")
    if not incoming:
        if not track.configured:  # from now on it follows the remote's default branch
            git("branch", "--quiet", f"--set-upstream-to={track.short}", branch)
        return update_item(result, status="up to date")
    if before is None and track.branch != branch and gitops.run(
            ["show-ref", "--verify", "--quiet", f"refs/heads/{track.branch}"],
            cwd=str(folder), env=env, check=False).code != 0:
        branch = track.branch  # nothing here yet: take the remote's branch, as a clone would
    stashed = bool(changes) and before is not None
    if stashed:  # --force: set aside, not lost (`git stash list` in the repo shows them)
        git("stash", "push", "--include-untracked", "--quiet", "-m",
            "set aside by skillshare update --force")
        result["stashed"] = len(changes)
    try:
        gitops.bring_in(str(folder), env, goal, branch, unborn=before is None)
    except SkillshareError as exc:
        if stashed:
            git("stash", "pop", "--index", "--quiet")
        raise SkillshareError(f"{name}: {exc.message}", exc.hint, exc.details) from None
    if not track.configured:
        git("branch", "--quiet", f"--set-upstream-to={track.short}", branch)
    after = git("rev-parse", "HEAD").out.strip()
    result["after"] = after
    if rules is not None:
        listed = (git("ls-tree", "-r", "-z", "--name-only", after) if before is None
                  else git("diff", "--name-only", "-z", before, after))
        changed = [p for p in listed.out.split("\0")  # links too: one may lead to ~/.ssh
                   if p and (os.path.islink(folder / p) or os.path.isfile(folder / p))]
        findings = [f for p in changed
                    for f in scan_file(str(folder / p), p, rules, root=str(folder))]
        findings.sort(key=lambda f: (rank(f.severity), f.path, f.line, f.rule))
        above = blocking(findings, level)
        result["audit"] = audit_report(findings, len(changed), level)
        if above and not (force or accept):
            if before is None:
                gitops.unborn_again(str(folder), env, branch)
            else:
                git("reset", "--hard", "--quiet", before)
            return update_item(result, after=before, status="rolled back", blocked_at=after,
                               error=f"{count(above)} at or above {level} in what changed",
                               details=blocked_details(findings, level))
    return update_item(result, status="updated")


def update_item(base: Mapping[str, Any], **outcome: Any) -> UpdateItem:
    """What ``update`` says of a repo or a skill: ``base`` with its ``outcome`` (the status,
    and what goes with it), in that order; the keys are those of :class:`UpdateItem`."""
    return cast(UpdateItem, {**base, **outcome})


def check_repo(folder: Path, env: Mapping[str, str]) -> RepoCheck:
    """How far a repo is behind (and ahead of) the remote branch it follows, after a fetch
    (which changes nothing but what it knows of the remote)."""
    branch, before = _on_branch(folder, env, folder.name, "it cannot be checked")
    track = _fetch(folder, env, branch)
    found: RepoCheck = {"ahead": 0, "behind": 0, "status": "up to date",
                        "dirty": bool(dirty(folder, env)),
                        "upstream": track.short if track.branch else None,
                        "note": track.note}
    if track.branch is None:
        return {**found, "note": "the remote has no commits yet"}
    if before is None:
        behind = int(gitops.run(["rev-list", "--count", track.ref], cwd=str(folder),
                                env=env).out.strip() or 0)
        ahead = 0
    else:
        counts = gitops.run(["rev-list", "--left-right", "--count", f"HEAD...{track.ref}"],
                            cwd=str(folder), env=env).out.split()
        ahead, behind = (int(c) for c in counts)
    return {**found, "ahead": ahead, "behind": behind,
            "status": "behind" if behind else "up to date"}
