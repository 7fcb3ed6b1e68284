"""``update`` and ``check`` of installed agents: an agent installed by copy is fetched
again from where its record says (a local file, or a file of a repository), audited, and
replaces the installed file (which goes to the trash); a tracked repo of agents
fast-forwards as a tracked repo of skills does. A file edited here since it was installed
(its hash differs from the recorded one) is not replaced without ``--force``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.audit.findings import blocking
from skillshared.audit.gate import Gate, audit_report, blocked_details, count
from skillshared.audit.rules import Rule
from skillshared.audit.scan import scan_file
from skillshared.catalog import places
from skillshared.catalog.agents import discover_agents
from skillshared.catalog.kinds import AGENTS
from skillshared.commands import agentfiles, install_agents
from skillshared.commands.results_agents import AgentCheckItem
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, SkillshareError
from skillshared.core.results_git import UpdateItem
from skillshared.git import agent_records, gitops, sources, tracked
from skillshared.git.agent_records import AgentRecord
from skillshared.git.tracked import update_item

if TYPE_CHECKING:
    from skillshared.commands.request import Request

FAILED = ("failed", "blocked", "modified", "rolled back")


class Updatable:
    """The tracked repos of agents, the agents installed by copy, and recorded repos that
    are not there; ``known`` maps every name a user may give (``team/tutor``,
    ``team/tutor.md``, ``_repo``) to its path."""

    def __init__(self, config: Config) -> None:
        self.repos = tracked.repos(config.agents) if config.agents.is_dir() else {}
        records = agent_records.load(config)
        self.copies = {r.rel: r for r in records.values() if not r.tracked}
        self.missing = [r for r in records.values() if r.tracked and r.rel not in self.repos]
        self.known: dict[str, str] = {rel: rel for rel in self.repos}
        for rel in self.copies:
            self.known[rel] = self.known[rel.removesuffix(AGENTS.marker)] = rel

    def find(self, name: str) -> str | None:
        if name in self.known:
            return self.known[name]
        if not name.startswith("_") and f"_{name}" in self.repos:
            return f"_{name}"
        return None

    def resolve(self, name: str) -> str:
        found = self.find(name)
        if found is None:
            known = ", ".join(sorted(r.removesuffix(AGENTS.marker) for r in
                                     {*self.repos, *self.copies})) or "none"
            raise NotFoundError(f"no installed agent or tracked repo of agents named "
                                f"{name!r}", hint=f"installed: {known}")
        return found


def update(req: Request, config: Config, chosen: list[str], rules: list[Rule] | None,
           level: str, every: bool) -> list[UpdateItem]:
    """Update the agents at ``chosen`` (paths: see :class:`Updatable`), each on its own."""
    known = Updatable(config)
    items: list[UpdateItem] = []
    with Fetcher(config, req.paths.env) as fetch:
        for rel in dict.fromkeys(chosen):
            try:
                if rel in known.repos:
                    items.append(tracked.update_repo(
                        known.repos[rel], rel, req.paths.env, rules, level,
                        force=req.flag("force"), dry_run=req.flag("dry_run")))
                else:
                    items.append(_update_copy(req, config, known.copies[rel], rules, level,
                                              fetch))
            except SkillshareError as exc:
                items.append(tracked.update_item({"name": rel.removesuffix(AGENTS.marker)},
                                                 status="failed", error=exc.message,
                                                 hint=exc.hint, details=exc.details))
    if every:
        items += [_missing(r) for r in known.missing]
    return items


def _missing(record: AgentRecord) -> UpdateItem:
    return {"name": record.rel, "status": "missing", "source": record.source,
            "error": "it is recorded as installed but is not in the agents source",
            "hint": "install it again"}


class Fetcher:
    """Where recorded agents came from: a local file as it is, a repository cloned once per
    command (by address and branch) into a temp folder, removed at the end."""

    def __init__(self, config: Config, env: Mapping[str, str]) -> None:
        self.config = config
        self.env = env
        self._stack = ExitStack()
        self._clones: dict[tuple[str, str | None], tuple[Path, str | None]] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def file(self, record: AgentRecord) -> tuple[Path | None, str | None]:
        """The agent's file where its record says it came from (None when it is no longer
        there), and the commit it was read at (a repository's)."""
        problem = agent_records.fetch_problem(record)
        if problem:
            raise SkillshareError(f"{record.rel}: {problem}")
        if record.repo_url is None:
            path = Path(record.source)
            return (path if path.is_file() and not path.is_symlink() else None), None
        key = (record.repo_url, record.branch)
        if key not in self._clones:
            fetched = self._stack.enter_context(sources.fetched(
                self.config, record.repo_url, self.env, None, record.branch))
            assert fetched.repo is not None
            head = gitops.run(["rev-parse", "HEAD"], cwd=str(fetched.repo),
                              env=self.env).out.strip()
            self._clones[key] = (fetched.repo, head or None)
        repo, at = self._clones[key]
        path = places.inside(repo, record.subdir or "", "recorded file")
        return (path if path.is_file() and not path.is_symlink() else None), at


def _update_copy(req: Request, config: Config, record: AgentRecord,
                 rules: list[Rule] | None, level: str, fetch: Fetcher) -> UpdateItem:
    dest = places.place(config.agents, record.rel, "recorded path")
    result: dict[str, Any] = {"name": record.rel.removesuffix(AGENTS.marker),
                              "source": record.source, "audit": None}
    current = agentfiles.file_digest(dest)
    if current is None:
        return update_item(result, status="missing",
                           error="it is recorded as installed but is not in the agents source")
    path, commit = fetch.file(record)
    if path is None:
        return update_item(result, status="stale", error=f"{record.source} no longer holds it")
    data = agentfiles.read_agent(path)
    new = agentfiles.digest(data)
    if new == current:
        return update_item(result, status="up to date")
    if record.file_hash and current != record.file_hash and not req.flag("force"):
        return update_item(result, status="modified",
                           error="it was edited here since it was installed; it was kept",
                           hint="--force replaces it (the edited file goes to the trash)")
    if req.flag("dry_run"):
        return update_item(result, status="would update")
    if rules is not None:
        findings = scan_file(str(path), os.path.basename(record.rel), rules)
        result["audit"] = audit_report(findings, 1, level)
        above = blocking(findings, level)
        if above and not req.flag("force"):
            return update_item(result, status="blocked",
                               error=f"{count(above)} at or above {level} in the new version; "
                                     "the installed one was kept",
                               details=blocked_details(findings, level))
    trashed = agentfiles.put_agent(config, data, dest, str(dest), record.rel,
                                   "replaced by update")
    agent_records.put(config, [AgentRecord(record.rel, record.source, record.repo_url,
                                           record.subdir, record.branch,
                                           commit or record.version, new)])
    return update_item(result, status="updated", trashed=trashed)


def recreate(req: Request, config: Config, gate: Gate | None, level: str
             ) -> list[UpdateItem]:
    """``install`` with no source: each recorded agent (and tracked repo of agents) that is
    not in the agents source, installed again from where its record says (audited)."""
    items: list[UpdateItem] = []
    with Fetcher(config, req.paths.env) as fetch:
        for record in agent_records.load(config).values():
            items.append(_recreate_one(req, config, record, gate, level, fetch))
    return items


def _recreate_one(req: Request, config: Config, record: AgentRecord, gate: Gate | None,
                  level: str, fetch: Fetcher) -> UpdateItem:
    name = record.rel.removesuffix(AGENTS.marker)
    if os.path.lexists(config.agents / record.rel):
        return {"name": name, "status": "present"}
    base: dict[str, Any] = {"name": name, "source": record.source, "tracked": record.tracked}
    try:
        if record.tracked:
            where, _, given = record.rel.rpartition("/")
            install_agents.install_repo(req, config, record.source, given, where or None,
                                        gate, level)
        else:
            _reinstall(req, config, record, gate, fetch)
    except (SkillshareError, OSError) as exc:
        return update_item(base, status="failed", error=_why(exc))
    return update_item(base, status="would install" if req.flag("dry_run") else "installed")


def _why(exc: Exception) -> str:
    return exc.message if isinstance(exc, SkillshareError) else str(exc)


def _reinstall(req: Request, config: Config, record: AgentRecord, gate: Gate | None,
               fetch: Fetcher) -> None:
    path, commit = fetch.file(record)
    if path is None:
        raise NotFoundError(f"{record.source} no longer holds it")
    (planned,) = install_agents.plan(config, [install_agents.Found(record.rel, path)], None,
                                     None, False, gate)
    if req.flag("dry_run"):
        return
    agentfiles.put_agent(config, planned.data, planned.dest, None, record.rel,
                         "installed again")
    agent_records.put(config, [AgentRecord(
        record.rel, record.source, record.repo_url, record.subdir, record.branch,
        commit or record.version, agentfiles.digest(planned.data))])


def check(config: Config, env: Mapping[str, str], local: bool) -> list[AgentCheckItem]:
    """Which installed agents have updates (fetching into temp folders only), and
    (``local``) the agents of the agents source that were not installed."""
    known = Updatable(config)
    found: list[AgentCheckItem] = []
    for rel, folder in known.repos.items():
        item: AgentCheckItem = {"name": rel, "kind": "agent", "path": str(folder),
                                "status": "error"}
        try:
            item["status"] = tracked.check_repo(folder, env)["status"]
        except SkillshareError as exc:
            item["error"] = exc.message
        found.append(item)
    with Fetcher(config, env) as fetch:
        for rel, record in known.copies.items():
            item = {"name": rel.removesuffix(AGENTS.marker), "kind": "agent",
                    "path": str(config.agents / rel), "source": record.source,
                    "status": "error"}
            try:
                item["status"] = _check_copy(config, record, fetch)
            except (SkillshareError, OSError) as exc:
                item["error"] = _why(exc)
            found.append(item)
    found += [{"name": r.rel, "kind": "agent", "path": str(config.agents / r.rel),
               "source": r.source, "status": "missing"} for r in known.missing]
    if local:
        found += _local(config, known)
    return found


def _check_copy(config: Config, record: AgentRecord, fetch: Fetcher) -> str:
    current = agentfiles.file_digest(places.place(config.agents, record.rel,
                                                  "recorded path"))
    if current is None:
        return "missing"
    if record.file_hash and current != record.file_hash:
        return "modified"
    path, _ = fetch.file(record)
    if path is None:
        return "stale"
    return "up to date" if agentfiles.file_digest(path) == current else "update available"


def _local(config: Config, known: Updatable) -> list[AgentCheckItem]:
    """The agents of the source that no record covers (made here, or collected)."""
    repos = tuple(f"{r}/" for r in known.repos)
    return [{"name": a.rel.removesuffix(AGENTS.marker), "kind": "agent", "path": str(a.path),
             "status": "local"}
            for a in discover_agents(config.agents).agents
            if a.rel not in known.copies and not a.rel.startswith(repos)]
