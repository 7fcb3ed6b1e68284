"""``uninstall``, in global and project mode: a tracked repo or a skill goes to the trash,
with its install record; an install that is recorded but gone is forgotten. An agent's file
(``uninstall agents <name>``, ``--kind agent``, or a name that is no skill's) goes to the
trash's agents, its record in the agents source's .metadata.json dropped. A name that is
both a skill and an agent is refused until the kind is said. Every name is resolved and
checked before anything moves."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.catalog import places, skills
from skillshared.catalog.agents import Agent, discover_agents
from skillshared.catalog.kinds import SKILLS
from skillshared.commands import namepick
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.kindpick import AGENT, SKILL, matching_agents, pick_agent, split_kind
from skillshared.commands.results_kinds import UninstalledItem, UninstallKindsResult
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.git import agent_records, gitops, installs, tracked
from skillshared.store import trash
from skillshared.store.trash_agents import put_agent

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def _find(config: Config, repos: dict[str, Path], by_flat: dict[str, str], name: str
          ) -> Path | None:
    """The tracked repo (its path, or its name with or without ``_``) or skill (its flat
    name or its path in the source) ``name`` means, if any."""
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
    return None


def _absent(absent: Mapping[str, object], name: str) -> str | None:
    """The recorded install, not there any more, that ``name`` means (if any)."""
    try:
        return tracked.resolve(absent, name, "installed skill or repo") if absent else None
    except NotFoundError:
        return None


def _nested(config: Config, by_flat: dict[str, str], name: str) -> Path | None:
    """A skill in a folder of the source (not in a tracked repo) by its own name, when
    only one has it."""
    if "/" in name or namepick.is_glob(name):
        return None
    rels = {os.path.relpath(p, config.source).replace(os.sep, "/"): p
            for p in by_flat.values()}
    ends = sorted(rel for rel in rels
                  if rel.rsplit("/", 1)[-1] == name and not rel.startswith("_")
                  and "/_" not in rel)
    if len(ends) > 1:
        raise UsageError(f"'{name}' could be any of {', '.join(ends)}; nothing was "
                         "uninstalled", hint="give its path in the source")
    return Path(rels[ends[0]]) if ends else None


@dataclass(frozen=True)
class _Plan:
    """What an ``uninstall`` will do: skills and repos (name, folder, path in the source,
    uncommitted changes), agents (name, agent), records of installs that are gone."""
    skills: list[tuple[str, Path, str, list[str]]] = field(default_factory=list)
    agents: list[tuple[str, Agent]] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)


def _installed(config: Config) -> dict[str, Path]:
    """Every tracked repo and every skill outside them, by its path in the source."""
    repos = tracked.repos(config.source)
    found: dict[str, Path] = dict(repos)
    for skill in skills.discover(config.source, frontmatter=False).skills:
        if not any(namepick.in_group(skill.rel_path, rel) for rel in repos):
            found[skill.rel_path] = Path(skill.path)
    return found


def _expand(config: Config, names: list[str], groups: list[str]) -> list[str]:
    """Globs, group folders and ``-G`` groups as the paths they mean; other names as given
    (a name, glob or group that means nothing is an error before anything moves)."""
    if not any(namepick.is_glob(n) or _is_group(config, n) for n in names) and not groups:
        return names
    known = _installed(config)
    out = [p for n in names
           for p in (namepick.pick(known, [n], [], "skill or tracked repo")
                     if namepick.is_glob(n) or _is_group(config, n) else [n])]
    return list(dict.fromkeys([*out, *namepick.pick(known, [], groups,
                                                     "skill or tracked repo")]))


def _is_group(config: Config, name: str) -> bool:
    """A folder of the source that is neither a skill nor a tracked repo: a group."""
    rel = name.strip("/")
    if not rel or places.path_problem(rel) is not None:
        return False
    folder = config.source / rel
    return (folder.is_dir() and not folder.is_symlink() and not SKILLS.is_unit(folder)
            and not (folder.name.startswith("_") and (folder / ".git").exists()))


def _every(req: Request, config: Config, kind: str | None, names: list[str],
           groups: list[str]) -> list[str]:
    """``--all``: every agent (``uninstall agents --all``), or every skill and tracked
    repo, which is asked for twice (``--force``, or seen first with ``--dry-run``)."""
    if names or groups:
        raise UsageError("--all cannot be combined with names or --group")
    if kind == AGENT:
        every = [a.rel for a in discover_agents(config.agents).agents]
        if not every:
            raise NotFoundError(f"no agents in {config.agents}; nothing was uninstalled")
        return every
    if not (req.flag("force") or req.flag("dry_run")):
        raise UsageError("--all moves every skill and tracked repo to the trash; nothing was "
                         "uninstalled", hint="see what it would do with `skillshare "
                         "uninstall --all -n`, then confirm with --force")
    every = list(_installed(config))
    if not every:
        raise NotFoundError(f"no skills in {config.source}; nothing was uninstalled")
    return every


def cmd_uninstall(req: Request) -> UninstallKindsResult:
    config = req.config()
    kind, names = split_kind(req, req.texts("names"))
    groups = req.texts("group")
    if groups and kind == AGENT:
        raise UsageError("--group names folders of skills; agents are named one by one")
    if req.flag("all"):
        names = _every(req, config, kind, names, groups)
        kind = kind or SKILL
    elif kind != AGENT:
        names = _expand(config, names, groups)
    if not names:
        raise UsageError("usage: skillshare uninstall [skills|agents] <name>...",
                         hint="e.g. `skillshare uninstall my-skill` or "
                              "`skillshare uninstall agents tutor`")
    plan = _plan(req, config, kind, names)
    dry_run = req.flag("dry_run")
    removed = [*_remove_skills(config, plan, dry_run), *_remove_agents(config, plan, dry_run)]
    if not dry_run and (plan.skills or plan.forgotten):
        installs.drop(config, [*(rel for _, _, rel, _ in plan.skills), *plan.forgotten])
    if not dry_run and plan.agents:
        agent_records.drop(config, [agent.rel for _, agent in plan.agents])
    expired = [] if dry_run else trash.expire(config.scope.trash_dir,
                                              config.trash_retention_days, kinds=trash.KINDS)
    return {"dry_run": dry_run, "removed": removed, "forgotten": plan.forgotten,
            "expired": len(expired), "sync_needed": bool(removed) and not dry_run,
            "daemon_syncs": daemon_syncs(req, config.scope)}


def _plan(req: Request, config: Config, kind: str | None, names: list[str]) -> _Plan:
    """Each name resolved, every check made, before anything is moved."""
    plan = _Plan()
    repos = tracked.repos(config.source) if kind != AGENT else {}
    by_flat = ({s.flat_name: s.path for s in skills.discover(config.source).skills}
               if kind != AGENT else {})
    found = discover_agents(config.agents) if kind != SKILL else None
    absent = {r.rel: r for r in installs.load(config)
              if not os.path.lexists(config.source / r.rel)} if kind != AGENT else {}
    for name in names:
        folder = _find(config, repos, by_flat, name) if kind != AGENT else None
        if found is not None and (kind == AGENT or folder is None):
            agent = pick_agent(found, name)
            if agent is not None:
                plan.agents.append((name, agent))
                continue
        elif found is not None and matching_agents(found, name):
            raise UsageError(f"'{name}' is both a skill (or tracked repo) and an agent; "
                             "nothing was uninstalled",
                             hint=f"say which: `skillshare uninstall skills {name}` or "
                                  f"`skillshare uninstall agents {name}`")
        gone = _absent(absent, name) if folder is None else None
        if folder is None and gone is None and kind != AGENT:
            folder = _nested(config, by_flat, name)
        if folder is not None:
            plan.skills.append(_checked(req, config, name, folder))
        elif gone is not None:
            plan.forgotten.append(gone)
        else:
            raise _not_found(config, kind, name)
    if plan.agents:
        agent_records.load(config)  # a damaged record file stops it before anything moves
    return plan


def _not_found(config: Config, kind: str | None, name: str) -> NotFoundError:
    if kind == AGENT:
        return NotFoundError(f"no agent named '{name}' in {config.agents}; nothing was "
                             "uninstalled", hint="see `skillshare list agents`")
    where = f"{config.source}" + ("" if kind == SKILL else f" or {config.agents}")
    return NotFoundError(f"nothing named '{name}' in {where}; nothing was uninstalled",
                         hint="see `skillshare list` (tracked repos are `_name`)")


def _checked(req: Request, config: Config, name: str, folder: Path
             ) -> tuple[str, Path, str, list[str]]:
    """A skill or repo to uninstall, refused (without --force) with uncommitted changes."""
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
    return name, folder, Path(os.path.relpath(folder, config.source)).as_posix(), changes


def _remove_skills(config: Config, plan: _Plan, dry_run: bool) -> list[UninstalledItem]:
    removed: list[UninstalledItem] = []
    for name, folder, rel, changes in plan.skills:
        item = None if dry_run else trash.put(config.scope.trash_dir, str(folder),
                                              skills.flat_name(rel), "uninstall")
        removed.append({"name": name, "kind": "skill", "path": str(folder), "trash": item,
                        "uncommitted": len(changes)})
    return removed


def _remove_agents(config: Config, plan: _Plan, dry_run: bool) -> list[UninstalledItem]:
    removed: list[UninstalledItem] = []
    done: set[str] = set()
    for _, agent in plan.agents:
        if agent.rel in done:  # named twice
            continue
        done.add(agent.rel)
        path = str(config.agents / agent.rel)
        item = None if dry_run else put_agent(config.scope.trash_dir, path, agent.rel,
                                              "uninstall")
        removed.append({"name": agent.rel.removesuffix(".md"), "kind": "agent", "path": path,
                        "trash": item, "uncommitted": 0})
    return removed
