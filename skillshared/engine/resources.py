"""Agents and extras as a pass sees them: the agents source (or an extra's) as a source whose
units are files, and each target's agents folder (or an extra's target folders) as targets,
so that one reconcile pass (:func:`skillshared.engine.reconcile.sync` with ``unit=AGENT_UNIT``
or ``EXTRA_UNIT``) syncs them with every guarantee it gives skills (ownership, the
mass-delete guard, backups, crash recovery)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from skillshared.catalog.agents import AgentDiscovery, discover_agents
from skillshared.catalog.extras import ExtraFiles, discover_extra
from skillshared.catalog.skills import RESERVED_PREFIX, Discovery, Skill
from skillshared.catalog.walker import Rejected
from skillshared.core.config import Config, TargetConfig
from skillshared.core.config_extras import ExtraConfig
from skillshared.core.names import MANIFEST


def agent_targets(config: Config) -> tuple[TargetConfig, ...]:
    """Each target whose tool reads agents, as a target at its agents folder (same name)."""
    return tuple(
        TargetConfig(t.name, t.agents.path, t.agents.mode, t.agents.include, t.agents.exclude,
                     mode_explicit=True, builtin=t.builtin)
        for t in config.targets if t.agents is not None)


def agents_config(config: Config) -> Config:
    """``config`` with the agents source as its source and the agent folders as targets."""
    return replace(config, source=config.agents, targets=agent_targets(config))


def as_discovery(found: AgentDiscovery, config: Config) -> Discovery:
    """The agents as a :class:`Discovery` of units (flat name: the file name in a target)."""
    units = tuple(Skill(a.flat, a.rel, str(a.path)) for a in found.agents)
    return Discovery(config.agents, config.agents.is_dir(), units,
                     tuple(Rejected(rel, why) for rel, why in found.invalid), found.ignored,
                     by_name={u.flat_name: u for u in units})


def agents_world(config: Config) -> tuple[Config, Discovery]:
    """What an agents pass works on: the derived config and the agents found now."""
    return agents_config(config), as_discovery(discover_agents(config.agents), config)


@dataclass(frozen=True)
class ExtraWorld:
    """What one extra's pass works on: its targets as target folders (one per subfolder a
    file goes to, unless flattened; named ``<extra>@<n>[@<sub>]``, backed up under that
    name), the files as units, and the units of each folder."""

    extra: ExtraConfig
    config: Config
    discovery: Discovery
    per_target: Mapping[str, tuple[Skill, ...]]
    found: ExtraFiles
    warnings: tuple[str, ...] = ()  # flatten collisions


MAX_TARGET_FOLDERS = 2000  # subfolders of one extra's target looked at for files to prune


def extra_world(config: Config, extra: ExtraConfig) -> ExtraWorld:
    found = discover_extra(extra.source, flatten=False)
    flat = discover_extra(extra.source, flatten=True) if any(
        t.flatten for t in extra.targets) else found
    targets: list[TargetConfig] = []
    per_target: dict[str, tuple[Skill, ...]] = {}
    for index, target in enumerate(extra.targets):
        files = flat if target.flatten else found
        by_folder: dict[str, list[Skill]] = {}
        for item in files.files:
            sub, _, base = item.dest.rpartition("/")
            by_folder.setdefault(sub, []).append(
                Skill(base, item.rel, os.path.join(extra.source, item.rel)))
        subs = {""}
        if target.mode != "symlink" and not target.flatten:
            subs |= set(by_folder) | _target_folders(target.path, extra.source)
        for sub in sorted(subs):
            name = f"{extra.name}@{index}" + (f"@{_key(sub)}" if sub else "")
            targets.append(TargetConfig(name, target.path / sub if sub else target.path,
                                        target.mode, mode_explicit=True))
            per_target[name] = tuple(by_folder.get(sub, ()))
    units = tuple(Skill(f.dest.replace("/", "__"), f.rel, os.path.join(extra.source, f.rel))
                  for f in found.files)
    discovery = Discovery(extra.source, found.exists, units,
                          tuple(Rejected(r.rel, r.reason) for r in found.refused), ())
    derived = replace(config, source=extra.source, targets=tuple(targets))
    return ExtraWorld(extra, derived, discovery, per_target, found, flat.warnings)


def _key(sub: str) -> str:
    """A subfolder's path as part of one name (a backup's entry): ``team/a`` is
    ``team%2Fa``."""
    return sub.replace("%", "%25").replace("/", "%2F")


def _sub(key: str) -> str:
    return key.replace("%2F", "/").replace("%25", "%")


def _target_folders(root: Path, source: Path) -> set[str]:
    """The real subfolders of an extra's target that hold something of ours (our manifest,
    or a link into the extra's ``source``), links not followed and our temp and beside
    entries left out, up to :data:`MAX_TARGET_FOLDERS` looked at: where files of ours may
    need pruning. A folder of the user's own is never a pass's target."""
    roots = tuple(dict.fromkeys((os.path.abspath(source), os.path.realpath(source))))
    found: set[str] = set()
    stack, seen = [""], 0
    while stack and seen < MAX_TARGET_FOLDERS:
        rel = stack.pop()
        seen += 1
        folder = root / rel if rel else root
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        if rel and any(_ours(folder, e, roots) for e in entries):
            found.add(rel)
        stack += [f"{rel}/{e.name}" if rel else e.name for e in entries
                  if e.is_dir(follow_symlinks=False) and not e.name.startswith(RESERVED_PREFIX)]
    return found


def _ours(folder: Path, entry: os.DirEntry[str], roots: tuple[str, ...]) -> bool:
    if entry.name == MANIFEST:
        return True
    if not entry.is_symlink():
        return False
    dest = os.path.normpath(os.path.join(folder, os.readlink(entry.path)))
    return any(dest == r or dest.startswith(r + os.sep) for r in roots)


def kind_targets(config: Config) -> list[tuple[Config, TargetConfig]]:
    """Every agents folder (``<target>@agents``) and every extra's target folder
    (``<extra>@<n>``) as a target of its own kind's config: what ``backup`` saves beside
    the skills' targets."""
    derived = agents_config(config)
    found = [(derived, replace(t, name=t.name + "@agents")) for t in derived.targets]
    for extra in config.extras:
        own = replace(config, source=extra.source, targets=())
        found += [(own, TargetConfig(f"{extra.name}@{i}", t.path, t.mode, mode_explicit=True))
                  for i, t in enumerate(extra.targets)]
    return found


def kind_target(config: Config, name: str) -> tuple[Config, TargetConfig] | None:
    """The agents folder or extra's target folder called ``name`` (``claude@agents``,
    ``rules@0``, or a subfolder's ``rules@0@team%2Fsub`` as a sync's backup names it), with
    the config whose source owns it; None when ``name`` is none of them."""
    base, at, rest = name.partition("@")
    if not at:
        return None
    if rest == "agents":
        return next(((c, t) for c, t in kind_targets(config) if t.name == name), None)
    extra = next((e for e in config.extras if e.name == base), None)
    index, _, sub = rest.partition("@")
    if extra is None or not index.isdigit() or int(index) >= len(extra.targets):
        return None
    target = extra.targets[int(index)]
    below = Path(_sub(sub))
    if sub and (below.is_absolute() or ".." in below.parts):
        return None  # (only a subfolder of the extra's target)
    path = target.path / below if sub else target.path
    own = replace(config, source=extra.source, targets=())
    return own, TargetConfig(name, path, target.mode, mode_explicit=True)
