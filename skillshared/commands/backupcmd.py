"""``backup``: create, list, verify and clean up backups. The work is the store's (the
daemon's backup and cleanup jobs call the same functions); this is the command."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.commands import verbosity
from skillshared.commands.kindpick import AGENT, SKILL
from skillshared.commands.kindwords import AGENTS_SUFFIX, agents_name, kind_label, kind_words
from skillshared.commands.results_backup import BackupResult
from skillshared.core.config import Config, TargetConfig
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.core.results_backup import BackupVerifyResult, WouldBackUp
from skillshared.engine import resources
from skillshared.store.backup_cleanup import cleanup
from skillshared.store.backup_format import NAME_RE, list_backups
from skillshared.store.backup_snapshot import real_target
from skillshared.store.backup_usage import listing
from skillshared.store.backup_verify import verify
from skillshared.store.backup_write import owner, write
from skillshared.store.backup_writer import BackupWriter

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def global_only(req: Request, what: str, kind: str = "skills") -> Config:
    """The global config; refused in project mode (also for agents, which the original
    skillshare backs up there: a project's folders are rebuilt from .skillshare)."""
    return req.global_config(f"{what} works on global targets; a project's {kind} folders "
                             f"are rebuilt from .skillshare/{kind}",
                             hint="run it with -g, or use `skillshare sync -p"
                                  + (" agents`" if kind == "agents" else "`"))


def chosen_targets(config: Config, names: Sequence[str]) -> list[TargetConfig]:
    from skillshared.commands.request import pick_targets

    picked = pick_targets(config, list(names))
    return [t for t in config.targets if picked is None or t.name in picked]


def cmd_backup(req: Request) -> BackupResult:
    """``backup [skills|agents] [target...]`` or ``--all``; ``--list``, ``--verify``,
    ``--cleanup``. Without a kind word a target's agents folder and the extras' folders go
    with the skills' targets (as with ``--all``). With ``-v`` and ``-q`` in the result."""
    return verbosity.echo(req, _backup(req))


def _backup(req: Request) -> BackupResult:
    words = kind_words(req, req.texts("targets"), "backup")
    config = (global_only(req, "backup agents", "agents") if words.kind == AGENT
              else global_only(req, "backup"))
    names = _names(req, list(words.names))
    if req.flag("list"):
        return listing(config.scope.backups_dir)
    if req.flag("verify"):
        return backup_verify(config, _kind_names(config, names, words.kind),
                             check_name(req.text("from")))
    if req.flag("cleanup"):
        return cleanup(config, dry_run=req.flag("dry_run"))
    if req.text("from") is not None:
        raise UsageError("--from goes with --verify (or with `skillshare restore`)")
    targets, others = _by_kind(config, names, words.kind)
    kind = kind_label(words.kind)
    if req.flag("dry_run"):
        return {"action": "create", "dry_run": True, "kind": kind,
                "targets": _would(config, targets) + [
                    w for c, t in others for w in _would(c, [t])]}
    result = write(config, targets, others=others)
    return {"action": "create", "dry_run": False, "kind": kind, **result.to_dict(),
            "summary": {"failed": sum(r.status == "failed" for r in result.results)}}


def _names(req: Request, named: list[str]) -> list[str]:
    """The targets named after ``backup`` (and a kind word) and with ``--target`` (the
    original's flag)."""
    flagged = req.text("target")
    return named + ([flagged] if flagged else [])


def _kind_names(config: Config, names: list[str], kind: str | None) -> list[str]:
    """``backup agents claude``: the name of claude's agents folder (claude@agents)."""
    return [agents_name(config, n) for n in names] if kind == AGENT else names


def _by_kind(config: Config, names: list[str], kind: str | None
             ) -> tuple[list[TargetConfig], list[tuple[Config, TargetConfig]]]:
    """What ``backup`` saves: ``skills``: the skills' targets alone; ``agents``: the agents
    folders alone (those that exist); else (``--all``, or no kind word) all of it."""
    if kind == SKILL:
        if any("@" in n for n in names):
            raise UsageError("`backup skills` takes targets' names; a name with @ is an "
                             "agents or extras folder", hint="run `skillshare backup <name>`")
        return chosen_targets(config, names), []
    if kind != AGENT:
        return _chosen(config, names)
    wanted = set(_kind_names(config, names, kind))
    others = [(c, t) for c, t in resources.kind_targets(config)
              if t.name.endswith(AGENTS_SUFFIX) and (not names or t.name in wanted)
              and os.path.lexists(t.path)]
    if not others:
        raise NotFoundError("no agents folder to back up: "
                            + (f"{', '.join(sorted(wanted))} does not exist yet" if names
                               else "no target's agents folder exists yet"),
                            hint="`skillshare sync agents` makes them")
    return [], others


def _chosen(config: Config, names: Sequence[str]
            ) -> tuple[list[TargetConfig], list[tuple[Config, TargetConfig]]]:
    """The targets named (all: none named) and the folders of agents and extras with them:
    a target's agents folder goes with it; ``claude@agents`` or ``rules@0`` alone, too."""
    kinds = resources.kind_targets(config)
    alone = [n for n in names if config.target(n) is None and any(
        t.name == n for _, t in kinds)]
    targets = chosen_targets(config, [n for n in names if n not in alone]) if (
        len(alone) < len(names) or not names) else []
    wanted = {t.name + "@agents" for t in targets} | set(alone)
    others = [(c, t) for c, t in kinds if (not names or t.name in wanted)
              and os.path.lexists(t.path)]
    return targets, others


def check_name(raw: str | None) -> str | None:
    if raw is not None and not NAME_RE.match(raw):
        raise UsageError(f"--from {raw!r} is not a backup name",
                         hint="backups are named by the time they were taken, in UTC, like "
                              "2026-01-20_15-30-00Z; see `skillshare backup --list`")
    return raw


def find(config: Config, name: str) -> Path:
    folder = config.scope.backups_dir / name
    if not folder.is_dir():
        raise NotFoundError(f"no backup named {name}", hint="see `skillshare backup --list`")
    return folder


def backup_verify(config: Config, names: Sequence[str], when: str | None
                  ) -> BackupVerifyResult:
    backups_dir = config.scope.backups_dir
    backups = [find(config, when)] if when else list_backups(backups_dir)
    return verify(backups_dir, backups, names)


def _would(config: Config, targets: list[TargetConfig]) -> list[WouldBackUp]:
    writer = BackupWriter(config.scope.backups_dir, limits=config.limits)  # (writes nothing yet)
    own = owner(config)
    return [{"target": t.name, "path": str(t.path), "status": writer.examine(
                t.name, real_target(str(t.path), t.mode, own), own)[0] or "would create"}
            for t in targets]
