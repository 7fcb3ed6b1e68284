"""Skills a tool loads twice: a target's tool that also reads another target's folder
(Codex reads ~/.agents/skills, Cursor ~/.claude/skills) is reported by doctor with the
skills synced to both; ``init`` and ``target add`` warn before making such an overlap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from skillshared import api
from skillshared.core import targets as builtin
from skillshared.core.paths import Paths
from tests.conftest import CliRunner, make_skill, write_config


def run(cmd: str, **args: Any) -> dict[str, Any]:
    return api.run(cmd, args, Paths.from_env())


def overlap_checks(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in result["checks"] if c["name"] == "cross_target_discovery"]


def test_the_table_says_who_reads_what(home: Path) -> None:
    def expand(raw: str) -> str:
        return raw.replace("~", str(home))

    found = builtin.overlaps(
        [("codex", "codex", f"{home}/.codex/skills"),
         ("universal", "universal", f"{home}/.agents/skills"),
         ("cursor", "cursor", f"{home}/.cursor/skills"),
         ("mine", None, f"{home}/.claude/skills")], expand, project=False)
    assert [(o.scanner, o.folder, o.writers) for o in found] == [
        ("codex", f"{home}/.agents/skills", ("universal",)),
        ("cursor", f"{home}/.agents/skills", ("universal",)),
        ("cursor", f"{home}/.claude/skills", ("mine",)),
        ("cursor", f"{home}/.codex/skills", ("codex",))]
    # a target's own folder is never an overlap, nor a folder no target syncs into
    alone = builtin.overlaps([("codex", "codex", f"{home}/.agents/skills")], expand, False)
    assert alone == []


def test_doctor_names_the_skills_loaded_twice(home: Path, source: Path) -> None:
    for name in ("alpha", "beta", "gamma"):
        make_skill(source, name)
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n  codex: {}\n"
                 "  universal:\n    exclude: [gamma]\n  claude: {}\n")
    assert run("sync")["summary"]
    checks = overlap_checks(run("doctor"))
    assert len(checks) == 1, checks
    assert checks[0]["status"] == "warning"
    assert checks[0]["message"].startswith("codex loads 2 skills twice")
    assert checks[0]["details"] == ["alpha", "beta"]
    assert "skillshare target remove codex --dry-run" in checks[0]["hint"]


def test_no_skill_in_both_is_information(home: Path, source: Path) -> None:
    make_skill(source, "alpha")
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                 "  codex:\n    exclude: [alpha]\n  universal: {}\n")
    checks = overlap_checks(run("doctor"))
    assert [c["status"] for c in checks] == ["info"]
    assert "no skill is synced to both" in checks[0]["message"]


def test_no_overlap_adds_no_check(home: Path, source: Path) -> None:
    make_skill(source, "alpha")
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n  claude: {}\n"
                 "  codex: {}\n")
    assert overlap_checks(run("doctor")) == []


def test_target_add_warns_and_adds(home: Path, source: Path) -> None:
    source.mkdir(parents=True)
    for tool in (".cursor", ".codeium/windsurf"):  # (installed: no warning of a missing tool)
        (home / tool).mkdir(parents=True)
    path = write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n  claude: {}\n")
    result = run("target", action="add", name="cursor")
    assert result["action"] == "added"
    assert len(result["warnings"]) == 1
    assert result["warnings"][0].startswith(
        f"cursor also loads skills from {home}/.claude/skills, where target claude syncs")
    assert set(yaml.safe_load(path.read_text())["targets"]) == {"claude", "cursor"}
    quiet = run("target", action="add", name="windsurf")
    assert quiet["warnings"] == []


def test_target_add_text_shows_the_warning(cli: CliRunner, home: Path, source: Path) -> None:
    source.mkdir(parents=True)
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n  universal: {}\n")
    result = cli("target", "add", "codex")
    assert result.code == 0, result.err
    assert "codex also loads skills from ~/.agents/skills, where" in result.out  # (~: text)
    assert str(home) not in result.out


def test_init_warns_before_making_an_overlap(cli: CliRunner, home: Path) -> None:
    preview = cli("init", "--targets", "codex,universal", "-n")  # text: ~-shortened
    assert "codex also loads skills from ~/" in preview.out, preview.out + preview.err
    result = cli("init", "--targets", "codex,universal", "--json")
    assert result.code == 0, result.err
    warnings = result.json()["warnings"]
    assert any(w.startswith("codex also loads skills from") for w in warnings), warnings
    assert (home / ".config/skillshare/config.yaml").is_file()


@pytest.mark.parametrize(("name", "also_global", "also_project"), [
    ("firebender", ("~/.agents/skills", "~/.claude/skills", "~/.codex/skills",
                    "~/.cursor/skills", "~/.goose/skills"), ()),
    ("kimi", ("~/.agents/skills", "~/.claude/skills", "~/.codex/skills"),
     (".claude/skills", ".codex/skills")),
    ("roo", ("~/.agents/skills",), (".agents/skills",)),
    ("amp", ("~/.claude/skills",), (".claude/skills",)),
    ("copilot", (), ()),
    ("goose", (), ()),
])
def test_the_table_matches_the_originals_also_scans(name: str, also_global: tuple[str, ...],
                                                   also_project: tuple[str, ...]) -> None:
    """What each tool also reads is the original's table's, neither more (a false duplicate
    warning) nor less (a missed one)."""
    known = builtin.lookup(name)
    assert known is not None
    assert (tuple(known.also_global), tuple(known.also_project)) == (also_global, also_project)
