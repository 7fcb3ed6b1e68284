"""One timestamp form in every ``--json``: each command that puts a time in its document is
run (in a time zone that is not UTC, over files holding every stored form), and the whole
document is walked for anything that looks like a time: a date-time text in another form,
or a number where a time is, fails (so does a new field that brings another form)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillshared.core.timefmt import FORM
from tests.conftest import CliRunner, DaemonStarter, make_skill, wait_for, write_config
from tests.undo_world import time_zone

ZONE = "XYZ-5"  # five hours east of UTC, so a local time cannot pass for UTC
# A date, a date and time, in any separator, precision or zone: whatever a reader would take
# for a time.
LOOKS = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
                   r"(?:Z|[+-]\d{2}(?::?\d{2})?)?", re.IGNORECASE)
TIME_KEY = re.compile(r"(?:^|_)(?:at|ts|time|timestamp|date|when|since|created|modified|mtime|"
                      r"started|next_run|last_run)$|At$")
DATES = {"installedAt"}  # the original's list --json: a calendar date (YYYY-MM-DD), kept


def times(doc: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every value of ``doc`` that is a time or looks like one, with where it is."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            where = f"{path}.{key}"
            if TIME_KEY.search(str(key)) and isinstance(value, (int, float)) and not (
                    isinstance(value, bool)):
                yield where, value
            else:
                yield from times(value, where)
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from times(value, f"{path}[{i}]")
    elif isinstance(doc, str) and LOOKS.fullmatch(doc.strip()):
        yield path, doc
    elif isinstance(doc, (int, float)) and not isinstance(doc, bool) and 1e9 <= doc < 1e11:
        yield path, doc  # seconds since the epoch, wherever it is


def wrong(found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [(where, value) for where, value in found
            if not (isinstance(value, str) and FORM.fullmatch(value))
            and not (where.rsplit(".", 1)[-1] in DATES
                     and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)))]


def documents(out: str) -> list[Any]:
    """One JSON document, or JSON lines (``log --json``)."""
    try:
        return [json.loads(out)]
    except ValueError:
        return [json.loads(line) for line in out.splitlines() if line.strip()]


def checked(cli: CliRunner, *argv: str) -> list[tuple[str, Any]]:
    """Run ``argv --json``; every time in it (all in the one form, or the test fails)."""
    result = cli(*argv, "--json")
    assert result.code == 0, (argv, result.err, result.out)
    found = [t for doc in documents(result.out) for t in times(doc)]
    assert not wrong(found), (argv, wrong(found))
    return found


def test_the_walk_finds_every_other_form() -> None:
    doc = {"a": "2026-12-05T17:12:01+0000", "b": ["2026-12-05T17:12:01Z"],
           "c": {"created": 1796490721.5}, "d": 1796490721, "e": "2026-12-05 17:12",
           "f": "2026-12-05T17:12:01.5+00:00", "installedAt": "2026-12-05",
           "g": "2026-12-05", "ok": "2026-12-05T17:12:01+00:00", "uptime_s": 3.5,
           "name": "2026-12-05_17-12-01Z", "line": "2026-12-05 17:12:01 INFO synced"}
    assert [w for w, _ in wrong(list(times(doc)))] == [
        ".a", ".b[0]", ".c.created", ".d", ".e", ".f", ".g"]


@pytest.fixture
def world(home: Path, configured: Path, tmp_path: Path) -> Path:
    """A global setup with a target, an installed skill, and logs in every stored form."""
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    (home / ".claude/skills").mkdir(parents=True)
    make_skill(configured, "local-one")
    make_skill(configured, "leaving")
    logs = home / ".local/state/skillshare/logs"
    logs.mkdir(parents=True)
    original = {"ts": "2026-02-10T14:31:00.123456789Z", "cmd": "sync", "args": {},
                "status": "ok", "ms": 8}
    (logs / "operations.log").write_text(json.dumps(original) + "\n")
    (logs / "audit.log").write_text(json.dumps({**original, "cmd": "audit"}) + "\n")
    return make_skill(tmp_path / "downloads", "pdf-tools")


def test_every_command_with_times_gives_the_one_form(cli: CliRunner, world: Path) -> None:
    with time_zone(ZONE):
        for made in (("install", str(world)), ("sync",), ("backup",),
                     ("uninstall", "leaving", "--force")):
            assert cli(*made).code == 0, made
        found = {argv: checked(cli, *argv.split()) for argv in (
            "log", "log --stats", "log --audit", "trash list", "trash --all list",
            "backup --list", "restore", "check", "list", "list --sort newest", "status")}
        text = cli("log").out
    for argv in ("log", "log --audit", "trash list", "backup --list", "restore", "check"):
        assert found[argv], f"{argv}: no time found (the walk looks at nothing)"
    assert found["log"][0][1] == "2026-02-10T14:31:00+00:00"  # the original's entry
    assert "+0500" in text and "+00:00" not in text  # the text keeps local times


def test_the_daemon_status_and_its_log(cli: CliRunner, world: Path, configured: Path,
                                       daemon: DaemonStarter,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", ZONE)
    started = daemon()
    make_skill(configured, "arrived")  # a pass that changes something: a notable event
    wait_for(lambda: any(e["event"] == "reconcile" for e in started.status()["recent"]),
             what="the daemon to link the new skill")
    status = checked(cli, "daemon", "status")
    assert {w for w, _ in status} >= {".started_at", ".last_change.at", ".recent[0].at",
                                     ".jobs[0].next_run"}
    assert ".daemon.started_at" in {w for w, _ in checked(cli, "status")}
    assert any(w.endswith(".timestamp") for w, _ in checked(cli, "daemon", "logs"))
    from skillshare import daemonctl

    line = started.paths.daemon_log.read_text().splitlines()[-1]
    assert "Z" in json.loads(line)["timestamp"]  # the file keeps structlog's form
    assert not wrong(list(times(json.loads(daemonctl.json_line(line)))))
