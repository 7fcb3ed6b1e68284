"""Tracked repositories (SPEC §8, seed 003): ``install <url> --track``, ``update``,
``uninstall`` and ``check``. A tracked repo is a git clone at ``<source>/_<name>`` (``.git``
kept); its skills reach the targets with the ``_name__`` prefix. The clone is audited before
it is put in place, and what an update brings is audited before it is kept; a finding at or
above the threshold removes the clone, or rolls the update back (``--force`` keeps it,
``--skip-audit`` skips the scan).

``install <folder or repo>`` without ``--track`` copies one skill, or each skill of a repo,
into the source (audited first) and records its origin in ``.skillshare-installed.json``.

Not built yet: project mode (cloning into ``.skillshare/skills``); it says so.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared import audit, auditcmd, fsops, gitops, skills, trash, trees
from skillshared.backup import SKIP_GIT
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


def _global(req: Request, what: str) -> Config:
    return req.global_config(f"{what} in project mode is not built yet",
                             hint="run it with -g for the global source")


def _into(config: Config, raw: str | None) -> Path:
    if raw is None:
        return config.source
    parts = raw.strip("/").split("/")
    if raw.startswith("/") or any(skills.segment_problem(p) for p in parts):
        raise UsageError(f"invalid --into {raw!r}: it must be a folder inside the source, "
                         "like team/frontend")
    return config.source.joinpath(*parts)


def cmd_install(req: Request) -> dict[str, Any]:
    raw = req.text("source")
    if not raw:
        raise UsageError("usage: skillshare install <git url> --track [--name N]")
    config = _global(req, "install")
    if not req.flag("track"):
        return _install_copy(req, config, raw)
    url = clone_url(raw)
    name = repo_name(url, req.text("name"))
    parent = _into(config, req.text("into"))
    dest = parent / name
    if os.path.lexists(dest):
        raise SkillshareError(f"{dest} already exists", hint=f"update it with `skillshare "
                              f"update {name}`, or choose another --name")
    level = audit.threshold(req.text("threshold"), config.audit_threshold)
    result: dict[str, Any] = {"name": name, "url": url, "path": str(dest),
                              "dry_run": req.flag("dry_run"), "threshold": level,
                              "audit": None}
    if req.flag("dry_run"):
        return result
    fsops.makedirs(parent)
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, name)
    try:
        gitops.run(["clone", "--quiet", "--", url, str(temp)], env=req.paths.env,
                   timeout=gitops.NETWORK_TIMEOUT)
        if not req.flag("skip_audit"):
            result["audit"] = _audit(req, config, temp, level)
        fsops.rename_no_replace(str(temp), str(dest))
    except BaseException as exc:
        cleanup = _remove(temp)
        if cleanup and isinstance(exc, SkillshareError):
            exc.details.append(cleanup)
        raise
    found = [s.flat_name for s in skills.discover(config.source).skills
             if s.path.startswith(str(dest) + os.sep)]
    return {**result, "skills": found}


INSTALLED = ".skillshare-installed.json"  # in the source: where copied skills came from


def _split_shorthand(raw: str) -> tuple[str, str | None]:
    """``host/owner/repo/sub/dir`` -> (``host/owner/repo``, ``sub/dir``); else (raw, None)."""
    if _HOST_PATH.match(raw) and not os.path.exists(raw):
        parts = raw.split("/")
        return "/".join(parts[:3]), "/".join(parts[3:]) or None
    return raw, None


def _install_copy(req: Request, config: Config, raw: str) -> dict[str, Any]:
    """``install <folder or repo>``: copy one skill (or each skill of a repo) into the
    source, audited first, and record where it came from."""
    level = audit.threshold(req.text("threshold"), config.audit_threshold)
    parent = _into(config, req.text("into"))
    base, subdir = _split_shorthand(raw)
    local = os.path.isdir(raw)
    if not local and raw.startswith(("/", "./", "../", "~")):
        raise NotFoundError(f"no folder {raw}", hint="give a skill's folder, or a repo URL")
    url = None if local else clone_url(base)
    dry_run = req.flag("dry_run")
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, "install")
    try:
        if local:
            folder = Path(os.path.abspath(raw))
        else:
            assert url is not None
            if dry_run:
                return {"url": url, "dry_run": True, "track": False, "skills": []}
            gitops.run(["clone", "--quiet", "--depth", "1", "--", url, str(temp)],
                       env=req.paths.env, timeout=gitops.NETWORK_TIMEOUT)
            folder = temp / subdir if subdir else temp
            if not folder.is_dir():
                raise NotFoundError(f"{subdir} is not a folder of {url}")
        picked = _pick_skills(folder, req.text("name"))
        plans = []
        for name, path in picked:
            dest = parent / name
            if os.path.lexists(dest) and not req.flag("force"):
                raise SkillshareError(f"{dest} already exists; nothing was installed",
                                      hint="use --force to replace it (the old one goes to "
                                           "the trash)")
            report = None if req.flag("skip_audit") else _audit(req, config, path, level)
            plans.append((name, path, dest, report))
        installed = []
        for name, path, dest, report in plans:
            item = {"name": name, "path": str(dest), "audit": report, "trashed": None}
            if not dry_run:
                item["trashed"] = _copy_in(config, path, dest)
                _record(config, skills.flat_name(os.path.relpath(dest, config.source)),
                        raw, url)
            installed.append(item)
    finally:
        _remove(temp)
    return {"url": url or str(folder), "dry_run": dry_run, "track": False,
            "threshold": level, "skills": installed}


def _pick_skills(folder: Path, name: str | None) -> list[tuple[str, Path]]:
    if (folder / skills.SKILL_FILE).is_file():
        chosen = name or folder.name
        problem = skills.segment_problem(chosen)
        if problem:
            raise UsageError(f"invalid skill name {chosen!r}: {problem}",
                             hint="choose one with --name")
        return [(chosen, folder)]
    found = skills.discover(folder)
    if not found.skills:
        raise NotFoundError(f"no skill (a folder with a {skills.SKILL_FILE}) in {folder}")
    if name is not None:
        raise UsageError("--name goes with a single skill; this holds "
                         f"{len(found.skills)}")
    return [(s.flat_name, Path(s.path)) for s in found.skills]


def _copy_in(config: Config, src: Path, dest: Path) -> str | None:
    """Copy a skill into the source (checked, then renamed in place); an existing one goes
    to the trash first. Returns that trash item."""
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, dest.name)
    try:
        made = fsops.copy_tree(str(src), str(temp), SKIP_GIT, durable=True)
        if trees.digest(str(temp)) != made:
            raise SkillshareError(f"the copy of {src} does not match it; nothing was installed")
        trashed = None
        if os.path.lexists(dest):
            trashed = trash.put(config.scope.trash_dir, str(dest), dest.name,
                                "replaced by install")
        fsops.makedirs(dest.parent)
        fsops.rename_no_replace(str(temp), str(dest))
        return trashed
    finally:
        _remove(temp)


def _record(config: Config, flat: str, raw: str, url: str | None) -> None:
    path = config.source / INSTALLED
    try:
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    data[flat] = {"source": raw, "url": url, "installed_at": time.time()}
    fsops.atomic_write(path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


def _audit(req: Request, config: Config, folder: Path, level: str) -> dict[str, Any]:
    rules = audit.load_rules(auditcmd.rule_files(req, config))
    findings, files = audit.scan_tree(str(folder), rules)
    blocking = audit.blocking(findings, level)
    report = {"files": files, "findings": [f.to_dict() for f in findings],
              "blocked": bool(blocking)}
    if blocking and not req.flag("force"):
        shown = [f"{f.severity} {f.path}:{f.line} {f.rule}: {f.message}" for f in blocking]
        raise SkillshareError(f"blocked by the security audit: {len(blocking)} findings at or "
                              f"above {level}; nothing was installed",
                              hint="read them; --force installs anyway, -T sets the level",
                              details=shown[:20])
    return report


def _remove(temp: Path) -> str | None:
    """Remove a clone that is not to be kept; a note saying where it is if that fails."""
    if not os.path.lexists(temp):
        return None
    try:
        fsops.remove_tree(temp)
    except OSError as exc:
        return f"could not remove {temp} ({exc.strerror}); delete it by hand"
    return None


def _dirty(folder: Path, env: Any) -> list[str]:
    if not (folder / ".git").exists():
        return []
    status = gitops.run(["status", "--porcelain"], cwd=str(folder), env=env)
    return [line for line in status.out.splitlines() if line]


def cmd_uninstall(req: Request) -> dict[str, Any]:
    config = _global(req, "uninstall")
    names = req.texts("names")
    if not names:
        raise UsageError("usage: skillshare uninstall <name>...")
    discovery = skills.discover(config.source)
    by_flat = {s.flat_name: s.path for s in discovery.skills}
    chosen = []
    for name in names:
        folder = config.source / name if name.startswith("_") and "/" not in name else None
        if folder is None or not folder.is_dir():
            path = by_flat.get(name)
            folder = Path(path) if path else None
        if folder is None or ".." in name:
            raise NotFoundError(f"nothing named '{name}' in {config.source}",
                                hint="see `skillshare list` (tracked repos are `_name`)")
        dirty = _dirty(folder, req.paths.env)
        if dirty and not req.flag("force"):
            many = "s" if len(dirty) != 1 else ""
            raise SkillshareError(f"{name} has {len(dirty)} uncommitted change{many}; nothing "
                                  "was uninstalled", hint="commit or copy them first, or use "
                                  "--force (it goes to the trash either way)", details=dirty)
        chosen.append((name, folder, dirty))
    removed = []
    for name, folder, dirty in chosen:
        item = None if req.flag("dry_run") else trash.put(
            config.scope.trash_dir, str(folder), skills.flat_name(
                os.path.relpath(folder, config.source)), "uninstall")
        removed.append({"name": name, "path": str(folder), "trash": item,
                        "uncommitted": len(dirty)})
    expired = [] if req.flag("dry_run") else trash.expire(config.scope.trash_dir,
                                                          config.trash_retention_days)
    return {"dry_run": req.flag("dry_run"), "removed": removed, "expired": len(expired)}


def cmd_update(req: Request) -> dict[str, Any]:
    """``update <name>… | --all``: fetch and fast-forward each tracked repo (never a merge),
    then audit the files that changed; a finding at or above the threshold rolls the repo
    back to where it was. Each repo succeeds or fails on its own."""
    config = _global(req, "update")
    names = req.texts("names")
    repos = _tracked(config)
    if req.flag("all") and names:
        raise UsageError("name tracked repos or use --all, not both")
    if req.flag("all"):
        names = list(repos)
    elif not names:
        raise UsageError("usage: skillshare update <name>... | --all")
    unknown = [n for n in names if n not in repos]
    if unknown:
        raise NotFoundError(f"no tracked repo named {', '.join(unknown)}",
                            hint=f"tracked repos: {', '.join(repos) or 'none'}")
    level = audit.threshold(req.text("threshold"), config.audit_threshold)
    rules = None if req.flag("skip_audit") else audit.load_rules(
        auditcmd.rule_files(req, config))
    results = []
    for name in names:
        try:
            results.append(_update_one(req, repos[name], name, rules, level))
        except SkillshareError as exc:
            results.append({"name": name, "status": "failed", "error": exc.message,
                            "hint": exc.hint, "details": exc.details})
    failed = sum(r["status"] in ("failed", "rolled back") for r in results)
    return {"dry_run": req.flag("dry_run"), "threshold": level, "repos": results,
            "summary": {"failed": failed}}


def _tracked(config: Config) -> dict[str, Path]:
    """The tracked repos: top folders named ``_…`` that hold a ``.git``."""
    if not config.source.is_dir():
        return {}
    return {e: config.source / e for e in sorted(os.listdir(config.source))
            if e.startswith("_") and (config.source / e / ".git").exists()}


def _update_one(req: Request, folder: Path, name: str, rules: list[audit.Rule] | None,
                level: str) -> dict[str, Any]:
    env = req.paths.env

    def git(*args: str, timeout: float = gitops.LOCAL_TIMEOUT) -> gitops.Result:
        return gitops.run(args, cwd=str(folder), env=env, timeout=timeout)

    dirty = _dirty(folder, env)
    if dirty and not req.flag("force"):
        raise SkillshareError(f"{name} has uncommitted changes; it was not updated",
                              hint="use --force to set them aside (git stash) and update",
                              details=dirty[:20])
    try:
        before = git("rev-parse", "HEAD").out.strip()
    except gitops.GitError as exc:  # fail closed: without it there is no way back
        raise SkillshareError(f"{name}: its current commit cannot be recorded, so it was "
                              f"not updated ({exc.message})") from None
    git("fetch", "--quiet", timeout=gitops.NETWORK_TIMEOUT)
    upstream = "@{u}"
    incoming = int(git("rev-list", "--count", f"HEAD..{upstream}").out.strip() or 0)
    result: dict[str, Any] = {"name": name, "before": before, "after": before,
                              "commits": incoming, "audit": None}
    if not incoming:
        return {**result, "status": "up to date"}
    if gitops.run(["merge-base", "--is-ancestor", "HEAD", upstream], cwd=str(folder),
                  env=env, check=False).code != 0:
        raise SkillshareError(f"{name} has local commits the remote does not have (the "
                              "histories diverged); it was not updated",
                              hint=f"sort it out in {folder} with git")
    if req.flag("dry_run"):
        return {**result, "status": "would update"}
    if dirty:  # --force: set aside, not lost (`git stash list` in the repo shows them)
        git("stash", "push", "--include-untracked", "--quiet", "-m",
            "set aside by skillshare update --force")
        result["stashed"] = len(dirty)
    git("merge", "--ff-only", "--quiet", upstream)
    after = git("rev-parse", "HEAD").out.strip()
    result["after"] = after
    if rules is not None:
        changed = [p for p in git("diff", "--name-only", "-z", before, after).out.split("\0")
                   if p and os.path.isfile(folder / p) and not os.path.islink(folder / p)]
        findings = [f for p in changed for f in audit.scan_file(str(folder / p), p, rules)]
        blocking = audit.blocking(findings, level)
        result["audit"] = {"files": len(changed), "findings": [f.to_dict() for f in findings],
                           "blocked": bool(blocking)}
        if blocking and not req.flag("force"):
            git("reset", "--hard", "--quiet", before)
            return {**result, "after": before, "status": "rolled back",
                    "error": f"{len(blocking)} findings at or above {level} in what changed",
                    "details": [f"{f.severity} {f.path}:{f.line} {f.rule}: {f.message}"
                                for f in blocking][:20]}
    return {**result, "status": "updated"}


def cmd_check(req: Request) -> dict[str, Any]:
    config = req.config()
    repos = []
    for entry in sorted(os.listdir(config.source)) if config.source.is_dir() else []:
        folder = config.source / entry
        if not (entry.startswith("_") and (folder / ".git").is_dir()):
            continue
        env = req.paths.env
        item: dict[str, Any] = {"name": entry, "path": str(folder)}
        try:
            gitops.run(["fetch", "--quiet"], cwd=str(folder), env=env,
                       timeout=gitops.NETWORK_TIMEOUT)
            counts = gitops.run(["rev-list", "--left-right", "--count", "HEAD...@{u}"],
                                cwd=str(folder), env=env).out.split()
            ahead, behind = (int(c) for c in counts)
            item.update(ahead=ahead, behind=behind,
                        status="behind" if behind else "up to date",
                        dirty=bool(_dirty(folder, env)))
        except SkillshareError as exc:
            item.update(status="error", error=exc.message)
        repos.append(item)
    return {"repos": repos, "behind": [r["name"] for r in repos if r.get("behind")],
            "summary": {"failed": sum(r["status"] == "error" for r in repos)}}
