"""Agents: single ``.md`` files in the agents source, found and named as the original
skillshare names them.

An agent's file name makes its name (``tutor.md`` is ``tutor``); a ``name`` in its frontmatter
is shown instead. A nested ``dir/file.md`` reaches a target as ``dir__file.md``. The file
name must start with a letter or a digit and hold only letters, digits, ``_``, ``-`` and
``.`` (at most 128 characters before ``.md``); folder names follow the skills' rules. The
conventional files of a repository (``README.md``, ``LICENSE.md``, …, and ``SKILL.md``) are
never agents. ``.agentignore`` (then ``.agentignore.local``) at the top of the source hides
agents by gitignore-style patterns matched against the path without ``.md`` (``draft-*``,
``team/old``) or with it. Hidden files and folders (a leading ``.``) are left out. A link is
an agent only when it ends in a regular file inside the source (a target's link to it must
not lead out of the source).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from skillshared.catalog.frontmatter import read_frontmatter
from skillshared.catalog.kinds import AGENTS
from skillshared.catalog.skills import segment_problem
from skillshared.catalog.walker import read_ignore_rules
from skillshared.core.patterns import IgnoreRules

EXCLUDED = frozenset({"README.md", "CHANGELOG.md", "LICENSE.md", "HISTORY.md", "SECURITY.md",
                      "SKILL.md"})
FILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
MAX_DEPTH = 16  # folders below the source an agent may sit in


@dataclass(frozen=True)
class Agent:
    """An agent: ``rel`` its path in the source (``dir/file.md``), ``flat`` its file name in a
    target (``dir__file.md``), ``name`` what it is called (frontmatter ``name`` or the file
    name without ``.md``)."""

    rel: str
    flat: str
    name: str
    path: Path
    description: str | None = None


@dataclass(frozen=True)
class AgentDiscovery:
    """What the agents source holds: the agents (sorted by path), the files refused with the
    reason, the agents an ignore file hides, and the problems of the ignore files."""

    agents: tuple[Agent, ...]
    invalid: tuple[tuple[str, str], ...]
    ignored: tuple[str, ...]
    problems: tuple[str, ...] = ()


def name_problem(rel: str) -> str | None:
    """Why ``rel`` (``/``-separated, ending in ``.md``) cannot be an agent, or None."""
    *folders, file_name = rel.split("/")
    stem = file_name.removesuffix(AGENTS.marker)
    if not FILE_NAME_RE.match(stem):
        return ("an agent's file name must start with a letter or a digit and hold only "
                "letters, digits, '_', '-' and '.' (at most 128 before .md)")
    for folder in folders:
        problem = segment_problem(folder)
        if problem:
            return problem
    return None


def discover_agents(source: Path) -> AgentDiscovery:
    """Every agent in ``source`` (a missing source holds none)."""
    if not source.is_dir():
        return AgentDiscovery((), (), ())
    rules, problems = read_ignore_rules(source, AGENTS)
    agents: list[Agent] = []
    invalid: list[tuple[str, str]] = []
    ignored: list[str] = []
    real_source = os.path.realpath(source)
    for rel in _candidates(str(source)):
        if _hidden(rules, rel):
            ignored.append(rel.removesuffix(AGENTS.marker))
            continue
        problem = name_problem(rel) or _link_problem(source / rel, real_source)
        if problem:
            invalid.append((rel, problem))
            continue
        agents.append(_agent(source, rel))
    agents, clashes = _without_clashes(agents)
    invalid = sorted(invalid + clashes)
    return AgentDiscovery(tuple(agents), tuple(invalid), tuple(ignored), tuple(problems))


def _without_clashes(agents: list[Agent]) -> tuple[list[Agent], list[tuple[str, str]]]:
    """Agents whose file name in a target is also another's (``team/x.md`` and
    ``team__x.md``) are all refused, as skills of one flat name are: neither is synced."""
    by_flat: dict[str, list[str]] = {}
    for agent in agents:
        by_flat.setdefault(agent.flat, []).append(agent.rel)
    clashes = [(agent.rel, f"file name '{agent.flat}' in a target is also produced by "
                           + ", ".join(by_flat[agent.flat]))
               for agent in agents if len(by_flat[agent.flat]) > 1]
    return [a for a in agents if len(by_flat[a.flat]) == 1], clashes


def _candidates(root: str, rel: str = "", depth: int = 0) -> Iterator[str]:
    """The ``.md`` files under ``root`` (sorted, depth first), conventional ones left out."""
    try:
        with os.scandir(os.path.join(root, rel) if rel else root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = f"{rel}/{entry.name}" if rel else entry.name
        if entry.is_dir(follow_symlinks=False):
            if depth < MAX_DEPTH:
                yield from _candidates(root, child, depth + 1)
        elif entry.name.endswith(AGENTS.marker) and entry.name not in EXCLUDED:
            yield child


def _hidden(rules: IgnoreRules, rel: str) -> bool:
    return bool(rules) and (rules.ignored(rel.removesuffix(AGENTS.marker), False)
                            or rules.ignored(rel, False))


def _link_problem(path: Path, real_source: str) -> str | None:
    if not path.is_symlink():
        return None if path.is_file() else "not a regular file"
    real = os.path.realpath(path)
    if not (real.startswith(real_source + os.sep) and os.path.isfile(real)):
        return "a link that does not end in a file inside the source"
    return None


def _agent(source: Path, rel: str) -> Agent:
    path = source / rel
    meta = read_frontmatter(str(path))
    stem = rel.rsplit("/", 1)[-1].removesuffix(AGENTS.marker)
    return Agent(rel, AGENTS.flat_name(rel), meta.name or stem, path, meta.description)
