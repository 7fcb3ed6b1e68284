"""The resource kinds: the facts discovery and the watcher read, and the places in the config
and the built-in targets table that say where a kind goes (the core layer cannot import the
catalog, so these tests keep both sides saying the same)."""

from __future__ import annotations

from pathlib import Path

import yaml

from skillshared.catalog import kinds, walker
from skillshared.catalog.kinds import SKILLS, Kind
from skillshared.catalog.skills import discover
from skillshared.core.config_file import from_document
from skillshared.core.paths import Paths
from tests.conftest import make_skill


def test_skills_are_folders_holding_skill_md() -> None:
    assert (SKILLS.marker, SKILLS.folders) == ("SKILL.md", True)
    assert SKILLS.is_marker("SKILL.md") and not SKILLS.is_marker("skill.md")
    assert SKILLS.flat_name("a/b/c") == "a__b__c"
    assert SKILLS.ignore_files == (".skillignore", ".skillignore.local")
    assert SKILLS.is_ignore_file(".skillignore.local") and not SKILLS.is_ignore_file("x")


def test_a_file_kind_is_marked_by_its_suffix() -> None:
    files = Kind("files", ".md", folders=False, ignore_files=(".fileignore",),
                 config_key="files", table_columns=("global", "project"))
    assert files.is_marker("review.md") and not files.is_marker("review.txt")


def test_discovery_reads_the_kind(tmp_path: Path) -> None:
    source = tmp_path / "source"
    make_skill(source, "team/pdf")
    make_skill(source, "hidden")
    (source / SKILLS.ignore_files[1]).write_text("hidden\n")
    found = discover(source)
    assert [s.flat_name for s in found.skills] == ["team__pdf"]
    assert found.ignored == ("hidden",)
    rules, problems = walker.read_ignore_rules(source, SKILLS)
    assert rules.ignored("hidden", True) and problems == []


def test_the_config_reads_the_kinds_source_key(home: Path) -> None:
    scope = Paths.from_env().global_scope()
    config = from_document(scope, {"sources": {SKILLS.config_key: "~/elsewhere"}})
    assert config.source == scope.expand("~/elsewhere")


def test_the_targets_table_has_the_kinds_columns() -> None:
    table = Path(kinds.__file__).parent.parent / "data" / "targets.yaml"
    rows = yaml.safe_load(table.read_text("utf-8"))["targets"]
    assert all(all(column in row for column in SKILLS.table_columns) for row in rows)


def test_is_unit_asks_the_disk_for_the_marker(tmp_path: Path) -> None:
    skill = tmp_path / "skill"
    skill.mkdir()
    assert not SKILLS.is_unit(skill)
    (skill / "SKILL.md").write_text("x\n")
    assert SKILLS.is_unit(skill)
    assert SKILLS.is_unit(str(skill))
    (tmp_path / "link").symlink_to(skill)  # a target's link to a skill is one
    assert SKILLS.is_unit(tmp_path / "link")
    (skill / "SKILL.md").unlink()
    (skill / "SKILL.md").mkdir()  # a folder of that name is not the marker file
    assert not SKILLS.is_unit(skill)
    files = Kind("agents", ".md", False, (".agentignore",), "agents", ("a", "b"))
    (tmp_path / "helper.md").write_text("x\n")
    assert files.is_unit(tmp_path / "helper.md")
    assert not files.is_unit(tmp_path / "skill")
    assert not files.is_unit(tmp_path / "missing.md")


def test_the_targets_that_read_agents_say_where_in_both_modes() -> None:
    from skillshared.catalog.kinds import AGENTS
    from skillshared.core.targets import builtin_targets, lookup

    table = Path(kinds.__file__).parent.parent / "data" / "targets.yaml"
    rows = yaml.safe_load(table.read_text("utf-8"))["targets"]
    with_agents = {row["name"] for row in rows if any(c in row for c in AGENTS.table_columns)}
    assert with_agents == {"augment", "claude", "copilot", "cursor", "droid", "opencode"}
    assert all(all(c in row for c in AGENTS.table_columns) for row in rows
               if row["name"] in with_agents)
    claude = lookup("claude-code")
    assert claude is not None
    assert (claude.agents_global, claude.agents_project) == ("~/.claude/agents",
                                                             ".claude/agents")
    assert sum(t.agents_global is not None for t in builtin_targets()) == 6
