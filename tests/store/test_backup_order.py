""""Latest" is the last backup taken, whatever the clock's time zone (a daemon and a shell
with different ``TZ``, travel, a DST fall-back) or a clock set back: ``restore`` takes it,
and ``backup --cleanup`` keeps it."""

from __future__ import annotations

import calendar
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillshared.core import config_file
from skillshared.core.paths import Paths
from skillshared.store import backup_write
from skillshared.store.backup_format import NAME_RE, list_backups
from skillshared.store.backup_manifest import latest
from skillshared.store.backup_writer import BackupWriter
from tests.conftest import CliRunner, make_skill, run_cli_process, write_config
from tests.undo_world import KEEP_ONE as CONFIG
from tests.undo_world import backups_dir, time_zone


@pytest.fixture
def target(home: Path, source: Path) -> Path:
    write_config(home, CONFIG)
    make_skill(source, "alpha")
    folder = home / ".claude/skills"
    make_skill(folder, "mine", body="version 1\n")
    return folder


def zoned(tz: str) -> dict[str, str]:
    return dict(os.environ, TZ=tz)


def backup_in(tz: str) -> str:
    result = run_cli_process("backup", "--json", env=zoned(tz))
    assert result.code == 0, result.err
    return Path(result.json()["path"]).name


def test_the_last_backup_taken_is_the_latest_in_any_time_zone(target: Path) -> None:
    """Tokyo is 9 hours ahead of UTC and New York 5 behind: a backup taken in Tokyo, then
    one in New York: by local-time names the first looks 14 hours newer."""
    first = backup_in("Asia/Tokyo")
    make_skill(target, "mine", body="version 2\n")
    second = backup_in("America/New_York")
    assert first != second and NAME_RE.match(first) and NAME_RE.match(second)
    listed = run_cli_process("backup", "--list", "--json", env=zoned("Europe/Berlin")).json()
    assert [b["name"] for b in listed["backups"]] == [second, first]
    cleanup = run_cli_process("backup", "--cleanup", "--dry-run", "--json",
                              env=zoned("Asia/Tokyo")).json()
    assert [r["name"] for r in cleanup["removed"]] == [first]
    assert cleanup["kept"] == [second]
    make_skill(target, "mine", body="version 3\n")
    restored = run_cli_process("restore", "claude", "--force", "--json",
                               env=zoned("Asia/Tokyo"))
    assert restored.code == 0, restored.err
    assert restored.json()["from"] == second
    assert (target / "mine/SKILL.md").read_text().endswith("version 2\n")
    verified = run_cli_process("backup", "--verify", "--from", second, "--json",
                               env=zoned("America/New_York"))
    assert verified.code == 0 and verified.json()["damaged"] == 0


@pytest.fixture
def new_york() -> Iterator[None]:
    """This process's local time zone: New York (with its DST)."""
    with time_zone("America/New_York"):
        yield


def write_backup(home: Path, folder: Path, now: float) -> Path:
    cfg = config_file.load(Paths.from_env().global_scope())
    writer = BackupWriter(backups_dir(home), now=now)
    assert writer.add("claude", str(folder), "merge", backup_write.owner(cfg)).status == "created"
    made = writer.publish()
    assert made is not None
    return made


def test_a_dst_fall_back_does_not_reorder_backups(new_york: None, target: Path, home: Path,
                                                  cli: CliRunner) -> None:
    """At 2:00 EDT on 2026-11-01 New York's clocks go back to 1:00 EST: a backup at 1:30
    EDT, then one 40 minutes later, at 1:10 EST."""
    before = calendar.timegm((2026, 11, 1, 5, 30, 0, 0, 0, 0))  # 01:30 EDT
    assert time.strftime("%H:%M %Z", time.localtime(before)) == "01:30 EDT"
    after = before + 40 * 60
    assert time.strftime("%H:%M %Z", time.localtime(after)) == "01:10 EST"
    first = write_backup(home, target, before)
    make_skill(target, "mine", body="version 2\n")
    second = write_backup(home, target, after)
    assert list_backups(backups_dir(home)) == [second, first]
    found = latest(backups_dir(home), "claude")
    assert found is not None and found[0] == second
    cleanup = cli("backup", "--cleanup", "--dry-run", "--json").json()
    assert [r["name"] for r in cleanup["removed"]] == [first.name]
    make_skill(target, "mine", body="version 3\n")
    restored = cli("restore", "claude", "--force", "--json")
    assert restored.code == 0, restored.err
    assert restored.json()["from"] == second.name
    assert (target / "mine/SKILL.md").read_text().endswith("version 2\n")


def test_a_clock_set_back_does_not_reorder_backups(target: Path, home: Path,
                                                   cli: CliRunner) -> None:
    now = time.time()
    first = write_backup(home, target, now)
    make_skill(target, "mine", body="version 2\n")
    second = write_backup(home, target, now - 3600)  # the clock was set back an hour
    assert second.name < first.name  # its name says when, in UTC ...
    assert list_backups(backups_dir(home)) == [second, first]  # ... its order, after which
    cleanup = cli("backup", "--cleanup", "--dry-run", "--json").json()
    assert [r["name"] for r in cleanup["removed"]] == [first.name]
    make_skill(target, "mine", body="version 3\n")
    restored = cli("restore", "claude", "--force", "--json").json()
    assert restored["from"] == second.name
    assert (target / "mine/SKILL.md").read_text().endswith("version 2\n")


def test_backups_in_the_same_second_get_names_in_the_order_taken(target: Path, home: Path,
                                                                 cli: CliRunner) -> None:
    now = float(int(time.time()))
    made = []
    for version in range(3):
        make_skill(target, "mine", body=f"version {version}\n")
        made.append(write_backup(home, target, now + 0.25 * version))
    base = time.strftime("%Y-%m-%d_%H-%M-%SZ", time.gmtime(now))
    assert [m.name for m in made] == [base, f"{base}-2", f"{base}-3"]
    assert list_backups(backups_dir(home)) == made[::-1]
    for name in (f"{base}-2", base):
        result = cli("restore", "claude", "--force", "--from", name, "--json")
        assert result.code == 0, result.err
        wanted = "version 1\n" if name.endswith("-2") else "version 0\n"
        assert (target / "mine/SKILL.md").read_text().endswith(wanted)
    assert cli("backup", "--verify", "--from", f"{base}-3").code == 0
    bad = cli("backup", "--verify", "--from", f"{base}-0")
    assert bad.code == 2 and "not a backup name" in bad.err
