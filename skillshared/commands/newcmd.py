"""``new <name>``: a new skill's folder with a SKILL.md skeleton in the source (``-P`` picks a
design pattern, which also makes its empty scaffold folders). A bad or taken name, an
unknown pattern or category changes nothing; the skill is built under a temporary name and
renamed into place, so it appears whole or not at all."""

from __future__ import annotations

import os
import re

from skillshared.commands import newtemplates
from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.request import Request, check_source
from skillshared.commands.results_new import NewResult
from skillshared.core.errors import UsageError, from_os_error

# The original tool's rule: lower case letters, digits, '-' and '_', starting with a letter
# or '_'. A leading '_' is refused here: top-level '_name' folders are tracked repos.
NAME = re.compile(r"[a-z][a-z0-9_-]*")
NAME_MAX_BYTES = 255


def name_problem(name: str) -> str | None:
    if not NAME.fullmatch(name):
        return ("use lower case letters, digits, '-' and '_', starting with a letter"
                + (" ('_name' folders are tracked repos)" if name.startswith("_") else ""))
    if len(name.encode()) > NAME_MAX_BYTES:
        return f"a name is at most {NAME_MAX_BYTES} bytes"
    return None


def _pattern(req: Request) -> tuple[str, str | None]:
    pattern = req.text("pattern") or "none"
    if pattern not in newtemplates.BY_NAME:
        raise UsageError(f"unknown pattern: {pattern}",
                         hint=f"one of: {', '.join(newtemplates.BY_NAME)}")
    category = req.text("category")
    if category is not None and category not in newtemplates.CATEGORIES:
        raise UsageError(f"unknown category: {category}",
                         hint=f"one of: {', '.join(newtemplates.CATEGORIES)}")
    if category is not None and pattern == "none":
        raise UsageError("--category needs a pattern (-P)", hint="e.g. -P reviewer")
    return pattern, category


def cmd_new(req: Request) -> NewResult:
    from skillshared.catalog.skills import discover

    name = req.text("name") or ""
    if not name:
        raise UsageError("a skill name is required", hint="skillshare new <name>")
    problem = name_problem(name)
    if problem:
        raise UsageError(f"invalid skill name {name!r}: {problem}")
    pattern, category = _pattern(req)
    config = req.config()
    check_source(config)
    folder = config.source / name
    if os.path.lexists(folder):
        raise UsageError(f"skill '{name}' already exists at {folder}",
                         hint="pick another name, or edit that skill")
    taken = discover(config.source, frontmatter=False).by_name.get(name)
    if taken is not None:
        raise UsageError(f"a skill named '{name}' already exists at {taken.path}",
                         hint="pick another name")
    folders = list(newtemplates.BY_NAME[pattern].folders)
    result: NewResult = {"name": name, "path": str(folder), "file": str(folder / "SKILL.md"),
                         "pattern": pattern, "category": category, "folders": folders,
                         "content": newtemplates.skill_md(name, pattern, category),
                         "dry_run": req.flag("dry_run"),
                         "scope": "project" if config.scope.is_project else "global",
                         "daemon_syncs": daemon_syncs(req, config.scope)}
    if not result["dry_run"]:
        _build(result)
    return result


def _build(result: NewResult) -> None:
    from skillshared.engine import fsops

    folder = result["path"]
    staged = os.path.join(os.path.dirname(folder), fsops.temp_name("new", result["name"]))
    try:
        with fsops.temp_tree(staged):
            fsops.make_dir(staged)
            fsops.atomic_write(os.path.join(staged, "SKILL.md"), result["content"].encode())
            for sub in result["folders"]:
                fsops.make_dir(os.path.join(staged, sub))
                fsops.atomic_write(os.path.join(staged, sub, ".gitkeep"), b"")
            fsops.rename_no_replace(staged, folder)
    except FileExistsError:
        raise UsageError(f"skill '{result['name']}' already exists at {folder}") from None
    except OSError as exc:
        raise from_os_error(exc, f"could not create {folder}") from None
