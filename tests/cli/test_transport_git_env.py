"""A command that reaches git remotes runs in the caller's own process when the caller's
environment sets a git token or a host list: a daemon, started with another environment,
would not see them. Other commands, and those without such settings, still go to it."""

from __future__ import annotations

from typing import Any

import pytest

from skillshare import transport
from skillshared.core.locations import Locations


def routes(monkeypatch: pytest.MonkeyPatch, cmd: str, env: dict[str, str]) -> list[str]:
    """Where ``cmd`` went: the daemon's requests asked (``ping`` only when it ran here),
    then ``here`` when it ran in this process."""
    went: list[str] = []

    def daemon(asked: str, args: dict[str, Any], where: Locations, on_progress: Any = None
               ) -> dict[str, Any] | None:
        went.append(asked)
        return None if asked == "ping" else {"by": "daemon"}

    def here(asked: str, args: dict[str, Any], where: Locations, on_progress: Any = None
             ) -> dict[str, Any]:
        went.append("here")
        return {"by": "here"}

    monkeypatch.setattr(transport, "ask_daemon", daemon)
    monkeypatch.setattr(transport, "in_process", here)
    transport.call(cmd, {"source": "ado:o/p/r"}, Locations.from_env(env))
    return went


@pytest.mark.parametrize("variable", ["GITHUB_TOKEN", "AZURE_DEVOPS_TOKEN",
                                      "SKILLSHARE_GIT_TOKEN", "SKILLSHARE_GITLAB_HOSTS"])
def test_install_with_a_token_in_the_environment_runs_here(
        monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    env = {"HOME": "/nonexistent-home", variable: "value-of-it"}
    assert routes(monkeypatch, "install", env) == ["ping", "here"]
    assert routes(monkeypatch, "check", env)[-1] == "here"


def test_without_git_settings_or_for_other_commands_the_daemon_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert routes(monkeypatch, "install", {"HOME": "/nonexistent-home",
                                           "GITHUB_TOKEN": ""}) == ["install"]
    assert routes(monkeypatch, "status", {"HOME": "/nonexistent-home",
                                          "GITHUB_TOKEN": "t0ken-value"}) == ["status"]
