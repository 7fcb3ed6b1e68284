"""``init`` on an existing setup: ``--discover`` (add the built-in targets found since),
``--remote`` (git init the versioned folder if needed, add the remote) and ``--git-root``
(what git versions: skills, agents, extras or root)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.commands import init_setup
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.initopts import InitOptions
from skillshared.commands.results import NamedPath
from skillshared.commands.results_init import InitChanged, Skipped
from skillshared.core import targets as builtin
from skillshared.core.config import Config
from skillshared.core.config_file import read_document
from skillshared.core.config_original import git_root_dir
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Scope
from skillshared.store import configedit

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def handles(opts: InitOptions) -> bool:
    """Whether ``init`` has something to do on an existing setup (else it is refused)."""
    return (opts.discover or opts.remote is not None or opts.git_root is not None
            or opts.force)


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
    """``--remote`` / ``--git-root``: a repository (with a first commit) in the folder git
    versions, and the remote as its origin. ``--git-root`` is written to the config (after
    its repository is made; it never moves an existing history)."""
    config = req.config()
    scope = config.scope
    doc = read_document(scope)
    if opts.git_root is not None:
        doc = {k: v for k, v in doc.items() if k != "git_root"}
        if opts.git_root != "skills":
            doc["git_root"] = opts.git_root
    repo = _repo(scope, doc, config.source)
    result["repo"] = str(repo)
    if opts.remote is not None:  # an origin pointing elsewhere: refused before anything
        init_setup.check_remote(repo, opts.remote, env)
    if opts.dry_run:
        result["git_init"] = not (repo / ".git").exists()
        result["remote_added"] = opts.remote is not None
        return
    ignore = scope.config_file.name if opts.git_root == "root" else None
    result["git_init"] = init_setup.git_init(repo, env, ignore)
    if result["git_init"]:
        warning = init_setup.first_commit(repo, env)
        result["warnings"] = [warning] if warning else []
    if opts.git_root is not None and doc.get("git_root") != config.document.get("git_root"):
        configedit.save(scope, doc)
    if opts.remote is not None:
        result["remote_added"] = init_setup.add_remote(repo, opts.remote, env)


def _repo(scope: Scope, doc: dict[str, Any], source: Path) -> Path:
    """The folder git versions: what ``git_root`` names; for the skills source, the folder
    above it when that is the repository (a source made with ``init --subdir``)."""
    folder = git_root_dir(scope, doc, source)
    if folder == source and not (source / ".git").exists() and (source.parent / ".git").exists():
        return source.parent
    return folder


def _named(items: list[tuple[str, Path]]) -> list[NamedPath]:
    return [NamedPath(name=n, path=str(p)) for n, p in items]


def change(req: Request, opts: InitOptions, found: list[tuple[str, Path]],
           env: dict[str, str]) -> InitChanged:
    scope = req.scope()
    config = req.config()
    action = ("discover" if opts.discover else "git-root" if opts.git_root is not None
              else "remote" if opts.remote is not None else "schema")
    result = InitChanged(
        action=action, scope=scope.name, config=str(scope.config_file),
        source=str(config.source), found=[], added=[], skipped=[], mode=opts.mode,
        remote=opts.remote, remote_added=False, git_init=False, git_root=opts.git_root,
        repo=None, schema_added=False, warnings=[],
        dry_run=opts.dry_run, daemon_syncs=daemon_syncs(req, scope))
    if opts.remote is not None or opts.git_root is not None:
        connect(req, opts, result, env)
    if opts.discover:
        discover(req, opts, result, found)
    if opts.force:
        result["schema_added"] = init_setup.add_schema_line(
            scope.config_file, scope.is_project, opts.dry_run)
    return result
