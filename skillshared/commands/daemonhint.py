"""Whether a daemon brings a scope's targets in line by itself, so that a result's hint can
say so instead of asking the user to run ``skillshare sync``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from skillshared.core import client
from skillshared.core.paths import Scope

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def daemon_syncs(req: Request, scope: Scope) -> bool:
    """True when a daemon runs (this request is its own, or one holds its lock: a flock
    test, no socket) and ``scope`` is the global one, which is the only one it reconciles."""
    if scope.is_project:
        return False
    if req.daemon is not None:
        return True
    return client.lock_holder(req.paths.where) is not None
