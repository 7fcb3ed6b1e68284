"""Kill backup, restore, collect, trash and cleanup at every filesystem change they make (like
kill -9), and fail each change with ENOSPC (a full disk): nothing is ever lost, the target
holds its old or its new content, nothing of ours stays in it, and the next run converges."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skillshared.store import trash
from skillshared.store.backup_format import list_backups
from tests import crash_runner, undo_world
from tests.conftest import CliRunner, make_skill, tree, write_config
from tests.invariants import Snapshot
from tests.test_crash import CRASHED, unfinished_backups
from tests.undo_world import all_verify, backups_dir, ours_left

State = dict[str, tuple[str, str]]


def run_harness(point: int, argv: list[str], fail: str | None = None,
                count_file: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if fail:
        env["CRASH_RAISE"] = fail
    if count_file:
        env["CRASH_COUNT_FILE"] = str(count_file)
    return crash_runner.run(point, argv, env)


class Scenario:
    """A world in ``home``, a command, and how to look at what must be old or new."""

    def __init__(self, home: Path, tmp_path: Path, argv: list[str],
                 look: Callable[[], Any], each_whole: bool = False) -> None:
        """``each_whole``: the state is a dict of items, each of which must be as it was or
        gone (a batch need not be all or nothing, only each item in it)."""
        self.home = home
        self.argv = argv
        self.look = look
        self.each_whole = each_whole
        self.pristine = tmp_path / "pristine"
        tmp_path.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cp", "-a", str(home), str(self.pristine)], check=True)
        self.old = look()
        counted = tmp_path / "changes"
        proc = run_harness(0, argv, count_file=counted)  # point 0: never crashes
        assert proc.returncode == 0, proc.stderr
        self.changes = int(counted.read_text())
        self.new = look()
        assert self.new != self.old, "the command changed nothing: not a test"
        self.reset()

    def reset(self) -> None:
        subprocess.run(["rm", "-rf", str(self.home)], check=True)
        subprocess.run(["cp", "-a", str(self.pristine), str(self.home)], check=True)

    def every_point(self, check: Callable[[bool], None], fail: str | None = None) -> int:
        """Crash (or, with ``fail``, fail with that error) at each change the command makes;
        after each: the state is the old or the new one and ``check(False)`` holds; then the
        command run again whole ends in the new state and ``check(True)`` holds. Returns the
        number of points tried."""
        for point in range(1, self.changes + 1):
            proc = run_harness(point, self.argv, fail)
            if fail is None:
                assert proc.returncode == CRASHED, f"point {point}: {proc.stderr}"
            else:
                assert "internal error" not in proc.stderr, proc.stderr
                assert proc.returncode == 0 or proc.stderr.startswith("error: ") or (
                    "✗" in proc.stdout), f"point {point}: {proc.stdout}{proc.stderr}"
            try:
                state = self.look()
            except AssertionError as exc:
                raise AssertionError(f"point {point}: {exc}") from exc
            if self.each_whole:
                assert all(self.old.get(k) == v or self.new.get(k) == v
                           for k, v in state.items()), f"point {point}: an item changed"
            else:
                assert state in (self.old, self.new), f"point {point}: neither old nor new"
            check(False)
            again = run_harness(0, self.argv)
            # (run again after it had finished, a command may say there is nothing to do)
            assert again.returncode == 0 or state == self.new, f"point {point}: {again.stderr}"
            try:
                converged = self.look() == self.new
            except AssertionError as exc:
                raise AssertionError(f"point {point}, run again: {exc}") from exc
            assert converged, f"point {point}: did not converge"
            check(True)
            self.reset()
        return self.changes


def no_residue(home: Path, *folders: Path) -> Callable[[bool], None]:
    """Nothing of ours inside the target folders (and, once a run has finished, nothing
    beside them either), and every published backup verifies."""
    def check(settled: bool) -> None:
        for folder in folders:
            inside = [n for n in os.listdir(folder) if n.startswith(".skillshare-")
                      and n != ".skillshare-manifest.json"] if folder.is_dir() else []
            assert not inside, inside
            if settled:
                assert not ours_left(folder), ours_left(folder)
        assert all_verify(home), "a published backup does not verify"
    return check


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> dict[str, Path]:
    return undo_world.build(home, source, cli)


def backups_state(home: Path) -> Callable[[], list[list[str]]]:
    """The published backups (newest first), each as the targets it holds (names aside:
    they come from the clock)."""
    def look() -> list[list[str]]:
        return [sorted(t for t in os.listdir(b) if t.endswith(".json"))
                for b in list_backups(backups_dir(home))]
    return look


def test_backup_killed_anywhere(home: Path, tmp_path: Path, world: dict[str, Path]) -> None:
    before = {n: tree(p) for n, p in world.items()}
    scene = Scenario(home, tmp_path, ["backup"], backups_state(home))
    snap: list[Snapshot] = []

    def check(settled: bool) -> None:
        no_residue(home, *world.values())(settled)
        assert {n: tree(p) for n, p in world.items()} == before
        if not settled:  # taken after the killed run, checked after the run that converges
            snap[:] = [Snapshot.take()]
        else:
            assert not snap[0].problems(None), snap[0].problems(None)

    assert scene.every_point(check) > 10
    assert unfinished_backups(backups_dir(home)) == []


def test_restore_killed_anywhere(cli: CliRunner, home: Path, source: Path, tmp_path: Path,
                                 world: dict[str, Path]) -> None:
    claude = world["claude"]
    assert cli("backup", "claude").code == 0
    stamp = list_backups(backups_dir(home))[0].name
    (claude / "beta").unlink()
    make_skill(claude, "new-local")
    shutil.rmtree(claude / "mine")
    scene = Scenario(home, tmp_path, ["restore", "claude", "--from", stamp, "--force"],
                     lambda: tree(claude))
    assert (claude / "new-local").exists() and not (claude / "mine").exists()
    assert scene.every_point(no_residue(home, claude)) > 10


def test_collect_killed_anywhere(home: Path, source: Path, tmp_path: Path,
                                 world: dict[str, Path]) -> None:
    claude = world["claude"]
    content = tree(claude / "mine")

    def look() -> State:
        mine = claude / "mine"
        if mine.is_symlink():  # linked: the source must hold it whole
            assert tree(source / "mine") == content
            return {"mine": ("link", os.readlink(mine))}
        assert tree(mine) == content
        return {"mine": ("dir", "")}

    def check(settled: bool) -> None:
        assert os.path.lexists(claude / "mine")  # never missing, not even for a moment
        no_residue(home, claude)(settled)

    scene = Scenario(home, tmp_path, ["collect", "claude"], look)
    assert scene.every_point(check) > 5
    assert not [n for n in os.listdir(source) if n.startswith(".skillshare")]


def test_collect_force_killed_anywhere(home: Path, source: Path, tmp_path: Path,
                                       world: dict[str, Path]) -> None:
    claude = world["claude"]
    make_skill(source, "mine", body="the source's older version\n")
    trash_dir = home / ".local/share/skillshare/trash"

    def check(settled: bool) -> None:
        texts = [p.read_text() for p in (*trash_dir.glob("*/SKILL.md"),
                                         *source.glob("mine/SKILL.md"))]
        assert any("older version" in t for t in texts), "the source's version was lost"
        assert "my own skill" in (claude / "mine/SKILL.md").read_text()  # (through the link)
        no_residue(home, claude)(settled)

    scene = Scenario(home, tmp_path, ["collect", "claude", "--force"],
                     lambda: ((claude / "mine").is_symlink(), tree(claude / "mine")))
    assert scene.every_point(check) > 5


def test_trash_empty_and_restore_killed_anywhere(home: Path, source: Path, tmp_path: Path,
                                                 world: dict[str, Path]) -> None:
    trash_dir = home / ".local/share/skillshare/trash"
    for name in ("one", "two"):
        trash.put(trash_dir, str(make_skill(source, name, files={"a/b.md": name})), name, "t")

    def listed() -> State:
        return {i.entry: ("item", str(tree(trash_dir / i.entry))) for i in trash.items(
            trash_dir)}

    empty = Scenario(home, tmp_path / "empty", ["trash", "empty", "--force"], listed,
                     each_whole=True)
    empty.every_point(lambda settled: None)
    shutil.rmtree(tmp_path / "empty")

    def where_one() -> State:
        return {**listed(), "source": ("dir", str(tree(source / "one")))}

    back = Scenario(home, tmp_path / "back", ["trash", "restore", "one"], where_one)
    back.every_point(lambda settled: None)


def test_cleanup_killed_anywhere(home: Path, tmp_path: Path, world: dict[str, Path]) -> None:
    write_config(home, undo_world.CONFIG + "backup:\n  keep: 1\n")
    for index in range(3):
        (world["claude"] / "mine/n.txt").write_text(str(index))
        proc = run_harness(0, ["backup", "claude"])
        assert proc.returncode == 0, proc.stderr
    def by_name() -> dict[str, list[str]]:
        return {b.name: sorted(os.listdir(b)) for b in list_backups(backups_dir(home))}

    scene = Scenario(home, tmp_path, ["backup", "--cleanup"], by_name, each_whole=True)
    scene.every_point(no_residue(home))


@pytest.mark.parametrize("argv", [["backup"], ["restore", "claude", "--force", "--from"],
                                  ["collect", "claude"]])
def test_a_full_disk_anywhere_is_a_clear_error_and_no_change(
        cli: CliRunner, home: Path, tmp_path: Path, world: dict[str, Path],
        argv: list[str]) -> None:
    claude = world["claude"]
    if argv[0] == "restore":
        assert cli("backup", "claude").code == 0
        argv = [*argv, list_backups(backups_dir(home))[0].name]
        (claude / "beta").unlink()
    if argv[0] == "backup":  # each target is backed up whole, or fails on its own
        def look() -> object:
            return {t: True for b in backups_state(home)() for t in b}
    else:
        def look() -> object:
            return tree(claude)
    scene = Scenario(home, tmp_path, argv, look, each_whole=argv[0] == "backup")
    assert scene.every_point(no_residue(home, claude), fail="ENOSPC") > 5
