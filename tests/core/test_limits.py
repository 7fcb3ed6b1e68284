"""The limits on one skill (config ``limits:``): a skill over them is linked (a link costs
nothing) but never copied, hashed whole, backed up, collected or installed, and what is
over them is never replaced by a forced sync or restore (a backup could not give it back).
Each test ends with the invariant checker (tests/invariants.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.core.paths import Paths
from skillshared.engine.trees import MB
from tests.conftest import DaemonStarter, Run, make_skill, wait_for, write_config
from tests.invariants import Snapshot, fingerprint

CONFIG = """\
targets:
  claude:
    path: ~/.claude/skills
  cursor:
    path: ~/.cursor/skills
    mode: copy
"""
TWO_GB = 2 << 30
MEMORY_BOUND = 120 * MB  # peak RSS over a 2 GB or 100,000-file skill (measured: 33-44 MiB)


def sync() -> dict[str, Any]:
    return api.run("sync", {}, Paths.from_env())


# Runs the command in a child of its own and writes that child's peak RSS (KiB) to the file
# descriptor named first. A
# child started straight from the test would inherit the test process's peak: Linux folds
# the peak of the memory a process leaves at exec into its own, and a vfork-ed child leaves
# the parent's.
_PEAK = """import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "skillshare", *sys.argv[2:]])
_, status, usage = os.wait4(pid, 0)
os.write(int(sys.argv[1]), str(usage.ru_maxrss).encode())
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured(*argv: str) -> tuple[Run, int]:
    """Run ``skillshare`` in a child process: its result and its peak RSS in bytes."""
    with tempfile.TemporaryFile("w+", dir=Path.home()) as out, \
            tempfile.TemporaryFile("w+", dir=Path.home()) as err:
        read, write = os.pipe()
        try:
            proc = subprocess.Popen([sys.executable, "-c", _PEAK, str(write), *argv],
                                    text=True, stdout=out, stderr=err, pass_fds=(write,))
        finally:
            os.close(write)
        with os.fdopen(read) as peak:
            kib = int(peak.read())
        proc.wait()
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, out.read(), err.read()), kib * 1024


def conflicts(report: dict[str, Any], target: str) -> dict[str, str]:
    rows = report["results"] if "results" in report else report["targets"]  # CLI, api.run
    line = next(t for t in rows if t["name"] == target)
    return {c["name"]: c["reason"] for c in line["conflicts"]}


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    write_config(home, CONFIG)
    for name in ("alpha", "beta"):
        make_skill(source, name, files={"notes.md": f"about {name}\n"})
    sync()
    return {"claude": home / ".claude/skills", "cursor": home / ".cursor/skills"}


def test_a_2gb_file_in_one_skill(world: dict[str, Path], source: Path, home: Path) -> None:
    big = make_skill(source, "big")
    with open(big / "model.bin", "wb") as handle:  # sparse: 2 GB that take no disk
        handle.truncate(TWO_GB)
    snap = Snapshot.take()
    run, peak = measured("sync", "--json", "--no-daemon")
    report = json.loads(run.out)
    assert (world["claude"] / "big").is_symlink()  # a link costs nothing
    assert not os.path.lexists(world["cursor"] / "big")  # a copy would cost 2 GB
    assert conflicts(report, "cursor") == {
        "big": "too large to copy: the skill holds more than 100 MB (limits.skill_max_mb)"}
    assert all((world["cursor"] / n / "notes.md").is_file() for n in ("alpha", "beta"))
    assert peak < MEMORY_BOUND, peak
    text = subprocess.run([sys.executable, "-m", "skillshare", "sync", "--no-daemon"],
                          capture_output=True, text=True, check=False).stdout
    assert "too large to copy" in text
    snap.check(report)

    run, peak = measured("backup", "--json")  # the version behind claude's link: not saved
    assert run.code == 0, run.err
    claude = next(t for t in json.loads(run.out)["targets"] if t["target"] == "claude")
    assert claude["not_saved"] == [
        {"path": "big", "why": "holds more than 100 MB (limits.skill_max_mb)"}]
    assert peak < MEMORY_BOUND, peak
    stored = sum(f.stat().st_size for f in (home / ".local/share/skillshare/backups")
                 .rglob("*") if f.is_file() and not f.is_symlink())
    assert stored < MB, stored
    human = subprocess.run([sys.executable, "-m", "skillshare", "backup"],
                           capture_output=True, text=True, check=False)
    assert "not saved: big holds more than 100 MB" in human.stdout, human.stdout + human.stderr
    snap.check(sync())


def test_what_a_backup_left_out_is_never_replaced(world: dict[str, Path], source: Path,
                                                 home: Path) -> None:
    write_config(home, CONFIG + "limits:\n  skill_max_mb: 1\n")
    mine = make_skill(world["claude"], "mine", body="the user's own\n")
    (mine / "data.bin").write_bytes(b"x" * (2 * MB))
    before = fingerprint(str(mine))
    backup = api.run("backup", {}, Paths.from_env())
    claude = next(t for t in backup["targets"] if t["target"] == "claude")
    assert claude["not_saved"] == [
        {"path": "mine", "why": "holds more than 1 MB (limits.skill_max_mb)"}]
    make_skill(source, "mine", body="the source's own\n")
    snap = Snapshot.take()

    forced = api.run("sync", {"force": True}, Paths.from_env())
    claude_line = next(t for t in forced["targets"] if t["name"] == "claude")
    assert "not replaced: too large to back up: mine holds more than 1 MB" in (
        claude_line["error"]), claude_line
    assert fingerprint(str(mine)) == before

    restore = subprocess.run([sys.executable, "-m", "skillshare", "restore", "claude",
                              "--force"], capture_output=True, text=True, check=False)
    assert restore.returncode != 0
    assert "holds mine, which is too large to back up" in restore.stderr, restore.stderr
    assert "nothing was changed" in restore.stderr
    assert fingerprint(str(mine)) == before

    collect = api.run("collect", {"all": True}, Paths.from_env())
    assert {"target": "claude", "name": "mine", "reason": "too large to collect: it holds "
            "more than 1 MB (limits.skill_max_mb)"} in collect["skipped"]
    assert not (source / "mine" / "data.bin").exists()
    assert fingerprint(str(mine)) == before
    snap.check()


def test_100000_files_in_one_skill_under_the_daemon(world: dict[str, Path], source: Path,
                                                    daemon: DaemonStarter) -> None:
    heavy = make_skill(source, "heavy")
    for folder in range(100):
        sub = heavy / f"part-{folder:03d}"
        sub.mkdir()
        for i in range(1000):
            (sub / f"f{i:04d}.txt").write_bytes(b"x")
    snap = Snapshot.take()
    d = daemon()
    first = d.settle(timeout=120)["reconciles"]
    assert (world["claude"] / "heavy").is_symlink()
    assert not os.path.lexists(world["cursor"] / "heavy")
    status = api.run("sync", {"dry_run": True}, Paths.from_env())
    assert conflicts(status, "cursor")["heavy"] == (
        "too large to copy: the skill holds more than 10,000 files and folders "
        "(limits.skill_max_files)")
    make_skill(source, "gamma")  # the other skills still arrive
    d.settle(after=first, timeout=60)
    wait_for((world["cursor"] / "gamma" / "SKILL.md").is_file, what="gamma copied")
    assert (world["claude"] / "gamma").is_symlink()
    with open(f"/proc/{d.proc.pid}/status", encoding="ascii") as handle:
        peak = next(int(line.split()[1]) * 1024 for line in handle if line.startswith("VmHWM"))
    assert peak < MEMORY_BOUND, peak
    d.stop()
    snap.check(sync())


def test_raising_a_limit_lets_the_skill_be_copied(world: dict[str, Path], source: Path,
                                                  home: Path) -> None:
    big = make_skill(source, "big")
    (big / "data.bin").write_bytes(b"x" * (2 * MB))
    write_config(home, CONFIG + "limits:\n  skill_max_mb: 1\n")
    report = sync()
    assert conflicts(report, "cursor") == {
        "big": "too large to copy: the skill holds more than 1 MB (limits.skill_max_mb)"}
    write_config(home, CONFIG + "limits:\n  skill_max_mb: 3\n  skill_max_files: 2\n")
    report = sync()
    assert conflicts(report, "cursor") == {}
    assert (world["cursor"] / "big" / "data.bin").stat().st_size == 2 * MB
    (big / "more.md").write_text("one more\n")  # 3 entries: now over skill_max_files
    snap = Snapshot.take()
    report = sync()
    assert conflicts(report, "cursor") == {
        "big": "too large to copy: the skill holds more than 2 files and folders "
               "(limits.skill_max_files); what is there is kept as it is"}
    assert not (world["cursor"] / "big" / "more.md").exists()  # the old copy, untouched
    snap.check(report)


@pytest.mark.parametrize(("text", "problem"), [
    ("limits: 5\n", "limits: must be a mapping"),
    ("limits:\n  skill_max_mb: 0\n", "limits.skill_max_mb: must be a number of at least 1"),
    ("limits:\n  skill_max_files: lots\n",
     "limits.skill_max_files: must be a number of at least 1 (got 'lots')"),
    ("limits:\n  skill_max_mb: 1.5\n", "limits.skill_max_mb: must be a whole number"),
])
def test_bad_limits_are_clear_errors_that_change_nothing(world: dict[str, Path], source: Path,
                                                         home: Path, text: str,
                                                         problem: str) -> None:
    write_config(home, CONFIG + text)
    make_skill(source, "new")
    done = subprocess.run([sys.executable, "-m", "skillshare", "sync", "--no-daemon"],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert problem in done.stderr, done.stderr
    assert not os.path.lexists(world["claude"] / "new")
    assert not os.path.lexists(world["cursor"] / "new")


def test_a_skill_over_the_limits_is_not_installed(world: dict[str, Path], home: Path,
                                                  tmp_path: Path, source: Path) -> None:
    write_config(home, CONFIG + "limits:\n  skill_max_mb: 1\n")
    offered = make_skill(tmp_path / "offered", "huge")
    (offered / "data.md").write_bytes(b"x" * (2 * MB))
    done = subprocess.run([sys.executable, "-m", "skillshare", "install", str(offered)],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "is too large to install: it holds more than 1 MB (limits.skill_max_mb)" in (
        done.stderr), done.stderr
    assert sorted(p.name for p in source.iterdir() if not p.name.startswith(".")) == [
        "alpha", "beta"]
    Snapshot.take().check()


def test_removing_a_target_keeps_a_skill_over_the_limits_as_a_link(
        world: dict[str, Path], source: Path, home: Path) -> None:
    write_config(home, CONFIG + "limits:\n  skill_max_mb: 1\n")
    big = make_skill(source, "big")
    (big / "data.bin").write_bytes(b"x" * (2 * MB))
    sync()
    claude = world["claude"]
    dry = api.run("target", {"action": "remove", "names": ["claude"], "dry_run": True},
                      Paths.from_env())
    assert dry["removed"][0]["kept_links"] == [
        {"name": "big", "why": "holds more than 1 MB (limits.skill_max_mb)"}]
    assert dry["removed"][0]["converted"] == 2
    done = subprocess.run([sys.executable, "-m", "skillshare", "target", "remove", "claude"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "big: kept as a link (the skill holds more than 1 MB" in done.stdout, done.stdout
    assert os.readlink(claude / "big") == str(big)
    for name in ("alpha", "beta"):  # the others became real copies
        assert (claude / name).is_dir() and not (claude / name).is_symlink()
