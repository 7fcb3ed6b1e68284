"""``init``: create the config and the source (global), or ``.skillshare/`` (project)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skillshared.commands import init_existing, init_setup
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.initopts import GLOBAL_ONLY, InitOptions, read_options
from skillshared.commands.request import Request
from skillshared.commands.results_init import InitChanged, InitDone
from skillshared.commands.toolfolders import tool_folder
from skillshared.core import targets as builtin
from skillshared.core.config_original import git_root_dir
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.core.paths import Scope
from skillshared.engine import fsops
from skillshared.store import configedit, gitignore


def detected_targets(scope: Scope) -> list[tuple[str, Path]]:
    """Built-in targets whose tool folder exists (one per skills folder; table order, except
    that ``universal`` represents the shared ``.agents/skills`` folder)."""
    found: dict[Path, str] = {}
    ordered = sorted(builtin.builtin_targets(), key=lambda t: t.name != "universal")
    for target in ordered:
        raw = target.project_path if scope.is_project else target.global_path
        folder = tool_folder(scope, raw)
        path = scope.expand(raw)
        if folder is not None and folder.is_dir() and path not in found:
            found[path] = target.name
    order = {t.name: i for i, t in enumerate(builtin.builtin_targets())}
    return sorted(((name, path) for path, name in found.items()), key=lambda x: order[x[0]])


def named_targets(scope: Scope, names: list[str]) -> list[tuple[str, Path]]:
    chosen: list[tuple[str, Path]] = []
    unknown = []
    for name in names:
        target = builtin.lookup(name)
        if target is None:
            unknown.append(name)
            continue
        raw = target.project_path if scope.is_project else target.global_path
        if all(target.name != n for n, _ in chosen):
            chosen.append((target.name, scope.expand(raw)))
    if unknown:
        raise NotFoundError(
            f"not a built-in target: {', '.join(unknown)}",
            hint="see the README for the list of built-in targets; add others after init with "
                 "`skillshare target add <name> <path>`")
    return chosen


def cmd_init(req: Request) -> InitDone | InitChanged:
    req = _global_if_asked(req)
    scope = req.scope()
    opts = read_options(req)
    env = req.paths.where.child_env(GIT_TERMINAL_PROMPT="0")
    if scope.config_file.exists():
        if not init_existing.handles(opts):
            raise init_existing.refuse(scope.config_file, scope.is_project)
        return init_existing.change(req, opts, detected_targets(scope), env)
    names = list(opts.targets) or list(opts.select)
    raw_source = req.text("source")
    base = scope.expand(raw_source) if raw_source else scope.default_source
    if base.exists() and not base.is_dir():
        raise UsageError(f"--source {base} is a file, not a folder")
    source = base / opts.subdir if opts.subdir else base
    if source.exists() and not source.is_dir():
        raise UsageError(f"--subdir: {source} is a file, not a folder")
    origin = init_setup.copy_origin(scope, opts.copy_from) if opts.copy_from else None
    if opts.no_targets:
        chosen: list[tuple[str, Path]] = []
    elif names:
        chosen = named_targets(scope, names)
    else:
        chosen = detected_targets(scope)
    mode = opts.mode or "merge"
    doc = configedit.new_document(
        scope, source if raw_source or opts.subdir else None, mode,
        [(n, None if scope.is_project else p) for n, p in chosen])
    if opts.git_root not in (None, "skills"):
        doc["git_root"] = opts.git_root
    result = InitDone(
        action="init", scope=scope.name, config=str(scope.config_file), source=str(source),
        mode=mode, targets=[{"name": n, "path": str(p)} for n, p in chosen],
        detected=not names and not opts.no_targets, remote=opts.remote, created=[],
        dry_run=opts.dry_run, agents_source=str(scope.config_file.parent / "agents"),
        copied_from=str(origin) if origin else None, copied=[], copy_skipped=[],
        git_init=False, git_root=opts.git_root or "skills", skill_installed=False,
        subdir=opts.subdir, warnings=[], daemon_syncs=daemon_syncs(req, scope),
        repo=str(_repo_folder(scope, opts, doc, base, source)) if opts.git else None)
    result["warnings"] += builtin.overlap_warnings(
        [n for n, _ in chosen], [(n, n, str(p)) for n, p in chosen],
        lambda raw: str(scope.expand(raw)), scope.is_project)
    if opts.remote is not None:  # an origin pointing elsewhere: refused before anything
        init_setup.check_remote(_repo_folder(scope, opts, doc, base, source), opts.remote, env)
    if opts.dry_run:
        _preview(result, scope, opts, doc, (base, source, origin))
    else:
        _create(result, scope, opts, (base, source, origin), doc, env)
    return result


def _global_if_asked(req: Request) -> Request:
    """Inside a project, without -p or -g, a flag of the global setup (--remote, --git, ...)
    means the global setup, as in the original."""
    if req.args.get("project") is not None:
        return req
    if not any(req.args.get(k) not in (None, False) for k in GLOBAL_ONLY):
        return req
    return Request(req.paths, {**req.args, "project": False}, req.daemon)


def _preview(result: InitDone, req_scope: Scope, opts: InitOptions, doc: dict[str, Any],
             folders: tuple[Path, Path, Path | None]) -> None:
    base, source, origin = folders
    if origin is not None:
        result["copied"], result["copy_skipped"] = init_setup.copy_skills(origin, source, True)
    repo = _repo_folder(req_scope, opts, doc, base, source)
    result["git_init"] = opts.git and not (repo / ".git").exists()
    result["skill_installed"] = opts.skill and not (source / init_setup.SKILL_NAME).exists()


def _create(result: InitDone, scope: Scope, opts: InitOptions,
            folders: tuple[Path, Path, Path | None], doc: dict[str, Any],
            env: dict[str, str]) -> None:
    base, source, origin = folders
    created = result["created"]
    for folder in (source, Path(result["agents_source"])):
        if not folder.is_dir():
            created.append(str(folder))
        fsops.makedirs(folder)
    if origin is not None:
        result["copied"], result["copy_skipped"] = init_setup.copy_skills(origin, source, False)
    if opts.skill:
        result["skill_installed"] = init_setup.install_skill(source, False)
    if scope.project_root is not None:
        ignored = [*gitignore.DEFAULT_ENTRIES, *([scope.config_file.name]
                                                 if opts.config_local else [])]
        created.append(str(gitignore.ensure_gitignore(scope.config_file.parent, ignored)))
    configedit.save(scope, doc)
    init_setup.add_schema_line(scope.config_file, scope.is_project, False)
    created.append(str(scope.config_file))
    repo = _repo_folder(scope, opts, doc, base, source)
    if opts.git:
        ignore = scope.config_file.name if opts.git_root == "root" else None
        result["git_init"] = init_setup.git_init(repo, env, ignore)
        warning = init_setup.first_commit(repo, env) if result["git_init"] else None
        result["warnings"] += [warning] if warning else []
    if opts.remote is not None:
        init_setup.add_remote(repo, opts.remote, env)


def _repo_folder(scope: Scope, opts: InitOptions, doc: dict[str, Any], base: Path,
                 source: Path) -> Path:
    """The folder git versions: the source (above its --subdir), or what --git-root names."""
    if opts.git_root in (None, "skills"):
        return base
    return git_root_dir(scope, doc, source)
