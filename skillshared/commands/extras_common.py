"""What the ``extras`` actions share: loading the config with its document, finding an
extra and one of its targets, and checking a mode and a target folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.core.config import Config
from skillshared.core.config_extras import (
    EXTRA_MODES,
    ExtraConfig,
    ExtraTarget,
    default_extras_dir,
)
from skillshared.core.config_file import from_document, read_document
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.core.paths import Scope

if TYPE_CHECKING:
    from skillshared.commands.request import Request

# ``extras init commands --target <preset>``: the folder each tool reads commands from
# (global, project; None: the tool has no project folder for them).
COMMAND_PRESETS: dict[str, tuple[str, str | None]] = {
    "claude": ("~/.claude/commands", ".claude/commands"),
    "claude-code": ("~/.claude/commands", ".claude/commands"),
    "cursor": ("~/.cursor/commands", ".cursor/commands"),
    "codex": ("~/.codex/prompts", None),
}


def usage(message: str) -> UsageError:
    return UsageError(message, hint="run `skillshare extras --help`")


def load(req: Request) -> tuple[Scope, dict[str, Any], Config]:
    scope = req.scope()
    doc = read_document(scope)
    return scope, doc, from_document(scope, doc)


def find_extra(config: Config, name: str) -> ExtraConfig:
    extra = next((e for e in config.extras if e.name == name), None)
    if extra is None:
        known = ", ".join(e.name for e in config.extras) or "none"
        raise NotFoundError(f"extra '{name}' not found", hint=f"configured extras: {known}; "
                            f"create it with `skillshare extras init {name} --target <path>`")
    return extra


def extras_parent(config: Config) -> Path:
    return config.extras_source or default_extras_dir(config.scope.config_file.parent,
                                                      config.source, config.scope.is_project)


def check_mode(mode: str | None, flatten: bool) -> str:
    mode = mode or "merge"
    if mode not in EXTRA_MODES:
        raise UsageError(f"invalid mode '{mode}': must be merge, copy or symlink")
    if flatten and mode == "symlink":
        raise UsageError("--flatten cannot be used with mode symlink (one link to the whole "
                         "source has no top level to flatten into)")
    return mode


def target_path(scope: Scope, name: str, raw: str) -> Path:
    """The folder ``--target`` names: a path, or for ``commands`` a tool's preset."""
    preset = COMMAND_PRESETS.get(raw) if name == "commands" else None
    if preset is not None:
        where = preset[1] if scope.is_project else preset[0]
        if where is None:
            raise UsageError(f"the '{raw}' preset has no project folder: its prompt files "
                             "live in its home folder",
                             hint="use global mode, or --target ~/.codex/prompts")
        raw = where
    if not raw.strip():
        raise UsageError("--target needs a folder path")
    path = scope.expand(raw.strip())
    if os.path.lexists(path) and not os.path.isdir(path):
        raise UsageError(f"target {path} is a file, not a folder")
    return path


def pick_target(scope: Scope, extra: ExtraConfig, raw: str | None, flag: str) -> ExtraTarget:
    """The target ``raw`` names, else the extra's only one."""
    every = (*extra.targets, *extra.left_out)
    if raw is None:
        if len(every) != 1:
            listed = ", ".join(str(t.path) for t in every)
            raise usage(f"extra '{extra.name}' has {len(every)} targets ({listed}): name one "
                         f"with {flag} <path>")
        return every[0]
    path = scope.expand(raw.strip()) if raw.strip() else None
    found = next((t for t in every if path is not None and (
        t.path == path or os.path.realpath(t.path) == os.path.realpath(path))), None)
    if found is None:
        listed = ", ".join(str(t.path) for t in every)
        raise NotFoundError(f"{raw} is not a target of extra '{extra.name}'",
                            hint=f"its targets: {listed}")
    return found
