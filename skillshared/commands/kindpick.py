"""Which kind a command works on, and which agent a name means.

The kind is ``--kind skill|agent`` or, as the original skillshare has it, a leading word:
``audit agents``, ``uninstall agents tutor``, ``trash agents restore tutor``, ``list agents``
(``skills``/``skill``/``agents``/``agent``). An agent is named by its name (``tutor``, or the
``name`` in its frontmatter), its path in the agents source with or without ``.md``
(``team/tutor.md``, ``team/tutor``), its file name in a target (``team__tutor.md``) or its file
name (``tutor.md``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillshared.catalog.agents import Agent, AgentDiscovery
from skillshared.core.errors import UsageError

if TYPE_CHECKING:
    from skillshared.commands.request import Request

SKILL = "skill"
AGENT = "agent"
WORDS = {"skill": SKILL, "skills": SKILL, "agent": AGENT, "agents": AGENT}


def kind_of(raw: str | None) -> str | None:
    """``skill`` or ``agent`` from a ``--kind`` value (None: not given)."""
    if raw is None:
        return None
    kind = WORDS.get(raw.lower())
    if kind is None:
        raise UsageError(f"invalid --kind {raw!r}: must be skill or agent")
    return kind


def split_kind(req: Request, words: list[str], names: bool = True
               ) -> tuple[str | None, list[str]]:
    """The kind asked for (``--kind``, or a leading kind word of ``words``) and the words
    after it. ``names``: the words are names, so with ``--kind`` a leading ``agents`` is a
    name (a skill called that can still be named); else both given and different is
    refused."""
    flagged = kind_of(req.text("kind"))
    if not words or words[0].lower() not in WORDS or (names and flagged is not None):
        return flagged, words
    leading = WORDS[words[0].lower()]
    if flagged is not None and flagged != leading:
        raise UsageError(f"--kind {flagged} and '{words[0]}' disagree",
                         hint="give one of them")
    return leading, words[1:]


def _stem(path: str) -> str:
    return path.removesuffix(".md")


def _keys(agent: Agent) -> set[str]:
    file_name = agent.rel.rsplit("/", 1)[-1]
    return {agent.name, agent.rel, _stem(agent.rel), agent.flat, _stem(agent.flat), file_name,
            _stem(file_name)}


def matching_agents(found: AgentDiscovery, key: str) -> list[Agent]:
    """The agents ``key`` names: the one whose path it is, if any; else every agent it names
    (by name, flat name or file name)."""
    exact = [a for a in found.agents if key in (a.rel, _stem(a.rel))]
    if exact:
        return exact
    return [a for a in found.agents if key in _keys(a)]


def pick_agent(found: AgentDiscovery, key: str) -> Agent | None:
    """The one agent ``key`` names (None: none); refused when it names several."""
    matches = matching_agents(found, key)
    if len(matches) > 1:
        raise UsageError(f"'{key}' names {len(matches)} agents: "
                         f"{', '.join(a.rel for a in matches)}",
                         hint="name one by its path in the agents source")
    return matches[0] if matches else None
