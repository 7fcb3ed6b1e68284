"""The daemon's side of ``skillshare ui``: the socket's ``ui`` request (start, stop, status of
the dashboard), the dashboard's commands run as socket requests are, and the events the
daemon publishes to its streams. The dashboard's code (:mod:`skillshared.web`) is imported
the first time it is asked for: a daemon nobody opens a dashboard of never loads it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from skillshared.core import protocol
from skillshared.core.errors import UsageError
from skillshared.daemon import logs

if TYPE_CHECKING:
    from skillshared.core.results_daemon import UiServed
    from skillshared.web.dashboard import Dashboard

Handle = Callable[[protocol.Request], "dict[str, Any] | Future[dict[str, Any]]"]
ACTIONS = ("start", "stop", "status")


class UiControl:
    def __init__(self, handle: Handle, version: str, home: str) -> None:
        self._handle = handle
        self._version = version
        self._home = home
        self._ids = itertools.count(1)
        self._dashboard: Dashboard | None = None

    def request(self, args: dict[str, Any]) -> dict[str, Any]:
        action = args.get("action", "status")
        if action not in ACTIONS:
            raise UsageError(f"unknown ui action {action!r}", hint=f"one of: {', '.join(ACTIONS)}")
        if action == "start":
            return self._get().start(args.get("port"))
        if action == "stop":
            if self._dashboard is None:
                return {"served": False, "was_served": False, "url": None}
            return self._dashboard.stop()
        served = self.status()
        return {"served": served is not None, "url": None, "port": None, "since": None,
                "sessions": 0, "streams": 0, **(served or {})}

    def status(self) -> UiServed | None:
        return self._dashboard.status() if self._dashboard is not None else None

    def publish(self, name: str, data: dict[str, Any]) -> None:
        if self._dashboard is not None:
            self._dashboard.publish(name, data)

    def stop(self) -> None:
        if self._dashboard is not None:
            self._dashboard.stop()

    def _get(self) -> Dashboard:
        if self._dashboard is None:
            from skillshared.web.dashboard import Dashboard

            self._dashboard = Dashboard(self._run, self._version, self._home, self._failed)
        return self._dashboard

    @staticmethod
    def _failed(what: str, exc: BaseException) -> None:
        logs.get("dashboard").error("dashboard_failed", request=what, error=repr(exc),
                                    exc_info=exc)

    def _run(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        """A command of the page, run as the socket runs a request: a read at once, a
        change through the worker (one writer at a time, and in the operation log)."""
        result = self._handle(protocol.Request(f"web-{next(self._ids)}", cmd, args))
        return result.result() if isinstance(result, Future) else result
