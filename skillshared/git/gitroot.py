"""Which git repository push, pull and commit work on: the one ``git_root`` names (global
mode): ``skills`` (the default) the skills source, ``agents`` the agents source, ``extras``
the extras folder, ``root`` the config folder that holds them all. A project's repository
is always its skills source's."""

from __future__ import annotations

from pathlib import Path

from skillshared.core.config import Config
from skillshared.core.config_original import GIT_ROOTS, git_root_dir


def git_root(config: Config) -> str:
    """The ``git_root`` in force: skills, agents, extras or root."""
    value = None if config.scope.is_project else config.document.get("git_root")
    return str(value) if value in GIT_ROOTS else "skills"


def repo_root(config: Config) -> Path:
    """The folder whose repository push, pull and commit work on."""
    return git_root_dir(config.scope, config.document, config.source)


def what(config: Config) -> str:
    """How messages name that folder: "the source", or the folder ``git_root`` names."""
    root = git_root(config)
    if root == "skills":
        return "the source"
    if root == "root":
        return "the config folder (git_root: root)"
    return f"the {root} folder (git_root: {root})"
