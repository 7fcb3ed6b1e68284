"""``target <name>`` with settings: the skills' mode, naming and filters, and the agents
folder's mode and filters. Every value is checked first; the config is written once (or, with
--dry-run, not at all)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.results import TargetUpdatedResult
from skillshared.commands.target_views import describe
from skillshared.core.config import MODES, Config, TargetConfig
from skillshared.core.config_file import from_document, read_document
from skillshared.core.config_original import TARGET_NAMINGS
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.patterns import PatternError, compile_glob
from skillshared.store import configedit

if TYPE_CHECKING:
    from skillshared.commands.request import Request

FILTER_KEYS = ("add_include", "remove_include", "add_exclude", "remove_exclude")
AGENT_FILTER_KEYS = ("add_agent_include", "remove_agent_include", "add_agent_exclude",
                     "remove_agent_exclude")
AGENT_KEYS = ("agent_mode", *AGENT_FILTER_KEYS)
SETTING_KEYS = ("mode", "target_naming", *FILTER_KEYS, *AGENT_KEYS)


def find(config: Config, name: str | None) -> TargetConfig:
    if not name:
        raise UsageError("a target name is required")
    target = config.target(name)
    if target is None:
        known = ", ".join(t.name for t in config.targets) or "none"
        raise NotFoundError(f"target '{name}' not found", hint=f"configured targets: {known}")
    return target


def flag_name(key: str) -> str:
    return "--" + key.replace("_", "-")


def given_settings(args: Mapping[str, Any]) -> list[str]:
    """The settings flags given (as typed: ``--agent-mode``)."""
    return [flag_name(k) for k in SETTING_KEYS if args.get(k) not in (None, [], "")]


@dataclass
class Edit:
    """The changes asked for, checked, and what they say."""

    add: dict[str, list[str]] = field(default_factory=dict)
    remove: dict[str, list[str]] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)

    def patterns(self, req: Request, keys: Sequence[str], include: Sequence[str],
                 exclude: Sequence[str], label: str) -> None:
        for key in keys:
            verb, _, kind = key.rpartition("_")
            verb = verb.split("_")[0]
            current = include if kind == "include" else exclude
            for pattern in req.texts(key):
                if verb == "add":
                    _check_glob(pattern, f"{label}{kind}")
                    if pattern not in current and pattern not in self.add.get(kind, []):
                        self.add.setdefault(kind, []).append(pattern)
                        self.changes.append(f"added {label}{kind}: {pattern}")
                elif pattern in current and pattern not in self.remove.get(kind, []):
                    self.remove.setdefault(kind, []).append(pattern)
                    self.changes.append(f"removed {label}{kind}: {pattern}")


def _check_glob(pattern: str, what: str) -> None:
    try:
        compile_glob(pattern)
    except PatternError as exc:
        raise UsageError(f"invalid {what} pattern: {exc}") from None


def _choice(req: Request, key: str, allowed: Sequence[str], what: str) -> str | None:
    value = req.text(key)
    if value is not None and value not in allowed:
        raise UsageError(f"invalid {what} '{value}': must be one of {', '.join(allowed)}")
    return value


def target_set(req: Request) -> TargetUpdatedResult:
    scope = req.scope()
    doc = read_document(scope)
    target = find(from_document(scope, doc), req.text("name"))
    mode = _choice(req, "mode", MODES, "mode")
    agent_mode = _choice(req, "agent_mode", MODES, "agent mode")
    naming = _choice(req, "target_naming", TARGET_NAMINGS, "target naming")
    mode = None if mode == target.mode else mode
    naming = None if naming == target.naming else naming
    skills = Edit()
    if mode is not None:
        skills.changes.append(f"mode: {target.mode} -> {mode}")
    if naming is not None:
        skills.changes.append(f"target naming: {target.naming} -> {naming}")
    skills.patterns(req, FILTER_KEYS, target.include, target.exclude, "")
    new_doc = doc
    if skills.changes:
        new_doc = configedit.update_target(new_doc, target.name, mode, skills.add,
                                           skills.remove)
        if naming is not None:
            new_doc = configedit.set_target_naming(new_doc, target.name, naming)
        target = find(from_document(scope, new_doc), target.name)  # (checks the result)
    # The agents' mode follows the target's unless set: compare with it as it is now.
    agents, agent_mode = _agents_edit(req, target, agent_mode)
    if agents.changes:
        new_doc = configedit.update_target_agents(new_doc, target.name, agent_mode,
                                                  agents.add, agents.remove)
        target = find(from_document(scope, new_doc), target.name)
    dry_run = req.flag("dry_run")
    if (skills.changes or agents.changes) and not dry_run:
        configedit.save(scope, new_doc)
    return {"action": "updated", "changes": skills.changes + agents.changes,
            "dry_run": dry_run, **describe(target), "warnings": _warnings(req, target),
            "daemon_syncs": daemon_syncs(req, scope)}


def _agents_edit(req: Request, target: TargetConfig, agent_mode: str | None
                 ) -> tuple[Edit, str | None]:
    """The agents entry's changes, and the mode to write (None: leave it)."""
    edit = Edit()
    asked = [flag_name(k) for k in AGENT_KEYS if req.args.get(k) not in (None, [], "")]
    if not asked:
        return edit, None
    place = target.agents
    if place is None:
        raise SkillshareError(
            f"target '{target.name}' has no agents folder, so {', '.join(asked)} cannot be "
            "set for it", hint=f"set targets.{target.name}.agents.path in the config to give "
            "it one (built-in targets whose tool reads agents have one already)")
    if agent_mode == place.mode:
        agent_mode = None
    if agent_mode is not None:
        edit.changes.append(f"agent mode: {place.mode} -> {agent_mode}")
    if (agent_mode or place.mode) == "symlink" and any(req.texts(k) for k in AGENT_FILTER_KEYS):
        raise UsageError(f"target '{target.name}': agent include/exclude filters are not used "
                         "in symlink mode", hint="set --agent-mode merge or copy first")
    edit.patterns(req, AGENT_FILTER_KEYS, place.include, place.exclude, "agent ")
    return edit, agent_mode


def _warnings(req: Request, target: TargetConfig) -> list[str]:
    warnings = []
    if req.text("target_naming") is not None and target.mode == "symlink":
        warnings.append("target naming is not used in symlink mode (the folder is one link)")
    if (target.agents is not None and target.agents.mode == "symlink"
            and (target.agents.include or target.agents.exclude)):
        warnings.append("agent include/exclude filters are not used in symlink mode")
    return warnings
