"""`status`, `diff` and `doctor` see the agents folders of targets and the extras' target
folders as they see skills' targets: what is in sync, what a sync would change, what is
held back, and the inotify watches the daemon needs for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill, write_config

CONFIG = """\
targets:
  claude:
    path: ~/.claude/skills
extras:
  - name: rules
    targets:
      - path: ~/.claude/rules
"""


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    make_skill(source, "alpha")
    write_config(home, CONFIG)
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("tutor\n")
    rules = home / ".config/skillshare/extras/rules/team"
    rules.mkdir(parents=True)
    (rules / "review.md").write_text("review\n")
    return agents


def test_status_shows_agents_and_extras(cli: CliRunner, world: Path, home: Path) -> None:
    before = cli("status", "--json").json()
    agents = before["agents"]
    assert agents["agents"] == 1
    assert [(t["name"], t["state"]) for t in agents["targets"]] == [
        ("claude", "missing")]  # named as the target, as the original does
    assert before["extras"][0]["name"] == "rules" and before["extras"][0]["files"] == 1
    assert before["out_of_sync"] == 3  # skills, agents, the rules' team/ (the top gets none)
    assert "sync --all" in cli("status").out
    assert cli("sync", "--all").code == 0
    after = cli("status", "--json").json()
    assert after["out_of_sync"] == 0
    assert [t["state"] for t in after["agents"]["targets"]] == ["synced"]
    rules = after["extras"][0]["targets"]
    assert {t["path"] for t in rules} == {str(home / ".claude/rules"),
                                          str(home / ".claude/rules/team")}
    assert all(t["local"] == 0 for t in rules)  # the team/ subfolder is the extra's own
    text = cli("status").out
    assert "Agents: ~/.config/skillshare/agents (1 agent)" in text
    assert "rules: ~/.config/skillshare/extras/rules (1 file)" in text


def test_diff_names_each_kind(cli: CliRunner, world: Path) -> None:
    report = cli("diff", "--json").json()
    names = {t["name"]: t for t in report["targets"]}
    assert [i["name"] for i in names["claude (agents)"]["items"]] == ["tutor.md"]
    assert any(n.startswith("rules: ~/.claude/rules") for n in names)
    only = cli("diff", "rules", "--json").json()
    assert all(t["name"].startswith("rules: ") for t in only["targets"])
    assert "Diff: source ↔ claude (agents)" in cli("diff").out


def test_doctor_checks_agent_folders_and_counts_their_watches(cli: CliRunner, world: Path,
                                                              home: Path) -> None:
    (world / "Bad Name.md").write_text("x\n")
    cli("sync", "--all")
    checks = cli("doctor", "--json").json()["checks"]
    names = {c["name"]: c for c in checks}
    assert names["target claude (agents)"]["status"] == "pass"
    assert names["agents"]["status"] == "warning" and "1 agent files" in names["agents"][
        "message"]
    inotify = names.get("inotify")
    if inotify is not None and inotify["status"] != "info":
        # skills (1 folder + 1 skill), agents (1), rules (2), 3 target folders, config
        assert "about 10 watches" in inotify["message"], inotify
    write_config(home, CONFIG + "  - name: gone\n    targets:\n      - path: ~/.x/gone\n")
    checks = cli("doctor", "--json").json()["checks"]
    assert any(c["name"] == "extra gone" and "does not exist" in c["message"]
               for c in checks)
