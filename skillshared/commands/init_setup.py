"""What ``init`` adds to a new source: skills copied from a folder (``--copy-from``), the
built-in ``skillshare`` skill (``--skill``), and a git repository with a first commit
(``--git``, ``--remote``)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from skillshared.core import targets as builtin
from skillshared.core.errors import NotFoundError, SkillshareError
from skillshared.core.paths import Scope
from skillshared.engine import fsops, fsops_swap
from skillshared.engine.trees import NO_RULES
from skillshared.git import gitops
from skillshared.store import configedit, gitignore

SKILL_NAME = "skillshare"
# The author of the first commit when git has none configured (that commit only: the
# repository's config is left alone).
STAND_IN = ("-c", "user.name=skillshare", "-c", "user.email=skillshare@localhost")


def copy_origin(scope: Scope, raw: str) -> Path:
    """The folder ``--copy-from`` names: a built-in target (its skills folder here), or a
    path. A NotFoundError if it is not an existing folder (nothing has been made yet)."""
    target = builtin.lookup(raw)
    if target is not None:
        path = scope.expand(target.project_path if scope.is_project else target.global_path)
    else:
        path = scope.expand(raw)
    if not path.is_dir():
        raise NotFoundError(f"--copy-from {raw}: {path} is not a folder",
                            hint="give a built-in target whose skills folder exists here, or "
                                 "the path of a folder of skills")
    return path


def copy_skills(origin: Path, source: Path, dry_run: bool) -> tuple[list[str], list[str]]:
    """Copy each folder of ``origin`` (not hidden, not a link) into ``source``, each one
    whole or not at all; a name the source already has is skipped. Returns (copied,
    skipped). ``origin`` is only read."""
    copied: list[str] = []
    skipped: list[str] = []
    with os.scandir(origin) as entries:
        folders = sorted(e.name for e in entries
                         if e.is_dir(follow_symlinks=False) and not e.name.startswith("."))
    for name in folders:
        if os.path.lexists(source / name):
            skipped.append(name)
            continue
        copied.append(name)
        if dry_run:
            continue
        temp, _ = fsops_swap.build_copy(str(source), name, str(origin / name), NO_RULES)
        try:
            fsops.rename_no_replace(temp, source / name)
        except OSError:
            fsops.remove_tree(temp)
            raise
    return copied, skipped


def skill_text() -> bytes:
    """The built-in skill's SKILL.md (package data)."""
    return resources.files("skillshared").joinpath("data/skill/SKILL.md").read_bytes()


def install_skill(source: Path, dry_run: bool) -> bool:
    """Add ``<source>/skillshare/SKILL.md``; False if something is already at that name."""
    folder = source / SKILL_NAME
    if os.path.lexists(folder):
        return False
    if not dry_run:
        with fsops.temp_tree(folder):
            fsops.makedirs(folder)
            fsops.atomic_write(folder / "SKILL.md", skill_text())
    return True


def git_init(folder: Path, env: dict[str, str], ignore: str | None = None) -> bool:
    """``git init`` in ``folder`` (made if missing) unless it is a repository already; True
    if it made one. ``ignore``: a name the repository's .gitignore must hold (the config
    file, in a repository of the whole config folder), added even to an existing one."""
    fsops.makedirs(folder)
    if ignore is not None:
        gitignore.ensure_gitignore(folder, [ignore])
    if (folder / ".git").exists():
        return False
    gitops.run(["init", "--quiet"], cwd=str(folder), env=env)
    return True


def first_commit(folder: Path, env: dict[str, str]) -> str | None:
    """Commit everything in the new repository (``Initial skills``, or ``Initial commit``
    when it holds no skill yet); a warning instead of an error if git cannot (no identity)."""
    entries = [e for e in os.listdir(folder) if e not in (".git", ".gitignore")]
    message = "Initial skills" if entries else "Initial commit"
    try:
        gitops.run(["add", "-A"], cwd=str(folder), env=env)
        status = gitops.run(["status", "--porcelain"], cwd=str(folder), env=env)
        if status.out.strip():
            commit = ["commit", "--quiet", "-m", message]
            if gitops.run(commit, cwd=str(folder), env=env, check=False).code != 0:
                gitops.run([*STAND_IN, *commit], cwd=str(folder), env=env)
    except SkillshareError as exc:
        return f"no first commit in {folder}: {exc.message}"
    return None


SCHEMAS = "https://raw.githubusercontent.com/runkids/skillshare/main/schemas/"


def add_schema_line(config_file: Path, project: bool, dry_run: bool) -> bool:
    """Put the editors' schema comment first in the config file (what the original's
    ``init --force`` regenerates the config for); the rest of the file is kept byte for
    byte. False if it is there already."""
    data = config_file.read_bytes()
    if data.startswith(configedit.SCHEMA_LINE.encode()):
        return False
    name = "project-config" if project else "config"
    line = f"{configedit.SCHEMA_LINE}{SCHEMAS}{name}.schema.json\n".encode()
    if not dry_run:
        fsops.save_user_file(config_file, line + data)
    return True


def check_remote(folder: Path, remote: str, env: dict[str, str]) -> bool:
    """Whether ``origin`` must be added in ``folder``'s repository: False if it is
    ``remote`` already; a SkillshareError (nothing changed) if it points elsewhere."""
    if not (folder / ".git").exists():
        return True
    found = gitops.run(["remote", "get-url", "origin"], cwd=str(folder), env=env, check=False)
    if found.code != 0:
        return True
    if found.out.strip() == remote:
        return False
    raise SkillshareError(f"the repository in {folder} already has the remote origin "
                          f"{found.out.strip()}", hint=f"change it with `git remote set-url "
                          f"origin {remote}` in {folder}")


def add_remote(folder: Path, remote: str, env: dict[str, str]) -> bool:
    """Set ``origin`` to ``remote``; False (nothing changed) if origin is already that."""
    if not check_remote(folder, remote, env):
        return False
    gitops.run(["remote", "add", "origin", remote], cwd=str(folder), env=env)
    return True
