"""``init`` on an existing setup: ``--discover`` (add the built-in targets found since),
``--remote`` (git init the source if needed, add the remote) and ``--git-root skills``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.commands import init_setup
from skillshared.commands.initopts import InitOptions
from skillshared.commands.results import NamedPath
from skillshared.commands.results_init import InitChanged, Skipped
from skillshared.core import targets as builtin
from skillshared.core.config import Config
from skillshared.core.config_file import read_document
from skillshared.core.errors import SkillshareError
from skillshared.store import configedit

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def handles(opts: InitOptions) -> bool:
    """Whether ``init`` has something to do on an existing setup (else it is refused)."""
    return opts.discover or opts.remote is not None or opts.git_root is not None


def refuse(config_file: Path, project: bool) -> SkillshareError:
    where = "this project" if project else "skillshare"
    flag = " -p" if project else ""
    return SkillshareError(
        f"{where} is already initialized: {config_file}",
        hint=f"add the AI CLIs installed since with `skillshare init{flag} --discover`, or "
             "targets with `skillshare target add <name>`")


def new_targets(config: Config, found: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
    """The detected targets that the config has neither by name nor by folder."""
    names = {builtin.lookup(t.name) or t.name for t in config.targets}
    folders = {t.path for t in config.targets}
    return [(n, p) for n, p in found if (builtin.lookup(n) or n) not in names
            and p not in folders]


def _chosen(config: Config, fresh: list[tuple[str, Path]], select: tuple[str, ...]
            ) -> tuple[list[tuple[str, Path]], list[Skipped]]:
    if not select:
        return fresh, []
    by_name = {n: (n, p) for n, p in fresh}
    chosen, skipped = [], []
    for raw in select:
        known = builtin.lookup(raw)
        name = known.name if known else raw
        if name in by_name and by_name[name] not in chosen:
            chosen.append(by_name[name])
        elif known is None:
            skipped.append(Skipped(name=raw, reason="not a built-in target"))
        elif config.target(name) is not None:
            skipped.append(Skipped(name=name, reason="already a target"))
        else:
            skipped.append(Skipped(name=name, reason="not found on this machine"))
    return chosen, skipped


def discover(req: Request, opts: InitOptions, result: InitChanged,
             found: list[tuple[str, Path]]) -> None:
    """Add the newly found targets (all, or those of ``--select``); ``--mode`` is written
    only on them, and only where it differs from the config's default mode."""
    config = req.config()
    scope = config.scope
    fresh = new_targets(config, found)
    chosen, skipped = _chosen(config, fresh, opts.select)
    mode = opts.mode if opts.mode not in (None, config.mode) else None
    result["found"], result["added"], result["skipped"] = _named(fresh), _named(chosen), skipped
    if not chosen or opts.dry_run:
        return
    doc = read_document(scope)
    for name, path in chosen:
        doc = configedit.add_target(doc, scope, name, None if scope.is_project else path, mode)
    configedit.save(scope, doc)


def connect(req: Request, opts: InitOptions, result: InitChanged,
            env: dict[str, str]) -> None:
    """``--remote`` / ``--git`` / ``--git-root skills``: a repository in the source (with a
    first commit), and the remote as origin."""
    source = req.config().source
    if not source.is_dir():
        raise SkillshareError(f"the source {source} is not a folder",
                              hint="create it, or fix `source:` in the config")
    # The source's repository: in the source, or in the folder above (init --subdir).
    repo = next((f for f in (source, source.parent) if (f / ".git").exists()), None)
    if opts.dry_run:
        result["git_init"], result["remote_added"] = repo is None, opts.remote is not None
        return
    if repo is None:
        repo = source
        result["git_init"] = init_setup.git_init(repo, env)
        warning = init_setup.first_commit(repo, env)
        result["warnings"] = [warning] if warning else []
    if opts.remote is not None:
        result["remote_added"] = init_setup.add_remote(repo, opts.remote, env)


def _named(items: list[tuple[str, Path]]) -> list[NamedPath]:
    return [NamedPath(name=n, path=str(p)) for n, p in items]


def change(req: Request, opts: InitOptions, found: list[tuple[str, Path]],
           env: dict[str, str]) -> InitChanged:
    scope = req.scope()
    config = req.config()
    action = "discover" if opts.discover else "remote" if opts.remote else "git-root"
    result = InitChanged(
        action=action, scope=scope.name, config=str(scope.config_file),
        source=str(config.source), found=[], added=[], skipped=[], mode=opts.mode,
        remote=opts.remote, remote_added=False, git_init=False, warnings=[],
        dry_run=opts.dry_run)
    if opts.remote is not None or opts.git:
        connect(req, opts, result, env)
    if opts.discover:
        discover(req, opts, result, found)
    return result
