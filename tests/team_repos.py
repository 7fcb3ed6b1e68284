"""Team repositories for the tracked-repo and install tests: a work tree with skills and
its bare remote (reached over file://), and a global setup with one target."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import make_skill, write_config


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def team_repo(tmp_path: Path, files: dict[str, str] | None = None) -> tuple[Path, Path]:
    """A work tree with skills (one nested) and its bare remote ``team/skills.git``."""
    work = tmp_path / "team-work"
    git(tmp_path, "init", "-q", "-b", "main", str(work))
    make_skill(work, "frontend/react")
    make_skill(work, "review")
    for rel, text in (files or {}).items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "skills")
    bare = tmp_path / "team/skills.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    git(work, "remote", "add", "origin", str(bare))
    return work, bare


def global_world(home: Path, source: Path) -> Path:
    """A global config with one target (claude) and an empty source; returns the source."""
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    source.mkdir(parents=True)
    (home / ".claude/skills").mkdir(parents=True)
    return source


def shared_source(source: Path, tmp_path: Path) -> Path:
    """Make ``source`` a git repo pushed to a bare remote in ``tmp_path``; returns a team
    mate's clone of that remote."""
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--bare", "-q", "-b", "main", str(bare))
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "skills")
    git(source, "remote", "add", "origin", f"file://{bare}")
    git(source, "push", "-q", "-u", "origin", "main")
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", f"file://{bare}", str(other))
    return other


def push_skill(work: Path, name: str) -> None:
    """Commit a new skill in a clone and push it to its remote's main branch."""
    make_skill(work, name)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", f"skill {name}")
    git(work, "push", "-q", "-u", "origin", "main")


def push_change(work: Path, rel: str, text: str) -> None:
    path = work / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", f"change {rel}")
    git(work, "push", "-q", "origin", "main")


def head(folder: Path) -> str:
    return git(folder, "rev-parse", "HEAD").strip()


def bare_remote(tmp_path: Path, name: str = "remote.git", branch: str = "main") -> Path:
    """An empty bare repository whose HEAD names ``branch``."""
    bare = tmp_path / name
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(tmp_path, "init", "--bare", "-q", "-b", branch, str(bare))
    return bare


def team_clone(tmp_path: Path, bare: Path, name: str = "team-mate") -> Path:
    """A team mate's clone of ``bare`` (it may be empty)."""
    clone = tmp_path / name
    git(tmp_path, "clone", "-q", f"file://{bare}", str(clone))
    return clone


def commit_files(work: Path, files: dict[str, str], message: str = "files",
                 push_to: str | None = "main", force_add: bool = False) -> str:
    """Write ``files`` in a work tree, commit them, and (``push_to``) push the commit to that
    branch of ``origin``; returns the commit."""
    for rel, text in files.items():
        (work / rel).parent.mkdir(parents=True, exist_ok=True)
        (work / rel).write_text(text)
    git(work, "add", *(["-f"] if force_add else []), "--", *files)
    git(work, "commit", "-q", "-m", message)
    if push_to:
        git(work, "push", "-q", "origin", f"HEAD:refs/heads/{push_to}")
    return head(work)


def skill_text(name: str, body: str = "instructions\n") -> str:
    return f"---\nname: {name}\ndescription: test skill\n---\n{body}"


def remote_branches(bare: Path) -> list[str]:
    return git(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads").split()
