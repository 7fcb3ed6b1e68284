"""``install``, in global and project mode (``update`` and ``check`` are in ``updatecmd``,
``uninstall`` in ``uninstallcmd``).

- ``install <url> --track``: clone a tracked repo (see ``tracked``), audited first.
- ``install <folder or repo>``: copy one skill, or each skill of a repo, into the source,
  audited first.
- ``install`` with no argument: re-create every recorded install that is not there (a new
  machine, a fresh clone of the project).

Every install is recorded (see ``installs``), so the next machine can re-create it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skillshared.catalog import places, skills
from skillshared.catalog.kinds import SKILL_FILE, SKILLS
from skillshared.commands import install_agents, install_pick, update_agents
from skillshared.commands.audit_accept import accept_forced
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.install_common import copy_in, failure, level_of
from skillshared.commands.install_common import gate as make_gate
from skillshared.commands.install_shape import add_original_fields
from skillshared.commands.request import Request
from skillshared.commands.results_agents import InstallAgentsResult
from skillshared.commands.results_install import (
    InstallCopyResult,
    InstallRecordedResult,
    InstallRepoResult,
    InstallResult,
    UpdateResult,
)
from skillshared.commands.updatecmd import cmd_update
from skillshared.core import progress
from skillshared.core.config import Config
from skillshared.core.config_records import SkillRecord
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.results_git import InstalledCopy, UpdateItem
from skillshared.engine import fsops
from skillshared.git import agent_records, install_versions, installs, sources, tracked
from skillshared.git.source_forms import Hosts

# -- install ----------------------------------------------------------------------------------


def cmd_install(req: Request) -> InstallResult | InstallAgentsResult | UpdateResult:
    started = time.monotonic()
    raw = req.text("source")
    result = _install(req)
    if req.flag("force") and not req.flag("dry_run"):
        _accept_forced(req, result)
    if raw:
        add_original_fields(result, raw, places.into(req.text("into")), started)
    result["daemon_syncs"] = daemon_syncs(req, req.scope())
    return result


def _accept_forced(req: Request, result: Any) -> None:
    """``--force`` past the audit: what it brought in is accepted as it is (``accepted``:
    the paths in the source), so the continuous audit does not hold it back."""
    items = result.get("installed", [result] if result.get("track") else [])
    forced = [i["path"] for i in items if (i.get("audit") or {}).get("blocked")]
    if forced:
        result["accepted"] = accept_forced(req, req.config(), forced)


def _install(req: Request) -> InstallResult | InstallAgentsResult | UpdateResult:
    config = req.config()
    raw = _from_cwd(req, req.text("source"))
    where = places.into(req.text("into"))
    kind = install_agents.kind_of(req)
    install_pick.check_flags(req, raw)
    branch = req.text("branch")
    sources.branch_args(branch)  # a bad branch is refused before anything is fetched
    records = installs.load(config)  # a damaged record file stops it before anything
    if raw and kind != "skill" and (kind == "agent" or not req.flag("track")):
        agent_records.load(config)  # (so does the agents' one, when agents may come)
    if not req.flag("dry_run"):
        fsops.remove_temps(config.source)  # what a killed install left
        if config.agents.is_dir():
            fsops.remove_temps(config.agents)
    if not raw:
        if req.flag("track") or req.text("name") is not None or where is not None:
            raise UsageError("usage: skillshare install <source> [--track] [--name N] "
                             "[--into DIR]", hint="with no source, `install` re-creates "
                                                  "what is recorded")
        return _install_recorded(req, config)
    record = None if os.path.exists(raw) else install_pick.recorded(records, raw)
    if record is not None and not req.flag("track"):
        return _install_by_name(req, config, record)
    if req.flag("track") and kind == "agent":
        return install_agents.install_repo(req, config, raw, req.text("name"), where,
                                           make_gate(req, config, level_of(req, config)),
                                           level_of(req, config))
    if req.flag("track"):
        if req.flag("update"):
            there = _tracked_there(config, raw, req.text("name"), where, req.paths.env)
            if there is not None:  # --update of a repo already tracked: a fast-forward
                return _update(req, there)
        return _install_repo(req, config, raw, req.text("name"), where, branch)
    if kind != "skill" and raw.endswith(".md") and os.path.isfile(raw):
        return _install_agent_file(req, config, raw, where)
    return _install_copy(req, config, raw, req.text("name"), where, branch=branch, kind=kind,
                         chosen=(req.text("skill"), req.text("exclude")))


def _install_agent_file(req: Request, config: Config, raw: str, where: str | None
                        ) -> InstallAgentsResult:
    """``install <file>.md``: that one agent (named after its file, or ``--name``)."""
    path = Path(os.path.abspath(raw))
    if path.is_symlink():
        raise UsageError(f"{raw} is a link; give the agent's file itself")
    folder = path.parent
    fetched = sources.Fetched(folder, folder, None, path.stem)
    found = [install_agents.Found(path.name, path)]
    return _agents_only(req, config, fetched, raw, req.text("name"), where, None, found,
                        level_of(req, config))


def _from_cwd(req: Request, raw: str | None) -> str | None:
    """A relative path to an existing folder (or agent file), read from where the command
    was given (the daemon runs elsewhere); anything else as it is."""
    if not raw or os.path.isabs(raw) or raw.startswith("~"):
        return raw
    here = os.path.normpath(req.paths.cwd / raw)
    found = os.path.isdir(here) or (here.endswith(".md") and os.path.lexists(here))
    return here if found else raw


def _install_repo(req: Request, config: Config, raw: str, given: str | None,
                  where: str | None, branch: str | None = None) -> InstallRepoResult:
    hosts = sources.hosts_for(config, req.paths.env)
    if not os.path.exists(raw) and sources.split_shorthand(raw, hosts)[1] is not None:
        raise UsageError(f"--track clones a whole repository; {raw!r} names a folder of one",
                         hint="track the repository, or install the folder without --track")
    url = sources.clone_url(raw, hosts)
    options = sources.branch_args(branch)
    name = sources.repo_name(url, given)
    dest = places.place(config.source, f"{where}/{name}" if where else name, "install path")
    if os.path.lexists(dest):
        raise SkillshareError(f"{dest} already exists", hint=f"update it with `skillshare "
                              f"update {name}`, or choose another --name")
    level = level_of(req, config)
    result: InstallRepoResult = {"name": name, "url": url, "path": str(dest), "track": True,
                                 "dry_run": req.flag("dry_run"), "threshold": level,
                                 "audit": None, "skills": []}
    if req.flag("dry_run"):
        return result
    result["audit"] = tracked.clone(config, url, dest, req.paths.env,
                                    make_gate(req, config, level), options)["audit"]
    installs.put(config, [SkillRecord(name, raw, True, where, branch=branch)])
    install_versions.stamp(config, {f"{where}/{name}" if where else name:
                                    installs.repo_stamp(dest, req.paths.env)})
    found = [s.flat_name for s in skills.discover(config.source).skills
             if s.path == str(dest) or s.path.startswith(str(dest) + os.sep)]
    result["skills"] = found
    return result


def _install_copy(req: Request, config: Config, raw: str, given: str | None,
                  where: str | None, subdir: str | None = None,
                  branch: str | None = None, kind: str | None = None,
                  chosen: tuple[str | None, str | None] = (None, None)
                  ) -> InstallCopyResult | InstallAgentsResult:
    """Copy one skill (or each skill of a repo) into the source, audited first, and record
    where it came from. ``subdir``: only the skill in this folder of what ``raw`` names;
    ``branch``: the branch of the repository to take it from. ``kind``: skills or agents
    only (None: what the source holds; see ``install_agents``)."""
    level = level_of(req, config)
    if where is not None:
        places.place(config.source, where, "--into")
    origin = os.path.abspath(raw) if os.path.isdir(raw) else raw
    dry_run = req.flag("dry_run")
    gate = make_gate(req, config, level)
    with sources.fetched(config, raw, req.paths.env, subdir, branch) as fetched:
        root, url, folder = fetched.folder, fetched.url, fetched.base
        has_skills = SKILLS.is_unit(root) or bool(skills.discover(root).skills)
        found = [] if kind == "skill" else install_agents.discover(root, has_skills,
                                                                   kind == "agent")
        if kind == "agent" or (found and not has_skills):
            return _agents_only(req, config, fetched, raw, given, where, branch, found, level)
        if req.text("agent"):  # -s with -a: only the agents -a names, each one found
            found = install_agents.pick(found, req.text("agent"), url or str(root))
        agent_plans = install_agents.plan(config, found, None, where, req.flag("force"),
                                          gate)
        plans = []
        found_skills = _pick_skills(root, given, fetched.name, url or str(root))
        if chosen != (None, None):
            found_skills = install_pick.choose(found_skills, *chosen, url or str(root))
        _one_each(found_skills, root, url or str(root))
        recorded = {r.rel: r for r in installs.load(config)}
        hosts = sources.hosts_for(config, req.paths.env)
        skipped: list[str] = []
        for at, (name, path) in enumerate(found_skills):
            progress.report("auditing", None, at, len(found_skills), name)
            dest = places.place(config.source, f"{where}/{name}" if where else name,
                                "install path")
            inner = os.path.relpath(path, folder)
            record = SkillRecord(name, origin, False, where,
                                 None if inner == "." else Path(inner).as_posix(), branch)
            if os.path.lexists(dest) and not (req.flag("force") or req.flag("update")):
                if url is not None and _same_origin(recorded.get(record.rel), record, hosts):
                    skipped.append(record.rel)  # already installed from there
                    continue
                raise _exists(dest, recorded.get(record.rel))
            report = None if gate is None else gate.check(path)
            plans.append((record, path, dest, report))
        items: list[InstalledCopy] = []
        stamps = {}
        for at, (record, path, dest, report) in enumerate(plans):
            progress.report("installing", None, at, len(plans), record.name)
            item: InstalledCopy = {"name": record.name, "path": str(dest), "audit": report,
                                   "trashed": None}
            if not dry_run:
                item["trashed"] = copy_in(config, path, dest)
                stamps[record.rel] = installs.stamp(
                    fetched._replace(folder=path), dest, req.paths.env)
            items.append(item)
        if not dry_run:
            installs.put(config, [record for record, *_ in plans], stamps)
        result: InstallCopyResult = {"url": url or origin, "dry_run": dry_run, "track": False,
                                     "threshold": level, "installed": items,
                                     "skills": [i["name"] for i in items]}
        if skipped:
            result["skipped"] = skipped
        if agent_plans:
            result["agents"] = install_agents.install(req, config, agent_plans, fetched, raw,
                                                      branch)
    return result


def _same_origin(old: SkillRecord | None, new: SkillRecord, hosts: Hosts) -> bool:
    """Whether ``old`` came from the very folder of the very repository ``new`` names, however
    each was written (``owner/repo/skills/pdf`` and ``owner/repo`` with ``skills/pdf``)."""
    if old is None or old.tracked != new.tracked:
        return False
    if (old.source, old.subdir) == (new.source, new.subdir):
        return True
    where = _origin(old, hosts)
    return where is not None and where == _origin(new, hosts)


def _origin(record: SkillRecord, hosts: Hosts) -> tuple[str, str] | None:
    """(the repository's address, the skill's folder in it) of a record; None when its
    source is no repository address."""
    if os.path.isabs(record.source) or record.source.startswith("~"):
        return None
    try:
        url, inner = sources.resolve(record.source, hosts)
    except SkillshareError:
        return None
    folder = "/".join(p.strip("/") for p in (inner, record.subdir) if p)
    return url.rstrip("/").removesuffix(".git"), folder


def _exists(dest: Path, old: SkillRecord | None) -> SkillshareError:
    came = f" (it was installed from {old.source})" if old is not None else ""
    return SkillshareError(f"{dest} already exists; nothing was installed{came}",
                           hint="use --force to replace it (the old one goes to the trash)")


def _agents_only(req: Request, config: Config, fetched: sources.Fetched, raw: str,
                 given: str | None, where: str | None, branch: str | None,
                 found: list[install_agents.Found], level: str) -> InstallAgentsResult:
    """``install`` of the agents of a source (``--kind agent``, or a source of agents)."""
    shown = fetched.url or str(fetched.folder)
    chosen = install_agents.pick(found, req.text("agent"), shown)
    planned = install_agents.plan(config, chosen, given, where, req.flag("force"),
                                  make_gate(req, config, level))
    done = install_agents.install(req, config, planned, fetched, raw, branch)
    return {"kind": "agents", "url": shown, "dry_run": req.flag("dry_run"), "track": False,
            "threshold": level, "agents": done}


def _pick_skills(folder: Path, name: str | None, natural: str, shown: str
                 ) -> list[tuple[str, Path]]:
    """(name in the source, folder) of each skill to install: ``folder`` itself when it is a
    skill (named ``--name``, or after its folder or repository), else each skill in it."""
    if SKILLS.is_unit(folder):
        chosen = name or natural
        problem = ("it must be one folder name" if "/" in chosen
                   else places.path_problem(chosen))
        if problem:
            raise UsageError(f"invalid skill name {chosen!r}: {problem}",
                             hint="choose one with --name")
        return [(chosen, folder)]
    found = skills.discover(folder)
    if not found.skills:
        raise NotFoundError(f"no skill (a folder with a {SKILL_FILE}) in {shown}")
    if name is not None:
        raise UsageError("--name goes with a single skill; this holds "
                         f"{len(found.skills)}")
    # each is named after its own folder, as the original names them (skills/pdf -> pdf)
    return [(Path(s.path).name, Path(s.path)) for s in found.skills]


def _one_each(picked: list[tuple[str, Path]], root: Path, shown: str) -> None:
    """Two chosen skills of one folder name would land on one place: refused, naming both."""
    seen: dict[str, Path] = {}
    for name, path in picked:
        if name in seen:
            both = ", ".join(os.path.relpath(p, root) for p in (seen[name], path))
            raise UsageError(f"{shown} holds several skills named {name!r} ({both}); "
                             "nothing was installed",
                             hint="pick one with -s, or install its folder (<source>/<path>)")
        seen[name] = path


def _install_recorded(req: Request, config: Config) -> InstallRecordedResult:
    """``install`` with no source: re-create each recorded install that is not there."""
    items: list[UpdateItem] = []
    for record in installs.load(config):
        if os.path.lexists(config.source / record.rel):
            items.append({"name": record.rel, "status": "present"})
            continue
        done: InstallRepoResult | InstallCopyResult
        try:
            if record.tracked:
                done = _install_repo(req, config, record.source, record.name, record.into,
                                     record.branch)
            else:
                done = _copies(_install_copy(req, config, record.source, record.name,
                                             record.into, record.subdir, record.branch,
                                             kind="skill"))
        except SkillshareError as exc:
            items.append(failure(record.rel, exc, source=record.source))
            continue
        status = "would install" if req.flag("dry_run") else "installed"
        items.append({"name": record.rel, "status": status, "source": record.source,
                      "tracked": record.tracked, "skills": done["skills"]})
    result: InstallRecordedResult = {
        "recorded": True, "dry_run": req.flag("dry_run"), "items": items,
        "summary": {"failed": sum(i["status"] == "failed" for i in items)}}
    try:
        level = level_of(req, config)
        agents = update_agents.recreate(req, config, make_gate(req, config, level), level)
    except SkillshareError as exc:  # the agents' record file: the skills are still done
        agents = [failure("agents", exc)]
    if agents:
        result["agents"] = agents
        result["summary"]["failed"] += sum(i["status"] == "failed" for i in agents)
    return result


def _tracked_there(config: Config, raw: str, given: str | None, where: str | None,
                   env: Mapping[str, str]) -> str | None:
    """The path of the tracked repo ``install --track`` of ``raw`` would make, when it is
    already there."""
    name = sources.repo_name(sources.clone_url(raw, sources.hosts_for(config, env)), given)
    rel = f"{where}/{name}" if where else name
    return rel if rel in tracked.repos(config.source) else None


def _update(req: Request, rel: str) -> UpdateResult:
    """``update <rel>`` with this command's flags (``install --update``)."""
    return cmd_update(Request(req.paths, {**req.args, "names": [rel], "all": False,
                                          "group": []}, req.daemon))


def _install_by_name(req: Request, config: Config, record: SkillRecord
                     ) -> InstallRecordedResult | UpdateResult:
    """``install <name>`` of a recorded install: re-created when it is not there; when it
    is, updated with ``--update`` (as ``update <name>``), else left as it is."""
    present = os.path.lexists(config.source / record.rel)
    if present and req.flag("update"):
        return _update(req, record.rel)
    if present:
        items: list[UpdateItem] = [{"name": record.rel, "status": "skipped",
                                    "source": record.source, "tracked": record.tracked,
                                    "hint": "already installed from there; --update fetches "
                                            "it again"}]
        return {"recorded": True, "dry_run": req.flag("dry_run"), "items": items,
                "summary": {"failed": 0}}
    done: InstallRepoResult | InstallCopyResult
    if record.tracked:
        done = _install_repo(req, config, record.source, record.name, record.into,
                             record.branch)
    else:
        done = _copies(_install_copy(req, config, record.source, record.name, record.into,
                                     record.subdir, record.branch, kind="skill"))
    status = "would install" if req.flag("dry_run") else "installed"
    return {"recorded": True, "dry_run": req.flag("dry_run"), "summary": {"failed": 0},
            "items": [{"name": record.rel, "status": status, "source": record.source,
                       "tracked": record.tracked, "skills": done["skills"]}]}


def _copies(result: InstallCopyResult | InstallAgentsResult) -> InstallCopyResult:
    """The result of an install of skills (``kind="skill"`` gives no other)."""
    if "kind" in result:
        raise SkillshareError("expected skills, found agents")
    return result
