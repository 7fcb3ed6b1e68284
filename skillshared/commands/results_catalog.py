"""The result of ``status --catalog [tool]``: per configured target (an AI tool), what it
really loads, read from the disk: the skills and agents in its own folders and in the
folders it also reads, where each comes from, the duplicates, and the always-loaded
context against ``context_budget``. Types only: nothing here runs."""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict, final


class CatalogFolder(TypedDict):
    path: str
    kind: Literal["skills", "agents"]
    role: Literal["own", "also"]  # the target's own folder, or one its tool also reads
    exists: bool
    synced_by: list[str]  # the configured targets that sync into it
    problem: NotRequired[str]  # why it could not be read (it is then listed as empty)


class CatalogEntry(TypedDict):
    name: str  # as the tool sees it: the frontmatter's name, else the entry's name
    entry: str  # the folder (skill) or file (agent) name in the folder
    folder: str
    path: str
    origin: Literal["skillshare", "local"]  # a link into our source / a copy we manage
    source: str | None  # where a link points (its real path)
    digest: str  # sha256 of SKILL.md (or the agent file), its first 12 hex digits
    tokens: int  # always loaded: the name and description, about 4 characters a token
    description: str
    problem: NotRequired[str]  # why it could not be read (not counted: the tool skips it)


class CatalogDuplicate(TypedDict):
    name: str
    by: Literal["name", "content"]
    entries: list[str]  # the entries' paths


class ToolCatalog(TypedDict):
    tool: str  # the target's name
    builtin: str | None  # the built-in target it is, if any
    folders: list[CatalogFolder]
    skills: list[CatalogEntry]
    agents: list[CatalogEntry]
    duplicates: list[CatalogDuplicate]
    always_loaded_tokens: int
    budget: int  # context_budget.warn_always_loaded_tokens (0: off)
    over_budget: bool


@final
class CatalogResult(TypedDict):
    """``status --catalog``: told from ``status``'s result by its ``catalog`` key."""

    scope: Literal["global", "project"]
    catalog: list[ToolCatalog]
    duplicates: int  # across all tools
    budget: dict[str, int]  # warn_always_loaded_tokens (0: off)
