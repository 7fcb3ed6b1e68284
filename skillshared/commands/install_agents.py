"""The agents of an ``install``: found in what a source names as the original skillshare
finds them, audited, copied into the agents source, and recorded
(:mod:`skillshared.git.agent_records`).

Which files are agents: the ``.md`` files of an ``agents/`` folder at the top of the source
(a repository with skills and an ``agents/`` folder brings both); without one, the ``.md``
files of the whole source when it holds no skill (a repository of agents), or with
``--kind agent``. Hidden files and folders, ``.git``, links, folders that are skills and
the conventional files (``README.md``, ``LICENSE.md``, …) are left out. An agent keeps its
path below where it was found (``agents/team/lint.md`` goes to ``team/lint.md``), under
``--into`` when given.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.audit.findings import blocking
from skillshared.audit.gate import Gate, audit_report, blocked_details, count
from skillshared.audit.scan import scan_file
from skillshared.catalog import places
from skillshared.catalog.agents import EXCLUDED, name_problem
from skillshared.catalog.kinds import AGENTS, SKILLS
from skillshared.commands import agentfiles
from skillshared.commands.results_agents import InstallAgentsResult, InstalledAgent
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.results_git import AuditReport
from skillshared.engine import fsops
from skillshared.git import gitops, sources, tracked
from skillshared.git.agent_records import AgentRecord, put
from skillshared.git.sources import Fetched

if TYPE_CHECKING:
    from skillshared.commands.request import Request

CONVENTION = "agents"  # the folder of a repository that holds its agents
KINDS = {"skill": "skill", "skills": "skill", "agent": "agent", "agents": "agent"}


@dataclass(frozen=True)
class Found:
    rel: str  # below where it was found (``team/lint.md``)
    path: Path  # the file in what was fetched


@dataclass(frozen=True)
class Planned:
    found: Found
    dest_rel: str  # its path in the agents source
    dest: Path
    replaces: str | None
    data: bytes
    audit: AuditReport | None


def kind_of(req: Request) -> str | None:
    """``--kind``: skill or agent (None: both, as the source holds them). Without it, as the
    original reads the flags: ``-a`` alone means agents only, ``-s`` alone skills only (a
    mixed repository's agents are not pulled in), both mean the named ones of each."""
    raw = req.text("kind")
    if raw is None:
        if req.text("agent"):
            return None if req.text("skill") is not None else "agent"
        return "skill" if req.text("skill") is not None else None
    kind = KINDS.get(raw.lower())
    if kind is None:
        raise UsageError(f"invalid --kind {raw!r}: it must be 'skill' or 'agent'")
    if kind == "skill" and req.text("agent"):
        raise UsageError("-a names agents; it does not go with --kind skill")
    return kind


def discover(root: Path, has_skills: bool, only_agents: bool) -> list[Found]:
    """The agents in ``root`` (see the module's note)."""
    convention = root / CONVENTION
    if convention.is_dir() and not convention.is_symlink():
        return _scan(convention)
    if has_skills and not only_agents:
        return []
    return _scan(root)


def _scan(top: Path) -> list[Found]:
    found: list[Found] = []
    for folder, dirs, files in os.walk(top):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (here / d).is_symlink() and not SKILLS.is_unit(here / d))
        for name in sorted(files):
            path = here / name
            if (name.startswith(".") or not name.endswith(AGENTS.marker) or name in EXCLUDED
                    or path.is_symlink() or not path.is_file()):
                continue
            found.append(Found(path.relative_to(top).as_posix(), path))
    return found


def pick(found: list[Found], wanted: str | None, shown: str) -> list[Found]:
    """The agents ``-a`` names (comma-separated, by file name without ``.md``); every
    name must be found."""
    if not found:
        raise NotFoundError(f"no agent (a .md file) in {shown}")
    if not wanted:
        return found
    names = [n.strip() for n in wanted.split(",") if n.strip()]
    by_name = {f.rel.rsplit("/", 1)[-1].removesuffix(AGENTS.marker): f for f in found}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise NotFoundError(f"agents not found: {', '.join(missing)}; nothing was installed",
                            hint=f"{shown} holds: {', '.join(sorted(by_name))}")
    return [by_name[n] for n in dict.fromkeys(names)]


def plan(config: Config, found: list[Found], given: str | None, where: str | None,
         force: bool, gate: Gate | None) -> list[Planned]:
    """Each agent checked (its name and place), read and audited; a SkillshareError before
    anything is written when one cannot be installed."""
    if given is not None and len(found) != 1:
        raise UsageError(f"--name goes with a single agent; this holds {len(found)}")
    rules = gate.rules if gate is not None else None
    planned = []
    for item in found:
        rel = f"{given}{AGENTS.marker}" if given is not None else item.rel
        dest_rel = f"{where}/{rel}" if where else rel
        problem = ("it must be one file name" if given is not None and "/" in given
                   else name_problem(dest_rel))
        if problem:
            raise UsageError(f"invalid agent name {dest_rel!r}: {problem}",
                             hint="choose one with --name")
        dest = places.place(config.agents, dest_rel, "install path")
        if os.path.lexists(dest) and not dest.is_file():
            raise SkillshareError(f"{dest} is in the way and is not a file; nothing was "
                                  "installed", hint="move it away first")
        if os.path.lexists(dest) and not force:
            raise SkillshareError(f"{dest} already exists; nothing was installed",
                                  hint="use --force to replace it (the old one goes to the "
                                       "trash)")
        data = agentfiles.read_agent(item.path)
        report = None
        if gate is not None and rules is not None:
            findings = scan_file(str(item.path), item.rel, rules)
            report = audit_report(findings, 1, gate.level)
            above = blocking(findings, gate.level)
            if above and not gate.force:
                raise SkillshareError(f"blocked by the security audit: {count(above)} at or "
                                      f"above {gate.level} in {item.rel}; nothing was "
                                      "installed", hint="read them; --force installs anyway, "
                                                        "-T sets the level",
                                      details=blocked_details(findings, gate.level))
        planned.append(Planned(item, dest_rel, dest,
                               str(dest) if os.path.lexists(dest) else None, data, report))
    return planned


def install(req: Request, config: Config, planned: list[Planned], fetched: Fetched, raw: str,
            branch: str | None) -> list[InstalledAgent]:
    """Copy the planned agents in (unless ``--dry-run``), recording each as it lands."""
    version = _commit(fetched, req)
    done: list[InstalledAgent] = []
    for item in planned:
        record = _record(item, fetched, raw, branch, version)
        entry: InstalledAgent = {"name": item.dest_rel.removesuffix(AGENTS.marker),
                                 "path": str(item.dest), "source": record.source,
                                 "audit": item.audit, "trashed": None}
        if not req.flag("dry_run"):
            entry["trashed"] = agentfiles.put_agent(config, item.data, item.dest,
                                                    item.replaces, item.dest_rel,
                                                    "replaced by install")
            put(config, [record])  # each as it lands: what is there is recorded
        done.append(entry)
    return done


def install_repo(req: Request, config: Config, raw: str, given: str | None,
                 where: str | None, gate: Gate | None, level: str) -> InstallAgentsResult:
    """``install <repo> --track --kind agent``: clone it into the agents source as ``_name``
    (audited whole first, as a tracked repo of skills is) and record it."""
    branch = None
    url = sources.clone_url(raw, sources.hosts_for(config, req.paths.env))
    name = sources.repo_name(url, given)
    rel = f"{where}/{name}" if where else name
    dest = places.place(config.agents, rel, "install path")
    if os.path.lexists(dest):
        raise SkillshareError(f"{dest} already exists", hint=f"update it with `skillshare "
                              f"update agents {name}`, or choose another --name")
    result: InstallAgentsResult = {"kind": "agents", "url": url, "dry_run": req.flag("dry_run"),
                                   "track": True, "threshold": level, "agents": [],
                                   "path": str(dest), "audit": None}
    if req.flag("dry_run"):
        return result
    fsops.makedirs(config.agents)
    beside = dataclasses.replace(config, source=config.agents)  # the clone is made beside it
    result["audit"] = tracked.clone(beside, url, dest, req.paths.env, gate,
                                    sources.branch_args(branch))["audit"]
    put(config, [AgentRecord(rel, raw, branch=branch, tracked=True)])
    for found in _scan(dest):
        agent_rel = f"{rel}/{found.rel}"
        result["agents"].append({"name": agent_rel.removesuffix(AGENTS.marker),
                                 "path": str(found.path), "source": raw, "audit": None,
                                 "trashed": None})
    return result


def _commit(fetched: Fetched, req: Request) -> str | None:
    if fetched.repo is None:
        return None
    return gitops.run(["rev-parse", "HEAD"], cwd=str(fetched.repo),
                      env=req.paths.env).out.strip() or None


def _record(item: Planned, fetched: Fetched, raw: str, branch: str | None,
            version: str | None) -> AgentRecord:
    digest = agentfiles.digest(item.data)
    if fetched.repo is None or fetched.url is None:
        return AgentRecord(item.dest_rel, os.path.abspath(item.found.path), None, None,
                           branch, None, digest)
    inner = item.found.path.relative_to(fetched.repo).as_posix()
    below = item.found.path.relative_to(fetched.base).as_posix()
    ssh = "://" not in raw and ":" in raw and fetched.base == fetched.repo
    shown = f"{raw.rstrip('/')}{'//' if ssh else '/'}{below}"
    return AgentRecord(item.dest_rel, shown, fetched.url, inner, branch, version, digest)
