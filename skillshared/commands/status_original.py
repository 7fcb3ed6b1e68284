"""The fields the original tool's ``status --json`` has, added beside ours: ``skill_count``,
``source.skillignore``, each target's ``status`` and ``synced_count``, each tracked repo's
``skill_count`` and ``dirty``, the agents' ``exists``, ``count`` and per target ``expected``,
``linked`` and ``drift``, the ``audit`` policy and the ``version``."""

from __future__ import annotations

import os
from pathlib import Path

from skillshared import __version__
from skillshared.catalog.skills import Discovery
from skillshared.commands.results import StatusResult, TargetState, TrackedRepoState
from skillshared.commands.results_status import SkillIgnore
from skillshared.core.config import Config

IGNORE_FILES = (".skillignore", ".skillignore.local")
MAX_IGNORE_BYTES = 256 * 1024


def target_status(t: TargetState) -> str:
    """The original's word for a target: merged, copied or linked when it is in place (or
    partly: ``synced_count`` says how far), else not exist, needs sync, conflict, error."""
    if t["state"] == "error":
        return "error"
    if t["state"] == "missing":
        return "not exist"
    if t["mode"] == "symlink":
        return "linked" if t["state"] == "linked" else (
            "conflict" if t["state"] == "conflict" else "needs sync")
    return "copied" if t["mode"] == "copy" else "merged"


def with_target(t: TargetState) -> TargetState:
    return {**t, "status": target_status(t), "synced_count": t["synced"]}


def with_agents_target(t: TargetState) -> TargetState:
    """An agents folder as the original shows it: named as its target."""
    name = t["name"].removesuffix(" (agents)")
    return {**with_target(t), "name": name, "also": [a.removesuffix(" (agents)")
                                                    for a in t["also"]],
            "linked": t["synced"], "drift": t["synced"] < t["expected"]}


def with_repo(repo: TrackedRepoState) -> TrackedRepoState:
    git = repo["git"]
    extra: TrackedRepoState = {**repo, "skill_count": repo["skills"]}
    if git is None or "error" in git:
        extra["dirty"], extra["status"] = False, "unknown"
        extra["message"] = git["error"] if git else (
            "the repository is not there" if repo.get("missing") else "not a git repository")
    else:
        extra["dirty"] = bool(git.get("dirty"))
    return extra


def _ignore_files(source: Path) -> list[str]:
    """``.skillignore`` files at the top of the source and of each tracked repo."""
    folders = [""]
    try:
        folders += sorted(e.name + "/" for e in os.scandir(source)
                          if e.name.startswith("_") and e.is_dir(follow_symlinks=False))
    except OSError:
        return []
    return [folder + name for folder in folders for name in IGNORE_FILES
            if os.path.isfile(source / folder / name)]


def _patterns(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(MAX_IGNORE_BYTES)
    except OSError:
        return []
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def skillignore(source: Path, discovery: Discovery) -> SkillIgnore:
    files = _ignore_files(source)
    if not files:
        return {"active": False}
    return {"active": True, "files": files,
            "patterns": [p for f in files for p in _patterns(source / f)],
            "ignored_count": len(discovery.ignored),
            "ignored_skills": list(discovery.ignored)}


def add_original_fields(result: StatusResult, config: Config, discovery: Discovery) -> None:
    """Add the original's fields to ``result`` (in place; ours stay as they are)."""
    result["source"]["skillignore"] = skillignore(config.source, discovery)
    result["skill_count"] = len(discovery.skills)
    result["targets"] = [with_target(t) for t in result["targets"]]
    result["tracked_repos"] = [with_repo(r) for r in result["tracked_repos"]]
    agents = result["agents"]
    if agents is not None:
        agents["exists"], agents["count"] = True, agents["agents"]
        agents["targets"] = [with_agents_target(t) for t in agents["targets"]]
    from skillshared.commands.audit_policy import config_defaults, resolve  # (only here)
    policy = resolve(None, None, None, None, [], config_defaults(config))
    result["audit"] = {"profile": policy.profile.upper(), "threshold": policy.threshold,
                       "dedupe": policy.dedupe.upper(),
                       "analyzers": [] if policy.all_analyzers else list(policy.analyzers)}
    result["version"] = __version__
