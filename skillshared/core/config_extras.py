"""Extras in the config: the ``extras:`` list (rules, commands, prompts... synced as plain
files to folders of the user's choosing) and where their sources are (``sources.extras`` or
the older ``extras_source``, global mode only), checked into frozen values.

An extra's source is, first found: its own ``source`` (global mode), else
``<extras source>/<name>`` when ``sources.extras``/``extras_source`` is set, else
``extras/<name>`` beside the skills source's folder (the config folder by default; a
project's ``.skillshare/extras/<name>``). A target with the original tool's ``extension``
(a transform script) is left out of sync, with a warning: this version runs no scripts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from skillshared.core import targets as builtin
from skillshared.core.config_original import configured_source

if TYPE_CHECKING:
    from skillshared.core.config_fields import Fields

EXTRA_MODES = ("merge", "copy", "symlink")
SOURCE_TYPES = ("per-extra", "extras_source", "default")
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
RESERVED_NAMES = frozenset({"skills", "extras"})
_EXTRA_KEYS = frozenset({"name", "source", "targets"})
_TARGET_KEYS = frozenset({"path", "mode", "flatten", "extension"})


class _Place(Protocol):
    @property
    def path(self) -> Path: ...


class _SkillTarget(Protocol):
    """What the checks read of a skills target (:class:`skillshared.core.config.TargetConfig`)."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def agents(self) -> _Place | None: ...


@dataclass(frozen=True)
class ExtraTarget:
    """One folder an extra is synced to: per-file links (merge), per-file copies (copy) or
    one link to the whole source (symlink); ``flatten`` puts every file at the folder's top.
    ``extension`` is set only on targets left out of sync (see :attr:`ExtraConfig.left_out`)."""

    path: Path
    mode: str = "merge"
    flatten: bool = False
    extension: str | None = None


@dataclass(frozen=True)
class ExtraConfig:
    """One extra: its name, its source folder, which level of the config chose that folder
    (one of :data:`SOURCE_TYPES`), the targets it is synced to, and the targets left out of
    sync (the original tool's transform extensions)."""

    name: str
    source: Path
    source_type: str
    targets: tuple[ExtraTarget, ...]
    left_out: tuple[ExtraTarget, ...] = ()

    def target(self, path: Path) -> ExtraTarget | None:
        return next((t for t in self.targets if t.path == path), None)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name an extra (None if it can)."""
    if not name:
        return "must not be empty"
    if name in RESERVED_NAMES:
        return f"'{name}' is a reserved word"
    if not NAME_RE.fullmatch(name):
        return (f"'{name}' must start with a letter or digit and hold only letters, digits, "
                "'-' and '_'")
    return None


def default_extras_dir(config_dir: Path, source: Path, project: bool) -> Path:
    """The folder holding each extra's source folder when nothing sets it: ``extras/``
    beside the skills source (global), a project's ``.skillshare/extras/``."""
    return config_dir / "extras" if project else source.parent / "extras"


def overlaps(a: Path, b: Path) -> bool:
    """Whether folder ``a`` is, is inside or holds folder ``b`` (``a``'s last component is
    not resolved: a symlink-mode target is a link to its source)."""
    sa = os.path.join(os.path.realpath(a.parent), a.name)
    sb = os.path.realpath(b)
    return sa == sb or sa.startswith(sb + os.sep) or sb.startswith(sa + os.sep)


def parse_extras(fields: Fields, doc: Mapping[str, Any], source: Path,
                 targets: Sequence[_SkillTarget]) -> tuple[tuple[ExtraConfig, ...],
                                                           Path | None]:
    """The document's extras, and the configured extras source (None: the default)."""
    reader = _Reader(fields, doc, source, targets)
    return reader.extras(), reader.extras_source


class _Reader:
    def __init__(self, fields: Fields, doc: Mapping[str, Any], source: Path,
                 targets: Sequence[_SkillTarget]) -> None:
        self.fields = fields
        self.scope = fields.scope
        self.doc = doc
        self.source = source
        self.skill_targets = targets
        self.extras_source = self._extras_source()
        self.parent = self.extras_source or default_extras_dir(
            self.scope.config_file.parent, source, self.scope.is_project)

    def _extras_source(self) -> Path | None:
        if self.scope.is_project:
            sources = self.doc.get("sources")
            if isinstance(sources, dict) and sources.get("extras") not in (None, ""):
                self.fields.original.note(
                    "sources.extras", "a project's extras are in .skillshare/extras/<name>")
            return None
        if self.doc.get("extras_source") is not None:
            self.fields.original.text(self.doc["extras_source"], "extras_source")
        raw = configured_source(self.doc, "extras")
        return self.scope.expand(raw) if raw is not None else None

    def extras(self) -> tuple[ExtraConfig, ...]:
        value = self.doc.get("extras")
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fields.problem("extras", "must be a list of {name, targets}")
            return ()
        found: list[tuple[str, ExtraConfig, tuple[ExtraTarget, ...]]] = []
        for index, item in enumerate(value):
            got = self._extra(item, f"extras[{index}]", {e.name for _, e, _ in found})
            if got is not None:
                found.append((f"extras[{index}]", *got))
        bad = self._check_places(found)
        return tuple(extra for key, extra, _ in found if key not in bad)

    def _extra(self, item: Any, key: str,
               seen: set[str]) -> tuple[ExtraConfig, tuple[ExtraTarget, ...]] | None:
        """The extra, and its targets in the document's order (the left-out ones too)."""
        if not isinstance(item, dict):
            self.fields.problem(key, "must be a mapping of name, source and targets")
            return None
        self.fields._unknown(item, set(_EXTRA_KEYS), key)
        name = item.get("name")
        if not isinstance(name, str):
            self.fields.problem(f"{key}.name", "required: the extra's name (text)")
            return None
        wrong = name_problem(name) or (f"'{name}' is listed twice" if name in seen else None)
        if wrong:
            self.fields.problem(f"{key}.name", wrong)
            return None
        source, source_type = self._source(item.get("source"), name, key)
        raw = item.get("targets")
        if not isinstance(raw, list) or not raw:
            self.fields.problem(f"{key}.targets", "required: a list of at least one "
                                "{path, mode, flatten}")
            return None
        places = [self._target(t, f"{key}.targets[{i}]") for i, t in enumerate(raw)]
        if source is None or any(p is None for p in places):
            return None
        chosen = tuple(p for p in places if p is not None)
        return ExtraConfig(name, source, source_type,
                           tuple(t for t in chosen if t.extension is None),
                           tuple(t for t in chosen if t.extension is not None)), chosen

    def _source(self, raw: Any, name: str, key: str) -> tuple[Path | None, str]:
        if raw in (None, ""):
            kind = "extras_source" if self.extras_source is not None else "default"
            return self.parent / name, kind
        if self.scope.is_project:
            self.fields.original.note(
                f"{key}.source", f"a project's extras are in .skillshare/extras/{name}")
            return self.parent / name, "default"
        return self.fields._path(raw, f"{key}.source"), "per-extra"

    def _target(self, item: Any, key: str) -> ExtraTarget | None:
        if not isinstance(item, dict):
            self.fields.problem(key, "must be a mapping of path, mode and flatten")
            return None
        self.fields._unknown(item, set(_TARGET_KEYS), key)
        if not isinstance(item.get("path"), str) or not item["path"].strip():
            self.fields.problem(f"{key}.path", "required: the folder to sync to (text)")
            return None
        path = self.fields._path(item["path"], f"{key}.path")
        mode = item.get("mode")
        if mode in (None, ""):
            mode = "merge"
        elif mode not in EXTRA_MODES:
            self.fields.problem(f"{key}.mode", f"must be merge, copy or symlink (got {mode!r})")
            return None
        flatten = item.get("flatten", False)
        if flatten is None:
            flatten = False
        if not isinstance(flatten, bool):
            self.fields.problem(f"{key}.flatten", "must be true or false")
            return None
        if flatten and mode == "symlink":
            self.fields.problem(f"{key}.flatten", "cannot be used with mode symlink (one link "
                                "to the whole source has no top level to flatten into)")
            return None
        extension = self._extension(item.get("extension"), key, path)
        if path is None:
            return None
        return ExtraTarget(path, mode, flatten, extension)

    def _extension(self, raw: Any, key: str, path: Path | None) -> str | None:
        if raw in (None, ""):
            return None
        if not isinstance(raw, str):
            self.fields.problem(f"{key}.extension", "must be text")
            return None
        where = f"{key}.extension"
        self.fields.original.note(
            where, "transform extensions are not run by this version: this target is left "
            "out of sync", f"files the original generated in {path} stay as they are and are "
            "no longer updated; convert them yourself, or drop the target",
            warning=f"{where}: transform extensions are not run by this version; the target "
            f"{path} is left out of sync")
        return raw

    # -- places -----------------------------------------------------------------------------
    def _check_places(self, found: list[tuple[str, ExtraConfig, tuple[ExtraTarget, ...]]]
                      ) -> set[str]:
        """The keys of the extras with a target where none may be (each reported)."""
        sources = [("the skills source", self.source),
                   ("the agents source", self.fields.agents_dir),
                   *((f"the source of extra '{e.name}'", e.source) for _, e, _ in found)]
        taken: list[tuple[str, Path]] = [
            (f"target '{t.name}'", t.path) for t in self.skill_targets]
        taken += [(f"the agents folder of target '{t.name}'", t.agents.path)
                  for t in self.skill_targets if t.agents is not None]
        bad: set[str] = set()
        for key, extra, ordered in found:
            for index, target in enumerate(ordered):
                wrong = self._place(target.path, sources, taken)
                if wrong:
                    self.fields.problem(f"{key}.targets[{index}].path", wrong)
                    bad.add(key)
                taken.append((f"a target of extra '{extra.name}'", target.path))
        return bad

    def _place(self, path: Path, sources: list[tuple[str, Path]],
               taken: list[tuple[str, Path]]) -> str | None:
        home = self.scope.home
        real_home = os.path.realpath(home)
        resolved = os.path.join(os.path.realpath(path.parent), path.name)
        for at, where in ((str(path), str(home)), (resolved, real_home)):
            wrong = builtin.place_problem(os.path.normpath(at), os.path.normpath(where))
            if wrong:
                return f"{path} cannot be a target: {wrong}"
        for label, folder in sources:
            if overlaps(path, folder):
                return (f"{path} overlaps {label} {folder}; a target must be outside every "
                        "source and not contain one")
        for label, folder in taken:
            if overlaps(path, folder):
                return f"{path} overlaps {label} ({folder}); each folder has one owner"
        return None
