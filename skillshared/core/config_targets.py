"""The ``targets:`` section checked: names, paths (never where a target may not be, never
overlapping the source), modes and filters, in the flat and the nested ``skills:`` form."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skillshared.core import targets as builtin
from skillshared.core.config import MODES, AgentsPlace, TargetConfig
from skillshared.core.config_fields import Fields
from skillshared.core.config_original import merge_target_fields

_TARGET_KEYS = {"path", "mode", "include", "exclude"}


class TargetFields(Fields):
    """The checks of the ``targets:`` section."""

    def _targets(self, value: Any, source: Path, mode: str) -> tuple[TargetConfig, ...]:
        if value is None:
            return ()
        entries: list[tuple[str, Any, str]] = []
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str):
                    entries.append((k, v, f"targets.{k}"))
                else:
                    self.problem(f"targets.{k}", "a target name must be text")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                key = f"targets[{index}]"
                if isinstance(item, str):
                    entries.append((item, None, key))
                elif isinstance(item, dict) and isinstance(item.get("name"), str):
                    body = {k: v for k, v in item.items() if k != "name"}
                    entries.append((item["name"], body, key))
                else:
                    self.problem(key, "must be a target name or a mapping with 'name'")
        else:
            self.problem("targets", "must be a mapping of target names (or a list in a project)")
            return ()
        result: list[TargetConfig] = []
        seen: set[str] = set()
        for name, body, key in entries:
            target = self._target(name, body, key, source, mode)
            if target is None:
                continue
            if name in seen:
                self.problem(key, f"target '{name}' is listed twice")
                continue
            seen.add(name)
            result.append(target)
        return tuple(result)

    def _target(self, name: str, body: Any, key: str, source: Path,
                default_mode: str) -> TargetConfig | None:
        problem = builtin.name_problem(name)
        if problem:
            self.problem(key, f"invalid target name '{name}': {problem}")
            return None
        if body is None:
            body = {}
        if not isinstance(body, dict):
            self.problem(key, "must be a mapping (path, mode, include, exclude)")
            return None
        fields = self._target_fields(body, key)
        known = builtin.lookup(name)
        path: Path | None
        if fields.get("path") not in (None, ""):
            path = self._path(fields["path"], f"{key}.path")
        elif known is not None:
            default = known.project_path if self.scope.is_project else known.global_path
            path = self.scope.expand(default)
        else:
            self.problem(f"{key}.path", f"required: '{name}' is not a built-in target name")
            path = None
        explicit = fields.get("mode") is not None
        mode = self._choice(fields, "mode", MODES, default_mode, f"{key}.mode")
        include = self._globs(fields.get("include"), f"{key}.include")
        exclude = self._globs(fields.get("exclude"), f"{key}.exclude")
        if path is None:
            return None
        place = _place_problem(path, self.scope.home)
        if place is not None:
            self.problem(f"{key}.path", f"{path} cannot be a target: {place}")
            return None
        if _overlaps(path, source):
            self.problem(f"{key}.path", f"{path} overlaps the source folder {source}; "
                         "a target must be outside the source and not contain it")
            return None
        agents = self._agents_place(body.get("agents"), known, key, source, mode)
        naming = fields.pop("target_naming", None) or self.original.naming
        return TargetConfig(name, path, mode, include, exclude, explicit,
                            known.name if known else None, agents, naming)

    def _agents_place(self, value: Any, known: builtin.BuiltinTarget | None, key: str,
                      source: Path, mode: str) -> AgentsPlace | None:
        """A target's agents folder: ``agents.path``, else the built-in target's agents path
        (none: the tool reads no agents). Its mode is ``agents.mode``, else the target's. The
        values' types are checked with the original tool's keys; here, the place."""
        section = value if isinstance(value, dict) else {}
        raw = section.get("path")
        sources = (source, self.agents_dir)
        if isinstance(raw, str) and raw.strip():
            path = self._path(raw, f"{key}.agents.path")
        elif known is not None and known.agents_global is not None:
            default = known.agents_project if self.scope.is_project else known.agents_global
            path = self.scope.expand(str(default))
            if any(_overlaps(path, folder) for folder in sources):
                return None  # a source kept in the tool's own folder: it gets no agents
        else:
            return None
        if path is None:
            return None
        place = _place_problem(path, self.scope.home)
        if place is not None:
            self.problem(f"{key}.agents.path", f"{path} cannot hold agents: {place}")
        elif any(_overlaps(path, folder) for folder in sources):
            self.problem(f"{key}.agents.path", f"{path} overlaps a source folder; an agents "
                         "folder must be outside the sources and not contain them")
        else:
            agent_mode = section.get("mode")
            if agent_mode is not None and agent_mode not in MODES:
                self.problem(f"{key}.agents.mode", f"must be one of {', '.join(MODES)}")
            return AgentsPlace(path, agent_mode if agent_mode in MODES else mode,
                               _names(section.get("include")), _names(section.get("exclude")))
        return None

    def _target_fields(self, body: Mapping[str, Any], key: str) -> dict[str, Any]:
        """A target's path/mode/include/exclude from the flat form, the nested ``skills:``
        form or both (a nested value wins unless empty); the original tool's
        ``skills.target_naming`` (as ``target_naming``: None when not set) and ``agents:`` are
        checked."""
        fields = {k: v for k, v in body.items() if k not in ("skills", "agents")}
        naming = None
        nested = body.get("skills")
        if isinstance(nested, dict):
            nested = dict(nested)
            if "target_naming" in nested:
                naming = self.original.target_naming(nested.pop("target_naming"),
                                                     f"{key}.skills.target_naming")
            fields = merge_target_fields(fields, nested)
        elif nested is not None:
            self.problem(f"{key}.skills", "must be a mapping (path, mode, include, exclude)")
        if "agents" in body:
            self.original.target_agents(body["agents"], f"{key}.agents")
        self._unknown(fields, _TARGET_KEYS, key)
        fields["target_naming"] = naming
        return fields


def _names(value: Any) -> tuple[str, ...]:
    """A list of text as a tuple (its type is checked with the original tool's keys)."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return ()


def _place_problem(path: Path, home: Path) -> str | None:
    """Why no target may be at ``path`` (the root, the home folder or a folder holding it, a
    system folder), as written or with the links above it resolved."""
    real_home = os.path.realpath(home)
    resolved = os.path.join(os.path.realpath(path.parent), path.name)
    for at, where in ((str(path), str(home)), (resolved, real_home)):
        problem = builtin.place_problem(os.path.normpath(at), os.path.normpath(where))
        if problem is not None:
            return problem
    return None


def _overlaps(target: Path, source: Path) -> bool:
    """Whether a target folder is, is inside, or contains the source. The target's last
    component is not resolved: in symlink mode it is (rightly) a link to the source."""
    sa = os.path.join(os.path.realpath(target.parent), target.name)
    sb = os.path.realpath(source)
    return sa == sb or sa.startswith(sb + os.sep) or sb.startswith(sa + os.sep)
