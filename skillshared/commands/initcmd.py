"""``init``: create the config and the source (global), or ``.skillshare/`` (project)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.commands.results import InitResult
from skillshared.core import targets as builtin
from skillshared.core.config import MODES
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.paths import Scope
from skillshared.engine import fsops
from skillshared.git import gitops
from skillshared.store import configedit, gitignore

if TYPE_CHECKING:
    from skillshared.commands.request import Request



def detected_targets(scope: Scope) -> list[tuple[str, Path]]:
    """Built-in targets whose tool folder exists (one per skills folder; table order, except
    that ``universal`` represents the shared ``.agents/skills`` folder)."""
    found: dict[Path, str] = {}
    ordered = sorted(builtin.builtin_targets(), key=lambda t: t.name != "universal")
    for target in ordered:
        raw = target.project_path if scope.is_project else target.global_path
        path = scope.expand(raw)
        tool_folder = path.parent
        if scope.is_project and not Path(raw).parts[0].startswith("."):
            continue  # `skills`, `data/skills`: too common in projects to mean a tool is used
        if tool_folder.is_dir() and path not in found:
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


def cmd_init(req: Request) -> InitResult:
    scope = req.scope()
    dry_run = req.flag("dry_run")
    if scope.config_file.exists():
        where = "this project" if scope.is_project else "skillshare"
        raise SkillshareError(
            f"{where} is already initialized: {scope.config_file}",
            hint="add targets with `skillshare target add <name>`, or remove the config file "
                 "to start over")
    mode = req.text("mode") or "merge"
    if mode not in MODES:
        raise UsageError(f"invalid mode '{mode}': must be one of {', '.join(MODES)}")
    names = req.texts("targets")
    choices = sum([bool(names), req.flag("all_targets"), req.flag("no_targets")])
    if choices > 1:
        raise UsageError("use only one of --targets, --all-targets and --no-targets")
    remote = req.text("remote")
    if remote is not None and scope.is_project:
        raise UsageError("--remote is for the global source; a project is shared with its own "
                         "git repository")
    if remote is not None:
        gitops.check_url(remote)
    raw_source = req.text("source")
    source = scope.expand(raw_source) if raw_source else scope.default_source
    if source.exists() and not source.is_dir():
        raise UsageError(f"--source {source} is a file, not a folder")
    if req.flag("no_targets"):
        chosen: list[tuple[str, Path]] = []
    elif names:
        chosen = named_targets(scope, names)
    else:
        chosen = detected_targets(scope)
    doc = configedit.new_document(
        scope, source if raw_source else None, mode,
        [(n, None if scope.is_project else p) for n, p in chosen])
    created = []
    if not dry_run:
        created = _create(scope, source, doc, remote,
                          req.paths.where.child_env(GIT_TERMINAL_PROMPT="0"))
    return {
        "scope": scope.name,
        "config": str(scope.config_file),
        "source": str(source),
        "mode": mode,
        "targets": [{"name": n, "path": str(p)} for n, p in chosen],
        "detected": not names and not req.flag("no_targets"),
        "remote": remote,
        "created": created,
        "dry_run": dry_run,
    }


def _create(scope: Scope, source: Path, doc: dict[str, Any], remote: str | None,
            env: dict[str, str]) -> list[str]:
    created = []
    if not source.is_dir():
        created.append(str(source))
    fsops.makedirs(source)
    if scope.project_root is not None:
        base = scope.config_file.parent
        created.append(str(gitignore.ensure_gitignore(base)))
    configedit.save(scope, doc)
    created.append(str(scope.config_file))
    if remote is not None:
        if not (source / ".git").exists():
            gitops.run(["init", "--quiet"], cwd=str(source), env=env)
        gitops.run(["remote", "add", "origin", remote], cwd=str(source), env=env)
    return created
