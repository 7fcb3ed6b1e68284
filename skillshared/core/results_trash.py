"""What the trash says of an item, now that it holds agents as well as skills (typed
dictionaries: see :mod:`skillshared.core.results`). Types only."""

from __future__ import annotations

from typing import Literal

from skillshared.core.results import TrashItem


class KindTrashItem(TrashItem):
    """A trash item with its kind; ``file``: an agent's path in the agents source (where a
    restore puts it back), None for a skill."""

    kind: Literal["skill", "agent"]
    file: str | None
