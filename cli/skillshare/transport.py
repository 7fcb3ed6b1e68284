"""How a command reaches the engine: through the daemon's socket when a daemon answers, else
in-process (under ``ops.lock`` when it changes files). The result is the same either way.

Standard library only until the fallback runs: a CLI talking to the daemon stays light
(the socket client is skillshared.core.client, the places skillshared.core.locations).
"""

from __future__ import annotations

import json

from skillshared.core.client import ask_daemon
from skillshared.core.gittokens import has_git_settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.core.locations import Locations

    Progress = Callable[[dict[str, Any]], None]


# Commands that reach git remotes: with a git token or host list in the caller's environment
# they run here, where git sees it (a daemon has the environment it was started with).
_GIT_REMOTE = frozenset({"install", "update", "check", "pull", "push"})


def call(cmd: str, args: dict[str, Any], where: Locations, no_daemon: bool = False,
         on_progress: Progress | None = None) -> dict[str, Any]:
    """``on_progress``: called with each progress frame of the work (see
    :mod:`skillshared.core.progress`), wherever it runs."""
    if cmd in _GIT_REMOTE and has_git_settings(where.env):
        no_daemon = True
    if not no_daemon:
        result = ask_daemon(cmd, args, where, on_progress=on_progress)
        if result is not None:
            return result
    elif args.get("dry_run") is not True and _changes_files(cmd, args):
        # beside a daemon of this version, ops.lock keeps one writer at a time; a daemon of
        # another version takes other locks: asking it raises OtherDaemonError (exit 3)
        ask_daemon("ping", {}, where)
    return in_process(cmd, args, where, on_progress)


def _changes_files(cmd: str, args: dict[str, Any]) -> bool:
    from skillshared import api

    return api.mutates(cmd, args)


def in_process(cmd: str, args: dict[str, Any], where: Locations,
               on_progress: Progress | None = None) -> dict[str, Any]:
    from skillshared import api
    from skillshared.core.paths import Paths
    from skillshared.core.progress import reporting

    paths = Paths.of(where)
    with reporting(on_progress):
        if api.mutates(cmd, args) and not args.get("dry_run"):
            from skillshared.store.locking import exclusive  # (a view takes no lock)

            with exclusive(paths.ops_lock):
                result = api.run(cmd, args, paths)
        else:
            result = api.run(cmd, args, paths)
    # the same JSON round trip as the socket, so rendering sees the very same data
    return json.loads(json.dumps(result, ensure_ascii=False, default=str))  # type: ignore[no-any-return]
