"""The daemon as a real process: live reconciling, lifecycle, config reload."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import (
    DaemonStarter,
    make_skill,
    run_cli_process,
    three_targets,
    wait_for,
    write_config,
)


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    """Two merge targets and one copy target, with two skills already in the source."""
    found = three_targets(home, source)
    make_skill(source, "alpha")
    make_skill(source, "beta", files={"notes.md": "v1\n"})
    return found


def linked(target: Path, name: str) -> bool:
    return (target / name).is_symlink()


def text_of(path: Path) -> str | None:
    """The file's text, or None while it is not there (a copy being replaced is moved aside
    for a moment)."""
    try:
        return path.read_text()
    except FileNotFoundError:
        return None


def test_start_reconciles_and_new_skill_reaches_every_target(world: dict[str, Path],
                                                             daemon: DaemonStarter) -> None:
    d = daemon()
    for name in ("claude", "cursor"):
        assert linked(world[name], "alpha") and linked(world[name], "beta")
    assert (world["codex"] / "beta/notes.md").read_text() == "v1\n"
    make_skill(world["source"], "gamma")
    wait_for(lambda: all(linked(world[n], "gamma") for n in ("claude", "cursor"))
             and (world["codex"] / "gamma/SKILL.md").is_file(), what="gamma everywhere")
    nested = make_skill(world["source"], "group/delta")
    wait_for(lambda: linked(world["claude"], "group__delta"), what="a nested skill")
    assert os.readlink(world["claude"] / "group__delta") == str(nested)
    last = d.settle()["last_reconcile"]
    assert last["kind"] == "partial"


def test_deleted_skill_is_pruned(world: dict[str, Path], daemon: DaemonStarter) -> None:
    daemon()
    shutil.rmtree(world["source"] / "alpha")
    wait_for(lambda: not os.path.lexists(world["claude"] / "alpha")
             and not os.path.lexists(world["codex"] / "alpha"), what="alpha pruned")
    assert linked(world["cursor"], "beta")


def test_edit_reaches_copy_target_and_edited_copy_is_a_conflict(world: dict[str, Path],
                                                                daemon: DaemonStarter) -> None:
    d = daemon()
    (world["source"] / "beta/notes.md").write_text("v2\n")
    wait_for(lambda: text_of(world["codex"] / "beta/notes.md") == "v2\n",
             what="the edit in the copy")
    (world["codex"] / "beta/notes.md").write_text("edited in the target\n")
    before = d.reconciles()
    (world["source"] / "beta/notes.md").write_text("v3\n")
    status = d.settle(before)
    assert (world["codex"] / "beta/notes.md").read_text() == "edited in the target\n"
    conflicts = status["last_reconcile"]["conflicts"]
    assert (conflicts[0]["target"], conflicts[0]["name"]) == ("codex", "beta")
    assert status["last_reconcile"]["conflicted"] == len(conflicts) == 1


def test_deleted_target_folder_is_refilled(world: dict[str, Path], daemon: DaemonStarter) -> None:
    daemon()
    shutil.rmtree(world["cursor"])
    wait_for(lambda: linked(world["cursor"], "alpha") and linked(world["cursor"], "beta"),
             what="cursor re-filled")
    # and it is watched again: a local change there is seen
    os.unlink(world["cursor"] / "alpha")
    wait_for(lambda: linked(world["cursor"], "alpha"), what="alpha re-linked")


def test_mass_delete_guard_when_source_moves_away(world: dict[str, Path],
                                                  daemon: DaemonStarter) -> None:
    d = daemon()
    before = d.reconciles()
    world["source"].rename(world["source"].with_name("skills-moved"))
    d.settle(before)
    d.settle(d.reconciles() - 1)
    for name in ("claude", "cursor"):
        assert os.path.lexists(world[name] / "alpha") and os.path.lexists(world[name] / "beta")
    assert (world["codex"] / "alpha/SKILL.md").is_file()
    # the source comes back: it is watched again
    world["source"].with_name("skills-moved").rename(world["source"])
    make_skill(world["source"], "gamma")
    wait_for(lambda: linked(world["claude"], "gamma"), what="watching the source again")


def test_source_created_after_start_is_watched(home: Path, source: Path,
                                               daemon: DaemonStarter) -> None:
    target = home / ".claude/skills"
    write_config(home, f"source: {source}\ntargets:\n  claude: {{path: {target}}}\n")
    d = daemon()
    assert str(source) in d.status()["watch"]["missing"]
    make_skill(source, "late")
    wait_for(lambda: linked(target, "late"), what="a skill in a source created later")


def test_kill_9_then_restart_converges_with_stale_socket(world: dict[str, Path],
                                                         daemon: DaemonStarter) -> None:
    d = daemon()
    socket_path = d.paths.socket
    d.kill()
    assert socket_path.exists()  # stale
    make_skill(world["source"], "while-down")
    d2 = daemon()
    assert linked(world["claude"], "while-down")
    assert d2.status()["pid"] == d2.proc.pid


def test_second_daemon_refuses_naming_the_first(world: dict[str, Path],
                                                daemon: DaemonStarter) -> None:
    d = daemon()
    proc = subprocess.run([sys.executable, "-m", "skillshared.daemon"], capture_output=True,
                          text=True, timeout=30, check=False)
    assert proc.returncode != 0
    assert f"pid {d.proc.pid}" in proc.stderr
    assert d.status()["pid"] == d.proc.pid


def test_sigterm_exits_zero_and_removes_socket(world: dict[str, Path],
                                               daemon: DaemonStarter) -> None:
    d = daemon()
    assert d.stop(timeout=10) == 0  # at once: a signal wakes the main thread through a pipe
    assert not d.paths.socket.exists()
    events = [e["event"] for e in d.log()]
    assert events[-1] == "stopped" and "stopping" in events


def test_sighup_with_broken_config_keeps_the_old_one(world: dict[str, Path], home: Path,
                                                     daemon: DaemonStarter) -> None:
    d = daemon()
    config = home / ".config/skillshare/config.yaml"
    good = config.read_text()
    # write the broken config without the watcher seeing a settled change first
    config.write_text(good + "mode: sideways\n")
    d.proc.send_signal(signal.SIGHUP)
    error = wait_for(lambda: d.status()["config"]["error"], what="the config error")
    assert "mode" in " ".join(error["details"]) or "mode" in error["message"]
    shown = run_cli_process("daemon", "status")
    assert "config refused" in shown.out and "previous config stays in force" in shown.out
    make_skill(world["source"], "still-works")  # the old config is still in force
    wait_for(lambda: linked(world["claude"], "still-works"), what="reconcile with old config")
    config.write_text(good.replace("codex:", "other:"))
    wait_for(lambda: d.status()["config"]["error"] is None, what="the fixed config")


def test_config_change_adds_a_target_live(world: dict[str, Path], home: Path,
                                          daemon: DaemonStarter) -> None:
    daemon()
    extra = home / ".extra/skills"
    config = home / ".config/skillshare/config.yaml"
    config.write_text(config.read_text().replace(
        "daemon:", f"  extra: {{path: {extra}}}\ndaemon:"))
    wait_for(lambda: linked(extra, "alpha") and linked(extra, "beta"), what="the new target")


def test_garbage_oversized_and_slow_requests(world: dict[str, Path], daemon: DaemonStarter) -> None:
    import time

    d = daemon()

    def exchange(payload: bytes, *, close_write: bool = True) -> dict[str, Any]:
        return d.exchange(payload, close_write)[-1]

    cases = {
        b"not json\n": "not valid JSON",
        b"[1, 2]\n": "JSON object",
        b'{"v": 99, "cmd": "status"}\n': "protocol version",
        b'{"v": 2, "id": "x", "cmd": 5}\n': "'cmd'",
        b'{"v": 2, "id": "x", "cmd": "status", "args": []}\n': "'args'",
        b'{"v": 2, "id": "x", "cmd": "nope", "args": {}}\n': "unknown command",
        b'{"v": 2, "id": "x", "cmd": "sync", "args": {"dry_run": "yes"}}\n': "dry_run",
        b"\xff\xfe\n": "not valid JSON",
        b'{"v": 2, "id": "x", "cmd": "daemon", "args": {"action": "nope"}}\n':
            "unknown daemon action",
    }
    for payload, expected in cases.items():
        reply = exchange(payload)
        assert reply["ok"] is False and expected in reply["error"]["message"], payload
    big = b'{"v": 2, "cmd": "status", "args": {"x": "' + b"a" * (1 << 20) + b'"}}\n'
    assert "larger than" in exchange(big)["error"]["message"]
    # slow: a client that never finishes its line is cut off after the deadline
    started = time.monotonic()
    reply = exchange(b'{"v": 2, ', close_write=False)
    assert "not received within" in reply["error"]["message"]
    assert time.monotonic() - started < 20
    assert d.status()["running"] is True  # still serving
    assert d.ask("ping")["pid"] == d.proc.pid


def test_socket_and_folder_are_private(world: dict[str, Path], daemon: DaemonStarter) -> None:
    d = daemon()
    assert d.paths.socket.stat().st_mode & 0o777 == 0o600
    assert d.paths.socket.parent.stat().st_mode & 0o777 == 0o700


def test_idle_daemon_reconciles_nothing(world: dict[str, Path], daemon: DaemonStarter) -> None:
    """After it settles, an idle daemon makes no passes of its own (events only)."""
    d = daemon()
    first = d.settle()["reconciles"]
    make_skill(world["source"], "marker")
    wait_for(lambda: linked(world["claude"], "marker"), what="marker")
    after = d.settle(first)["reconciles"]
    assert after - first <= 3  # the marker's pass, plus the echo of our own links at most


def test_backup_and_cleanup_jobs_run_on_schedule(world: dict[str, Path], home: Path,
                                                 daemon: DaemonStarter) -> None:
    from skillshared.store import trash
    from skillshared.store.backup_format import list_backups, targets_in
    from skillshared.store.backup_verify import Verifier

    config = home / ".config/skillshare/config.yaml"
    config.write_text(config.read_text() + "  backup_interval: 1s\n  cleanup_interval: 1s\n"
                      "trash:\n  retention_days: 0\n")
    trash_dir = home / ".local/share/skillshare/trash"
    trash.put(trash_dir, str(make_skill(home / "elsewhere", "old")), "old", "test", now=1.0)
    d = daemon()
    jobs = {j["name"]: j for j in d.status()["jobs"]}
    assert jobs["backup"]["interval_s"] == 1 and jobs["backup"]["next_run"]
    assert jobs["cleanup"]["interval_s"] == 1

    def ran(name: str) -> dict[str, Any] | None:
        job = next(j for j in d.status()["jobs"] if j["name"] == name)
        return job if job["runs"] and job["last_result"] else None

    backup = wait_for(lambda: ran("backup"), what="the backup job to run")
    assert backup["last_result"] == "ok", backup
    assert backup["last_summary"].startswith("3 backed up")
    backups_dir = home / ".local/share/skillshare/backups"
    newest = list_backups(backups_dir)[0]
    assert sorted(targets_in(newest)) == ["claude", "codex", "cursor"]
    assert not Verifier(backups_dir).target(newest, "claude")
    cleanup = wait_for(lambda: ran("cleanup"), what="the cleanup job to run")
    assert cleanup["last_result"] == "ok", cleanup
    wait_for(lambda: not trash.items(trash_dir), what="the expired trash item to go")
    # nothing changed since: the next backup runs find every target unchanged
    runs = backup["runs"]
    later = wait_for(lambda: (j := ran("backup")) and j["runs"] > runs + 1 and j,
                     what="more backup runs")
    assert "0 backed up, 3 unchanged" in later["last_summary"]
    assert len(list_backups(backups_dir)) == 1
    text = run_cli_process("daemon", "status").out
    assert "Job backup" in text and "unchanged" in text and "Job cleanup" in text
