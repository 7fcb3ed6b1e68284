"""Edits of the config document, and its atomic save (unknown keys and key order kept)."""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from skillshared.core import yamlio
from skillshared.core.config import DEFAULT_IGNORE, Config
from skillshared.core.config_file import from_document, read_document
from skillshared.core.config_records import is_skill_entry
from skillshared.core.errors import ConfigError, NotFoundError
from skillshared.core.paths import Scope
from skillshared.engine import fsops

HEADER = "# skillshare configuration: see `skillshare --help` and the README\n"
# The first line the original tool writes (its JSON schema, for editors); kept on save.
SCHEMA_LINE = "# yaml-language-server: $schema="


def save(scope: Scope, doc: dict[str, Any]) -> Config:
    """Validate ``doc`` and write it atomically; nothing is written if it is invalid.
    The file's schema line, and the entries of its ``skills:`` list that record other
    things than skills (the original tool's agents), are kept."""
    doc = _keep_other_records(scope, doc)
    config = from_document(scope, doc)
    fsops.make_private_dir(scope.config_file.parent) if not scope.is_project else None
    text = _schema_line(scope) + HEADER + yamlio.dump(doc)
    fsops.save_user_file(scope.config_file, text.encode("utf-8"))
    return config


def _schema_line(scope: Scope) -> str:
    try:
        with open(scope.config_file, encoding="utf-8") as handle:
            first = handle.readline(4096)
    except (OSError, UnicodeDecodeError):
        return ""
    return first.rstrip("\n") + "\n" if first.startswith(SCHEMA_LINE) else ""


def _keep_other_records(scope: Scope, doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with the file's non-skill ``skills:`` entries that it lacks added back (no
    command of this version writes them, so none of its edits drops them on purpose)."""
    try:
        before = read_document(scope).get("skills")
    except ConfigError:
        return doc
    others = [e for e in before if not is_skill_entry(e)] if isinstance(before, list) else []
    now = doc.get("skills")
    missing = [e for e in others if not isinstance(now, list) or e not in now]
    if not missing or (now is not None and not isinstance(now, list)):
        return doc
    return {**doc, "skills": [*(now or []), *missing]}


def display_path(scope: Scope, path: Path) -> str:
    """How a path is written into the config: relative in a project, ``~/…`` globally."""
    if scope.project_root is not None:
        rel = os.path.relpath(path, scope.project_root)
        outside = rel == os.pardir or rel.startswith(os.pardir + os.sep)
        return path.as_posix() if outside else Path(rel).as_posix()
    return scope.contract(path)


def new_document(scope: Scope, source: Path | None, mode: str,
                 targets: Iterable[tuple[str, Path | None]]) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if source is not None:
        doc["source"] = display_path(scope, source)
    if not scope.is_project or mode != "merge":
        doc["mode"] = mode
    if scope.is_project:
        doc["targets"] = [name if path is None else {"name": name,
                                                     "path": display_path(scope, path)}
                          for name, path in targets]
    else:
        doc["targets"] = {name: ({"path": display_path(scope, path)} if path else None)
                          for name, path in targets}
    doc["ignore"] = list(DEFAULT_IGNORE)
    doc["audit"] = {"block_threshold": "CRITICAL"}
    return doc


def add_target(doc: dict[str, Any], scope: Scope, name: str, path: Path | None,
               mode: str | None) -> dict[str, Any]:
    new = copy.deepcopy(doc)
    body: dict[str, Any] = {}
    if path is not None:
        body["path"] = display_path(scope, path)
    if mode is not None:
        body["mode"] = mode
    targets = new.get("targets")
    # Keep the form the file already uses (a global config may hold a list and a project
    # one a mapping); only an absent or empty section takes the scope's usual form.
    as_list = isinstance(targets, list) if targets else scope.is_project
    if as_list:
        entries = targets if isinstance(targets, list) else []
        entries.append({"name": name, **body} if body else name)
        new["targets"] = entries
    else:
        entries_map = targets if isinstance(targets, dict) else {}
        entries_map[name] = body or None
        new["targets"] = entries_map
    return new


def remove_target(doc: dict[str, Any], name: str) -> dict[str, Any]:
    new = copy.deepcopy(doc)
    targets = new.get("targets")
    if isinstance(targets, dict) and name in targets:
        del targets[name]
        return new
    if isinstance(targets, list):
        for index, item in enumerate(targets):
            if _entry_name(item) == name:
                del targets[index]
                return new
    raise NotFoundError(f"target '{name}' not found in the config")


def update_target(doc: dict[str, Any], name: str, mode: str | None = None,
                  add: dict[str, list[str]] | None = None,
                  remove: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Set ``mode`` and add/remove include/exclude patterns of target ``name``."""
    new = copy.deepcopy(doc)
    fields = _skills_fields(_target_body(new, name))
    if mode is not None:
        fields["mode"] = mode
    _edit_patterns(fields, add, remove)
    return new


def set_target_naming(doc: dict[str, Any], name: str, naming: str) -> dict[str, Any]:
    """Set target ``name``'s ``skills.target_naming`` (where the original tool keeps it; the
    target's other keys stay where they are)."""
    new = copy.deepcopy(doc)
    body = _target_body(new, name)
    nested = body.get("skills")
    if isinstance(nested, dict):
        nested["target_naming"] = naming
    else:
        body["skills"] = {"target_naming": naming}
    return new


def update_target_agents(doc: dict[str, Any], name: str, mode: str | None = None,
                         add: dict[str, list[str]] | None = None,
                         remove: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Set the ``agents:`` entry of target ``name``: its ``mode`` and include/exclude
    patterns (on agent names); an entry left empty is dropped."""
    new = copy.deepcopy(doc)
    body = _target_body(new, name)
    section = body.get("agents")
    if not isinstance(section, dict):
        section = {}
    if mode is not None:
        section["mode"] = mode
    _edit_patterns(section, add, remove)
    if section:
        body["agents"] = section
    else:
        body.pop("agents", None)
    return new


def _edit_patterns(fields: dict[str, Any], add: dict[str, list[str]] | None,
                   remove: dict[str, list[str]] | None) -> None:
    for key, patterns in (add or {}).items():
        current = list(fields.get(key) or [])
        current.extend(p for p in patterns if p not in current)
        fields[key] = current
    for key, patterns in (remove or {}).items():
        current = [p for p in (fields.get(key) or []) if p not in patterns]
        if current:
            fields[key] = current
        else:
            fields.pop(key, None)


def _entry_name(item: Any) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("name"), str):
        return str(item["name"])
    return None


def _target_body(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """The mutable mapping of target ``name`` (a bare name or empty entry made a mapping)."""
    targets = doc.get("targets")
    body: Any = None
    if isinstance(targets, dict) and name in targets:
        if not isinstance(targets[name], dict):
            targets[name] = {}
        body = targets[name]
    elif isinstance(targets, list):
        for index, item in enumerate(targets):
            if _entry_name(item) == name:
                if isinstance(item, str):
                    targets[index] = {"name": item}
                body = targets[index]
                break
    if not isinstance(body, dict):
        raise NotFoundError(f"target '{name}' not found in the config")
    return body


def _skills_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The mapping holding a target's path/mode/filters (the nested ``skills:`` if any)."""
    nested = body.get("skills")
    if not isinstance(nested, dict):
        return body
    # Mixed form: fold the flat fields in (nested values win unless empty, as when loading)
    # so an edit acts on what is in effect.
    for key in ("path", "mode", "include", "exclude"):
        if key in body:
            flat = body.pop(key)
            if nested.get(key) in (None, "", []):
                nested[key] = flat
    return nested
