"""The environment variables that carry git credentials and git host lists (read by the
git layer; the command line checks them to run a command with the caller's own environment).
Standard library only: the command line imports it."""

from __future__ import annotations

from collections.abc import Mapping

# (variable, the hosts it is for): a platform's own token wins over the generic one
PLATFORM_TOKENS = ("GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "BITBUCKET_TOKEN",
                   "AZURE_DEVOPS_TOKEN")
GENERIC_TOKEN = "SKILLSHARE_GIT_TOKEN"
SECRET_VARS = (*PLATFORM_TOKENS, GENERIC_TOKEN, "BITBUCKET_USERNAME")
HOST_VARS = ("SKILLSHARE_GITLAB_HOSTS", "SKILLSHARE_AZURE_HOSTS")


def has_git_settings(env: Mapping[str, str]) -> bool:
    """Whether ``env`` sets a git token or a host list (a command run elsewhere, by a
    daemon started with another environment, would not see them)."""
    return any(env.get(name) for name in (*SECRET_VARS, *HOST_VARS))
