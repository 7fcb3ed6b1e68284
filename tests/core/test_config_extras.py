"""The ``extras:`` list and the extras source read from the config: sources resolved in the
original's order, paths expanded, every wrong value an error naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillshared.core import config_file
from skillshared.core.config import Config
from skillshared.core.config_extras import ExtraConfig, ExtraTarget, name_problem
from skillshared.core.errors import ConfigError
from skillshared.core.paths import Paths
from tests.conftest import write_config


def load_global(home: Path, text: str) -> Config:
    write_config(home, text)
    return config_file.load(Paths.from_env().global_scope())


def problems(home: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_global(home, text)
    return info.value.details


def test_extras_load_with_their_sources_in_the_originals_order(home: Path) -> None:
    config = load_global(home, """\
extras:
  - name: rules
    targets:
      - path: ~/.claude/rules
      - path: /tmp/elsewhere/rules
        mode: copy
  - name: agents
    source: ~/shared/agents
    targets:
      - {path: ~/.claude/agents, flatten: true}
""")
    assert config.extras == (
        ExtraConfig("rules", home / ".config/skillshare/extras/rules", "default",
                    (ExtraTarget(home / ".claude/rules", "merge", False),
                     ExtraTarget(Path("/tmp/elsewhere/rules"), "copy", False))),
        ExtraConfig("agents", home / "shared/agents", "per-extra",
                    (ExtraTarget(home / ".claude/agents", "merge", True),)))
    assert config.extras_source is None
    assert config.unused == ()


@pytest.mark.parametrize("key", ["extras_source: ~/my-extras", "sources:\n  extras: ~/my-extras"])
def test_the_extras_source_is_the_parent_of_each_extras_folder(home: Path, key: str) -> None:
    config = load_global(home, f"{key}\nextras:\n  - name: rules\n    targets: "
                         "[{path: ~/.claude/rules}]\n")
    assert config.extras_source == home / "my-extras"
    assert [(e.source, e.source_type) for e in config.extras] == [
        (home / "my-extras/rules", "extras_source")]
    assert config.unused == ()


def test_the_default_is_beside_the_skills_source(home: Path) -> None:
    config = load_global(home, "source: ~/dotfiles/skills\nextras:\n  - name: rules\n"
                         "    targets: [{path: ~/.claude/rules}]\n")
    assert config.extras[0].source == home / "dotfiles/extras/rules"


def test_a_project_keeps_extras_in_its_own_folder(work: Path) -> None:
    path = work / ".skillshare/config.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("targets: [claude]\nsources:\n  extras: ./elsewhere\nextras:\n"
                    "  - name: rules\n    source: ./mine\n    targets:\n"
                    "      - path: .claude/rules\n")
    config = config_file.load(Paths.from_env().project_scope())
    assert config.extras == (ExtraConfig("rules", work / ".skillshare/extras/rules", "default",
                                         (ExtraTarget(work / ".claude/rules"),)),)
    assert {u.key for u in config.unused} == {"sources.extras", "extras[0].source"}


def test_an_extension_target_is_left_out_with_a_warning(home: Path) -> None:
    config = load_global(home, """\
extras:
  - name: commands
    targets:
      - path: ~/.claude/commands
      - path: ~/.gemini/commands
        extension: gemini-commands
""")
    extra = config.extras[0]
    assert extra.targets == (ExtraTarget(home / ".claude/commands"),)
    assert extra.left_out == (ExtraTarget(home / ".gemini/commands", "merge", False,
                                          "gemini-commands"),)
    assert [u.key for u in config.unused] == ["extras[0].targets[1].extension"]
    assert any(w.startswith("extras[0].targets[1].extension: transform extensions are not "
                            "run") for w in config.warnings)


@pytest.mark.parametrize(("entry", "expected"), [
    ("- name: rules\n  targets: [{path: ~/r, mode: mirror}]",
     "extras[0].targets[0].mode: must be merge, copy or symlink (got 'mirror')"),
    ("- name: rules\n  targets: [{path: ~/r, mode: symlink, flatten: true}]",
     "extras[0].targets[0].flatten: cannot be used with mode symlink"),
    ("- name: rules\n  targets: [{path: ~/r, flatten: yes please}]",
     "extras[0].targets[0].flatten: must be true or false"),
    ("- name: rules\n  targets: []", "extras[0].targets: required"),
    ("- name: rules", "extras[0].targets: required"),
    ("- name: rules\n  targets: [{mode: copy}]", "extras[0].targets[0].path: required"),
    ("- name: skills\n  targets: [{path: ~/r}]", "extras[0].name: 'skills' is a reserved"),
    ("- name: ../up\n  targets: [{path: ~/r}]", "extras[0].name: '../up' must start with"),
    ("- targets: [{path: ~/r}]", "extras[0].name: required"),
    ("- rules", "extras[0]: must be a mapping"),
    ("- name: rules\n  targets: [{path: ~/r}]\n- name: rules\n  targets: [{path: ~/s}]",
     "extras[1].name: 'rules' is listed twice"),
    ("- name: rules\n  targets: [{path: ~/}]", "cannot be a target: it is the home folder"),
    ("- name: rules\n  targets: [{path: /}]", "cannot be a target: it is the root folder"),
    ("- name: rules\n  targets: [{path: ~/.config/skillshare/skills/r}]",
     "overlaps the skills source"),
    ("- name: rules\n  targets: [{path: ~/.config}]", "overlaps the skills source"),
    ("- name: rules\n  targets: [{path: ~/.config/skillshare/agents}]",
     "overlaps the agents source"),
    ("- name: rules\n  targets: [{path: ~/.config/skillshare/extras/rules/x}]",
     "overlaps the source of extra 'rules'"),
    ("- name: a\n  targets: [{path: ~/r}]\n- name: b\n  targets: [{path: ~/r}]",
     "extras[1].targets[0].path: "),
    ("- name: a\n  targets: [{path: ~/r}, {path: ~/r/sub}]", "extras[0].targets[1].path: "),
    ("- name: a\n  targets: [{path: ~/.claude/skills}]", "overlaps target 'claude'"),
])
def test_every_wrong_value_is_an_error_naming_its_key(home: Path, entry: str,
                                                      expected: str) -> None:
    body = "\n".join("  " + line for line in entry.splitlines())
    details = problems(home, f"targets:\n  claude: {{path: ~/.claude/skills}}\nextras:\n{body}\n")
    assert any(d.startswith(expected) or expected in d for d in details), details


def test_extras_must_be_a_list_and_extras_source_text(home: Path) -> None:
    details = problems(home, "extras_source: [a]\nextras: {rules: x}\n")
    assert set(details) >= {"extras: must be a list of {name, targets}",
                            "extras_source: must be text"}


def test_two_extras_sharing_a_folder_name_the_second(home: Path) -> None:
    details = problems(home, "extras:\n  - name: a\n    targets: [{path: ~/r}]\n"
                       "  - name: b\n    targets: [{path: ~/r}]\n")
    assert details == [f"extras[1].targets[0].path: {home / 'r'} overlaps a target of extra "
                       f"'a' ({home / 'r'}); each folder has one owner"]


@pytest.mark.parametrize(("name", "ok"), [("rules", True), ("my_rules-2", True), ("9x", True),
                                          ("", False), ("-x", False), ("a/b", False),
                                          ("extras", False), ("a b", False)])
def test_extra_names(name: str, ok: bool) -> None:
    assert (name_problem(name) is None) == ok


def test_unknown_keys_of_an_extra_are_warnings(home: Path) -> None:
    config = load_global(home, "extras:\n  - name: rules\n    colour: red\n"
                         "    targets: [{path: ~/r, speed: fast}]\n")
    assert {"extras[0].colour: unknown key (kept in the file)",
            "extras[0].targets[0].speed: unknown key (kept in the file)"} <= set(config.warnings)
    assert [e.name for e in config.extras] == ["rules"]


def test_sources_extras_must_be_text(home: Path) -> None:
    assert "sources.extras: must be text" in problems(home, "sources:\n  extras: [a]\n")
