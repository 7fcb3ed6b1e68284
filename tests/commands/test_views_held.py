"""Pruning that the mass-delete guard holds back shows in every view: `status`, `diff`,
`doctor`, `target <name>`, the daemon's status and log, text and --json; and no view says
"synced" while a pass would leave work undone."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import DaemonStarter, make_skill, run_cli_process, wait_for, write_config

SKILLS = 20
MOVED = 15  # more than half of each target's links: the guard holds pruning back


@pytest.fixture
def world(home: Path, source: Path, tmp_path: Path) -> dict[str, Any]:
    """20 skills linked into two targets; then 15 of them moved out of the source."""
    targets = {name: home / f".{name}/skills" for name in ("claude", "cursor")}
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {targets['claude']}}}\n"
                 f"  cursor: {{path: {targets['cursor']}}}\n"
                 "daemon:\n  debounce_ms: 20\n")
    names = [f"skill-{i:02d}" for i in range(SKILLS)]
    for name in names:
        make_skill(source, name)
    synced = run_cli_process("sync")
    assert synced.code == 0, synced.err
    away = tmp_path / "away"
    away.mkdir()
    return {"source": source, "away": away, "names": names, "moved": names[:MOVED],
            "targets": targets}


def move_away(world: dict[str, Any]) -> None:
    for name in world["moved"]:
        os.rename(world["source"] / name, world["away"] / name)


def move_back(world: dict[str, Any]) -> None:
    for name in world["moved"]:
        os.rename(world["away"] / name, world["source"] / name)


def target_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("  claude", "  cursor"))]


def assert_links_kept(world: dict[str, Any]) -> None:
    for target in world["targets"].values():
        assert sorted(os.listdir(target)) == world["names"]


# -- status ---------------------------------------------------------------------------------


def test_status_says_pruning_is_held_back_how_much_and_what_to_run(
        world: dict[str, Any]) -> None:
    move_away(world)
    data = run_cli_process("status", "--json").json()
    for target in data["targets"]:
        assert target["state"] == "held"
        assert (target["synced"], target["expected"], target["held"]) == (5, 5, MOVED)
        assert f"{MOVED} of {SKILLS} entries would be pruned" in target["guard"]
        assert "skillshare sync --force" in target["guard_hint"]
    assert (data["held"], data["held_entries"]) == (2, 2 * MOVED)
    text = run_cli_process("status")
    assert text.code == 0
    lines = target_lines(text.out)
    assert len(lines) == 2
    for line in lines:
        assert "synced" not in line and "held back" in line and f"{MOVED} not pruned" in line
    assert f"Pruning held back on claude, cursor ({2 * MOVED} entries kept)" in text.out
    assert "skillshare sync --force" in text.out
    assert_links_kept(world)


def test_an_emptied_source_is_held_back_with_its_own_hint(world: dict[str, Any]) -> None:
    for name in world["names"]:
        os.rename(world["source"] / name, world["away"] / name)
    data = run_cli_process("status", "--json").json()
    for target in data["targets"]:
        assert (target["state"], target["held"]) == ("held", SKILLS)
        assert "source is missing or empty" in target["guard"]
        assert "put the skills back in the source" in target["guard_hint"]
    diff = run_cli_process("diff")
    assert "fully synced" not in diff.out
    assert "put the skills back in the source" in diff.out
    assert_links_kept(world)


def test_a_source_that_comes_back_is_synced_again(world: dict[str, Any]) -> None:
    move_away(world)
    assert run_cli_process("status", "--json").json()["held"] == 2
    move_back(world)
    data = run_cli_process("status", "--json").json()
    assert data["held"] == 0
    assert [t["state"] for t in data["targets"]] == ["synced", "synced"]
    assert run_cli_process("diff").out.count("fully synced") == 2


# -- diff, doctor, sync, target -----------------------------------------------------------------


def test_diff_lists_every_held_entry_and_is_not_fully_synced(world: dict[str, Any]) -> None:
    move_away(world)
    text = run_cli_process("diff")
    assert text.code == 0
    assert "fully synced" not in text.out
    shown = {line.split()[1] for line in text.out.splitlines()
             if line.startswith("  - ") and "held back" in line}
    assert shown == set(world["moved"])
    assert "skillshare sync --force" in text.out
    data = run_cli_process("diff", "claude", "--json").json()
    target = data["targets"][0]
    assert target["synced"] is False and target["held"] == MOVED
    assert {i["name"] for i in target["items"] if i["operation"] == "held"} == set(world["moved"])
    assert all(i["sign"] == "-" for i in target["items"] if i["action"] == "held")


def test_doctor_warns_with_the_count_and_the_command(world: dict[str, Any]) -> None:
    move_away(world)
    result = run_cli_process("doctor", "--json")
    checks = {c["name"]: c for c in result.json()["checks"] if c["name"].startswith("target")}
    for name in ("target claude", "target cursor"):
        assert checks[name]["status"] == "warning"
        assert f"pruning held back ({MOVED} entries kept)" in checks[name]["message"]
        assert "skillshare sync --force" in checks[name]["hint"]
    text = run_cli_process("doctor").out
    assert "synced" not in "".join(line for line in text.splitlines() if "target c" in line)


def test_sync_and_target_info_name_the_hold(world: dict[str, Any]) -> None:
    move_away(world)
    sync = run_cli_process("sync")
    assert sync.code == 1
    assert "Sync complete: 2 targets, pruning held back on 2" in sync.out
    assert "Pruning held back on claude, cursor" in sync.out
    info = run_cli_process("target", "claude")
    assert "pruning held back:" in info.out and f"{MOVED} of {SKILLS}" in info.out
    assert_links_kept(world)
    forced = run_cli_process("sync", "--force", "--json")
    assert forced.code == 0 and forced.json()["summary"]["pruned"] == 2 * MOVED
    assert run_cli_process("status", "--json").json()["held"] == 0


# -- the daemon ---------------------------------------------------------------------------------


def held_of(status: dict[str, Any]) -> dict[str, int]:
    last = status.get("last_reconcile") or {}
    return {h["target"]: h["held"] for h in last.get("held") or ()}


def test_the_daemon_shows_and_logs_the_hold_until_it_is_resolved(
        world: dict[str, Any], daemon: DaemonStarter) -> None:
    d = daemon()
    move_away(world)
    def holding() -> dict[str, Any] | None:
        status = d.status()
        return status if held_of(status) == {"claude": MOVED, "cursor": MOVED} else None

    status = wait_for(holding, what="the daemon to report the hold")
    held = status["last_reconcile"]["held"]
    assert all("skillshare sync --force" in h["hint"] and h["guard"] for h in held)
    assert_links_kept(world)  # the daemon never forces
    logged = [e for e in d.log() if e.get("event") == "pruning_held"]
    assert logged and logged[-1]["level"] == "warning"
    assert logged[-1]["targets"] == ["claude", "cursor"]
    assert logged[-1]["held"] == {"claude": MOVED, "cursor": MOVED}
    assert "skillshare sync --force" in logged[-1]["hint"]
    text = run_cli_process("daemon", "status").out
    assert f"Pruning held back: claude ({MOVED} entries), cursor ({MOVED} entries)" in text
    logs = run_cli_process("daemon", "logs", "--tail", "50").out
    assert "WARNING pruning_held" in logs
    # status and diff answered by the daemon say the same as in-process
    data = run_cli_process("status", "--json").json()
    assert [t["state"] for t in data["targets"]] == ["held", "held"]
    assert "Pruning held back: claude" in run_cli_process("status").out
    assert "fully synced" not in run_cli_process("diff").out
    move_back(world)
    wait_for(lambda: held_of(d.status()) == {} and any(
        e.get("event") == "pruning_no_longer_held" for e in d.log()),
        what="the hold to end once the skills are back")
    assert "Pruning held back" not in run_cli_process("daemon", "status").out


def test_a_forced_sync_through_the_daemon_ends_the_hold(world: dict[str, Any],
                                                       daemon: DaemonStarter) -> None:
    d = daemon()
    move_away(world)
    wait_for(lambda: held_of(d.status()), what="the daemon to report the hold")
    forced = run_cli_process("sync", "--force")
    assert forced.code == 0, forced.out + forced.err
    wait_for(lambda: held_of(d.status()) == {}, what="the hold to end after --force")
    for target in world["targets"].values():
        assert sorted(os.listdir(target)) == world["names"][MOVED:]


# -- the same class: no view says "synced" while a pass would leave work undone -------------


def test_a_copy_target_whose_manifest_is_gone_is_not_fully_synced(home: Path, source: Path,
                                                                 tmp_path: Path) -> None:
    target = tmp_path / "tool/skills"
    write_config(home, f"source: {source}\ntargets:\n  tool: {{path: {target}, mode: copy}}\n")
    make_skill(source, "alpha")
    assert run_cli_process("sync").code == 0
    (target / ".skillshare-manifest.json").unlink()
    status = run_cli_process("status", "--json").json()["targets"][0]
    assert status["state"] == "needs sync"
    diff = run_cli_process("diff")
    assert "fully synced" not in diff.out and ".skillshare-manifest.json" in diff.out
    doctor = run_cli_process("doctor", "--json").json()
    check = next(c for c in doctor["checks"] if c["name"] == "target tool")
    assert check["status"] == "warning" and "pending" in check["message"]
    assert run_cli_process("sync").code == 0
    assert "tool: fully synced" in run_cli_process("diff").out


def test_a_damaged_manifest_shows_in_diff_as_in_status(home: Path, source: Path,
                                                       tmp_path: Path) -> None:
    target = tmp_path / "tool/skills"
    write_config(home, f"source: {source}\ntargets:\n  tool: {{path: {target}, mode: copy}}\n")
    make_skill(source, "alpha")
    assert run_cli_process("sync").code == 0
    (target / ".skillshare-manifest.json").write_text("{not json")
    status = run_cli_process("status", "--json").json()["targets"][0]
    assert any("damaged" in c["reason"] for c in status["conflicts"])
    diff = run_cli_process("diff", "--json").json()["targets"][0]
    assert diff["synced"] is False
    assert any(i["name"] == ".skillshare-manifest.json" and "damaged" in i["reason"]
               for i in diff["items"])


def test_a_symlink_target_held_back_is_not_linked(home: Path, source: Path,
                                                  tmp_path: Path) -> None:
    """Symlink mode: a real folder of our links waits for the source, it is not 'linked'."""
    target = tmp_path / "tool/skills"
    write_config(home, f"source: {source}\ntargets:\n  tool: {{path: {target}}}\n")
    make_skill(source, "alpha")
    assert run_cli_process("sync").code == 0
    write_config(home, f"source: {source}\ntargets:\n  tool: {{path: {target}, "
                 "mode: symlink}\n")
    shutil.move(source / "alpha", tmp_path / "alpha")
    data = run_cli_process("status", "--json").json()["targets"][0]
    assert (data["state"], data["held"]) == ("held", 1)
    line = next(x for x in run_cli_process("status").out.splitlines() if x.startswith("  tool"))
    assert "linked" not in line and "held back" in line
    assert json.loads(run_cli_process("diff", "--json").out)["targets"][0]["synced"] is False
