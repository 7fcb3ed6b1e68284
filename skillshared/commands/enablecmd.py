"""``enable`` / ``disable``: show or hide skills (``--kind agent``: agents) without deleting
them, the original tool's way: ``disable`` adds each name or glob pattern as a line of the
source's ``.skillignore`` (agents: ``.agentignore`` of the agents source), ``enable`` removes
exactly that line. Discovery reads those files, so the next sync unlinks a disabled skill
from every target (only our links: a target's own files are never touched) and links it
again once enabled. The file is created on the first ``disable``; every other line of it
(comments, other patterns, blank lines) is kept as it was."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from skillshared.commands.daemonhint import daemon_syncs
from skillshared.commands.kindpick import AGENT, SKILL, kind_of
from skillshared.commands.request import Request, check_source
from skillshared.commands.results_new import Toggled, ToggleResult
from skillshared.core.errors import UsageError, from_os_error
from skillshared.core.patterns import IgnoreRules, PatternError, check_ignore_pattern

IGNORE_FILE = {SKILL: ".skillignore", AGENT: ".agentignore"}


def cmd_enable(req: Request) -> ToggleResult:
    return _toggle(req, enable=True)


def cmd_disable(req: Request) -> ToggleResult:
    return _toggle(req, enable=False)


def _patterns(req: Request, action: str) -> list[str]:
    patterns = req.texts("patterns")
    if not patterns:
        raise UsageError(f"give one or more skill names or patterns to {action}",
                         hint=f"skillshare {action} <name|pattern>...")
    for pattern in patterns:
        if not pattern.strip() or pattern != pattern.strip() or "\n" in pattern or \
                "\r" in pattern or pattern.startswith(("#", "!")):
            raise UsageError(f"invalid pattern {pattern!r}: a name or glob pattern, with no "
                             "surrounding spaces, not starting with '#' or '!'")
        try:
            check_ignore_pattern(pattern)
        except PatternError as exc:
            raise UsageError(f"invalid pattern {pattern!r}: {exc}") from None
    return list(dict.fromkeys(patterns))


def _toggle(req: Request, enable: bool) -> ToggleResult:
    action: Literal["enable", "disable"] = "enable" if enable else "disable"
    patterns = _patterns(req, action)
    kind = kind_of(req.text("kind")) or SKILL
    config = req.config()
    folder = config.agents if kind == AGENT else config.source
    if kind == SKILL:
        check_source(config)
    elif not folder.is_dir():
        raise UsageError(f"the agents source folder does not exist: {folder}",
                         hint="install or create an agent first")
    path = folder / IGNORE_FILE[kind]
    lines = _read_lines(path)
    visible, hidden = _units(folder, kind)
    done: list[Toggled] = []
    for pattern in patterns:
        present = any(_same(line, pattern) for line in lines)
        changed = present if enable else not present
        if changed and enable:
            lines = [line for line in lines if not _same(line, pattern)]
        elif changed:
            lines.append(pattern)
        done.append({"pattern": pattern, "changed": changed,
                     "matches": _matching(pattern, hidden if enable else visible)})
    result: ToggleResult = {"action": action, "kind": "agent" if kind == AGENT else "skill",
                            "file": str(path), "patterns": done, "dry_run": req.flag("dry_run"),
                            "sync_needed": any(t["changed"] for t in done),
                            "daemon_syncs": daemon_syncs(req, config.scope)}
    if result["sync_needed"] and not result["dry_run"]:
        _write(path, lines, enable)
    return result


def _same(line: str, pattern: str) -> bool:
    return line.rstrip(" \t\r") == pattern


def _read_lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise from_os_error(exc, f"could not read {path}") from None
    lines = data.decode("utf-8", errors="surrogateescape").split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _write(path: Path, lines: list[str], enable: bool) -> None:
    from skillshared.engine import fsops

    while enable and lines and not lines[-1].strip():  # (no blank tail left behind)
        lines.pop()
    text = "".join(f"{line}\n" for line in lines)
    real = os.path.realpath(path)  # a .skillignore linked from elsewhere stays a link
    try:
        mode = os.stat(real).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    try:
        fsops.atomic_write(real, text.encode("utf-8", errors="surrogateescape"), mode)
    except OSError as exc:
        raise from_os_error(exc, f"could not write {path}") from None


def _units(folder: Path, kind: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """(visible, hidden) units of the source: (path relative to it, is a folder)."""
    if kind == AGENT:
        from skillshared.catalog.agents import discover_agents

        agents = discover_agents(folder)
        return [(a.rel, False) for a in agents.agents], [(r + ".md", False)
                                                         for r in agents.ignored]
    from skillshared.catalog.skills import discover

    skills = discover(folder, frontmatter=False)
    return [(s.rel_path, True) for s in skills.skills], [(r, True) for r in skills.ignored]


def _matching(pattern: str, units: list[tuple[str, bool]]) -> list[str]:
    rules = IgnoreRules.parse([pattern])
    found = []
    for rel, is_dir in units:
        parts = rel.split("/")
        ancestors = ["/".join(parts[:i]) for i in range(1, len(parts))]
        if (rules.ignored(rel, is_dir) or (not is_dir and rules.ignored(rel[:-3], False))
                or any(rules.ignored(a, True) for a in ancestors)):
            found.append(rel.removesuffix(".md") if not is_dir else rel)
    return found
