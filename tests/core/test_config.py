"""config.py + yamlio.py: load -> normalise -> validate, every problem with its key path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillshared.core import config_file
from skillshared.core.config import DEFAULT_IGNORE, BackupPolicy, Config, DaemonConfig, TargetConfig
from skillshared.core.config_check import parse_duration
from skillshared.core.config_file import MAX_CONFIG_BYTES
from skillshared.core.config_records import SkillRecord
from skillshared.core.errors import ConfigError
from skillshared.core.paths import Paths, Scope
from tests.conftest import tree, write_config

SEED_CONFIG = """\
source: ~/.config/skillshare/skills
mode: merge
targets:
  claude:
    path: ~/.claude/skills
  cursor:
    path: ~/.cursor/skills
    mode: copy
    include: [team-*]
    exclude: ["*-draft"]
  my-tool:
    path: ~/code/tool/skills
ignore: [.DS_Store, .git/, __pycache__/]
audit:
  block_threshold: CRITICAL
backup:
  keep: 10
  max_age_days: 30
  max_total_mb: 500
trash:
  retention_days: 7
daemon:
  debounce_ms: 50
  rescan_interval: 1h
  pull_interval: off
  update_interval: off
  backup_interval: 24h
  cleanup_interval: 24h
  watch_targets: true
"""



def load(home: Path, text: str) -> Config:
    write_config(home, text)
    return config_file.load(Paths.from_env().global_scope())


def load_error(home: Path, text: str | bytes) -> ConfigError:
    """Load a bad config; check that the failed load changed nothing on disk."""
    path = home / ".config/skillshare/config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    before = tree(home)
    with pytest.raises(ConfigError) as info:
        config_file.load(Paths.from_env().global_scope())
    assert tree(home) == before
    return info.value


def problems(home: Path, text: str) -> list[str]:
    error = load_error(home, text)
    assert error.details, error.message
    assert str(home / ".config/skillshare/config.yaml") in error.message
    count = len(error.details)
    assert f"({count} problem" in error.message
    return error.details


def the_target(config: Config, name: str) -> TargetConfig:
    target = config.target(name)
    assert target is not None, [t.name for t in config.targets]
    return target


# -- good configs -----------------------------------------------------------------------------


def test_empty_file_gives_the_defaults(home: Path) -> None:
    config = load(home, "")
    assert config.source == home / ".config/skillshare/skills"
    assert config.mode == "merge"
    assert config.targets == ()
    assert config.ignore == DEFAULT_IGNORE
    assert config.audit_threshold == "CRITICAL"
    assert config.backup == BackupPolicy()
    assert config.daemon == DaemonConfig()
    assert config.trash_retention_days == 7
    assert config.warnings == ()


def test_the_seed_config_loads(home: Path) -> None:
    config = load(home, SEED_CONFIG)
    assert config.source == home / ".config/skillshare/skills"
    assert [t.name for t in config.targets] == ["claude", "cursor", "my-tool"]
    claude, cursor, tool = config.targets
    assert (claude.path, claude.mode, claude.builtin) == (home / ".claude/skills", "merge",
                                                          "claude")
    assert not claude.mode_explicit
    assert (cursor.mode, cursor.include, cursor.exclude) == ("copy", ("team-*",), ("*-draft",))
    assert cursor.mode_explicit and cursor.has_filters
    assert (tool.path, tool.builtin) == (home / "code/tool/skills", None)
    assert config.backup == BackupPolicy(10, 30, 500.0)
    assert config.daemon == DaemonConfig(
        debounce_ms=50, rescan_interval=3600.0, pull_interval=None, update_interval=None,
        backup_interval=86400.0, cleanup_interval=86400.0, watch_targets=True)
    assert config.warnings == ()
    assert config.document["targets"]["cursor"]["include"] == ["team-*"]


@pytest.mark.parametrize("text", [
    "targets:\n  cursor:\n    path: ~/c\n    mode: copy\n    include: [a*]\n",
    "targets:\n  cursor:\n    skills:\n      path: ~/c\n      mode: copy\n      include: [a*]\n",
    "targets:\n  cursor:\n    mode: copy\n    skills:\n      path: ~/c\n      include: [a*]\n",
])
def test_flat_and_nested_target_forms_are_equivalent(home: Path, text: str) -> None:
    cursor = the_target(load(home, text), "cursor")
    assert (cursor.path, cursor.mode, cursor.include) == (home / "c", "copy", ("a*",))


def test_nested_values_win_over_flat_ones(home: Path) -> None:
    text = "targets:\n  claude:\n    path: ~/flat\n    mode: copy\n" \
           "    skills:\n      path: ~/nested\n      mode: symlink\n"
    claude = the_target(load(home, text), "claude")
    assert (claude.path, claude.mode) == (home / "nested", "symlink")


def test_agents_section_sets_the_agents_folder(home: Path) -> None:
    config = load(home, "targets:\n  claude:\n    skills: {path: ~/s}\n"
                        "    agents: {path: ~/a}\n")
    claude = the_target(config, "claude")
    assert claude.path == home / "s"
    assert claude.agents is not None and claude.agents.path == home / "a"
    assert config.warnings == ()


@pytest.mark.parametrize(("text", "expected"), [
    ("sources:\n  skills: ~/new\nsource: ~/old\n", "new"),
    ("source: ~/old\nsources:\n  skills: ~/new\n", "new"),
    ("source: ~/old\nsources:\n  agents: ~/agents\n", "old"),
    ("source: ~/old\n", "old"),
    ("source: my-skills\n", ".config/skillshare/my-skills"),
])
def test_source_resolution(home: Path, text: str, expected: str) -> None:
    assert load(home, text).source == home / expected


def test_builtin_targets_get_their_default_paths(home: Path) -> None:
    config = load(home, "targets:\n  claude:\n  codex: {}\n  windsurf: {mode: copy}\n"
                        "  claude-code-alias-free: {path: /opt/x}\n")
    assert the_target(config, "claude").path == home / ".claude/skills"
    assert the_target(config, "codex").path == home / ".codex/skills"
    assert the_target(config, "windsurf").path == home / ".codeium/windsurf/skills"
    assert the_target(config, "claude-code-alias-free").path == Path("/opt/x")


def test_alias_names_resolve_to_the_builtin(home: Path) -> None:
    config = load(home, "targets:\n  claude-code:\n")
    target = the_target(config, "claude-code")
    assert (target.builtin, target.path) == ("claude", home / ".claude/skills")
    assert config.target("claude") is target
    assert config.target("CLAUDE") is target
    assert config.target("cursor") is None


def test_top_level_mode_is_the_default_for_targets(home: Path) -> None:
    config = load(home, "mode: copy\ntargets:\n  claude:\n  cursor: {mode: symlink}\n")
    claude, cursor = config.targets
    assert (claude.mode, claude.mode_explicit) == ("copy", False)
    assert (cursor.mode, cursor.mode_explicit) == ("symlink", True)


def test_project_list_form(project_scope: Scope, work: Path) -> None:
    project_scope.config_file.write_text(
        "targets:\n  - claude\n"
        "  - {name: x, path: rel/skills, mode: symlink, include: [a*], exclude: [b*]}\n"
        "  - name: nested\n    skills: {path: /abs/n}\n")
    config = config_file.load(project_scope)
    claude, custom, nested = config.targets
    assert (claude.name, claude.path, claude.mode) == ("claude", work / ".claude/skills",
                                                       "merge")
    assert (custom.name, custom.path, custom.mode) == ("x", work / "rel/skills", "symlink")
    assert (custom.include, custom.exclude) == (("a*",), ("b*",))
    assert nested.path == Path("/abs/n")
    assert config.source == work / ".skillshare/skills"


def test_project_skill_records(project_scope: Scope) -> None:
    project_scope.config_file.write_text(
        "skills:\n  - {name: pdf, source: github.com/a/b/pdf}\n"
        "  - {name: _team, source: github.com/team/skills, tracked: true}\n")
    records = config_file.load(project_scope).skills
    assert records == (SkillRecord("pdf", "github.com/a/b/pdf", False),
                       SkillRecord("_team", "github.com/team/skills", True))


@pytest.mark.parametrize(("value", "seconds"), [
    ("off", None), ("OFF", None), ('"off"', None), ("false", None),
    ("30s", 30.0), ("30m", 1800.0), ("6h", 21600.0), ("1d", 86400.0), ("1.5h", 5400.0),
    ('" 5m "', 300.0),
])
def test_durations(home: Path, value: str, seconds: float | None) -> None:
    config = load(home, f"daemon:\n  pull_interval: {value}\n")
    assert config.daemon.pull_interval == seconds


@pytest.mark.parametrize("value", ["30", "0m", "-5m", "1w", "m", "30 minutes", "true", "5M",
                                   "[1h]", "''"])
def test_bad_durations_name_the_key(home: Path, value: str) -> None:
    details = problems(home, f"daemon:\n  rescan_interval: {value}\n")
    assert details == ["daemon.rescan_interval: must be 'off' or a positive number with s, m, "
                       "h or d (e.g. 30m)"]


def test_parse_duration_directly() -> None:
    assert parse_duration(False) is None
    assert parse_duration("2m") == 120.0
    for bad in (True, 30, None, "0s"):
        with pytest.raises(ValueError, match="must be 'off'"):
            parse_duration(bad)


def test_audit_threshold_is_normalised(home: Path) -> None:
    assert load(home, "audit: {block_threshold: high}\n").audit_threshold == "HIGH"


def test_copy_ignore_always_includes_the_defaults(home: Path) -> None:
    rules = load(home, "ignore: ['*.tmp']\n").copy_ignore()
    assert rules.ignored("a/.DS_Store", False)
    assert rules.ignored("x.tmp", False)
    assert rules.ignored(".git", True)
    assert not rules.ignored("SKILL.md", False)


def test_target_reached_through_a_symlinked_parent_overlaps(home: Path) -> None:
    source = home / ".config/skillshare/skills"
    source.mkdir(parents=True)
    os.symlink(source, home / "alias")
    details = problems(home, "targets:\n  x:\n    path: ~/alias/inner\n")
    assert details == [f"targets.x.path: {home / 'alias/inner'} overlaps the source folder "
                       f"{source}; a target must be outside the source and not contain it"]


def test_a_target_that_is_itself_a_link_to_the_source_is_allowed(home: Path) -> None:
    """That is what symlink mode leaves behind: only the parents are resolved."""
    source = home / ".config/skillshare/skills"
    source.mkdir(parents=True)
    os.symlink(source, home / "linked")
    config = load(home, "targets:\n  x: {path: ~/linked, mode: symlink}\n")
    assert the_target(config, "x").path == home / "linked"


# -- warnings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "warning"), [
    ("colour: blue\n", "colour: unknown key (kept in the file)"),
    ("tui: true\n", "tui: not used by this version (kept in the file)"),
    ("targets:\n  claude: {naming: x}\n", "targets.claude.naming: unknown key"),
    ("targets:\n  claude:\n    skills: {naming: x}\n", "targets.claude.naming: unknown key"),
    ("targets:\n  claude: {1: x, foo: y}\n", "targets.claude.1: unknown key"),
    ("daemon: {poll: 1}\n", "daemon.poll: unknown key"),
    ("backup: {kepp: 3}\n", "backup.kepp: unknown key"),
    ("audit: {profil: strict}\n", "audit.profil: unknown key"),
    ("trash: {days: 3}\n", "trash.days: unknown key"),
    ("log: {size: 3}\n", "log.size: unknown key"),
])
def test_unknown_keys_are_warnings(home: Path, text: str, warning: str) -> None:
    config = load(home, text)
    assert any(w.startswith(warning) for w in config.warnings), config.warnings
    assert config.document  # kept for saving


# -- bad configs: every problem, with its key path ----------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("mode: fast\n", "mode: must be one of merge, symlink, copy (got 'fast')"),
    ("mode: off\n", "mode: must be one of merge, symlink, copy (got False)"),
    ("targets:\n  cursor: {mode: mirror}\n",
     "targets.cursor.mode: must be one of merge, symlink, copy (got 'mirror')"),
    ("targets:\n  cursor:\n    skills: {mode: mirror}\n", "targets.cursor.mode: must be one of"),
    ("targets:\n  my-tool: {mode: copy}\n",
     "targets.my-tool.path: required: 'my-tool' is not a built-in target name"),
    ("targets:\n  - my-tool\n", "targets[0].path: required: 'my-tool' is not a built-in"),
    ("targets:\n  cursor: {include: ['team-[ab']}\n",
     "targets.cursor.include[0]: unclosed '[' in pattern 'team-[ab'"),
    ("targets:\n  cursor: {exclude: [ok, 'x\\']}\n",
     "targets.cursor.exclude[1]: pattern 'x\\' ends with an escape character"),
    ("targets:\n  cursor: {include: ['[z-a]']}\n",
     "targets.cursor.include[0]: reversed range 'z-a'"),
    ("targets:\n  cursor: {include: team-*}\n",
     "targets.cursor.include: must be a list of text patterns"),
    ("targets:\n  cursor: {include: ['']}\n", "targets.cursor.include[0]: empty pattern"),
    ("ignore: [ok, 'a[', 'b\\']\n", "ignore[1]: unclosed '[' in pattern 'a['"),
    ("ignore: [ok, 'a[', 'b\\']\n", "ignore[2]: pattern 'b\\' ends with an escape character"),
    ("ignore: .DS_Store\n", "ignore: must be a list of text patterns"),
    ("targets:\n  x: {path: ~/.config/skillshare/skills/inner}\n",
     "targets.x.path: {home}/.config/skillshare/skills/inner overlaps the source folder"),
    ("targets:\n  x: {path: ~/.config}\n", "targets.x.path: {home}/.config overlaps the source"),
    ("targets:\n  x: {path: ~/.config/skillshare/skills}\n", "targets.x.path: {home}/.config/"),
    ("sources: {skills: ~/src}\ntargets:\n  x: {path: ~/src/a}\n",
     "targets.x.path: {home}/src/a overlaps the source folder {home}/src"),
    ("targets:\n  bad name: {path: /x}\n", "targets.bad name: invalid target name 'bad name'"),
    ("targets:\n  -x: {path: /x}\n", "targets.-x: invalid target name '-x'"),
    ("targets:\n  List: {path: /x}\n", "targets.List: invalid target name 'List': 'List' is a"),
    ("targets:\n  claude: [a]\n", "targets.claude: must be a mapping (path, mode, include"),
    ("targets:\n  claude: {skills: [a]}\n", "targets.claude.skills: must be a mapping"),
    ("targets: claude\n", "targets: must be a mapping of target names"),
    ("targets:\n  - 5\n", "targets[0]: must be a target name or a mapping with 'name'"),
    ("targets:\n  - {path: /x}\n", "targets[0]: must be a target name or a mapping"),
    ("targets:\n  - claude\n  - claude\n", "targets[1]: target 'claude' is listed twice"),
    ("source: ''\n", "source: must be a path (text)"),
    ("source: 5\n", "source: must be a path (text)"),
    ("source: \"a\\0b\"\n", "source: must not contain a NUL character"),
    ("sources: {skills: [a]}\n", "sources.skills: must be a path (text)"),
    ("sources: ~/x\n", "sources: must be a mapping"),
    ("targets:\n  x: {path: 7}\n", "targets.x.path: must be a path (text)"),
    ("audit: {block_threshold: SEVERE}\n",
     "audit.block_threshold: must be one of CRITICAL, HIGH, MEDIUM, LOW, INFO"),
    ("audit: strict\n", "audit: must be a mapping"),
    ("backup: {keep: 0}\n", "backup.keep: must be a number of at least 1 (got 0)"),
    ("backup: {keep: 2.5}\n", "backup.keep: must be a whole number (got 2.5)"),
    ("backup: {max_total_mb: lots}\n", "backup.max_total_mb: must be a number of at least 0"),
    ("backup: {max_age_days: true}\n", "backup.max_age_days: must be a number"),
    ("trash: {retention_days: -1}\n", "trash.retention_days: must be a number of at least 0"),
    ("log: {max_entries: x}\n", "log.max_entries: must be a number"),
    ("daemon: {debounce_ms: 0}\n", "daemon.debounce_ms: must be a number of at least 1"),
    ("daemon: {watch_targets: 'yes'}\n", "daemon.watch_targets: must be true or false"),
    ("daemon: []\n", "daemon: must be a mapping"),
    ("skills: pdf\n", "skills: must be a list of {{name, source, tracked}}"),
    ("skills:\n  - {name: pdf}\n", "skills[0]: must be a mapping with text 'name' and 'source'"),
    ("1: x\n", "1: keys must be text"),
])
def test_bad_values_name_their_key(home: Path, text: str, expected: str) -> None:
    details = problems(home, text)
    wanted = expected.format(home=home)
    assert any(d.startswith(wanted) for d in details), details


def test_every_problem_is_reported_at_once(home: Path) -> None:
    error = load_error(home, """\
mode: fast
targets:
  cursor: {mode: mirror, include: ['[']}
  my-tool: {}
  claude: {}
daemon: {pull_interval: soon, debounce_ms: -1}
audit: {block_threshold: nope}
backup: {keep: 0}
""")
    keys = [d.split(": ", 1)[0] for d in error.details]
    assert keys == ["mode", "targets.cursor.mode", "targets.cursor.include[0]",
                    "targets.my-tool.path", "audit.block_threshold", "backup.keep",
                    "daemon.pull_interval", "daemon.debounce_ms"]
    assert "(8 problems)" in error.message
    assert error.hint


# -- files that cannot be read -----------------------------------------------------------------


def test_missing_config(scope: Scope) -> None:
    with pytest.raises(ConfigError, match="config not found") as info:
        config_file.load(scope)
    assert str(scope.config_file) in info.value.message
    assert info.value.hint == "run `skillshare init`"
    assert not scope.config_file.parent.exists()


def test_missing_project_config_hints_init_p(project_scope: Scope) -> None:
    with pytest.raises(ConfigError, match="config not found") as info:
        config_file.load(project_scope)
    assert info.value.hint == "run `skillshare init -p`"


def test_config_that_is_a_folder(scope: Scope) -> None:
    scope.config_file.mkdir(parents=True)
    with pytest.raises(ConfigError, match="is a folder, not a file"):
        config_file.load(scope)


@pytest.mark.parametrize(("text", "line", "what"), [
    ("mode: merge\ntargets:\n  claude: [a\n  b: c\n", "line 4", "expected ',' or ']'"),
    ("mode: merge\nsource: a: b\n", "line 2", "mapping values are not allowed here"),
    ("targets:\n  - a\n - b\n", "line 3", "expected <block end>"),
    ("x: !!python/object:os.system ls\n", "line 1", "could not determine a constructor"),
    ("x: !!python/object/apply:os.system [ls]\n", "line 1", "could not determine"),
    ("a: &a [x]\n" + "".join(f"k{i}: *a\n" for i in range(101)), "line 102",
     "more than 100 aliases"),
])
def test_unparsable_yaml_names_file_and_line(home: Path, text: str, line: str,
                                             what: str) -> None:
    error = load_error(home, text)
    path = home / ".config/skillshare/config.yaml"
    assert error.message.startswith(f"cannot parse config: {path}")
    assert f"{line}:" in error.message or f"({line})" in error.message, error.message
    assert what in error.message
    assert error.hint == "fix the YAML syntax"


def test_up_to_100_aliases_are_fine(home: Path) -> None:
    text = "a: &a {path: /x}\ntargets:\n" + "".join(f"  t{i}: *a\n" for i in range(100))
    assert len(load(home, text).targets) == 100


def test_alias_bomb_is_refused(home: Path) -> None:
    """Billion laughs: 12 levels of 9 aliases each; alias 101 sits on line 13."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 13):
        refs = ",".join([f"*l{level - 1}"] * 9)
        lines.append(f"l{level}: &l{level} [{refs}]")
    error = load_error(home, "\n".join(lines) + "\n")
    assert "more than 100 aliases (line 13)" in error.message


def test_deeply_nested_yaml_is_an_error_not_a_crash(home: Path) -> None:
    error = load_error(home, "x: " + "[" * 5000 + "]" * 5000 + "\n")
    assert error.message.endswith("config.yaml: nested too deeply"), error.message


@pytest.mark.parametrize("text", ["- claude\n- cursor\n", "just text\n", "42\n"])
def test_top_level_must_be_a_mapping(home: Path, text: str) -> None:
    error = load_error(home, text)
    assert "top level must be a mapping" in error.message
    assert str(home / ".config/skillshare/config.yaml") in error.message


def test_non_utf8_bytes(home: Path) -> None:
    error = load_error(home, b"mode: merge\nsource: caf\xe9\n")
    assert "is not UTF-8 text (byte 23)" in error.message
    assert str(home / ".config/skillshare/config.yaml") in error.message


def test_size_cap(home: Path) -> None:
    padding = "# " + "x" * 77 + "\n"
    body = "mode: copy\n"
    exact = body + padding * ((MAX_CONFIG_BYTES - len(body)) // len(padding))
    exact += "#" * (MAX_CONFIG_BYTES - len(exact) - 1) + "\n"
    assert len(exact.encode()) == MAX_CONFIG_BYTES
    assert load(home, exact).mode == "copy"
    error = load_error(home, exact + "\n")
    assert "larger than 1024 KiB" in error.message


def test_a_target_name_that_is_not_text_is_a_problem(home: Path) -> None:
    assert problems(home, "targets:\n  ~: {path: /x}\n  5: {path: /y}\n") == [
        "targets.None: a target name must be text", "targets.5: a target name must be text"]


def test_the_agents_source_follows_the_original_keys(home: Path, work: Path) -> None:
    from_document = config_file.from_document
    paths = Paths.from_env()
    scope = paths.global_scope()
    base = scope.config_file.parent
    assert from_document(scope, {}).agents == base / "agents"
    assert from_document(scope, {"agents_source": "~/mine"}).agents == home / "mine"
    both = {"agents_source": "~/old", "sources": {"agents": "~/new"}}
    assert from_document(scope, both).agents == home / "new"  # sources: wins
    assert from_document(scope, {"agents_source": ""}).agents == base / "agents"
    (work / ".skillshare").mkdir()
    project = paths.project_scope()
    assert from_document(project, {"targets": [], "agents_source": "~/x"}).agents == (
        work / ".skillshare/agents")  # a project keeps its agents in .skillshare/agents


def test_a_targets_agents_folder_comes_from_the_table_or_its_agents_entry(
        home: Path, work: Path) -> None:
    scope = Paths.from_env().global_scope()
    config = config_file.from_document(scope, {
        "mode": "copy",
        "targets": {"claude": {}, "codex": {},
                    "cursor": {"agents": {"path": "~/my-agents", "mode": "merge",
                                          "include": ["re*"], "exclude": ["x"]}},
                    "mine": {"path": "~/mine/skills", "agents": {"path": "~/mine/agents"}}}})
    places = {t.name: t.agents for t in config.targets}
    assert places["codex"] is None  # the tool reads no agents
    claude = places["claude"]
    assert claude is not None
    assert (claude.path, claude.mode) == (home / ".claude/agents", "copy")  # the target's mode
    cursor = places["cursor"]
    assert cursor is not None
    assert (cursor.path, cursor.mode, cursor.include, cursor.exclude) == (
        home / "my-agents", "merge", ("re*",), ("x",))
    mine = places["mine"]
    assert mine is not None and mine.path == home / "mine/agents"
    (work / ".skillshare").mkdir()
    project = config_file.from_document(Paths.from_env().project_scope(),
                                        {"targets": ["claude"]})
    place = project.targets[0].agents
    assert place is not None and place.path == work / ".claude/agents"


@pytest.mark.parametrize(("agents", "said"), [
    ({"path": "~/.config/skillshare/skills/x"}, "overlaps a source folder"),
    ({"path": "~/.config/skillshare/agents"}, "overlaps a source folder"),
    ({"path": "/"}, "cannot hold agents"),
    ({"path": "~/a", "mode": "mirror"}, "agents.mode: must be one of merge, symlink, copy"),
])
def test_a_bad_agents_folder_is_refused_by_key(home: Path, agents: dict[str, str],
                                               said: str) -> None:
    scope = Paths.from_env().global_scope()
    with pytest.raises(ConfigError) as caught:
        config_file.from_document(scope, {"targets": {"claude": {"agents": agents}}})
    assert any(d.startswith("targets.claude.agents.") and said in d
               for d in caught.value.details), caught.value.details


def test_a_source_in_the_tools_folder_takes_no_default_agents_place(home: Path) -> None:
    scope = Paths.from_env().global_scope()
    config = config_file.from_document(scope, {"agents_source": "~/.claude/agents",
                                               "targets": {"claude": {}}})
    assert config.targets[0].agents is None
