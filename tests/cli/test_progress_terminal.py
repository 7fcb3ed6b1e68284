"""Progress on a real pseudo-terminal: drawn on stderr while work runs (in this process or
in the daemon, whose frames come over the socket) and erased before the command's output;
nothing of it into a pipe, under --json or --quiet, or with SKILLSHARE_PROGRESS=0."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from skillshare import progressline
from skillshared.core import protocol
from tests.cli.test_colour import _env, on_terminal, piped
from tests.conftest import DaemonStarter, make_skill, write_config

CLEAR = progressline.CLEAR
NOW = {"SKILLSHARE_PROGRESS": "1",  # (the colour tests' terminal turns it off)
       "SKILLSHARE_PROGRESS_DELAY": "0"}  # drawn at once (at least once) when work reports


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    for i in range(12):
        make_skill(source, f"skill-{i:02d}")
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  cursor: {{path: {home / '.cursor/skills'}, mode: copy}}\n")
    return source


def screen(shown: str) -> list[str]:
    """The lines a terminal would show: a line cleared shows only what came after it."""
    return [line.rsplit(CLEAR, 1)[-1].rsplit("\r", 1)[-1] for line in shown.split("\n")]


def drawn(shown: str) -> list[str]:
    """The progress lines drawn (each redraw begins by clearing the line)."""
    return [part for part in shown.split(CLEAR)[1:] if part and "\n" not in part]


def test_a_sync_draws_progress_and_erases_it_before_its_output(world: Path) -> None:
    code, shown = on_terminal(["sync", "--no-daemon"], _env(**NOW))
    assert code == 0, shown
    lines = drawn(shown)
    assert lines, shown
    labels = ("Reading the source", "Auditing", "Checking cursor", "Syncing cursor")
    assert all(any(label in line for label in labels) for line in lines), lines
    # erased: the last thing drawn is cleared before the command's own first line
    assert shown.index("Syncing skills") > shown.rindex(CLEAR)
    visible = screen(shown)
    assert not any(label in line for line in visible for label in labels[1:])
    assert any("cursor: 12 copied" in line for line in visible)


@pytest.mark.parametrize("argv,env", [
    (["sync", "--no-daemon", "--json"], NOW),
    (["sync", "--no-daemon", "-q"], NOW),
    (["sync", "--no-daemon"], {**NOW, "SKILLSHARE_PROGRESS": "0"}),
    (["sync", "--no-daemon"], {**NOW, "TERM": "dumb"}),
])
def test_no_progress_when_not_wanted(world: Path, argv: list[str], env: dict[str, str]
                                     ) -> None:
    code, shown = on_terminal(argv, _env(**env))
    assert code == 0, shown
    assert CLEAR not in shown and "\r" not in shown


def test_nothing_into_a_pipe(world: Path) -> None:
    code, out, err = piped(["sync", "--no-daemon"], _env(**NOW))
    assert code == 0
    assert "cursor: 12 copied" in out
    assert err == "" and "\r" not in out


def test_frames_come_from_the_daemon_to_a_terminal(world: Path, daemon: DaemonStarter
                                                   ) -> None:
    running = daemon()
    code, shown = on_terminal(["audit"], _env(**NOW))
    assert code == 0, shown
    assert any("Auditing" in line for line in drawn(shown)), shown
    assert shown.index("nothing at or above") > shown.rindex(CLEAR)
    # on the socket: progress lines only when asked for, all before the reply
    asked = running.exchange(protocol.request("p", "audit", {}, progress=True))
    events = [m.get("event") for m in asked]
    assert events[0] == "accepted" and "progress" in events and asked[-1]["ok"] is True
    assert all(e == "progress" for e in events[1:-1])
    frames = [m["progress"] for m in asked if m.get("event") == "progress"]
    assert {f["task"] for f in frames} == {"auditing"}
    backup = running.exchange(protocol.request("m", "backup", {}, progress=True))
    assert backup[-1]["ok"] is True, backup[-1]  # a change: it runs on the daemon's worker
    assert any(m.get("progress", {}).get("task") == "backing up" for m in backup[1:-1])
    plain = running.exchange(protocol.request("q", "audit", {}))
    assert [m.get("event") for m in plain] == ["accepted", None]
    bad = json.dumps({"v": protocol.VERSION, "id": "b", "cmd": "audit", "progress": "yes"})
    refused = running.exchange(bad.encode() + b"\n")
    assert refused[-1]["error"]["code"] == "bad_request"
    assert "'progress' must be true or false" in refused[-1]["error"]["message"]


class Terminal(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def _line(frames: list[dict[str, Any]]) -> str:
    line = progressline.Line(Terminal(), delay=0)
    for frame in frames:
        line._keep(frame)
    return line.text(200)


def test_the_line_says_what_runs_and_how_far() -> None:
    assert _line([{"task": "syncing", "part": "claude", "done": 5, "total": 20,
                   "item": "alpha"}]) == "⠋ Syncing claude █████░░░░░░░░░░░░░░░ 5/20 · alpha"
    both = _line([{"task": "syncing", "part": "a", "done": 1, "total": 4},
                  {"task": "syncing", "part": "b", "done": 2, "total": 4}])
    assert both.startswith("⠋ Syncing a, b ") and both.endswith(" 3/8")
    assert _line([{"task": "cloning", "item": "file:///r.git"}]) == "⠋ Cloning · file:///r.git"
    ascii_line = progressline.Line(io.StringIO(), delay=0)
    ascii_line._keep({"task": "syncing", "done": 1, "total": 2})
    assert ascii_line.text(80) == "| Syncing ##########---------- 1/2"
    line = progressline.Line(Terminal(), delay=0)
    line._keep({"task": "auditing", "item": "x" * 300})
    assert len(line.text(40)) == 39 and line.text(40).endswith("…")


def test_not_a_terminal_or_json_means_no_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    monkeypatch.delenv("SKILLSHARE_PROGRESS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert progressline.watcher(SimpleNamespace(json=False), Terminal()) is not None
    assert progressline.watcher(SimpleNamespace(json=True), Terminal()) is None
    assert progressline.watcher(SimpleNamespace(quiet=True), Terminal()) is None
    assert progressline.watcher(SimpleNamespace(), io.StringIO()) is None
    monkeypatch.setenv("SKILLSHARE_PROGRESS_DELAY", "soon")
    watched = progressline.watcher(SimpleNamespace(), Terminal())
    assert watched is not None and watched.delay == progressline.DELAY
    assert os.environ["TERM"] == "xterm"
