"""``skillshare status --catalog [tool]`` on the command line: its text (folders, where each
entry comes from, duplicates flagged, context against the budget) and ``--json``, in this
process and answered by a real daemon, which reads the folders afresh on every request
(a folder no target syncs into is not watched) and keeps the CLI light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, DaemonStarter, make_skill, write_config


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    """claude and cursor (which also reads ~/.claude/skills and ~/.agents/skills), synced,
    and a local skill in claude's folder."""
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n  claude: {}\n"
                       "  cursor: {}\n")
    make_skill(source, "alpha")
    api.run("sync", {}, Paths.from_env())
    make_skill(home / ".claude/skills", "mine", frontmatter="name: mine\ndescription: mine\n")
    return home


def expected() -> dict[str, Any]:
    return api.run("catalog", {}, Paths.from_env())


def test_text(cli: CliRunner, world: Path) -> None:
    run = cli("status", "--catalog", "--no-daemon")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "What each tool loads"
    at = lines.index("cursor")
    cursor = lines[at:]
    assert "  reads       skills  ~/.cursor/skills  synced by cursor" in cursor
    assert "  also reads  skills  ~/.agents/skills  (missing)" in cursor
    assert "  also reads  skills  ~/.claude/skills  synced by claude" in cursor
    assert "  Skills: 3" in cursor
    assert ("    mine   local       ~/.claude/skills/mine" in cursor)
    assert ("    alpha  skillshare  ~/.claude/skills/alpha → ~/.config/skillshare/skills/alpha"
            "  ⚠ duplicate") in cursor
    assert "  ⚠ duplicate alpha: loaded twice under one name" in cursor
    # alpha twice (15 characters: 4 tokens each) and mine (8 characters: 2 tokens)
    assert "  ℹ Context: ~10 tokens always loaded (budget: 10,000)" in cursor
    assert lines[-1] == "2 tools, ⚠ 1 duplicate"
    assert "duplicate" not in "\n".join(lines[:at])  # claude loads alpha once


def test_over_budget_and_one_tool(cli: CliRunner, world: Path, home: Path) -> None:
    write_config(home, "targets:\n  claude: {}\n  cursor: {}\n"
                       "context_budget:\n  warn_always_loaded_tokens: 5\n")
    run = cli("status", "--catalog", "claude-code", "--no-daemon")
    assert run.code == 0, run.err
    assert run.out.splitlines()[2] == "claude"
    assert ("  ⚠ Context: ~6 tokens always loaded, over the budget of 5 "
            "(context_budget.warn_always_loaded_tokens)") in run.out.splitlines()
    assert "cursor" not in run.out


def test_json_is_the_result(cli: CliRunner, world: Path) -> None:
    run = cli("status", "--catalog", "--json", "--no-daemon")
    assert run.code == 0, run.err
    assert run.json() == expected()


def test_mistakes(cli: CliRunner, world: Path) -> None:
    run = cli("status", "--catalog", "cursr", "--no-daemon")
    assert run.code != 0 and run.out == ""
    assert "error: unknown tool: cursr; did you mean `cursor`?" in run.err
    assert "the tools (configured targets): claude, cursor" in run.err
    run = cli("status", "cursor", "--no-daemon")
    assert run.code == 2 and "is named only with --catalog" in run.err


def test_the_daemon_answers_afresh(cli: CliRunner, world: Path, home: Path,
                                   daemon: DaemonStarter) -> None:
    d = daemon()
    assert d.ask("catalog", {}) == expected()
    run = cli("status", "--catalog", "--json")
    assert run.code == 0 and run.json() == expected()
    # a skill in a folder no target syncs into (so no watch sees it): there at once
    make_skill(home / ".agents/skills", "shared", frontmatter="name: alpha\n")
    cursor = d.ask("catalog", {"tool": "cursor"})["catalog"][0]
    assert [e["entry"] for e in cursor["skills"]] == ["alpha", "shared", "alpha", "mine"]
    assert cursor["duplicates"][0]["entries"][1] == f"{home}/.agents/skills/shared"
    text = cli("status", "--catalog", "cursor")
    assert "    alpha  local       ~/.agents/skills/shared  ⚠ duplicate" in text.out


def test_the_cli_stays_light(world: Path, daemon: DaemonStarter, work: Path) -> None:
    daemon()
    script = (
        "import sys\n"
        "from skillshare.main import main\n"
        "assert main(['status', '--catalog']) == 0\n"
        "assert main(['status', '--catalog', 'cursor', '--json']) == 0\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in\n"
        "         ('watchdog', 'apscheduler', 'git', 'structlog', 'yaml')\n"
        "         or m.startswith(('skillshared.engine', 'skillshared.commands'))\n"
        "         or m == 'skillshared.api']\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=work, check=False, timeout=60)
    assert "HEAVY []" in proc.stderr, proc.stderr
