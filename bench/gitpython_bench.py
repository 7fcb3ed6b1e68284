"""GitPython against the ``git`` executable, for the local reads skillshare makes.

    python bench/gitpython_bench.py [--runs N]

Needs GitPython installed (``pip install GitPython``); it is not a dependency of skillshare.
A repository with 200 commits, a bare remote one commit ahead of it, and a few uncommitted
changes is read both ways; each read is run ``--runs`` times (interleaved), medians with
min-max are printed as a Markdown table, with GitPython's median over ours (``ratio``),
and written to ``bench/results/gitpython_bench.md``.

- import: a fresh interpreter that imports ``git`` against one that imports what our reads
  use (``skillshared.git.gitstate``);
- state: what ``status`` shows of a repository (``gitstate.state``: one ``git status
  --porcelain=v2 --branch`` and one ``git remote``) against ``Repo`` + ``is_dirty`` +
  ``active_branch`` + ``remotes`` + ahead/behind counts;
- head: the commit checked out (``gitstate.head``: one ``git rev-parse``) against
  ``Repo(path).head.commit.hexsha`` (GitPython reads the ref files itself);
- changed files: the paths two commits apart, as the update's audit reads them (``git diff
  --name-only -z``) against ``Commit.diff``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world import fmt, machine_line, publish, timed

from skillshared.git import gitops, gitstate


def sh(cwd: Path, env: dict[str, str], *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


def build(root: Path, env: dict[str, str]) -> tuple[Path, str, str]:
    """A work repository with 200 commits, its bare remote one commit ahead, and three
    uncommitted changes; returns it and the commits 100 and 200."""
    bare, work, other = root / "remote.git", root / "work", root / "other"
    sh(root, env, "init", "-q", "--bare", "-b", "main", str(bare))
    sh(root, env, "clone", "-q", str(bare), str(work))
    for index in range(200):
        folder = work / f"skill-{index % 40}"
        folder.mkdir(exist_ok=True)
        (folder / "SKILL.md").write_text(f"---\nname: s{index}\n---\nversion {index}\n")
        sh(work, env, "add", "-A")
        sh(work, env, "commit", "-q", "-m", f"commit {index}")
    sh(work, env, "push", "-q", "origin", "main")
    sh(root, env, "clone", "-q", str(bare), str(other))
    (other / "new.md").write_text("new\n")
    sh(other, env, "add", "-A")
    sh(other, env, "commit", "-q", "-m", "ahead")
    sh(other, env, "push", "-q", "origin", "main")
    sh(work, env, "fetch", "-q")
    (work / "skill-1/SKILL.md").write_text("changed\n")
    (work / "untracked.md").write_text("untracked\n")
    (work / "skill-2/SKILL.md").unlink()
    return work, sh(work, env, "rev-parse", "HEAD~100").strip(), sh(
        work, env, "rev-parse", "HEAD").strip()


def fresh(code: str, env: dict[str, str]) -> Callable[[], object]:
    return lambda: subprocess.run([sys.executable, "-c", code], env=env, check=True)


def gitpython_state(git: Any, work: Path) -> dict[str, Any]:
    repo = git.Repo(work)
    try:
        branch = repo.active_branch
        tracking = branch.tracking_branch()
        counts = (sum(1 for _ in repo.iter_commits(f"{tracking}..{branch}")),
                  sum(1 for _ in repo.iter_commits(f"{branch}..{tracking}")))
        return {"branch": branch.name, "dirty": repo.is_dirty(untracked_files=True),
                "remotes": [r.name for r in repo.remotes], "ahead_behind": counts}
    finally:
        repo.close()


def gitpython_head(git: Any, work: Path) -> str:
    repo = git.Repo(work)
    try:
        return str(repo.head.commit.hexsha)
    finally:
        repo.close()


def gitpython_changed(git: Any, work: Path, before: str, after: str) -> list[str]:
    repo = git.Repo(work)
    try:
        return sorted({d.b_path or d.a_path for d in repo.commit(before).diff(after)})
    finally:
        repo.close()


def ours_changed(work: Path, env: dict[str, str], before: str, after: str) -> list[str]:
    out = gitops.run(["diff", "--name-only", "-z", before, after], cwd=str(work), env=env).out
    return sorted(p for p in out.split("\0") if p)


def row(what: str, ours: list[float], theirs: list[float]) -> str:
    ratio = statistics.median(theirs) / statistics.median(ours)
    return f"| {what} | {fmt(ours)} | {fmt(theirs)} | {ratio:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    try:
        git: Any = importlib.import_module("git")
    except ImportError:
        sys.exit("GitPython is not installed: pip install GitPython")
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        env = dict(os.environ, GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
                   GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@example.com",
                   GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@example.com", HOME=temp)
        work, before, after = build(root, env)
        changed = gitpython_changed(git, work, before, after)
        assert ours_changed(work, env, before, after) == changed
        assert gitstate.head(work, env) == gitpython_head(git, work)
        os.environ.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
        lines = ["| read | git executable (ours) | GitPython | ratio |", "|---|---|---|---|"]
        bare, *imports = timed([fresh("pass", env), fresh("import skillshared.git.gitstate", env),
                                fresh("import git", env)], runs)
        lines.append(row("import, fresh interpreter", *imports))
        lines.append(f"| (the interpreter alone) | {fmt(bare)} | | |")
        reads: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
            ("state (status)", lambda: gitstate.state(work, env),
             lambda: gitpython_state(git, work)),
            ("head commit", lambda: gitstate.head(work, env),
             lambda: gitpython_head(git, work)),
            ("changed files, 100 commits apart", lambda: ours_changed(work, env, before, after),
             lambda: gitpython_changed(git, work, before, after)),
        ]
        for what, ours, theirs in reads:
            lines.append(row(what, *timed([ours, theirs], runs)))
    versions = f"- GitPython {git.__version__}, {sh(Path.cwd(), env, 'version').strip()}"
    publish([machine_line(), versions, "", *lines],
            Path(__file__).resolve().parent / "results" / "gitpython_bench.md")


if __name__ == "__main__":
    main()
