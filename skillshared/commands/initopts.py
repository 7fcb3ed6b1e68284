"""``init``'s options, read and checked together before anything is made (a bad combination
changes nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillshared.core.config import MODES
from skillshared.core.config_original import GIT_ROOTS
from skillshared.core.errors import UsageError
from skillshared.git import gitops

if TYPE_CHECKING:
    from skillshared.commands.request import Request

# Flags of the global setup only: a project is versioned by its own repository.
GLOBAL_ONLY = ("remote", "copy_from", "git", "no_git", "git_root", "skill", "subdir")


@dataclass(frozen=True)
class InitOptions:
    mode: str | None
    targets: tuple[str, ...]
    all_targets: bool
    no_targets: bool
    remote: str | None
    copy_from: str | None
    git: bool  # git init the source (asked, or implied by --remote or --git-root)
    git_root: str | None
    skill: bool
    discover: bool
    select: tuple[str, ...]
    subdir: str | None
    force: bool  # on an existing setup: add the schema comment to the config
    config_local: bool  # --config local (project): config.yaml is git-ignored
    dry_run: bool


def _exclusive(req: Request, *keys: str) -> None:
    given = [k for k in keys if req.args.get(k) not in (None, False, [])]
    if len(given) > 1:
        flags = ", ".join("--" + k.replace("_", "-") for k in keys)
        raise UsageError(f"use only one of {flags}")


def _names(req: Request, key: str) -> tuple[str, ...]:
    raw = req.text(key)
    if raw is None:
        return ()
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    if not names:
        raise UsageError(f"--{key} needs at least one name (comma-separated)")
    return names


def _subdir(raw: str | None) -> str | None:
    if raw is None:
        return None
    name = raw.strip().strip("/")
    if not name or name in (".", "..") or "/" in name or "\\" in name or name.startswith("-"):
        raise UsageError(f"invalid --subdir '{raw}': one folder name, such as skills")
    return name


def _config_mode(raw: str | None, project: bool) -> bool:
    if raw is None:
        return False
    if raw != "local":
        raise UsageError(f"invalid --config '{raw}': the only value is local")
    if not project:
        raise UsageError("--config local is for a project (init -p): it keeps the project's "
                         "config.yaml out of git")
    return True


def _git_root(raw: str | None, no_git: bool) -> None:
    if raw is None:
        return
    if raw not in GIT_ROOTS:
        raise UsageError(f"invalid --git-root '{raw}': must be one of {', '.join(GIT_ROOTS)}")
    if no_git:
        raise UsageError("--git-root cannot be combined with --no-git")


def read_options(req: Request) -> InitOptions:
    """The options of ``req``, or a UsageError naming the first thing wrong."""
    try:
        return _read(req)
    except UsageError as exc:
        exc.hint = exc.hint or "run `skillshare init --help`"
        raise


def _read(req: Request) -> InitOptions:
    project = req.scope().is_project
    if project:
        given = [k for k in GLOBAL_ONLY if req.args.get(k) not in (None, False)]
        if given:
            flag = "--" + given[0].replace("_", "-")
            raise UsageError(f"{flag} is for the global setup; a project is shared with its "
                             "own git repository", hint=f"run it in global mode: "
                                                        f"skillshare init -g {flag}")
    _exclusive(req, "copy_from", "no_copy")
    _exclusive(req, "targets", "all_targets", "no_targets")
    _exclusive(req, "git", "no_git")
    _exclusive(req, "skill", "no_skill")
    _git_root(req.text("git_root"), req.flag("no_git"))
    mode = req.text("mode")
    if mode is not None:
        mode = mode.strip().lower()
        if mode not in MODES:
            raise UsageError(f"invalid mode '{mode}': must be one of {', '.join(MODES)}")
    select = _names(req, "select")
    if select and not req.flag("discover"):
        raise UsageError("--select requires --discover")
    remote = req.text("remote")
    if remote is not None and req.flag("no_git"):
        raise UsageError("--remote needs git in the source: leave out --no-git")
    if remote is not None:
        gitops.check_url(remote)
    return InitOptions(
        mode=mode, targets=tuple(req.texts("targets")), all_targets=req.flag("all_targets"),
        no_targets=req.flag("no_targets"), remote=remote, copy_from=req.text("copy_from"),
        git=(req.flag("git") or remote is not None or req.text("git_root") is not None),
        git_root=req.text("git_root"), skill=req.flag("skill"), discover=req.flag("discover"),
        select=select,
        subdir=_subdir(req.text("subdir")), force=req.flag("force"),
        config_local=_config_mode(req.text("config"), project),
        dry_run=req.flag("dry_run"))
