"""Read-only git state through the ``git`` executable (kept light for the CLI: no GitPython)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

TIMEOUT = 10


def state(repo: Path, env: Mapping[str, str]) -> dict[str, Any] | None:
    """``{"branch", "dirty", "changes", "remotes", "ahead", "behind"}``; None if not a repo."""
    if not os.path.exists(repo / ".git"):
        return None
    git = shutil.which("git", path=env.get("PATH"))
    if git is None:
        return {"error": "git is not installed"}
    run_env = {**env, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        status = subprocess.run(
            [git, "-C", str(repo), "status", "--porcelain=v1", "--branch"],
            capture_output=True, text=True, timeout=TIMEOUT, env=run_env, check=False)
        remotes = subprocess.run([git, "-C", str(repo), "remote"], capture_output=True,
                                 text=True, timeout=TIMEOUT, env=run_env, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return {"error": f"git failed: {exc}"}
    if status.returncode != 0:
        return {"error": status.stderr.strip() or "git status failed"}
    lines = status.stdout.splitlines()
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
            "remotes": remotes.stdout.split(), "ahead": ahead, "behind": behind}
