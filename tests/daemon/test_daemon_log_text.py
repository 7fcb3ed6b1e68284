"""The daemon's log names what it did (skills, targets, conflicts, holds), `daemon logs`
shows it as text (or JSON), follows it, and `status` shows the last notable events."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from skillshare import render_daemon_log, textout
from skillshared.core import logtail
from skillshared.core.results import SyncReport, TargetReport
from skillshared.daemon import logtext
from tests.conftest import DaemonStarter, make_skill, run_cli_process, wait_for, write_config

INDIA = "IST-5:30"  # a zone without summer time, far from UTC: local time is seen


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    targets = {"claude": home / ".claude/skills", "codex": home / ".codex/skills"}
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {targets['claude']}}}\n"
                 f"  codex: {{path: {targets['codex']}, mode: copy}}\n"
                 "daemon:\n  debounce_ms: 20\n")
    make_skill(source, "alpha")
    return {"source": source, **targets}


def logged(d: Any, event: str, **fields: str) -> dict[str, Any] | None:
    """The last ``event`` of the daemon's log whose fields contain ``fields``."""
    for entry in reversed(d.log()):
        if entry.get("event") == event and all(
                text in str(entry.get(key)) for key, text in fields.items()):
            return entry  # type: ignore[no-any-return]
    return None


def read_until(proc: subprocess.Popen[bytes], marker: str, timeout: float = 20.0) -> str:
    """What the process wrote to its stdout up to a line holding ``marker``."""
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + timeout
    while marker.encode() not in seen.rpartition(b"\n")[0]:
        left = deadline - time.monotonic()
        assert left > 0, f"timed out waiting for {marker!r}; got {seen!r}"
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            assert chunk, f"the output ended before {marker!r}: {seen!r}"
            seen += chunk
    return seen.decode()


def test_the_daemon_log_names_what_it_did_and_people_can_read_it(
        world: dict[str, Path], daemon: DaemonStarter) -> None:
    d = daemon()
    make_skill(world["source"], "gamma")
    linked = wait_for(lambda: logged(d, "reconcile", summary="linked 1 skill (gamma) in claude"),
                      what="a pass naming gamma and claude")
    assert linked["level"] == "info" and "gamma" in linked["changed_skills"]
    assert "claude" in linked["changed_targets"] and linked["done"]["linked"] == 1
    assert "audit_ms" in linked and linked["changed"] >= 1  # the fields of before stay
    wait_for(lambda: logged(d, "reconcile", summary="copied 1 skill (gamma) in codex"),
             what="a pass naming gamma and codex")

    (world["codex"] / "alpha/SKILL.md").write_text("edited in the target\n")
    with (world["source"] / "alpha/SKILL.md").open("a") as handle:
        handle.write("more\n")
    conflict = wait_for(lambda: logged(d, "conflict", skill="alpha"), what="the conflict")
    assert conflict["target"] == "codex" and conflict["level"] == "warning"
    assert "edited" in conflict["reason"]
    d.settle()

    # the text: local time, level, what happened; no JSON
    text = run_cli_process("daemon", "logs", "--tail", "30",
                           env={**os.environ, "TZ": INDIA}).out.splitlines()
    assert not [line for line in text if line.startswith("{")]
    shown = [line for line in text if "linked 1 skill (gamma) in claude" in line]
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO +synced +linked 1 skill \(gamma\) "
                    r"in claude\b.*\((partial|full) pass, .* ms\)$", shown[-1]), shown
    utc = datetime.fromisoformat(linked["timestamp"])
    assert shown[-1].startswith((utc + timedelta(hours=5, minutes=30)).strftime(
        "%Y-%m-%d %H:%M:%S"))
    assert any(re.search(r"WARNING +conflict +alpha in codex: .*edited", line) for line in text)

    # --json: the log's objects
    entries = run_cli_process("daemon", "logs", "--tail", "30", "--json").json()["entries"]
    assert {"event": "conflict", "skill": "alpha", "target": "codex"}.items() <= next(
        e for e in entries if e.get("event") == "conflict").items()

    # status: the last notable events
    status = run_cli_process("status").out
    assert "Recent events:" in status
    assert re.search(r"synced: linked 1 skill \(gamma\) in claude", status), status
    assert re.search(r"⚠ \d\d:\d\d:\d\d conflict: alpha in codex: .*edited", status), status
    recent = run_cli_process("status", "--json").json()["daemon"]["recent"]
    assert recent[-1]["event"] == "conflict" and len(recent) <= logtail.RECENT

    # -f (text, and --json: the objects, one a line): a new event is printed as it is
    # written; Ctrl-C ends it
    argv = [sys.executable, "-m", "skillshare", "daemon", "logs", "-f", "--tail", "1"]
    procs = [subprocess.Popen(argv + extra, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for extra in ([], ["--json"])]
    try:
        for proc in procs:
            read_until(proc, ":")  # the log's last line: it follows from here on
        make_skill(world["source"], "omega")
        read_until(procs[0], "linked 1 skill (omega) in claude")
        lines = read_until(procs[1], "(omega)").splitlines()
        assert all(json.loads(line)["event"] for line in lines)
        for proc in procs:
            proc.send_signal(signal.SIGINT)
            assert proc.wait(20) == 130  # quietly: following ends so
            assert proc.stderr is not None and proc.stderr.read() == b""
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()


# -- the words, without a daemon -------------------------------------------------------------


def target(name: str, changes: list[tuple[str, str]], changed: int | None = None,
           conflicts: tuple[tuple[str, str], ...] = (), held: int = 0) -> TargetReport:
    return {"name": name, "changes": [{"action": a, "name": n} for a, n in changes],
            "changed": len(changes) if changed is None else changed,
            "conflicts": [{"name": n, "reason": r} for n, r in conflicts],
            "error": None, "held": held,
            "guard": "too many" if held else None}  # type: ignore[typeddict-item]


def report(*targets: TargetReport) -> SyncReport:
    return {"targets": list(targets)}  # type: ignore[typeddict-item]


def test_a_pass_in_words_counts_and_names_the_first_few() -> None:
    many = [("link", f"s{i:02}") for i in range(12)]
    words = logtext.describe_pass([report(target("claude", many, changed=60),
                                          target("cursor", [*many[:2], ("unlink", "old")]),
                                          target("claude@agents", [("link", "a.md")]),
                                          target("codex", [], held=4))],
                                  held_back=["codex"])
    assert words.summary == (
        "linked 12 skills (s00, s01, s02 and 9 more) in claude, cursor; pruned 1 skill (old) "
        "in cursor; linked 1 agent (a.md) in claude@agents; and 48 more changes; "
        "held back pruning of 4 entries in codex (4)")
    assert words.fields["changed_skills"] == [f"s{i:02}" for i in range(10)]
    assert words.fields["done"] == {"linked": 13, "pruned": 1}
    nothing = logtext.describe_pass([report(target("codex", [], conflicts=(
        ("beta", "a copy that was edited in the target"), ("", "a folder in the way"))))], [])
    assert nothing.summary == "nothing to do; 2 conflicts (beta in codex, the folder of codex)"
    assert nothing.conflicts[1] == {"skill": "", "target": "codex",
                                    "reason": "a folder in the way"}
    assert logtext.conflict_words("codex", "", "x") == "the folder of codex: x"
    assert logtext.describe_hold(["claude", "cursor"], {"claude": 7}, "why") == (
        "held back pruning of 7 entries in claude (7), cursor: why")


def test_the_log_tail_and_its_notable_events(tmp_path: Path) -> None:
    log = tmp_path / "daemon.log"
    stamp = "2026-01-02T03:04:05.000001Z"
    lines = [json.dumps({"event": "reconcile", "changed": 0, "timestamp": stamp}),
             json.dumps({"event": "reconcile", "changed": 2, "summary": "linked 2",
                         "level": "info", "timestamp": stamp}),
             json.dumps({"event": "conflict", "summary": "b in c: edited",
                         "level": "warning", "timestamp": stamp}),
             "not json",
             json.dumps({"event": "conflict", "summary": "b in c: edited",
                         "level": "warning", "timestamp": stamp}),
             json.dumps({"event": "started", "pid": 7, "config": "/c", "socket": "/s",
                         "level": "info", "timestamp": stamp})]
    log.write_text("\n".join(lines) + "\n" + '{"event": "half a li')
    assert logtail.last_lines(str(log), 2, block=16) == lines[-2:]
    assert logtail.last_lines(str(log), 0) == lines  # not the line being written
    with log.open("rb") as handle:
        assert logtail.tail_of(handle, 1) == lines[-1:]
        assert handle.read() == b'{"event": "half a li'  # read again once it is whole
    assert [e["summary"] for e in logtail.recent(str(log))] == ["linked 2", "b in c: edited"]
    assert logtail.recent(str(tmp_path / "none")) == []
    assert textout.local_time(stamp) == datetime(
        2026, 1, 2, 3, 4, 5, tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert render_daemon_log.line_text("not json") == "not json"
    assert render_daemon_log.line_text(lines[-1], home="/h").endswith(
        "INFO    started       pid 7; config /c; socket /s")
    old = json.dumps({"event": "reconcile", "kind": "full", "changed": 3, "conflicts": 1,
                      "ms": 2.345, "skills": 1, "level": "warning", "timestamp": stamp})
    assert render_daemon_log.line_text(old).endswith(
        "WARNING synced        3 changes, 1 conflict (full pass, 1 skill looked at, 2.3 ms)")
