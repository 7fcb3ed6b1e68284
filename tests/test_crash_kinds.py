"""Kill `sync agents` and `sync extras` at every filesystem change they make; the next sync
must converge, with the user's own files as they were and nothing half made in a target."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import crash_runner
from tests.conftest import CliRunner, tree, write_config
from tests.test_crash import CRASHED, crash_at, unfinished_backups

World = tuple[list[Path], set[str], list[str]]  # target folders, expected names, sync args


def agents(home: Path) -> Path:
    return home / ".config/skillshare/agents"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def first_sync(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "skillshare", "sync", *args],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def user_files(folder: Path) -> None:
    write(folder / "user-own.md", "mine\n")
    (folder / "user-link").symlink_to(folder.parent)
    write(folder / "user-dir/notes.md", "notes\n")


def agent_merge(home: Path) -> World:
    """Links to create, to fix and to prune, an identical file to adopt, the user's own."""
    for name in ("keep", "new-one", "fix-me", "adopt-me"):
        write(agents(home) / f"{name}.md", f"{name}\n")
    target = home / ".claude/agents"
    target.mkdir(parents=True)
    (target / "keep.md").symlink_to(agents(home) / "keep.md")
    (target / "fix-me.md").symlink_to(agents(home) / "old-place.md")
    for gone in ("gone-1.md", "gone-2.md"):
        (target / gone).symlink_to(agents(home) / gone)
    write(target / "adopt-me.md", "adopt-me\n")
    user_files(target)
    write_config(home, "targets:\n  claude: {}\n")
    return [target], {"keep.md", "new-one.md", "fix-me.md", "adopt-me.md"}, ["agents"]


def agent_copy(home: Path) -> World:
    for name in ("stay", "change", "drop"):
        write(agents(home) / f"{name}.md", f"{name}\n")
    write_config(home, "targets:\n  claude:\n    mode: copy\n")
    first_sync("agents")
    target = home / ".claude/agents"
    write(agents(home) / "change.md", "changed\n")
    (agents(home) / "drop.md").unlink()
    write(agents(home) / "team/added.md", "added\n")
    user_files(target)
    return [target], {"stay.md", "change.md", "team__added.md"}, ["agents"]


def agent_force(home: Path) -> World:
    for name in ("blocked", "free"):
        write(agents(home) / f"{name}.md", f"{name}\n")
    target = home / ".claude/agents"
    write(target / "blocked.md", "the user's own version\n")
    user_files(target)
    write_config(home, "targets:\n  claude:\n    mode: copy\n")
    return [target], {"blocked.md", "free.md"}, ["agents", "--force"]


def extras_world(home: Path) -> World:
    """An extra with a subfolder to a merge and a copy target, one flattened: synced once,
    then a file changed, one removed, one added."""
    source = home / ".config/skillshare/extras/rules"
    for rel in ("style.md", "team/review.md", "team/old.md"):
        write(source / rel, f"{rel}\n")
    write_config(home, "targets:\n  claude: {}\nextras:\n  - name: rules\n    targets:\n"
                       "      - path: ~/.claude/rules\n      - path: ~/.cursor/rules\n"
                       "        mode: copy\n      - path: ~/.codex/rules\n"
                       "        flatten: true\n")
    first_sync("extras")
    write(source / "style.md", "style 2\n")
    (source / "team/old.md").unlink()
    write(source / "team/new.md", "new\n")
    folders = [home / ".claude/rules", home / ".cursor/rules", home / ".codex/rules"]
    for folder in folders:
        user_files(folder)
    return folders, {"style.md"}, ["extras"]


WORLDS: dict[str, Callable[[Path], World]] = {
    "agents-merge": agent_merge, "agents-copy": agent_copy, "agents-force": agent_force,
    "extras": extras_world}


def mine(folder: Path) -> dict[str, tuple[str, str]]:
    return {k: v for k, v in tree(folder).items() if k.split("/")[0].startswith("user-")}


def assert_converged(cli: CliRunner, home: Path, folders: list[Path], expected: set[str],
                     user: list[dict[str, tuple[str, str]]], args: list[str]) -> None:
    plain = [a for a in args if a != "--force"]
    result = cli("sync", "--json", *plain)
    assert result.code == 0, result.out + result.err
    again = cli("sync", "--json", *plain).json()
    passes = ([p["sync"]["targets"] for p in again["extras"]] if "extras" in plain
              else [again["results"]])
    assert all(t["changes"] == [] for p in passes for t in p), passes
    for folder, before in zip(folders, user, strict=True):
        names = set(os.listdir(folder))
        assert expected <= names, names
        assert not [n for n in names if n.startswith(".skillshare-tmp-")], names
        assert not [n for n in os.listdir(folder.parent) if n.startswith(".skillshare-")]
        assert mine(folder) == before
    assert not unfinished_backups(home / ".local/share/skillshare/backups")


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_a_sync_of_agents_or_extras_killed_at_every_change_converges(
        cli: CliRunner, home: Path, tmp_path: Path, world: str) -> None:
    folders, expected, args = WORLDS[world](home)
    pristine = tmp_path / "pristine"
    subprocess.run(["cp", "-a", str(home), str(pristine)], check=True)
    user = [mine(folder) for folder in folders]
    point, crashes = 1, 0
    while True:
        code = crash_at(point, "sync", *args)
        if code != CRASHED:
            assert code == 0
            break
        crashes += 1
        assert_converged(cli, home, folders, expected, user, args)
        subprocess.run(["rm", "-rf", str(home)], check=True)
        subprocess.run(["cp", "-a", str(pristine), str(home)], check=True)
        point += 1
    assert crashes >= 4, "the scenario made too few changes to be a test"
    if world == "agents-force":
        assert (folders[0] / "blocked.md").read_text() == "blocked\n"


@pytest.mark.parametrize("world", ["agents-copy", "extras"])
@pytest.mark.parametrize("fail", ["ENOSPC", "EIO"])
def test_a_failing_change_in_an_agents_or_extras_sync_is_a_plain_error_and_converges(
        cli: CliRunner, home: Path, tmp_path: Path, world: str, fail: str) -> None:
    folders, expected, args = WORLDS[world](home)
    pristine = tmp_path / "pristine"
    subprocess.run(["cp", "-a", str(home), str(pristine)], check=True)
    user = [mine(folder) for folder in folders]
    for point in (1, 2, 4, 7):
        done = crash_runner.run(point, ["sync", *args], dict(os.environ, CRASH_RAISE=fail))
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        assert os.strerror(getattr(errno, fail)) in done.stdout + done.stderr
        assert_converged(cli, home, folders, expected, user, args)
        subprocess.run(["rm", "-rf", str(home)], check=True)
        subprocess.run(["cp", "-a", str(pristine), str(home)], check=True)
