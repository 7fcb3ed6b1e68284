"""``restore``: ``restore <target>``, ``restore agents <target>`` (its agents folder),
``restore --all <target>`` (both), and ``restore`` alone (the list of backups, as the
original skillshare shows without its TUI). The work is :mod:`restore`'s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillshared.commands import backupcmd, restorehint, verbosity
from skillshared.commands.kindpick import AGENT, SKILL
from skillshared.commands.kindwords import ALL, KindWords, agents_name, kind_words, words_of
from skillshared.commands.restore import restore_named
from skillshared.commands.results_backup import RestoreAll, RestoreCmdResult
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.engine import resources
from skillshared.store.backup_format import NAME_RE
from skillshared.store.backup_usage import listing

if TYPE_CHECKING:
    from skillshared.commands.request import Request

USAGE = "usage: skillshare restore [agents] <target> [--from TIMESTAMP] [--force] [--dry-run]"


def cmd_restore(req: Request) -> RestoreCmdResult:
    """``restore [skills|agents] <target>`` (or ``--all``), or the list of backups; with
    ``-v`` and ``-q`` in the result."""
    return verbosity.echo(req, _restore(req))


def _restore(req: Request) -> RestoreCmdResult:
    words = kind_words(req, words_of(req, "target"), "restore")
    _no_stamps(words, req.flag("force"))
    config = (backupcmd.global_only(req, "restore agents", "agents") if words.kind == AGENT
              else backupcmd.global_only(req, "restore"))
    when = backupcmd.check_name(req.text("from"))
    dry_run, force = req.flag("dry_run"), req.flag("force")
    if not words.names:
        if words.kind is None and when is None and not dry_run:
            return listing(config.scope.backups_dir)
        raise UsageError(USAGE, hint="see `skillshare backup --list` (or `skillshare "
                                     "restore`) for what can be restored")
    if len(words.names) > 1:
        raise UsageError(f"restore takes one target, not {', '.join(words.names)}", hint=USAGE)
    name = words.names[0]
    if words.kind == ALL:
        return restorehint.noted_all(req, config, restore_all(config, name, when, dry_run,
                                                              force))
    if words.kind == AGENT:
        name = agents_name(config, name)
    elif words.kind == SKILL and config.target(name) is None:
        raise NotFoundError(f"'{name}' is not a skills target",
                            hint="configured targets: "
                                 f"{', '.join(t.name for t in config.targets) or 'none'}")
    return restorehint.noted(req, config, restore_named(config, name, when, dry_run, force))


def _no_stamps(words: KindWords, force: bool) -> None:
    """A backup's name where a target goes: the original's ``restore claude -f <stamp>``
    (there -f is --from; here it is --force, as in every command): refused, not guessed."""
    for word in words.names:
        if NAME_RE.match(word):
            flag = " (-f here is --force, not --from as in the original skillshare)" if (
                force) else ""
            raise UsageError(f"'{word}' is a backup's name, not a target{flag}; nothing was "
                             "changed", hint=f"pick a backup with --from {word}")


def restore_all(config: Config, name: str, when: str | None, dry_run: bool, force: bool
                ) -> RestoreAll:
    """The target's skills folder and its agents folder (when it has one): both are checked
    (backup found and verified, nothing in the way) before either is restored."""
    target = config.target(name)
    if target is None:
        raise NotFoundError(f"target '{name}' not found", hint="--all takes a target's name "
                            "(configured: " + (", ".join(t.name for t in config.targets)
                                               or "none") + ")")
    names = [target.name]
    if resources.kind_target(config, target.name + "@agents") is not None:
        names.append(target.name + "@agents")
    checked = [restore_named(config, n, when, True, force) for n in names]
    done = checked if dry_run else [restore_named(config, n, when, False, force)
                                    for n in names]
    return {"kind": "all", "target": target.name, "dry_run": dry_run, "results": done}
