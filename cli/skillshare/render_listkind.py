"""Text rendering of ``list agents`` (the agents alone); any other listing is the skills'
renderer's."""

from __future__ import annotations

from skillshare.textout import Out

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.commands.results import ListedAgents


def kinds(render_list: Callable[[Any, Out], int], render_agents: Callable[[ListedAgents, Out],
          None]) -> Callable[[Any, Out], int]:
    """The renderer of ``list``: ``render_agents`` alone for a listing kept to agents, else
    ``render_list``."""

    def render(r: Any, out: Out) -> int:
        if r.get("kind") != "agent" or "agents" not in r:
            return render_list(r, out)
        render_agents(r["agents"], out)
        return 0

    return render
