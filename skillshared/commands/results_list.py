"""The result of ``list``: the skills (with the original's type and install date) and the
agents."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from skillshared.core.results import DiscoveryNotes, Invalid


class ListedSkill(TypedDict):
    name: str
    path: str
    origin: Literal["tracked", "installed", "local"]
    repo: str | None
    source: str | None
    recorded_in: str | None
    title: str | None
    description: str | None
    targets: list[str] | None
    problem: str | None
    type: NotRequired[str]  # tracked, local, github or git (the original's --type words)
    installed_at: NotRequired[str | None]  # an installed skill's date (YYYY-MM-DD)


class ListedAgent(TypedDict):
    name: str  # the frontmatter's name, else the file name without .md
    file: str  # its file name in a target (nested files flattened)
    path: str  # its path in the agents source
    description: str | None


class ListedAgents(TypedDict):
    source: str
    agents: list[ListedAgent]
    invalid: list[Invalid]
    ignored: list[str]


class ListResult(DiscoveryNotes):
    scope: str
    source: str
    exists: bool
    skills: list[ListedSkill]
    agents: NotRequired[ListedAgents]  # present when the agents source is a folder
    kind: NotRequired[Literal["skill", "agent"]]  # ``list skills|agents``: only this kind
    total: NotRequired[int]  # skills before the pattern and --type filters
    pattern: NotRequired[str | None]
    type_filter: NotRequired[str | None]
    verbose: NotRequired[bool]
