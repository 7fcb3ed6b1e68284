"""``status --catalog [tool]``: for each configured target (an AI tool; ``-p``: the
project's), what the tool will really load, read from the disk rather than from the plan:
its skills folder, its agents folder (when it reads agents) and the folders it also reads
(the built-in table's ``also_global``/``also_project``). Each skill and agent says where it
comes from; the duplicates a tool would load (the same name twice, or the same content under
two names) are listed, with the always-loaded context (names and descriptions) against
``context_budget``. Each folder is read once, however many tools read it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillshared.commands.catalog_read import FolderRead, Kind, Read, read_folder
from skillshared.commands.results_catalog import (
    CatalogDuplicate,
    CatalogEntry,
    CatalogFolder,
    CatalogResult,
    ToolCatalog,
)
from skillshared.core import targets as builtin
from skillshared.core.config_original import context_budget
from skillshared.core.didyoumean import closest
from skillshared.core.errors import NotFoundError
from skillshared.engine.groups import source_roots

if TYPE_CHECKING:
    from skillshared.commands.request import Request
    from skillshared.core.config import Config, TargetConfig


@dataclass(frozen=True)
class _Folder:
    path: str
    kind: Kind
    role: str  # "own" or "also"


class _World:
    """The folders read so far (by real path and kind: each is read once), and which
    targets sync into each real folder."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.roots: dict[Kind, tuple[str, ...]] = {
            "skills": source_roots(config.source), "agents": source_roots(config.agents)}
        self.writers: dict[tuple[Kind, str], list[str]] = {}
        for target in config.targets:
            self.writers.setdefault(("skills", os.path.realpath(target.path)), []).append(
                target.name)
            if target.agents is not None:
                real = os.path.realpath(target.agents.path)
                self.writers.setdefault(("agents", real), []).append(target.name)
        self.read: dict[tuple[Kind, str], FolderRead] = {}
        self.files: dict[str, Read] = {}  # each file read once, however many links lead to it

    def folder(self, folder: _Folder) -> tuple[CatalogFolder, FolderRead]:
        key = (folder.kind, os.path.realpath(folder.path))
        if key not in self.read:
            self.read[key] = read_folder(folder.path, folder.kind, self.roots[folder.kind],
                                         self.files)
        found = self.read[key]
        shown: CatalogFolder = {"path": folder.path, "kind": folder.kind,
                                "role": "own" if folder.role == "own" else "also",
                                "exists": found.exists,
                                "synced_by": sorted(self.writers.get(key, []))}
        if found.problem:
            shown["problem"] = found.problem
        return shown, found


def cmd_catalog(req: Request) -> CatalogResult:
    """``status --catalog [tool]``: what each tool (or ``tool``) loads."""
    config = req.config()
    budget = context_budget(config.document)[0]
    world = _World(config)
    tools = [tool_catalog(world, target, budget)
             for target in chosen(config, req.text("tool"))]
    return {"scope": "project" if config.scope.is_project else "global", "catalog": tools,
            "duplicates": sum(len(t["duplicates"]) for t in tools),
            "budget": {"warn_always_loaded_tokens": budget}}


def chosen(config: Config, tool: str | None) -> Sequence[TargetConfig]:
    """Every target, or the one called ``tool`` (its name or a built-in alias)."""
    if tool is None:
        return config.targets
    target = config.target(tool)
    if target is not None:
        return [target]
    names = [t.name for t in config.targets]
    guess = closest(tool, names)
    mean = f"; did you mean `{guess}`?" if guess else ""
    raise NotFoundError(f"unknown tool: {tool}{mean}",
                        hint=f"the tools (configured targets): {', '.join(names) or 'none'}")


def folders(config: Config, target: TargetConfig) -> list[_Folder]:
    """The target's own skills folder, its agents folder, then each folder its tool also
    reads (not its own folder again, nor one twice)."""
    found = [_Folder(str(target.path), "skills", "own")]
    if target.agents is not None:
        found.append(_Folder(str(target.agents.path), "agents", "own"))
    known = builtin.lookup(target.builtin or target.name)
    also = () if known is None else (
        known.also_project if config.scope.is_project else known.also_global)
    seen = {os.path.realpath(target.path)}
    for raw in also:
        path = str(config.scope.expand(raw))
        if os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            found.append(_Folder(path, "skills", "also"))
    return found


def tool_catalog(world: _World, target: TargetConfig, budget: int) -> ToolCatalog:
    known = builtin.lookup(target.builtin or target.name)
    shown: list[CatalogFolder] = []
    loaded: dict[Kind, list[CatalogEntry]] = {"skills": [], "agents": []}
    for folder in folders(world.config, target):
        row, read = world.folder(folder)
        shown.append(row)
        loaded[folder.kind].extend(read.entries)
    total = sum(e["tokens"] for kind in loaded.values() for e in kind)
    return {"tool": target.name, "builtin": known.name if known else None,
            "folders": shown, "skills": loaded["skills"], "agents": loaded["agents"],
            "duplicates": duplicates(loaded["skills"]) + duplicates(loaded["agents"]),
            "always_loaded_tokens": total, "budget": budget,
            "over_budget": budget > 0 and total > budget}


def duplicates(entries: Iterable[CatalogEntry]) -> list[CatalogDuplicate]:
    """The same name loaded from two entries; the same content (digest) under two or more
    names. Entries that could not be read are not loaded, so never duplicates."""
    by_name: dict[str, list[CatalogEntry]] = {}
    by_digest: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        if "problem" not in entry:
            by_name.setdefault(entry["name"], []).append(entry)
            by_digest.setdefault(entry["digest"], []).append(entry)
    found: list[CatalogDuplicate] = [
        {"name": name, "by": "name", "entries": [e["path"] for e in same]}
        for name, same in sorted(by_name.items()) if len(same) > 1]
    for same in by_digest.values():
        names = sorted({e["name"] for e in same})
        if len(names) > 1:
            found.append({"name": ", ".join(names), "by": "content",
                          "entries": [e["path"] for e in same]})
    return found
