"""``update`` and ``check``, in global and project mode: tracked repos fast-forward and
copied skills are installed again from where they came from, each audit-gated; ``check``
says which are behind without changing anything."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from skillshared.audit.findings import blocking
from skillshared.audit.gate import audit_report, blocked_details, count
from skillshared.audit.rulefiles import user_rules
from skillshared.audit.rules import Rule
from skillshared.audit.scan import scan_tree
from skillshared.catalog import places
from skillshared.catalog.kinds import SKILLS
from skillshared.commands import check_shape, namepick, update_agents, update_more, verbosity
from skillshared.commands.audit_accept import accept_forced
from skillshared.commands.install_common import copy_in, failure, level_of
from skillshared.commands.results_agents import AgentCheckItem
from skillshared.commands.results_install import CheckItem, CheckResult, UpdateResult
from skillshared.core import progress
from skillshared.core.config import Config
from skillshared.core.config_records import SkillRecord
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.results_git import UpdateItem
from skillshared.engine import fsops, trees
from skillshared.engine.trees import SKIP_GIT
from skillshared.git import install_versions, installs, sources, tracked
from skillshared.git.tracked import update_item

if TYPE_CHECKING:
    from skillshared.commands.request import Request

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


def _resolve(known: Mapping[str, Any], agents: update_agents.Updatable | None, name: str,
             only_agents: bool) -> tuple[str, str]:
    """(``skill`` or ``agent``, its path) of a name given to ``update``: a tracked repo or
    skill first, then an installed agent (only agents after the word ``agents``)."""
    if agents is not None and only_agents:
        return "agent", agents.resolve(name)
    try:
        return "skill", tracked.resolve(known, name, "tracked repo or installed skill")
    except NotFoundError as exc:
        if agents is None or not agents.known:
            raise
        found = agents.find(name)
        if found is None:
            raise NotFoundError(f"no tracked repo, installed skill or installed agent named "
                                f"{name!r}", hint=exc.hint) from None
        return "agent", found


def _missing(record: SkillRecord) -> UpdateItem:
    return {"name": record.rel, "kind": "repo" if record.tracked else "skill",
            "status": "missing", "source": record.source,
            "error": "it is recorded as installed but is not in the source",
            "hint": "run `skillshare install` (no argument) to re-create it"}


def cmd_update(req: Request) -> UpdateResult:
    """``update <name>… | --all``: tracked repos fast-forward, copied skills are installed
    again from where they came from; each is audited and succeeds or fails on its own."""
    config = req.config()
    names = req.texts("names")
    only_agents = names[:1] == ["agents"]
    names = names[1:] if only_agents else names
    # (the prompt's second call names exactly the accepted updates: no group again)
    groups = [] if req.texts("accept") else req.texts("group")
    if req.flag("all") and (names or groups):
        raise UsageError("name tracked repos or skills (or --group), or use --all, not both")
    if not (names or groups or req.flag("all")):
        raise UsageError("usage: skillshare update [agents] <name>... | --group DIR | --all")
    for group in groups:
        namepick.group_path(group)  # checked before anything is fetched
    kind = req.text("kind")
    if kind not in (None, "repo", "skill"):
        raise UsageError(f"invalid kind {kind!r}: it must be repo or skill")
    agents, unreadable = _agents_known(config, kind, only_agents)
    if not req.flag("dry_run"):
        fsops.remove_temps(config.source)  # what a killed update left
        if agents is not None and config.agents.is_dir():
            fsops.remove_temps(config.agents)
    repos, copies, missing = _updatable(config)
    if kind == "repo":  # the daemon's job: tracked repos only
        copies = {}
    elif kind == "skill":
        repos, missing = {}, []
    known: dict[str, Any] = {} if only_agents else {**copies, **repos}
    if only_agents:
        repos, missing = {}, []
    chosen: list[str] = list(known) if req.flag("all") else []
    for_agents: list[str] = []
    if agents is not None and req.flag("all"):
        for_agents = [*agents.repos, *agents.copies]
    for name in [] if req.flag("all") else names:
        if namepick.is_glob(name) and not only_agents:
            chosen += namepick.pick(known, [name], [], "tracked repo or installed skill")
            continue
        try:
            where = _resolve(known, agents, name, only_agents)
        except NotFoundError:
            inside = [] if only_agents else namepick.members(known, name.strip("/"))
            if not inside:
                raise
            chosen += inside
            continue
        (for_agents if where[0] == "agent" else chosen).append(where[1])
    if only_agents and agents is not None:  # update agents --group DIR: agents in DIR/
        for_agents += namepick.pick(dict.fromkeys([*agents.repos, *agents.copies]), [],
                                    groups, "installed agent or tracked repo of agents")
    else:
        chosen += namepick.pick(known, [], groups, "tracked repo or installed skill")
    accepted = _accepted(req)
    level = level_of(req, config)
    rules = None if req.flag("skip_audit") else user_rules(req.paths, config)
    items: list[UpdateItem] = []
    keys = list(dict.fromkeys(chosen))
    for at, key in enumerate(keys):
        progress.report("updating", None, at, len(keys), key)
        try:
            if key in repos:
                items.append(tracked.update_repo(
                    repos[key], key, req.paths.env, rules, level, force=req.flag("force"),
                    dry_run=req.flag("dry_run"), accept=accepted.get(key)))
                if items[-1]["status"] == "updated":
                    installs.rehash_repo(config, key, repos[key])
                    install_versions.stamp(config, {key: installs.repo_stamp(
                        repos[key], req.paths.env)})
                    if req.flag("diff"):
                        items[-1] = update_item(items[-1], files=update_more.repo_diff(
                            repos[key], items[-1].get("before"), items[-1].get("after"),
                            req.paths.env))
            else:
                items.append(_update_copy(req, config, copies[key], rules, level,
                                          accepted.get(key)))
        except SkillshareError as exc:
            items.append(failure(key, exc, kind="repo" if key in repos else "skill"))
    forced = [str(repos[i["name"]]) if i["name"] in repos else str(config.source / i["name"])
              for i in items if i["status"] == "updated" and _past_the_audit(i)]
    if req.flag("all"):
        items += [_missing(r) for r in missing]
    failed = sum(i["status"] in FAILED for i in items)
    result: UpdateResult = {"dry_run": req.flag("dry_run"), "threshold": level,
                            "items": items, "summary": {"failed": failed}}
    if forced:  # applied past the audit (--force, or a yes to the prompt): the user's word
        result["accepted"] = accept_forced(req, config, forced)
    stale = [i["name"] for i in items if i["status"] == "stale"]
    if stale:
        result["stale"] = stale
    if agents is not None and (for_agents or only_agents or agents.missing):
        done = update_agents.update(req, config, list(dict.fromkeys(for_agents)), rules,
                                    level, req.flag("all"))
        if done or only_agents:
            result["agents"] = done
            result["summary"]["failed"] += sum(i["status"] in update_agents.FAILED
                                               for i in done)
    if unreadable is not None and req.flag("all"):
        result["agents"] = [failure("agents", unreadable)]
        result["summary"]["failed"] += 1
    return verbosity.echo(req, result)


def _past_the_audit(item: UpdateItem) -> bool:
    """An update applied although its audit blocked it (``--force``, or a yes asked for)."""
    report = item.get("audit")
    return report is not None and report["blocked"]


def _agents_known(config: Config, kind: str | None, only_agents: bool
                  ) -> tuple[update_agents.Updatable | None, SkillshareError | None]:
    """The installed agents ``update`` may reach (none with a kind of the daemon's job);
    a damaged record file stops ``update agents``, and is one failed item beside the skills
    of ``update --all`` (the skills are still updated)."""
    if kind is not None:
        return None, None
    try:
        return update_agents.Updatable(config), None
    except SkillshareError as exc:
        if only_agents:
            raise
        return None, exc


def _update_copy(req: Request, config: Config, record: SkillRecord,
                 rules: list[Rule] | None, level: str, accept: str | None
                 ) -> UpdateItem:
    """Install a copied skill again from its origin if that changed; audited, and the old
    version goes to the trash. A blocked version is not installed (unless ``--force``, or
    the user accepted exactly that version)."""
    dest = places.place(config.source, record.rel, "recorded path")
    result: dict[str, Any] = {"name": record.rel, "kind": "skill", "source": record.source,
                              "audit": None}
    if not dest.is_dir():
        return update_item(result, **_missing(record))
    with sources.fetched(config, record.source, req.paths.env, record.subdir,
                         record.branch) as fetched:
        skill = fetched.folder
        if not SKILLS.is_unit(skill):
            return update_more.stale(config, record, result, req.flag("prune"),
                                     req.flag("dry_run"))
        new = trees.digest(str(skill), SKIP_GIT)
        if new == trees.digest(str(dest), SKIP_GIT):
            return update_item(result, status="up to date")
        if req.flag("dry_run"):
            return update_item(result, status="would update")
        if rules is not None:
            findings, files = scan_tree(str(skill), rules)
            above = blocking(findings, level)
            result["audit"] = audit_report(findings, files, level)
            if above and not (req.flag("force") or accept == new):
                return update_item(result, status="blocked", blocked_at=new,
                                   error=f"{count(above)} at or above {level} in the new "
                                         "version; the installed one was kept",
                                   details=blocked_details(findings, level))
        old = installs.file_hashes(dest) if req.flag("diff") else {}
        trashed = copy_in(config, skill, dest)
        installs.restamp(config, {record.rel: installs.stamp(fetched, dest, req.paths.env)})
        if req.flag("diff"):
            result["files"] = update_more.hash_diff(old, installs.file_hashes(dest))
        return update_item(result, status="updated", trashed=trashed)


def cmd_check(req: Request) -> CheckResult:
    """Which tracked repos are behind and which copied skills changed at their origin;
    only fetches (into temp folders), never changes the source."""
    config = req.config()
    env = req.paths.env
    words, groups = req.texts("names"), req.texts("group")
    what = words[0] if words[:1] in (["agents"], ["skills"]) else None
    names = words[1:] if what else words
    if req.flag("all") and (names or groups):
        raise UsageError("name tracked repos or skills (or --group), or use --all, not both")
    if what == "agents":
        if names or groups:
            raise UsageError("`check agents` checks every agent; it takes no names")
        return _agents_checked(update_agents.check(config, env, local=True))
    repos, copies, missing = _updatable(config)
    every = not (names or groups)
    repos, copies = check_shape.chosen(repos, copies, names, groups)
    agents = None if what == "skills" or not every else _agents_or_error(config, env)
    missing = missing if every else []
    found: list[CheckItem] = []
    total = len(repos) + len(copies)
    for key, folder in repos.items():
        progress.report("checking", None, len(found), total, key)
        item: dict[str, Any] = {"name": key, "kind": "repo", "path": str(folder)}
        try:
            item.update(tracked.check_repo(folder, env))
        except SkillshareError as exc:
            item.update(status="error", error=exc.message)
        found.append(_checked(item))
    for record in copies.values():
        progress.report("checking", None, len(found), total, record.rel)
        item = {"name": record.rel, "kind": "skill", "source": record.source}
        try:
            item.update(_check_copy(config, record, env))
        except SkillshareError as exc:
            item.update(status="error", error=exc.message)
        found.append(_checked(item))
    found += [_checked(_missing(r)) for r in missing]
    result: CheckResult = {
        "items": found,
        "behind": [i["name"] for i in found if i["status"] in ("behind", "update available")],
        "summary": {"failed": sum(i["status"] == "error" for i in found)}}
    result["tracked_repos"], result["skills"] = check_shape.original_lists(
        config, found, copies, every)
    if agents:
        agent_part = _agents_checked(agents)
        result["agents"] = agents
        result["behind"] += agent_part["behind"]
        result["summary"]["failed"] += agent_part["summary"]["failed"]
    return result


def _agents_or_error(config: Config, env: Mapping[str, str]) -> list[AgentCheckItem]:
    """The installed agents for a plain ``check``: a damaged record file is one error item
    (the skills are still checked)."""
    try:
        return update_agents.check(config, env, local=False)
    except SkillshareError as exc:
        return [{"name": "agents", "kind": "agent", "path": str(config.agents),
                 "status": "error", "error": exc.message, "hint": exc.hint or ""}]


def _agents_checked(agents: list[AgentCheckItem]) -> CheckResult:
    """``check agents``: the agents alone."""
    return {"items": [], "agents": agents,
            "behind": [i["name"] for i in agents if i["status"] in ("behind",
                                                                     "update available")],
            "summary": {"failed": sum(i["status"] == "error" for i in agents)}}


def _checked(item: Mapping[str, Any]) -> CheckItem:
    """What ``check`` says of a repo or a skill (the keys are those of :class:`CheckItem`)."""
    return cast(CheckItem, item)


def _check_copy(config: Config, record: SkillRecord, env: Any) -> dict[str, Any]:
    dest = places.place(config.source, record.rel, "recorded path")
    if not dest.is_dir():
        return {"status": "missing"}
    with sources.fetched(config, record.source, env, record.subdir, record.branch) as fetched:
        skill = fetched.folder
        if not SKILLS.is_unit(skill):
            return {"status": "stale"}
        same = trees.digest(str(skill), SKIP_GIT) == trees.digest(str(dest), SKIP_GIT)
        return {"status": "up to date" if same else "update available"}
