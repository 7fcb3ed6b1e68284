"""``install``, ``update``, ``uninstall`` and ``check`` (SPEC §8, seed 003), in global and
project mode.

- ``install <url> --track``: clone a tracked repo (see ``tracked``), audited first.
- ``install <folder or repo>``: copy one skill, or each skill of a repo, into the source,
  audited first.
- ``install`` with no argument: re-create every recorded install that is not there (a new
  machine, a fresh clone of the project).
- ``update``: fast-forward tracked repos and re-install copied skills from where they came
  from, each audit-gated; ``check`` says which are behind without changing anything.
- ``uninstall``: to the trash, with its record and .gitignore line.

Every install is recorded (see ``installs``), so the next machine can re-create it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.catalog import skills
from skillshared.commands import auditcmd
from skillshared.core.config import Config
from skillshared.core.config_records import SkillRecord
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.engine import fsops, trees
from skillshared.engine.trees import SKIP_GIT
from skillshared.git import audit, gitops, installs, tracked
from skillshared.store import trash

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def _level(req: Request, config: Config) -> str:
    return audit.threshold(req.text("threshold"), config.audit_threshold)


def _failure(name: str, exc: SkillshareError, **extra: Any) -> dict[str, Any]:
    return {"name": name, **extra, "status": "failed", "error": exc.message, "hint": exc.hint,
            "details": exc.details}


# -- install ----------------------------------------------------------------------------------


def cmd_install(req: Request) -> dict[str, Any]:
    config = req.config()
    raw = req.text("source")
    where = installs.into(req.text("into"))
    installs.load(config)  # a damaged record file stops it before anything is fetched
    if not req.flag("dry_run"):
        fsops.remove_temps(config.source)  # what a killed install left
    if not raw:
        if req.flag("track") or req.text("name") is not None or where is not None:
            raise UsageError("usage: skillshare install <source> [--track] [--name N] "
                             "[--into DIR]", hint="with no source, `install` re-creates "
                                                  "what is recorded")
        return _install_recorded(req, config)
    if req.flag("track"):
        return _install_repo(req, config, raw, req.text("name"), where)
    return _install_copy(req, config, raw, req.text("name"), where)


def _install_repo(req: Request, config: Config, raw: str, given: str | None,
                  where: str | None, branch: str | None = None) -> dict[str, Any]:
    url = installs.clone_url(raw)
    options = installs.branch_args(branch)
    name = installs.repo_name(url, given)
    dest = installs.place(config.source, f"{where}/{name}" if where else name, "install path")
    if os.path.lexists(dest):
        raise SkillshareError(f"{dest} already exists", hint=f"update it with `skillshare "
                              f"update {name}`, or choose another --name")
    level = _level(req, config)
    result: dict[str, Any] = {"name": name, "url": url, "path": str(dest), "track": True,
                              "dry_run": req.flag("dry_run"), "threshold": level,
                              "audit": None, "skills": []}
    if req.flag("dry_run"):
        return result
    result.update(tracked.clone(req, config, url, dest, level, options))
    installs.put(config, [SkillRecord(name, raw, True, where, branch=branch)])
    found = [s.flat_name for s in skills.discover(config.source).skills
             if s.path == str(dest) or s.path.startswith(str(dest) + os.sep)]
    return {**result, "skills": found}


def _install_copy(req: Request, config: Config, raw: str, given: str | None,
                  where: str | None, subdir: str | None = None,
                  branch: str | None = None) -> dict[str, Any]:
    """Copy one skill (or each skill of a repo) into the source, audited first, and record
    where it came from. ``subdir``: only the skill in this folder of what ``raw`` names;
    ``branch``: the branch of the repository to take it from."""
    level = _level(req, config)
    if where is not None:
        installs.place(config.source, where, "--into")
    origin = os.path.abspath(raw) if os.path.isdir(raw) else raw
    dry_run = req.flag("dry_run")
    with installs.fetched(config, raw, req.paths.env, subdir, branch) as fetched:
        root, url, folder = fetched.folder, fetched.url, fetched.base
        plans = []
        for name, path in _pick_skills(root, given, fetched.name, url or str(root)):
            dest = installs.place(config.source, f"{where}/{name}" if where else name,
                                  "install path")
            if os.path.lexists(dest) and not req.flag("force"):
                raise SkillshareError(f"{dest} already exists; nothing was installed",
                                      hint="use --force to replace it (the old one goes to "
                                           "the trash)")
            report = None if req.flag("skip_audit") else tracked.audit_folder(
                req, config, path, level)
            inner = os.path.relpath(path, folder)
            plans.append((SkillRecord(name, origin, False, where,
                                      None if inner == "." else Path(inner).as_posix(),
                                      branch), path, dest, report))
        items = []
        stamps = {}
        for record, path, dest, report in plans:
            item = {"name": record.name, "path": str(dest), "audit": report, "trashed": None}
            if not dry_run:
                item["trashed"] = _copy_in(config, path, dest)
                stamps[record.rel] = installs.stamp(
                    fetched._replace(folder=path), dest, req.paths.env)
            items.append(item)
        if not dry_run:
            installs.put(config, [record for record, *_ in plans], stamps)
    return {"url": url or origin, "dry_run": dry_run, "track": False, "threshold": level,
            "skills": items}


def _pick_skills(folder: Path, name: str | None, natural: str, shown: str
                 ) -> list[tuple[str, Path]]:
    """(name in the source, folder) of each skill to install: ``folder`` itself when it is a
    skill (named ``--name``, or after its folder or repository), else each skill in it."""
    if (folder / skills.SKILL_FILE).is_file():
        chosen = name or natural
        problem = ("it must be one folder name" if "/" in chosen
                   else installs.path_problem(chosen))
        if problem:
            raise UsageError(f"invalid skill name {chosen!r}: {problem}",
                             hint="choose one with --name")
        return [(chosen, folder)]
    found = skills.discover(folder)
    if not found.skills:
        raise NotFoundError(f"no skill (a folder with a {skills.SKILL_FILE}) in {shown}")
    if name is not None:
        raise UsageError("--name goes with a single skill; this holds "
                         f"{len(found.skills)}")
    return [(s.flat_name, Path(s.path)) for s in found.skills]


def _copy_in(config: Config, src: Path, dest: Path) -> str | None:
    """Copy a skill into the source (checked, then renamed in place); an existing one goes
    to the trash first. Returns that trash item."""
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, dest.name)
    try:
        try:
            made = fsops.copy_tree(str(src), str(temp), SKIP_GIT, durable=True,
                                   limits=config.limits)
        except trees.TooLarge as exc:
            raise SkillshareError(f"{src} is too large to install: it {exc.why}; nothing was "
                                  "installed", hint="raise the limit in the config's "
                                  "`limits:` if you trust it") from None
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
        tracked.remove_clone(temp)


def _install_recorded(req: Request, config: Config) -> dict[str, Any]:
    """``install`` with no source: re-create each recorded install that is not there."""
    items: list[dict[str, Any]] = []
    for record in installs.load(config):
        if os.path.lexists(config.source / record.rel):
            items.append({"name": record.rel, "status": "present"})
            continue
        try:
            if record.tracked:
                done = _install_repo(req, config, record.source, record.name, record.into,
                                     record.branch)
            else:
                done = _install_copy(req, config, record.source, record.name, record.into,
                                     record.subdir, record.branch)
        except SkillshareError as exc:
            items.append(_failure(record.rel, exc, source=record.source))
            continue
        status = "would install" if req.flag("dry_run") else "installed"
        items.append({"name": record.rel, "status": status, "source": record.source,
                      "tracked": record.tracked, "skills": done["skills"]})
    return {"recorded": True, "dry_run": req.flag("dry_run"), "items": items,
            "summary": {"failed": sum(i["status"] == "failed" for i in items)}}


# -- update and check -------------------------------------------------------------------------

_REF = re.compile(r"^[0-9a-f]{40,64}$")
FAILED = ("failed", "rolled back", "blocked")  # the item statuses that make `update` fail


def _accepted(req: Request) -> dict[str, str]:
    """``accept``: ``name@commit`` (or ``name@digest``) of blocked updates the user chose to
    keep, at the prompt on a terminal; only exactly that version is kept."""
    accepted = {}
    for item in req.texts("accept"):
        name, _, ref = item.rpartition("@")
        if not name or not _REF.match(ref):
            raise UsageError(f"invalid accept {item!r}: it must be name@<commit or digest>")
        accepted[name] = ref
    return accepted


def _updatable(config: Config) -> tuple[dict[str, Path], dict[str, SkillRecord],
                                        list[SkillRecord]]:
    """The tracked repos, the copied skills with a record, and recorded repos not there."""
    repos = tracked.repos(config.source)
    records = installs.load(config)
    copies = {r.rel: r for r in records if not r.tracked}
    missing = [r for r in records if r.tracked and r.rel not in repos]
    return repos, copies, missing


def _missing(record: SkillRecord) -> dict[str, Any]:
    return {"name": record.rel, "kind": "repo" if record.tracked else "skill",
            "status": "missing", "source": record.source,
            "error": "it is recorded as installed but is not in the source",
            "hint": "run `skillshare install` (no argument) to re-create it"}


def cmd_update(req: Request) -> dict[str, Any]:
    """``update <name>… | --all``: tracked repos fast-forward, copied skills are installed
    again from where they came from; each is audited and succeeds or fails on its own."""
    config = req.config()
    names = req.texts("names")
    if req.flag("all") and names:
        raise UsageError("name tracked repos or skills, or use --all, not both")
    if not (names or req.flag("all")):
        raise UsageError("usage: skillshare update <name>... | --all")
    if not req.flag("dry_run"):
        fsops.remove_temps(config.source)  # what a killed update left
    repos, copies, missing = _updatable(config)
    kind = req.text("kind")
    if kind not in (None, "repo", "skill"):
        raise UsageError(f"invalid kind {kind!r}: it must be repo or skill")
    if kind == "repo":  # the daemon's job: tracked repos only
        copies = {}
    elif kind == "skill":
        repos, missing = {}, []
    known: dict[str, Any] = {**copies, **repos}
    chosen = list(known) if req.flag("all") else [
        tracked.resolve(known, n, "tracked repo or installed skill") for n in names]
    accepted = _accepted(req)
    level = _level(req, config)
    rules = None if req.flag("skip_audit") else auditcmd.user_rules(req, config)
    items = []
    for key in dict.fromkeys(chosen):
        try:
            if key in repos:
                items.append(tracked.update_repo(req, repos[key], key, rules, level,
                                                 accepted.get(key)))
                if items[-1]["status"] == "updated":
                    installs.rehash_repo(config, key, repos[key])
            else:
                items.append(_update_copy(req, config, copies[key], rules, level,
                                          accepted.get(key)))
        except SkillshareError as exc:
            items.append(_failure(key, exc, kind="repo" if key in repos else "skill"))
    if req.flag("all"):
        items += [_missing(r) for r in missing]
    failed = sum(i["status"] in FAILED for i in items)
    return {"dry_run": req.flag("dry_run"), "threshold": level, "items": items,
            "summary": {"failed": failed}}


def _update_copy(req: Request, config: Config, record: SkillRecord,
                 rules: list[audit.Rule] | None, level: str, accept: str | None
                 ) -> dict[str, Any]:
    """Install a copied skill again from its origin if that changed; audited, and the old
    version goes to the trash. A blocked version is not installed (unless ``--force``, or
    the user accepted exactly that version)."""
    dest = installs.place(config.source, record.rel, "recorded path")
    result: dict[str, Any] = {"name": record.rel, "kind": "skill", "source": record.source,
                              "audit": None}
    if not dest.is_dir():
        return {**result, **_missing(record)}
    with installs.fetched(config, record.source, req.paths.env, record.subdir,
                          record.branch) as fetched:
        skill = fetched.folder
        if not (skill / skills.SKILL_FILE).is_file():
            return {**result, "status": "stale",
                    "error": f"{record.source} no longer holds it"}
        new = trees.digest(str(skill), SKIP_GIT)
        if new == trees.digest(str(dest), SKIP_GIT):
            return {**result, "status": "up to date"}
        if req.flag("dry_run"):
            return {**result, "status": "would update"}
        if rules is not None:
            findings, files = audit.scan_tree(str(skill), rules)
            blocking = audit.blocking(findings, level)
            result["audit"] = tracked.audit_report(findings, files, level)
            if blocking and not (req.flag("force") or accept == new):
                return {**result, "status": "blocked", "blocked_at": new,
                        "error": f"{tracked.count(blocking)} at or above {level} in the new "
                                 "version; the installed one was kept",
                        "details": tracked.blocked_details(findings, level)}
        trashed = _copy_in(config, skill, dest)
        installs.restamp(config, {record.rel: installs.stamp(fetched, dest, req.paths.env)})
        return {**result, "status": "updated", "trashed": trashed}


def cmd_check(req: Request) -> dict[str, Any]:
    """Which tracked repos are behind and which copied skills changed at their origin;
    only fetches (into temp folders), never changes the source."""
    config = req.config()
    env = req.paths.env
    repos, copies, missing = _updatable(config)
    found: list[dict[str, Any]] = []
    for key, folder in repos.items():
        item: dict[str, Any] = {"name": key, "kind": "repo", "path": str(folder)}
        try:
            item.update(tracked.check_repo(folder, env))
        except SkillshareError as exc:
            item.update(status="error", error=exc.message)
        found.append(item)
    for record in copies.values():
        item = {"name": record.rel, "kind": "skill", "source": record.source}
        try:
            item.update(_check_copy(config, record, env))
        except SkillshareError as exc:
            item.update(status="error", error=exc.message)
        found.append(item)
    found += [_missing(r) for r in missing]
    return {"items": found,
            "behind": [i["name"] for i in found if i["status"] in ("behind", "update available")],
            "summary": {"failed": sum(i["status"] == "error" for i in found)}}


def _check_copy(config: Config, record: SkillRecord, env: Any) -> dict[str, Any]:
    dest = installs.place(config.source, record.rel, "recorded path")
    if not dest.is_dir():
        return {"status": "missing"}
    with installs.fetched(config, record.source, env, record.subdir, record.branch) as fetched:
        skill = fetched.folder
        if not (skill / skills.SKILL_FILE).is_file():
            return {"status": "stale"}
        same = trees.digest(str(skill), SKIP_GIT) == trees.digest(str(dest), SKIP_GIT)
        return {"status": "up to date" if same else "update available"}


# -- uninstall --------------------------------------------------------------------------------


def _find(config: Config, repos: dict[str, Path], by_flat: dict[str, str], name: str) -> Path:
    """What ``uninstall <name>`` means: a tracked repo (its path, or its name with or without
    ``_``), or a skill (its flat name or its path in the source)."""
    if ".." not in name.split("/") and not name.startswith("/"):
        if name in repos:
            return repos[name]
        path = by_flat.get(name) or by_flat.get(skills.flat_name(name))
        if path:
            return Path(path)
        if repos:
            try:
                return repos[tracked.resolve(repos, name)]
            except NotFoundError:
                pass
    raise NotFoundError(f"nothing named '{name}' in {config.source}",
                        hint="see `skillshare list` (tracked repos are `_name`)")


def cmd_uninstall(req: Request) -> dict[str, Any]:
    config = req.config()
    names = req.texts("names")
    if not names:
        raise UsageError("usage: skillshare uninstall <name>...")
    repos = tracked.repos(config.source)
    by_flat = {s.flat_name: s.path for s in skills.discover(config.source).skills}
    absent = {r.rel: r for r in installs.load(config)
              if not os.path.lexists(config.source / r.rel)}
    chosen, forgotten = [], []
    for name in names:
        try:
            folder = _find(config, repos, by_flat, name)
        except NotFoundError:
            if not absent:
                raise
            forgotten.append(tracked.resolve(absent, name, "installed skill or repo"))
            continue
        try:
            changes = tracked.dirty(folder, req.paths.env)
        except gitops.GitError as exc:  # a damaged repository: it can still go to the trash
            if not req.flag("force"):
                raise SkillshareError(f"{name}: its git state cannot be read ({exc.message}), "
                                      "so uncommitted changes cannot be ruled out; nothing was "
                                      "uninstalled", hint="use --force to move it to the "
                                      "trash as it is") from None
            changes = []
        if changes and not req.flag("force"):
            many = "s" if len(changes) != 1 else ""
            raise SkillshareError(f"{name} has {len(changes)} uncommitted change{many}; "
                                  "nothing was uninstalled", hint="commit or copy them first, "
                                  "or use --force (it goes to the trash either way)",
                                  details=changes)
        chosen.append((name, folder, Path(os.path.relpath(folder, config.source)).as_posix(),
                       changes))
    removed = []
    dry_run = req.flag("dry_run")
    for name, folder, rel, changes in chosen:
        item = None if dry_run else trash.put(config.scope.trash_dir, str(folder),
                                              skills.flat_name(rel), "uninstall")
        removed.append({"name": name, "path": str(folder), "trash": item,
                        "uncommitted": len(changes)})
    if not dry_run:
        installs.drop(config, [*(rel for _, _, rel, _ in chosen), *forgotten])
    expired = [] if dry_run else trash.expire(config.scope.trash_dir,
                                              config.trash_retention_days)
    return {"dry_run": dry_run, "removed": removed, "forgotten": forgotten,
            "expired": len(expired)}
