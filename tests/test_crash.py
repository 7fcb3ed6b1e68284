"""Kill a sync at every filesystem change it makes; the next sync must converge."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests import crash_runner
from tests.conftest import CliRunner, make_skill, tree, write_config
from tests.invariants import Snapshot

CRASHED = 77


def crash_at(point: int, *argv: str) -> int:
    return crash_runner.run(point, argv).returncode


def foreign(target: Path) -> dict[str, tuple[str, str]]:
    return {k: v for k, v in tree(target).items() if k.split("/")[0].startswith("user-")}


def assert_converged(cli: CliRunner, target: Path, expected: set[str],
                     user: dict[str, Any]) -> None:
    result = cli("sync", "--json")
    assert result.code == 0, result.err
    again = cli("sync", "--json").json()
    assert [t["changes"] for t in again["results"]] == [[]], "second sync changed something"
    names = set(os.listdir(target)) if target.is_dir() else set()
    assert not [n for n in names if n.startswith(".skillshare-tmp-")], names
    assert not [n for n in os.listdir(target.parent) if n.startswith(".skillshare-")]
    assert expected <= names
    assert foreign(target) == user
    backups = target.parents[1] / ".local/share/skillshare/backups"
    assert not unfinished_backups(backups)


def unfinished_backups(backups: Path) -> list[str]:
    """Temp folders of backups (and of the store of saved skills) left behind."""
    found = []
    for folder in (backups, backups / ".skills"):
        if folder.exists():
            found += [n for n in os.listdir(folder) if n.startswith(".") and n != ".skills"]
    return found


def temp_folders(target: Path) -> list[str]:
    """Temp entries in the target that are folders (an AI CLI could load one as a skill)."""
    if not target.is_dir() or target.is_symlink():
        return []
    return [n for n in os.listdir(target) if n.startswith(".skillshare-tmp-")
            and (target / n).is_dir() and not (target / n).is_symlink()]


def merge_world(home: Path, source: Path) -> tuple[Path, set[str]]:
    """Links to create, to fix, to prune, an identical folder to adopt, and user entries."""
    for name in ("keep", "new-one", "fix-me", "adopt-me"):
        make_skill(source, name)
    target = home / ".claude/skills"
    target.mkdir(parents=True)
    (target / "keep").symlink_to(source / "keep")
    (target / "fix-me").symlink_to(source / "old-place")
    for gone in ("gone-1", "gone-2"):
        (target / gone).symlink_to(source / gone)
    make_skill(target, "adopt-me")
    make_skill(target, "user-local")
    (target / "user-file").write_text("mine")
    (target / "user-link").symlink_to(home)
    write_config(home, "targets:\n  claude: {}\n")
    return target, {"keep", "new-one", "fix-me", "adopt-me"}


def copy_world(home: Path, source: Path) -> tuple[Path, set[str]]:
    for name in ("stay", "change", "drop"):
        make_skill(source, name)
    write_config(home, "targets:\n  claude:\n    mode: copy\n")
    target = home / ".claude/skills"
    assert subprocess.run([sys.executable, "-m", "skillshare", "sync"], capture_output=True,
                          check=False).returncode == 0
    (source / "change/SKILL.md").write_text("---\nname: change\n---\nchanged\n")
    for path in (source / "drop").iterdir():
        path.unlink()
    (source / "drop").rmdir()
    make_skill(source, "added")
    make_skill(target, "user-local")
    return target, {"stay", "change", "added"}


def symlink_switch_world(home: Path, source: Path) -> tuple[Path, set[str]]:
    for name in ("one", "two"):
        make_skill(source, name)
    write_config(home, "targets:\n  claude: {}\n")
    assert subprocess.run([sys.executable, "-m", "skillshare", "sync"], capture_output=True,
                          check=False).returncode == 0
    write_config(home, "targets:\n  claude:\n    mode: symlink\n")
    return home / ".claude/skills", set()


def standard_naming_world(home: Path, source: Path) -> tuple[Path, set[str]]:
    """Copies made under flat names, then the target switched to standard naming: each
    nested skill's copy goes and comes back under its SKILL.md name."""
    for rel in ("top", "group/one", "group/two"):
        make_skill(source, rel)
    write_config(home, "targets:\n  claude:\n    mode: copy\n")
    target = home / ".claude/skills"
    assert subprocess.run([sys.executable, "-m", "skillshare", "sync"], capture_output=True,
                          check=False).returncode == 0
    make_skill(target, "user-local")
    write_config(home, "target_naming: standard\ntargets:\n  claude:\n    mode: copy\n")
    return target, {"top", "one", "two"}


def forced_world(mode: str) -> Callable[[Path, Path], tuple[Path, set[str]]]:
    """Entries in the way of two skills (a folder, a file), which `sync --force` backs up
    and replaces."""
    def build(home: Path, source: Path) -> tuple[Path, set[str]]:
        for name in ("blocked", "covered", "free"):
            make_skill(source, name)
        target = home / ".claude/skills"
        make_skill(target, "blocked", body="the user's own version\n")
        (target / "covered").write_text("a file in the way")
        make_skill(target, "user-local")
        write_config(home, f"targets:\n  claude:\n    mode: {mode}\n")
        return target, {"blocked", "covered", "free"}
    return build


WORLDS: dict[str, Callable[[Path, Path], tuple[Path, set[str]]]] = {
    "merge": merge_world, "copy": copy_world, "symlink": symlink_switch_world,
    "force-merge": forced_world("merge"), "force-copy": forced_world("copy"),
    "standard-naming": standard_naming_world}


@pytest.mark.parametrize("world", sorted(WORLDS))
def test_sync_killed_at_every_change_converges(cli: CliRunner, home: Path, source: Path,
                                               tmp_path: Path, world: str) -> None:
    target, expected = WORLDS[world](home, source)
    pristine = tmp_path / "pristine"
    subprocess.run(["cp", "-a", str(home), str(pristine)], check=True)
    user = foreign(target)
    point, crashes = 1, 0
    while True:
        snap = Snapshot.take()
        for entries in snap.foreign.values():  # what --force replaces (it is backed up)
            for name in expected:
                entries.pop(name, None)
        code = crash_at(point, "sync", *(["--force"] if world.startswith("force") else []))
        if code != CRASHED:
            assert code == 0
            break
        crashes += 1
        assert not temp_folders(target), f"point {point}: a temp folder shows in the target"
        assert_converged(cli, target, expected, user)
        problems = snap.problems(None)  # (assert_converged made the second pass)
        assert not problems, f"point {point}: {problems}"
        # start the next point from the same initial state
        subprocess.run(["rm", "-rf", str(home)], check=True)
        subprocess.run(["cp", "-a", str(pristine), str(home)], check=True)
        point += 1
    assert crashes >= 3, "the scenario made too few changes to be a test"
    if world == "symlink":
        assert os.readlink(target) == str(source)


@pytest.mark.parametrize("point", ["os.mkdir:1", "open:2", "os.rename:1", "os.rename:3",
                                   "os.remove:1", "shutil.rmtree:1"])
def test_a_copy_sync_killed_at_a_named_point_converges(cli: CliRunner, home: Path, source: Path,
                                                      point: str) -> None:
    """``CRASH_AT`` names the point: the K-th change of one kind (a rename puts a built copy
    in place, an rmtree removes a pruned one, and so on)."""
    target, expected = copy_world(home, source)
    user = foreign(target)
    snap = Snapshot.take()
    proc = crash_runner.run(0, ["sync"], dict(os.environ, CRASH_AT=point))
    assert proc.returncode == CRASHED, f"{point} was never reached: {proc.stdout}{proc.stderr}"
    assert not temp_folders(target)
    assert_converged(cli, target, expected, user)
    assert not snap.problems(None), snap.problems(None)


@pytest.fixture
def many(home: Path, source: Path) -> list[Path]:
    """300 skills and 3 merge targets: 900 links, enough that targets are changed at the same
    time (one thread each)."""
    from skillshared.engine import reconcile

    targets = [home / f".t{i}/skills" for i in range(3)]
    write_config(home, "targets:\n" + "".join(f"  t{i}:\n    path: {t}\n"
                                               for i, t in enumerate(targets)))
    for i in range(300):
        make_skill(source, f"skill-{i:03d}")
    assert reconcile.PARALLEL_MIN_CHANGES <= 300 * 3
    return targets


def test_targets_changed_at_the_same_time_end_as_one_at_a_time(cli: CliRunner, many: list[Path],
                                                              source: Path) -> None:
    report = cli("sync", "--json").json()
    assert [(t["linked"], t["changed"]) for t in report["results"]] == [(300, 300)] * 3
    for target in many:
        assert sorted(os.listdir(target)) == [f"skill-{i:03d}" for i in range(300)]
        assert all(os.readlink(target / n) == str(source / n) for n in os.listdir(target))
    assert all(t["changes"] == [] for t in cli("sync", "--json").json()["results"])


@pytest.mark.parametrize("fail", [None, "EIO"])
def test_a_parallel_sync_killed_or_failing_midway_converges(cli: CliRunner, many: list[Path],
                                                           fail: str | None) -> None:
    env = dict(os.environ, **({"CRASH_RAISE": fail} if fail else {}))
    for point in (5, 450, 880):  # each from empty targets
        for target in many:
            subprocess.run(["rm", "-rf", str(target)], check=True)
        proc = crash_runner.run(point, ["sync"], env)
        assert proc.returncode == (1 if fail else CRASHED), proc.stderr
        if fail:
            assert "Input/output error" in proc.stdout + proc.stderr
        for target in many:
            assert not temp_folders(target)
    result = cli("sync", "--json")
    assert result.code == 0, result.err
    for target in many:
        names = os.listdir(target)
        assert sorted(names) == [f"skill-{i:03d}" for i in range(300)], names
    assert all(t["changes"] == [] for t in cli("sync", "--json").json()["results"])
