"""Read-only git state through the ``git`` executable (see :mod:`gitops`; no GitPython)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skillshared import gitops

TIMEOUT = 10


def state(repo: Path, env: Mapping[str, str]) -> dict[str, Any] | None:
    """``{"branch", "dirty", "changes", "remotes", "ahead", "behind"}``; None if not a repo."""
    if not os.path.exists(repo / ".git"):
        return None
    try:
        status = gitops.run(["status", "--porcelain=v1", "--branch"], cwd=str(repo), env=env,
                            timeout=TIMEOUT, check=False)
        remotes = gitops.run(["remote"], cwd=str(repo), env=env, timeout=TIMEOUT, check=False)
    except gitops.GitError as exc:
        return {"error": exc.message}
    if status.code != 0:
        return {"error": status.err.strip() or "git status failed"}
    lines = status.out.splitlines()
    head = lines[0][3:] if lines and lines[0].startswith("## ") else ""
    branch = head.split("...")[0].split(" ")[0]
    ahead = behind = 0
    if "[" in head:
        for part in head[head.index("[") + 1 : head.rindex("]")].split(", "):
            word, _, count = part.partition(" ")
            if count.isdigit():
                ahead = int(count) if word == "ahead" else ahead
                behind = int(count) if word == "behind" else behind
    changes = len([line for line in lines[1:] if line.strip()])
    return {"branch": branch, "dirty": changes > 0, "changes": changes,
            "remotes": remotes.out.split(), "ahead": ahead, "behind": behind}
