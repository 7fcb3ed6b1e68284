"""``analyze``: each target's context cost, from the skills sync gives it (filters, the
skills' own targets, .skillignore), in the original tool's JSON shape; the lint of every
SKILL.md; ``context_budget`` warnings; ``--filter``. Reads only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.commands.analyze_lint import body_of, lint, measure
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, make_skill, tree, write_config

GOOD = "Reviews pull requests for style and bugs. Use when the user asks for a review."


def run(cmd: str, **args: Any) -> dict[str, Any]:
    return api.run(cmd, args, Paths.from_env())


CONFIG = ("source: ~/.config/skillshare/skills\ntargets:\n"
          "  claude:\n    path: ~/claude-skills\n"
          "  cursor:\n    path: ~/cursor-skills\n    include: [team-*]\n"
          "  codex:\n    path: ~/codex-skills\n    exclude: ['*']\n")


@pytest.fixture
def setup(home: Path, source: Path) -> Path:
    write_config(home, CONFIG)
    make_skill(source, "review", frontmatter=f"name: review\ndescription: {GOOD}\n",
               body="\n  Step one.\n\n")
    make_skill(source, "team-a", frontmatter="name: team-a\ndescription: short\n", body="ab\n")
    make_skill(source, "only-cursor", frontmatter="name: only-cursor\ndescription: x\n"
               "targets: [cursor]\n")
    return source


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in result["targets"]}


def test_targets_and_sizes(setup: Path, home: Path) -> None:
    before = tree(home)
    result = run("analyze")
    assert tree(home) == before
    targets = by_name(result)
    assert set(targets) == {"claude", "cursor"}  # codex receives nothing: left out
    assert [t["name"] for t in result["targets"]] == ["claude", "cursor"]  # costliest first
    claude = targets["claude"]
    assert [s["name"] for s in claude["skills"]] == ["review", "team-a"]
    review = claude["skills"][0]
    chars = len("review " + GOOD)
    assert (review["description_chars"], review["description_tokens"]) == (chars, chars // 4)
    assert (review["body_chars"], review["body_tokens"]) == (len("Step one."), 2)
    assert claude["skill_count"] == 2
    assert claude["always_loaded"] == {"chars": chars + len("team-a short"),
                                       "estimated_tokens": (chars + 12) // 4}
    assert claude["on_demand_max"]["chars"] == len("Step one.") + 2
    # cursor: its include filter; only-cursor is for cursor only, and the filter refuses it
    assert [s["name"] for s in targets["cursor"]["skills"]] == ["team-a"]
    assert "lint_issues" not in review
    issues = {i["rule"] for i in claude["skills"][1]["lint_issues"]}
    assert issues == {"description-too-short", "no-trigger-phrase"}
    assert result["warnings"] == [] and result["skills_found"] == 3


def test_ignored_skills_are_left_out(setup: Path) -> None:
    (setup / ".skillignore").write_text("team-*\n")
    assert [s["name"] for s in by_name(run("analyze"))["claude"]["skills"]] == ["review"]


def test_one_target_and_unknown(setup: Path, home: Path) -> None:
    one = run("analyze", target="claude")
    assert [t["name"] for t in one["targets"]] == ["claude"] and one["verbose"]
    with pytest.raises(NotFoundError, match="not configured"):
        run("analyze", target="nope")
    with pytest.raises(UsageError):
        run("analyze", filter="")


def test_filter(setup: Path) -> None:
    result = run("analyze", target="claude", filter="REV")
    assert result["filter"] == "REV"
    assert (result["matched_count"], result["total_count"]) == (1, 2)
    assert [s["name"] for s in result["skills"]] == ["review"]
    chars = len("review " + GOOD)
    assert result["filtered_summary"] == {
        "always_loaded": {"chars": chars, "tokens": chars // 4},
        "on_demand": {"chars": 9, "tokens": 2},
        "total": {"chars": chars + 9, "tokens": (chars + 9) // 4}}


def test_budget_warnings(setup: Path, home: Path) -> None:
    write_config(home, CONFIG + "context_budget:\n  warn_always_loaded_tokens: 5\n"
                       "  warn_on_demand_tokens: 0\n")
    warnings = run("analyze")["warnings"]
    assert [(w["type"], w["target"], w["budget"]) for w in warnings] == [
        ("always_loaded", "claude", 5)]
    assert warnings[0]["top_offenders"][0]["name"] == "review"


def test_empty_source(home: Path, source: Path, cli: CliRunner) -> None:
    write_config(home, CONFIG)
    source.mkdir(parents=True)
    assert run("analyze")["targets"] == []
    shown = cli("analyze")
    assert shown.code == 0 and "No skills found" in shown.out


@pytest.mark.parametrize(("text", "name", "desc", "body"), [
    (b"---\nname: a\ndescription: >-\n  two\n  lines\n---\n\nbody\n", "a", 11, 4),
    (b"no frontmatter at all\n", "", 0, 21),
    (b"---\nname: a\ndescription: d\n", "", 0, 0),  # never closed
    ("---\nname: é\ndescription: ü\n---\nñ\n".encode(), "é", 3, 1),  # characters
])
def test_measure(text: bytes, name: str, desc: int, body: int) -> None:
    m = measure(text)
    assert (m.name, m.description_chars, m.body_chars) == (name, desc, body)


def test_lint_rules() -> None:
    assert [i["rule"] for i in lint("", "", 0)] == ["missing-name", "missing-description",
                                                    "empty-body"]
    assert [i["rule"] for i in lint("a", "x" * 950 + " use when", 1)] == [
        "description-near-limit"]
    assert [i["rule"] for i in lint("a", "Use for " + "x" * 1100, 1)] == [
        "description-too-long"]
    assert lint("a", "Does a thing well, for many things. Invoke when asked nicely.", 1) == []
    bad = measure(b"---\nname: [a\n---\nbody\n")
    assert bad.issues[0]["rule"] == "malformed-frontmatter"
    assert body_of("---\nname: a\n---\n\n x \n") == "x"


def test_cli_text(setup: Path, cli: CliRunner, source: Path) -> None:
    for n in range(12):
        make_skill(source, f"extra-{n:02}")
    plain = cli("analyze")
    assert plain.code == 0
    for words in ("Context Analysis", "Always loaded:", "On-demand max:", "claude", "cursor",
                  "Use --verbose"):
        assert words in plain.out
    verbose = cli("analyze", "claude")
    assert "14 skills" in verbose.out and "Largest descriptions:" in verbose.out
    assert "... 4 more" in verbose.out and "cursor" not in verbose.out
    assert cli("analyze", "nope").code != 0
    data = cli("analyze", "--json", "--no-tui").json()
    assert {"name", "skill_count", "always_loaded", "on_demand_max", "skills"} <= set(
        data["targets"][0])


def test_project_mode(work: Path) -> None:
    skills = work / ".skillshare/skills"
    make_skill(skills, "local", frontmatter=f"name: local\ndescription: {GOOD}\n")
    (work / ".skillshare/config.yaml").write_text("targets: [claude, cursor]\n")
    result = run("analyze", project=True)
    assert result["scope"] == "project"
    assert sorted(t["name"] for t in result["targets"]) == ["claude", "cursor"]
    assert all(t["skills"][0]["path"] == "local" for t in result["targets"])
