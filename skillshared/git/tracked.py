"""Tracked repositories (SPEC §8, seed 003): the git side of ``install --track``,
``update`` and ``check``. A tracked repo is a git clone named ``_<name>`` with its ``.git``
kept, at the top of the source or in a folder of it (``--into``); its skills reach the
targets as ``_name__…``. The clone is audited before it is put in place, and what an update
brings is audited before it is kept; a finding at or above the threshold removes the clone,
or rolls the update back.

The commands themselves are in ``installcmd``; where installs come from, where they go
(every path checked) and the records of them, in ``installs``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.catalog import walker
from skillshared.commands import auditcmd
from skillshared.core.config import SEVERITIES, Config
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.engine import fsops
from skillshared.git import audit, gitops, gitstate

if TYPE_CHECKING:
    from skillshared.commands.request import Request

# -- the audit gate -----------------------------------------------------------------------------


def audit_report(findings: list[audit.Finding], files: int, level: str) -> dict[str, Any]:
    """The JSON of a scan: every finding, whether one blocks, and counts per severity (all
    of them, and those below ``level``)."""
    below = [f for f in findings if audit.rank(f.severity) > audit.rank(level)]
    return {"files": files, "findings": [f.to_dict() for f in findings],
            "blocked": len(below) < len(findings), "counts": _counts(findings),
            "below": _counts(below)}


def _counts(findings: list[audit.Finding]) -> dict[str, int]:
    return {s: n for s in SEVERITIES if (n := sum(f.severity == s for f in findings))}


def blocked_details(findings: list[audit.Finding], level: str) -> list[str]:
    """What a blocked install or update shows: the findings that block it, then a summary
    of those below ``level`` (counts per severity) and those findings too, so nothing found
    is hidden."""
    blocking = audit.blocking(findings, level)
    below = [f for f in findings if audit.rank(f.severity) > audit.rank(level)]
    lines = shown(blocking)
    if below:
        counts = ", ".join(f"{n} {s}" for s, n in _counts(below).items())
        lines.append(f"also found, below {level} (not blocking): {counts}")
        lines += [f"  {line}" for line in shown(below)]
    return lines


def audit_folder(req: Request, config: Config, folder: Path, level: str,
                 what: str = "nothing was installed") -> dict[str, Any]:
    """Scan ``folder``; a finding at or above ``level`` is an error (unless ``--force``)."""
    rules = auditcmd.user_rules(req, config)
    findings, files = audit.scan_tree(str(folder), rules)
    report = audit_report(findings, files, level)
    blocking = audit.blocking(findings, level)
    if blocking and not req.flag("force"):
        raise SkillshareError(f"blocked by the security audit: {count(blocking)} at or above "
                              f"{level}; {what}",
                              hint="read them; --force installs anyway, -T sets the level",
                              details=blocked_details(findings, level))
    return report


def count(findings: list[audit.Finding]) -> str:
    return f"{len(findings)} finding{'' if len(findings) == 1 else 's'}"


def shown(findings: list[audit.Finding], limit: int = 20) -> list[str]:
    lines = [f"{f.severity} {f.path}:{f.line} {f.rule}: {f.message}" for f in findings[:limit]]
    if len(findings) > limit:
        lines.append(f"… and {len(findings) - limit} more")
    return lines


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


def clone(req: Request, config: Config, url: str, dest: Path, level: str,
          options: Sequence[str] = ()) -> dict[str, Any]:
    """Clone ``url`` beside the skills, audit it, and rename it to ``dest``; on any failure
    nothing is left (or the error says where the rest is). Returns the audit report. An
    empty repository is cloned too: ``update`` brings its first commits when there are.
    ``options``: checked clone options (the branch to follow, ``installs.branch_args``)."""
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, dest.name)
    report = None
    try:
        gitops.run(["clone", "--quiet", *options, "--", url, str(temp)], env=req.paths.env,
                   timeout=gitops.NETWORK_TIMEOUT)
        if not req.flag("skip_audit"):
            report = audit_folder(req, config, temp, level)
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


def update_repo(req: Request, folder: Path, name: str, rules: list[audit.Rule] | None,
                level: str, accept: str | None = None) -> dict[str, Any]:
    """Fetch and fast-forward one repo (never a merge), then audit the files that changed;
    a finding at or above ``level`` rolls it back to where it was, unless ``--force`` or the
    user accepted exactly that commit (``accept``, from the prompt on a terminal). A repo
    with no commits yet takes the remote's first ones; one without an upstream (or whose
    upstream is gone) follows the remote's default branch."""
    env = req.paths.env

    def git(*args: str, timeout: float = gitops.LOCAL_TIMEOUT) -> gitops.Result:
        return gitops.run(args, cwd=str(folder), env=env, timeout=timeout)

    changes = dirty(folder, env)
    if changes and not req.flag("force"):
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
        return {**result, "status": "up to date", "note": "the remote has no commits yet"}
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
    if req.flag("dry_run"):
        return {**result, "status": "would update" if incoming else "up to date"}
    if not incoming:
        if not track.configured:  # from now on it follows the remote's default branch
            git("branch", "--quiet", f"--set-upstream-to={track.short}", branch)
        return {**result, "status": "up to date"}
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
                    for f in audit.scan_file(str(folder / p), p, rules, root=str(folder))]
        findings.sort(key=lambda f: (audit.rank(f.severity), f.path, f.line, f.rule))
        blocking = audit.blocking(findings, level)
        result["audit"] = audit_report(findings, len(changed), level)
        if blocking and not (req.flag("force") or accept):
            if before is None:
                gitops.unborn_again(str(folder), env, branch)
            else:
                git("reset", "--hard", "--quiet", before)
            return {**result, "after": before, "status": "rolled back", "blocked_at": after,
                    "error": f"{count(blocking)} at or above {level} in what changed",
                    "details": blocked_details(findings, level)}
    return {**result, "status": "updated"}


def check_repo(folder: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """How far a repo is behind (and ahead of) the remote branch it follows, after a fetch
    (which changes nothing but what it knows of the remote)."""
    branch, before = _on_branch(folder, env, folder.name, "it cannot be checked")
    track = _fetch(folder, env, branch)
    found: dict[str, Any] = {"ahead": 0, "behind": 0, "status": "up to date",
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
