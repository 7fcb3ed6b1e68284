"""Doctor's check of skills a tool loads twice: a target's tool that also reads a folder
another target syncs into (the built-in table's ``also_*``: Codex reads ~/.agents/skills,
Cursor ~/.claude/skills, ...) loads every skill synced to both folders twice. Each such
skill is named, in the scanning tool's context."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from skillshared.commands.results import CheckStatus
from skillshared.core import targets as builtin
from skillshared.core.config import Config
from skillshared.engine.runs import TargetRun

# doctor's ``Checks.add``: (name, status, message, details, hint)
Add = Callable[[str, CheckStatus, str, "list[str] | None", "str | None"], None]

CHECK = "cross_target_discovery"
SHOWN = 20


def target_rows(config: Config) -> list[tuple[str, str | None, str]]:
    return [(t.name, t.builtin, str(t.path)) for t in config.targets]


def found(config: Config) -> list[builtin.Overlap]:
    return builtin.overlaps(target_rows(config), lambda raw: str(config.scope.expand(raw)),
                            config.scope.is_project)


def check_overlaps(add: Add, config: Config, runs: Sequence[TargetRun]) -> None:
    """One check per overlap: a warning naming the skills loaded twice, else info."""
    wanted: dict[str, set[str]] = {}
    for run in runs:
        for target in run.group.targets:
            wanted[target.name] = set(run.group.wanted)
    for overlap in found(config):
        own = wanted.get(overlap.scanner, set())
        twice = sorted(own & {n for w in overlap.writers for n in wanted.get(w, set())})
        where = f"{overlap.folder} ({', '.join(overlap.writers)})"
        hint = (f"remove one of the targets (`skillshare target remove {overlap.scanner} "
                "--dry-run` previews it), or filter the skills with include/exclude")
        if twice:
            shown = twice[:SHOWN] + ([f"... and {len(twice) - SHOWN} more"]
                                     if len(twice) > SHOWN else [])
            add(CHECK, "warning", f"{overlap.scanner} loads {len(twice)} skills twice: from "
                f"its own folder and from {where}", shown, hint)
        else:
            add(CHECK, "info", f"{overlap.scanner} also loads skills from {where}; no skill is "
                "synced to both", None, None)
