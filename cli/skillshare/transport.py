"""How a command reaches the engine: in-process, under ``ops.lock`` when it changes files.

The daemon transport (the socket client) plugs in here; the result is the same either way.
"""

from __future__ import annotations

from typing import Any

from skillshared.paths import Paths


def call(cmd: str, args: dict[str, Any], paths: Paths) -> dict[str, Any]:
    from skillshared import service
    from skillshared.locking import exclusive

    if service.mutates(cmd, args) and not args.get("dry_run"):
        with exclusive(paths.ops_lock):
            return service.run(cmd, args, paths)
    return service.run(cmd, args, paths)
