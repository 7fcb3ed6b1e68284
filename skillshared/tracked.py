"""Tracked repositories (SPEC §8, seed 003): the git side of ``install --track``,
``update`` and ``check``. A tracked repo is a git clone named ``_<name>`` with its ``.git``
kept, at the top of the source or in a folder of it (``--into``); its skills reach the
targets as ``_name__…``. The clone is audited before it is put in place, and what an update
brings is audited before it is kept; a finding at or above the threshold removes the clone,
or rolls the update back.

The commands themselves (and the records of what was installed) are in ``installcmd``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared import audit, auditcmd, fsops, gitops, skills
from skillshared.config import Config
from skillshared.errors import NotFoundError, SkillshareError, UsageError

if TYPE_CHECKING:
    from skillshared.service import Request

_HOST_PATH = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}/[A-Za-z0-9._-]+/[A-Za-z0-9._/-]+$")


def clone_url(raw: str) -> str:
    """The address git is given: ``github.com/owner/repo`` becomes an https URL; anything
    else is checked as it is (see :func:`gitops.check_url`)."""
    if _HOST_PATH.match(raw) and not os.path.exists(raw):
        return gitops.check_url(f"https://{raw}")
    return gitops.check_url(raw)


def split_shorthand(raw: str) -> tuple[str, str | None]:
    """``host/owner/repo/sub/dir`` -> (``host/owner/repo``, ``sub/dir``); else (raw, None)."""
    if _HOST_PATH.match(raw) and not os.path.exists(raw):
        parts = raw.split("/")
        return "/".join(parts[:3]), "/".join(parts[3:]) or None
    return raw, None


def repo_name(url: str, given: str | None) -> str:
    """``_owner-repo`` from the URL's last two path segments, or ``--name`` (``_`` added);
    checked before anything is cloned."""
    if given is not None:
        name = given if given.startswith("_") else f"_{given}"
        if "/" in given or "\\" in given or ".." in given:
            raise UsageError(f"invalid --name {given!r}: it must not hold '/', '\\' or '..'")
    else:
        path = re.sub(r"^[a-z]+://[^/]*", "", url).split(":", 1)[-1]
        parts = [p for p in path.rstrip("/").split("/") if p]
        parts = parts[-2:] if parts else ["repo"]
        parts[-1] = parts[-1].removesuffix(".git")
        name = "_" + "-".join(parts)
    problem = skills.segment_problem(name)
    if problem:
        raise UsageError(f"invalid tracked repo name {name!r}: {problem}",
                         hint="choose one with --name")
    return name


def into(raw: str | None) -> str | None:
    """``--into``: a folder path inside the source, checked (``a/b``), or None."""
    if raw is None:
        return None
    parts = raw.strip("/").split("/")
    if raw.startswith("/") or any(skills.segment_problem(p) for p in parts):
        raise UsageError(f"invalid --into {raw!r}: it must be a folder inside the source, "
                         "like team/frontend")
    return "/".join(parts)


def audit_folder(req: Request, config: Config, folder: Path, level: str,
                 what: str = "nothing was installed") -> dict[str, Any]:
    """Scan ``folder``; a finding at or above ``level`` is an error (unless ``--force``)."""
    rules = audit.load_rules(auditcmd.rule_files(req, config))
    findings, files = audit.scan_tree(str(folder), rules)
    blocking = audit.blocking(findings, level)
    report = {"files": files, "findings": [f.to_dict() for f in findings],
              "blocked": bool(blocking)}
    if blocking and not req.flag("force"):
        raise SkillshareError(f"blocked by the security audit: {count(blocking)} at or above "
                              f"{level}; {what}",
                              hint="read them; --force installs anyway, -T sets the level",
                              details=shown(blocking))
    return report


def count(findings: list[audit.Finding]) -> str:
    return f"{len(findings)} finding{'' if len(findings) == 1 else 's'}"


def shown(findings: list[audit.Finding]) -> list[str]:
    return [f"{f.severity} {f.path}:{f.line} {f.rule}: {f.message}" for f in findings][:20]


def remove_clone(temp: Path) -> str | None:
    """Remove a clone that is not to be kept; a note saying where it is if that fails."""
    if not os.path.lexists(temp):
        return None
    try:
        fsops.remove_tree(temp)
    except OSError as exc:
        return f"could not remove {temp} ({exc.strerror}); delete it by hand"
    return None


def clone(req: Request, config: Config, url: str, dest: Path, level: str) -> dict[str, Any]:
    """Clone ``url`` beside the skills, audit it, and rename it to ``dest``; on any failure
    nothing is left (or the error says where the rest is). Returns the audit report."""
    fsops.makedirs(dest.parent)
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, dest.name)
    report = None
    try:
        gitops.run(["clone", "--quiet", "--", url, str(temp)], env=req.paths.env,
                   timeout=gitops.NETWORK_TIMEOUT)
        if not req.flag("skip_audit"):
            report = audit_folder(req, config, temp, level)
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
            if skills.not_walked(entry.name) or not entry.is_dir(follow_symlinks=False):
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


def update_repo(req: Request, folder: Path, name: str, rules: list[audit.Rule] | None,
                level: str, accept: str | None = None) -> dict[str, Any]:
    """Fetch and fast-forward one repo (never a merge), then audit the files that changed;
    a finding at or above ``level`` rolls it back to where it was, unless ``--force`` or the
    user accepted exactly that commit (``accept``, from the prompt on a terminal)."""
    env = req.paths.env

    def git(*args: str, timeout: float = gitops.LOCAL_TIMEOUT) -> gitops.Result:
        return gitops.run(args, cwd=str(folder), env=env, timeout=timeout)

    changes = dirty(folder, env)
    if changes and not req.flag("force"):
        raise SkillshareError(f"{name} has uncommitted changes; it was not updated",
                              hint="use --force to set them aside (git stash) and update",
                              details=changes[:20])
    try:
        before = git("rev-parse", "HEAD").out.strip()
    except gitops.GitError as exc:  # fail closed: without it there is no way back
        raise SkillshareError(f"{name}: its current commit cannot be recorded, so it was "
                              f"not updated ({exc.message})") from None
    git("fetch", "--quiet", timeout=gitops.NETWORK_TIMEOUT)
    goal = accept or "@{u}"
    try:
        incoming = int(git("rev-list", "--count", f"HEAD..{goal}").out.strip() or 0)
    except gitops.GitError:
        raise SkillshareError(f"{name}: {goal} is not a commit it has fetched; it was not "
                              "updated") from None
    result: dict[str, Any] = {"name": name, "kind": "repo", "before": before,
                              "after": before, "commits": incoming, "audit": None}
    if not incoming:
        return {**result, "status": "up to date"}
    if gitops.run(["merge-base", "--is-ancestor", "HEAD", goal], cwd=str(folder),
                  env=env, check=False).code != 0:
        raise SkillshareError(f"{name} has local commits the remote does not have (the "
                              "histories diverged); it was not updated",
                              hint=f"sort it out in {folder} with git")
    if req.flag("dry_run"):
        return {**result, "status": "would update"}
    if changes:  # --force: set aside, not lost (`git stash list` in the repo shows them)
        git("stash", "push", "--include-untracked", "--quiet", "-m",
            "set aside by skillshare update --force")
        result["stashed"] = len(changes)
    git("merge", "--ff-only", "--quiet", goal)
    after = git("rev-parse", "HEAD").out.strip()
    result["after"] = after
    if rules is not None:
        changed = [p for p in git("diff", "--name-only", "-z", before, after).out.split("\0")
                   if p and os.path.isfile(folder / p) and not os.path.islink(folder / p)]
        findings = [f for p in changed for f in audit.scan_file(str(folder / p), p, rules)]
        blocking = audit.blocking(findings, level)
        result["audit"] = {"files": len(changed), "findings": [f.to_dict() for f in findings],
                           "blocked": bool(blocking)}
        if blocking and not (req.flag("force") or accept):
            git("reset", "--hard", "--quiet", before)
            return {**result, "after": before, "status": "rolled back", "blocked_at": after,
                    "error": f"{count(blocking)} at or above {level} in what changed",
                    "details": shown(blocking)}
    return {**result, "status": "updated"}


def check_repo(folder: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """How far a repo is behind (and ahead of) its upstream, after a fetch."""
    gitops.run(["fetch", "--quiet"], cwd=str(folder), env=env, timeout=gitops.NETWORK_TIMEOUT)
    counts = gitops.run(["rev-list", "--left-right", "--count", "HEAD...@{u}"],
                        cwd=str(folder), env=env).out.split()
    ahead, behind = (int(c) for c in counts)
    return {"ahead": ahead, "behind": behind, "status": "behind" if behind else "up to date",
            "dirty": bool(dirty(folder, env))}
