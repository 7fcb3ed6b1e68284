"""The original tool's config files (Go skillshare v0.20) load here: every form it writes or
reads, through the real commands; keys this version does not use are kept and listed in
``Config.unused``; values wrong for a key are still errors with their key path."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from skillshared.core import config_file
from skillshared.core.config import Config
from skillshared.core.config_records import SkillRecord, parse_skill_records
from skillshared.core.errors import ConfigError
from skillshared.core.paths import Paths
from skillshared.store import configedit
from tests.conftest import CliRunner, make_skill
from tests.original_world.config import (
    GLOBAL_SCHEMA_LINE,
    PROJECT_SCHEMA_LINE,
    every_global_key,
    write_global_config,
    write_project_config,
)


@pytest.fixture
def base(home: Path) -> Path:
    return home / ".config/skillshare"


@pytest.fixture
def skills(base: Path) -> Path:
    folder = base / "skills"
    make_skill(folder, "pdf")
    make_skill(folder, "frontend/dev")
    return folder


def global_config() -> Config:
    return config_file.load(Paths.from_env().global_scope())


def project_config() -> Config:
    return config_file.load(Paths.from_env().project_scope())


def unused_keys(config: Config) -> dict[str, str | None]:
    return {u.key: u.step for u in config.unused}


def problems_of(home: Path, **extra: Any) -> list[str]:
    base = home / ".config/skillshare"
    write_global_config(base, base / "skills", {"claude": home / ".claude/skills"}, **extra)
    with pytest.raises(ConfigError) as info:
        global_config()
    return info.value.details


# -- the global config --------------------------------------------------------------------------


@pytest.mark.parametrize("flat", [False, True])
def test_the_config_init_writes_loads_and_syncs(cli: CliRunner, home: Path, base: Path,
                                                skills: Path, flat: bool) -> None:
    write_global_config(base, skills, {"claude": home / ".claude/skills",
                                       "cursor": home / ".cursor/skills"}, flat=flat)
    status = cli("status", "--json")
    assert status.code == 0, status.err
    assert [(t["name"], t["path"], t["mode"]) for t in status.json()["targets"]] == [
        ("claude", str(home / ".claude/skills"), "merge"),
        ("cursor", str(home / ".cursor/skills"), "merge")]
    dry = cli("sync", "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert {c["name"] for c in dry.json()["results"][0]["changes"]} == {"pdf", "frontend__dev"}
    assert cli("sync").code == 0
    assert os.readlink(home / ".claude/skills/frontend__dev") == str(skills / "frontend/dev")
    # agents are synced: the agents source is a key in use, as every other written here
    assert set(unused_keys(global_config())) == set()


def test_every_global_key_loads_and_the_unused_ones_are_reported(
        cli: CliRunner, home: Path, base: Path, skills: Path) -> None:
    targets = {"claude": {"skills": {"path": str(home / ".claude/skills"),
                                     "target_naming": "standard"},
                          "agents": {"path": str(home / ".claude/agents")}}}
    write_global_config(base, skills, {}, forms=targets, **every_global_key(home, skills))
    for argv in (("status",), ("sync", "--dry-run"), ("list",)):
        result = cli(*argv)
        assert result.code == 0, (argv, result.err)
    config = global_config()
    steps = unused_keys(config)
    assert set(steps) == {  # (context_budget, the audit's keys: used)
        "hub", "tui", "preserve_tilde_on_save"}  # (gitlab_hosts, azure_hosts: install reads)
    # none needs a step by the user
    assert {k for k, step in steps.items() if step} == set()
    # target_naming and git_root are used: the per-target value wins over the global one
    assert [(t.name, t.naming) for t in config.targets] == [("claude", "standard")]
    # extras are read and synced: extras_source is the parent of each extra's source
    assert [(e.name, e.source, e.source_type) for e in config.extras] == [
        ("rules", home / "my-extras/rules", "extras_source"),
        ("commands", home / "shared/commands", "per-extra")]
    assert config.audit_threshold == "HIGH"  # block_threshold: high, any case
    assert config.log_max_entries == 500
    assert all(any(w.startswith(u.key + ":") for w in config.warnings) for u in config.unused)
    doctor = cli("doctor")
    assert "is valid" in doctor.out and "hub" in doctor.out
    assert "gitlab_hosts" not in doctor.out  # install reads it


def test_standard_names_made_by_the_original_are_kept_by_a_sync(
        cli: CliRunner, home: Path, base: Path, skills: Path) -> None:
    """``target_naming: standard`` is followed: the original's link ``dev`` to the nested
    skill frontend/dev is what this version makes too; a sync changes nothing."""
    target = home / ".claude/skills"
    target.mkdir(parents=True)
    os.symlink(skills / "frontend/dev", target / "dev")
    os.symlink(skills / "pdf", target / "pdf")
    write_global_config(base, skills, {"claude": target}, target_naming="standard")
    changes = cli("sync", "--dry-run", "--json").json()["results"][0]["changes"]
    assert changes == []
    assert cli("sync").code == 0
    assert sorted(os.listdir(target)) == ["dev", "pdf"]


def test_flat_naming_and_skills_git_root_need_no_step(home: Path, base: Path,
                                                      skills: Path) -> None:
    write_global_config(base, skills, {"claude": home / ".claude/skills"},
                        target_naming="flat", git_root="skills")
    steps = unused_keys(global_config())
    assert steps == {}


def test_mixed_target_forms_merge_as_the_original_merges_them(home: Path, base: Path,
                                                              skills: Path) -> None:
    targets = {
        # flat fields fill what the nested form leaves empty; nested values win otherwise
        "cursor": {"path": str(home / "flat"), "mode": "copy", "include": ["a*"],
                   "skills": {"path": "", "mode": "symlink", "include": []}},
        "claude": {"mode": "copy", "skills": {"path": str(home / "nested")}},
        "codex": {"skills": None},
    }
    write_global_config(base, skills, {}, forms=targets)
    config = global_config()
    cursor, claude, codex = (config.target(n) for n in ("cursor", "claude", "codex"))
    assert cursor and (cursor.path, cursor.mode, cursor.include) == (home / "flat", "symlink",
                                                                     ("a*",))
    assert claude and (claude.path, claude.mode) == (home / "nested", "copy")
    assert codex and codex.path == home / ".codex/skills"


@pytest.mark.parametrize("value", ["critical", " High ", "", None])
def test_block_threshold_any_case(home: Path, base: Path, skills: Path,
                                  value: str | None) -> None:
    write_global_config(base, skills, {}, audit={"block_threshold": value})
    assert global_config().audit_threshold == (value or "CRITICAL").strip().upper()


@pytest.mark.parametrize(("profile", "threshold"), [
    ("strict", "HIGH"), ("permissive", "CRITICAL"), ("default", "CRITICAL")])
def test_audit_profile_sets_the_threshold_when_none_is_given(
        home: Path, base: Path, skills: Path, profile: str, threshold: str) -> None:
    write_global_config(base, skills, {}, audit={"profile": profile})
    assert global_config().audit_threshold == threshold


def test_legacy_skills_list_with_groups_and_slash_names(cli: CliRunner, home: Path, base: Path,
                                                        skills: Path) -> None:
    """The global ``skills:`` list of versions before 0.16.2: a slash name made every
    command fail before."""
    write_global_config(base, skills, {"claude": home / ".claude/skills"}, skills=[
        {"name": "frontend/pdf", "source": "anthropics/skills/skills/pdf"},
        {"name": "_team", "source": "github.com/team/skills", "tracked": True,
         "group": "shared", "branch": "develop"},
    ])
    assert cli("status").code == 0
    assert cli("sync", "--dry-run").code == 0
    config = global_config()
    assert [(r.into, r.name, r.tracked, r.branch) for r in config.skills] == [
        ("frontend", "pdf", False, None), ("shared", "_team", True, "develop")]
    assert "install" in (unused_keys(config)["skills"] or "")


# -- saving keeps every key -----------------------------------------------------------------------


def test_target_add_and_remove_keep_every_key_and_the_schema_line(
        cli: CliRunner, home: Path, base: Path, skills: Path) -> None:
    extra = every_global_key(home, skills)
    path = write_global_config(base, skills, {"claude": home / ".claude/skills"}, **extra)
    before = yaml.safe_load(path.read_text())
    result = cli("target", "add", "my-tool", str(home / "tool/skills"))
    assert result.code == 0, result.err
    after = yaml.safe_load(path.read_text())
    assert path.read_text().splitlines()[0] == GLOBAL_SCHEMA_LINE
    assert list(after) == list(before)
    assert {k: v for k, v in after.items() if k != "targets"} == {
        k: v for k, v in before.items() if k != "targets"}
    assert after["targets"]["claude"] == before["targets"]["claude"]
    assert cli("target", "remove", "my-tool").code == 0
    assert yaml.safe_load(path.read_text()) == before
    config = global_config()
    assert unused_keys(config).keys() >= {"hub"}
    assert [e.name for e in config.extras] == ["rules", "commands"]


def test_a_target_edit_acts_on_the_nested_form(cli: CliRunner, home: Path, base: Path,
                                               skills: Path) -> None:
    path = write_global_config(base, skills, {"claude": home / ".claude/skills"})
    result = cli("target", "claude", "--add-include", "team-*")
    assert result.code == 0, result.err
    assert yaml.safe_load(path.read_text())["targets"]["claude"] == {
        "skills": {"path": str(home / ".claude/skills"), "include": ["team-*"]}}


# -- wrong values are errors with their key path --------------------------------------------------


def test_wrong_values_of_the_originals_keys_are_all_reported(home: Path) -> None:
    details = problems_of(
        home, target_naming="standart", git_root="home",
        forms={"claude": {"skills": {"target_naming": "nested"},
                            "agents": {"path": 5}}},
        audit={"block_threshold": "severe", "profile": 3},
        gitlab_hosts=["https://git.company.com", "git.company.com:8443", " "],
        azure_hosts="dev.example.com", tui="yes", preserve_tilde_on_save=1,
        context_budget={"warn_on_demand_tokens": "lots"},
        hub={"hubs": [{"label": "x", "url": 5}]},
        extras=[{"name": "rules", "targets": [{"mode": "copy"}]}, "commands"],
        sources={"skills": str(home / "s"), "agents": ["a"]},
        skills=[{"name": "frontend/../pdf", "source": "x"},
                {"name": "pdf", "source": "x", "group": "a", "into": "b"},
                {"name": "pdf", "source": "x", "kind": "agnet"}],
    )
    keys = {d.split(": ", 1)[0] for d in details}
    assert keys == {
        "target_naming", "git_root", "targets.claude.skills.target_naming",
        "targets.claude.agents.path", "audit.block_threshold", "audit.profile",
        "gitlab_hosts[0]", "gitlab_hosts[1]", "gitlab_hosts[2]", "azure_hosts", "tui",
        "preserve_tilde_on_save", "context_budget.warn_on_demand_tokens",
        "hub.hubs[0].url", "extras[0].targets[0].path", "extras[1]", "sources.agents",
        "skills[0].name", "skills[1].group", "skills[2].kind"}, details
    assert "target_naming: must be one of flat, standard (got 'standart')" in details
    assert "git_root: must be one of skills, agents, extras, root (got 'home')" in details
    assert any(d.startswith("gitlab_hosts[0]: 'https://git.company.com' must be a host name, "
                            "not a URL") for d in details)


@pytest.mark.parametrize(("audit", "warning"), [
    ({"profile": "paranoid"}, "audit.profile: 'paranoid' is not one of default, strict"),
    ({"dedupe_mode": "none"}, "audit.dedupe_mode: 'none' is not one of legacy, global"),
    ({"enabled_analyzers": ["static", "magic"]},
     "audit.enabled_analyzers[1]: unknown analyzer 'magic'")])
def test_values_the_original_ignores_are_warnings(home: Path, base: Path, skills: Path,
                                                  audit: Any, warning: str) -> None:
    write_global_config(base, skills, {}, audit=audit)
    config = global_config()
    assert any(w.startswith(warning) for w in config.warnings), config.warnings
    assert config.audit_threshold == "CRITICAL"


# -- the project config ---------------------------------------------------------------------------


def test_every_project_form_loads_and_syncs(cli: CliRunner, work: Path) -> None:
    make_skill(work / "ai/skills", "review")
    write_project_config(
        work,
        ["claude",
         {"name": "custom-ide", "skills": {"path": "./tools/ide/skills", "mode": "symlink"}},
         {"name": "codex", "include": ["rev*"]},
         {"name": "windsurf", "skills": {"mode": "copy", "target_naming": "flat"},
          "agents": {"path": ".windsurf/agents"}}],
        sources={"skills": "./ai/skills", "agents": "./ai/agents"},
        skills=[{"name": "pdf", "source": "anthropics/skills/skills/pdf"},
                {"name": "_team-skills", "source": "github.com/team/skills", "tracked": True},
                {"name": "review", "source": "github.com/team/skills/code-review",
                 "group": "frontend", "branch": "develop"},
                {"name": "helper", "source": "github.com/team/agents", "kind": "agent"}],
        target_naming="flat",
        extras=[{"name": "rules", "targets": [{"path": "./.claude/rules"}]}],
        audit={"block_threshold": "HIGH", "profile": "strict"},
        context_budget={"warn_always_loaded_tokens": 0},
        hub={"default": "official"}, gitlab_hosts=["git.company.com"],
        azure_hosts=["azure.company.com"])
    status = cli("status", "--json")
    assert status.code == 0, status.err
    assert status.json()["scope"] == "project"
    dry = cli("sync", "--dry-run", "--json")
    assert dry.code == 0, dry.err
    config = project_config()
    assert config.source == work / "ai/skills"
    assert [(t.name, t.path, t.mode, t.include) for t in config.targets] == [
        ("claude", work / ".claude/skills", "merge", ()),
        ("custom-ide", work / "tools/ide/skills", "symlink", ()),
        ("codex", work / ".agents/skills", "merge", ("rev*",)),
        ("windsurf", work / ".windsurf/skills", "copy", ())]
    assert [(r.rel, r.tracked, r.branch) for r in config.skills] == [
        ("pdf", False, None), ("_team-skills", True, None), ("frontend/review", False,
                                                              "develop")]
    assert config.audit_threshold == "HIGH"
    assert [(e.name, e.source, [t.path for t in e.targets]) for e in config.extras] == [
        ("rules", work / ".skillshare/extras/rules", [work / ".claude/rules"])]
    assert set(unused_keys(config)) == {
        "sources.agents", "hub", "skills"}


def test_project_keys_of_the_global_config_only_are_unknown(work: Path) -> None:
    write_project_config(work, git_root="root", tui=False)
    config = project_config()
    assert "git_root: unknown key (kept in the file)" in config.warnings
    assert config.unused == ()


def test_target_add_in_a_project_keeps_the_originals_keys(cli: CliRunner, work: Path) -> None:
    make_skill(work / ".skillshare/skills", "review")
    path = write_project_config(
        work, ["claude", {"name": "cursor", "skills": {"mode": "copy"}}],
        skills=[{"name": "review", "source": "github.com/t/s/review", "group": "frontend"},
                {"name": "helper", "source": "github.com/team/agents", "kind": "agent"}],
        extras=[{"name": "rules", "targets": [{"path": "./.claude/rules"}]}],
        target_naming="standard")
    before = yaml.safe_load(path.read_text())
    assert cli("target", "add", "my-tool", str(work / "tools/x")).code == 0
    after = yaml.safe_load(path.read_text())
    assert path.read_text().splitlines()[0] == PROJECT_SCHEMA_LINE
    assert after["targets"] == [*before["targets"], {"name": "my-tool", "path": "tools/x"}]
    assert {k: v for k, v in after.items() if k != "targets"} == {
        k: v for k, v in before.items() if k != "targets"}


# -- install records ------------------------------------------------------------------------------


def parse(items: list[Any]) -> tuple[SkillRecord, ...]:
    problems: list[str] = []
    records = parse_skill_records(items, lambda k, m: problems.append(f"{k}: {m}"))
    assert problems == []
    return records


@pytest.mark.parametrize("item", [
    {"name": "review", "source": "s", "group": "frontend"},
    {"name": "frontend/review", "source": "s"},
    {"name": "review", "source": "s", "into": "frontend"},
    {"name": "review", "source": "s", "group": "frontend", "into": "frontend"},
    {"name": "review", "source": "s", "kind": "skill", "into": "frontend"},
])
def test_group_and_slash_names_are_into(item: dict[str, Any]) -> None:
    (record,) = parse([item])
    assert (record.into, record.name, record.rel) == ("frontend", "review", "frontend/review")
    assert record == SkillRecord("review", "s", into="frontend")
    assert record.to_doc() == item  # unchanged: written back as it was


def test_a_nested_group_and_a_slash_name_together() -> None:
    (record,) = parse([{"name": "ui/review", "source": "s", "group": "team"}])
    assert (record.into, record.name) == ("team/ui", "review")


@pytest.mark.parametrize(("item", "expected"), [
    ({"name": "review", "source": "s", "group": "frontend", "kind": "skill"},
     {"name": "review", "source": "s", "group": "frontend", "kind": "skill",
      "branch": "main"}),
    ({"name": "frontend/review", "source": "s"},
     {"name": "frontend/review", "source": "s", "branch": "main"}),
    ({"name": "review", "source": "s", "into": "frontend"},
     {"name": "review", "source": "s", "into": "frontend", "branch": "main"}),
])
def test_a_changed_record_keeps_its_form(item: dict[str, Any],
                                         expected: dict[str, Any]) -> None:
    (record,) = parse([item])
    assert dataclasses.replace(record, branch="main").to_doc() == expected
    moved = dataclasses.replace(record, into=None, branch="main").to_doc()
    assert moved["name"] == "review" and "group" not in moved and "into" not in moved


def test_agent_entries_are_left_out_and_kept_on_save(work: Path) -> None:
    path = write_project_config(work, skills=[
        {"name": "pdf", "source": "a/pdf"},
        {"name": "helper", "source": "github.com/team/agents", "kind": "agent"}])
    config = project_config()
    assert [r.name for r in config.skills] == ["pdf"]
    doc = config_file.read_document(config.scope)
    doc["skills"] = [r.to_doc() for r in config.skills][:0]  # every skill forgotten
    configedit.save(config.scope, doc)
    assert yaml.safe_load(path.read_text())["skills"] == [
        {"name": "helper", "source": "github.com/team/agents", "kind": "agent"}]


def test_many_standard_names_are_renamed_in_one_sync(cli: CliRunner, home: Path,
                                                     base: Path) -> None:
    """Switching to flat: renaming is not pruning (as many links are made as are removed),
    so the mass-delete guard does not hold the original's standard-named links back."""
    skills, target = base / "skills", home / ".claude/skills"
    target.mkdir(parents=True)
    for index in range(8):
        os.symlink(make_skill(skills, f"team/s{index}"), target / f"s{index}")
    write_global_config(base, skills, {"claude": target}, target_naming="flat")
    result = cli("sync", "--json")
    assert result.code == 0, result.err
    assert result.json()["results"][0]["held"] == 0
    assert sorted(os.listdir(target)) == [f"team__s{i}" for i in range(8)]
