"""The operation log and ops.lock."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from skillshared.core.errors import LockedError
from skillshared.store import oplog
from skillshared.store.locking import exclusive


def test_oplog_appends_json_lines_and_keeps_the_newest(tmp_path: Path) -> None:
    log = tmp_path / "logs/operations.log"
    for index in range(30):
        oplog.append(log, "sync", {"n": index}, "ok", 1.25, max_entries=10)
    entries = oplog.read(log)
    assert 10 <= len(entries) <= 12
    assert entries[-1]["args"] == {"n": 29}
    assert [e["args"]["n"] for e in entries] == sorted(e["args"]["n"] for e in entries)
    first = json.loads(log.read_text().splitlines()[0])
    assert set(first) == {"ts", "cmd", "args", "status", "ms"}
    assert oplog.read(log, tail=2)[0]["args"] == {"n": 28}


def test_oplog_skips_malformed_lines(tmp_path: Path) -> None:
    log = tmp_path / "operations.log"
    log.write_text('{"cmd": "sync", "status": "ok"}\nnot json\n[1, 2]\n{"no": "cmd"}\n')
    assert oplog.read(log) == [{"cmd": "sync", "status": "ok"}]
    assert oplog.read(tmp_path / "missing.log") == []


def test_oplog_records_errors_with_a_message(tmp_path: Path) -> None:
    log = tmp_path / "operations.log"
    oplog.append(log, "target", {"action": "remove"}, "error", 3.0, "backup failed")
    assert oplog.read(log)[0]["msg"] == "backup failed"


def test_ops_lock_excludes_another_process(tmp_path: Path) -> None:
    lock = tmp_path / "run/ops.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, pathlib; from skillshared.store.locking import exclusive\n"
         f"with exclusive(pathlib.Path({str(lock)!r})):\n"
         "    print('held', flush=True); sys.stdin.readline()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError) as info, exclusive(lock, timeout=0.2):
            pass
        assert f"pid {holder.pid}" in info.value.message
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=10)
        if holder.stdout is not None:
            holder.stdout.close()
    with exclusive(lock, timeout=1):
        assert lock.read_text().strip().isdigit()
    assert (lock.parent.stat().st_mode & 0o777) == 0o700
