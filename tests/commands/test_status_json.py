"""``status --json``: the original's fields (``skill_count``, ``source.skillignore``, each
target's ``status`` and ``synced_count``, each tracked repo's ``skill_count`` and ``dirty``,
the agents' ``exists``/``count``/``linked``/``drift``, ``audit``, ``version``) beside ours."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import CliRunner, make_skill, write_config


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    write_config(home, "source: ~/.config/skillshare/skills\nmode: merge\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n    mode: copy\n"
                       "    include: [al*]\n")
    make_skill(source, "alpha")
    make_skill(source, "beta")
    make_skill(source, "test-draft")
    make_skill(source, "_team/gamma")
    subprocess.run(["git", "init", "-q", str(source / "_team")], check=True)
    (source / ".skillignore").write_text("# drafts\ntest-*\n")
    (source / ".skillignore.local").write_text("!keep-me\n")
    return source


def test_the_originals_fields(cli: CliRunner, world: Path) -> None:
    data = cli("status", "--json").json()
    assert {"source", "skill_count", "tracked_repos", "targets", "audit", "version"} <= set(data)
    assert data["skill_count"] == 3 == data["source"]["skills"]
    ignore = data["source"]["skillignore"]
    assert ignore == {"active": True, "files": [".skillignore", ".skillignore.local"],
                      "patterns": ["test-*", "!keep-me"], "ignored_count": 1,
                      "ignored_skills": ["test-draft"]}
    targets = {t["name"]: t for t in data["targets"]}
    assert (targets["claude"]["status"], targets["claude"]["synced_count"]) == ("not exist", 0)
    assert targets["cursor"]["include"] == ["al*"] and targets["cursor"]["exclude"] == []
    assert data["tracked_repos"][0]["name"] == "_team"
    assert data["tracked_repos"][0]["skill_count"] == 1
    assert data["tracked_repos"][0]["dirty"] is True  # (nothing committed yet)
    assert data["audit"] == {"profile": "DEFAULT", "threshold": "CRITICAL", "dedupe": "GLOBAL",
                             "analyzers": []}
    assert isinstance(data["version"], str)
    assert ".skillignore: 2 patterns, 1 skill ignored (.local active)" in cli("status").out
    assert cli("sync").code == 0
    after = {t["name"]: t for t in cli("status", "--json").json()["targets"]}
    assert (after["claude"]["status"], after["claude"]["synced_count"]) == ("merged", 3)
    assert (after["cursor"]["status"], after["cursor"]["synced_count"]) == ("copied", 1)


def test_no_skillignore_and_agents(cli: CliRunner, home: Path, source: Path) -> None:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n")
    make_skill(source, "alpha")
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("---\ndescription: x\n---\nbody\n")
    data = cli("status", "--json").json()
    assert data["source"]["skillignore"] == {"active": False}
    a = data["agents"]
    assert (a["exists"], a["count"], a["source"]) == (True, 1, str(agents))
    target = a["targets"][0]
    assert (target["name"], target["expected"], target["linked"], target["drift"]) == (
        "claude", 1, 0, True)
    assert cli("sync", "--all").code == 0
    target = cli("status", "--json").json()["agents"]["targets"][0]
    assert (target["linked"], target["drift"]) == (1, False)
    assert "claude" in cli("status").out
    # the audit's policy as the config sets it
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\naudit:\n  profile: strict\n"
                       "  dedupe_mode: legacy\n  enabled_analyzers: [static, tier]\n")
    assert cli("status", "--json").json()["audit"] == {
        "profile": "STRICT", "threshold": "HIGH", "dedupe": "LEGACY",
        "analyzers": ["static", "tier"]}


def test_project_mode(cli: CliRunner, work: Path) -> None:
    (work / ".skillshare/skills").mkdir(parents=True)
    (work / ".skillshare/config.yaml").write_text("targets: [claude]\n")
    make_skill(work / ".skillshare/skills", "lint")
    data = cli("status", "-p", "--json").json()
    assert data["scope"] == "project" and data["skill_count"] == 1
    assert data["targets"][0]["status"] == "not exist"


def test_text_still_names_agents_folders_apart(home: Path, source: Path) -> None:
    from skillshare.render import render
    from skillshared import api
    from skillshared.core.paths import Paths

    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n")
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("body\n")
    result = api.run("status", {}, Paths.from_env())
    held = result["agents"]["targets"][0]
    held.update(guard="12 of 12 entries would go", guard_hint="run sync agents --force")
    text, _ = render("status", result, str(home))
    assert "Pruning held back on claude (agents)" in text
