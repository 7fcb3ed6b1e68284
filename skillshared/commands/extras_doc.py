"""Edits of the ``extras:`` list of a config document (pure: a changed copy is returned;
:func:`skillshared.store.configedit.save` validates and writes it)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from skillshared.core.errors import NotFoundError
from skillshared.core.paths import Scope
from skillshared.store.configedit import display_path


def target_entry(scope: Scope, path: Path, mode: str, flatten: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": display_path(scope, path)}
    if mode != "merge":
        entry["mode"] = mode
    if flatten:
        entry["flatten"] = True
    return entry


def _index(doc: dict[str, Any], name: str) -> int:
    entries = doc.get("extras")
    for index, item in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(item, dict) and item.get("name") == name:
            return index
    raise NotFoundError(f"extra '{name}' not found in the config")


def put_extra(doc: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with ``entry`` in place of the extra of its name, else appended."""
    new = copy.deepcopy(doc)
    entries = new.get("extras")
    if not isinstance(entries, list):
        entries = []
    try:
        entries[_index(new, entry["name"])] = entry
    except NotFoundError:
        entries.append(entry)
    new["extras"] = entries
    return new


def drop_extra(doc: dict[str, Any], name: str) -> dict[str, Any]:
    new = copy.deepcopy(doc)
    del new["extras"][_index(new, name)]
    if not new["extras"]:
        del new["extras"]
    return new


def target_index(scope: Scope, doc: dict[str, Any], name: str, path: Path) -> int:
    """The index of the target of extra ``name`` at ``path`` in the document."""
    targets = doc["extras"][_index(doc, name)].get("targets") or []
    for index, item in enumerate(targets):
        raw = item.get("path") if isinstance(item, dict) else None
        if isinstance(raw, str) and raw.strip() and scope.expand(raw.strip()) == path:
            return index
    raise NotFoundError(f"{path} is not a target of extra '{name}'")


def set_target_field(scope: Scope, doc: dict[str, Any], name: str, path: Path, key: str,
                     value: Any) -> dict[str, Any]:
    """``doc`` with the field ``key`` of one target set (removed when ``value`` is the
    default: merge, or flatten off)."""
    new = copy.deepcopy(doc)
    entry = new["extras"][_index(new, name)]["targets"][target_index(scope, new, name, path)]
    if (key, value) in (("mode", "merge"), ("flatten", False)):
        entry.pop(key, None)
    else:
        entry[key] = value
    return new


def add_target(doc: dict[str, Any], name: str, entry: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(doc)
    new["extras"][_index(new, name)]["targets"].append(entry)
    return new


def drop_target(scope: Scope, doc: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    new = copy.deepcopy(doc)
    del new["extras"][_index(new, name)]["targets"][target_index(scope, new, name, path)]
    return new


def set_extras_source(scope: Scope, doc: dict[str, Any], path: Path) -> dict[str, Any]:
    """``doc`` with the extras source set where the file sets it (``sources.extras``, else
    ``extras_source``)."""
    new = copy.deepcopy(doc)
    text = display_path(scope, path)
    sources = new.get("sources")
    if isinstance(sources, dict) and sources.get("extras") not in (None, ""):
        sources["extras"] = text
    else:
        new["extras_source"] = text
    return new
