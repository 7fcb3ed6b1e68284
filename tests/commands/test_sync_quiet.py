"""``sync``'s context cost (the original's ``context_cost``: tokens always loaded and on
demand per group of targets), ``context_budget`` warnings, and ``--quiet``."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillshared.commands.contextcost import tokens
from tests.conftest import CliRunner, make_skill, tree, write_config

TARGETS = ("targets:\n  claude:\n    path: ~/.claude/skills\n"
           "  cursor:\n    path: ~/.cursor/skills\n"
           "  codex:\n    path: ~/.codex/skills\n    include: [small]\n")


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    make_skill(source, "small", frontmatter="name: small\ndescription: tiny\n", body="b\n")
    make_skill(source, "big", frontmatter="name: big\ndescription: " + "d" * 400 + "\n",
               body="x" * 4000 + "\n")
    return source


def config(home: Path, budget: str = "") -> None:
    write_config(home, "source: ~/.config/skillshare/skills\n" + TARGETS + budget)


def test_json_has_the_cost_per_group_of_targets(cli: CliRunner, home: Path,
                                                world: Path) -> None:
    config(home)
    data = cli("sync", "--json").json()
    groups = {tuple(g["targets"]): g for g in data["context_cost"]["groups"]}
    both = groups[("claude", "cursor")]
    small, big = ((world / n / "SKILL.md").stat().st_size for n in ("small", "big"))
    assert both["always_loaded_tokens"] == tokens(len("small") + 4) + tokens(3 + 400)
    assert both["on_demand_tokens"] == tokens(small) + tokens(big)
    assert groups[("codex",)]["skills"] == 1
    assert data["context_cost"]["budget_warnings"] == []
    text = cli("sync").out
    assert "Context: ~" in text and "always-loaded" in text and "(claude, cursor)" in text
    assert "Context:" not in cli("sync", "--quiet").out
    assert cli("sync", "-q", "--json").json()["context_cost"]["groups"]  # JSON: always


def test_budget_warnings_name_the_costliest(cli: CliRunner, home: Path, world: Path) -> None:
    config(home, "context_budget:\n  warn_always_loaded_tokens: 50\n"
                 "  warn_on_demand_tokens: 0\n")
    warnings = cli("sync", "--json").json()["context_cost"]["budget_warnings"]
    assert [(w["kind"], w["targets"], w["budget"]) for w in warnings] == [
        ("always_loaded", ["claude", "cursor"], 50)]
    assert [t["name"] for t in warnings[0]["top"]] == ["big", "small"]
    text = cli("sync").out
    assert "Always-loaded context is ~" in text and "(budget: 50)" in text and "big" in text
    quiet = cli("sync", "--quiet").out
    assert "Always-loaded context" not in quiet and "Context:" not in quiet


@pytest.mark.parametrize("budget", ["warn_always_loaded_tokens: -1",
                                    "warn_on_demand_tokens: lots"])
def test_a_bad_budget_is_refused_and_nothing_changes(cli: CliRunner, home: Path, world: Path,
                                                     budget: str) -> None:
    config(home, f"context_budget:\n  {budget}\n")
    before = tree(world)
    result = cli("sync")
    assert result.code != 0 and "context_budget." in result.err
    assert tree(world) == before and not (home / ".claude/skills").exists()


def test_project_mode(cli: CliRunner, work: Path) -> None:
    skills = work / ".skillshare/skills"
    skills.mkdir(parents=True)
    (work / ".skillshare/config.yaml").write_text(
        "targets: [claude]\ncontext_budget:\n  warn_on_demand_tokens: 1\n")
    make_skill(skills, "lint")
    data = cli("sync", "-p", "--json").json()
    assert [w["kind"] for w in data["context_cost"]["budget_warnings"]] == ["on_demand"]
