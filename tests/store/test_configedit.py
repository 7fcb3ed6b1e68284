"""configedit.py: document edits and the atomic, validated save."""

from __future__ import annotations

import copy
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from skillshared.core.config import DEFAULT_IGNORE
from skillshared.core.config_file import from_document, load, read_document
from skillshared.core.errors import ConfigError, NotFoundError
from skillshared.core.paths import Paths, Scope
from skillshared.store import configedit
from tests.conftest import tree, write_config

USER_CONFIG = """\
# my notes
zzz_first: {keep: me}
source: ~/my-skills
targets:
  cursor:
    path: ~/.cursor/skills
    include: [team-*]
  claude:
    skills:
      path: ~/.claude/skills
  my-tool:
    path: ~/code/tool/skills
target_naming: flat
mode: merge
daemon:
  pull_interval: 30m
  future_knob: 3
"""



def saved(scope: Scope) -> Any:
    text = scope.config_file.read_text()
    assert text.startswith(configedit.HEADER)
    return yaml.safe_load(text)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "config.yaml")


# -- new_document + save ------------------------------------------------------------------------


def test_new_global_document_round_trips(scope: Scope, home: Path) -> None:
    doc = configedit.new_document(scope, home / "skills", "copy",
                                  [("claude", home / ".claude/skills"), ("cursor", None)])
    assert doc == {
        "source": "~/skills",
        "mode": "copy",
        "targets": {"claude": {"path": "~/.claude/skills"}, "cursor": None},
        "ignore": list(DEFAULT_IGNORE),
        "audit": {"block_threshold": "CRITICAL"},
    }
    config = configedit.save(scope, doc)
    assert saved(scope) == doc
    assert load(scope) == config
    assert config.source == home / "skills"
    assert [(t.name, t.mode) for t in config.targets] == [("claude", "copy"), ("cursor", "copy")]


def test_new_project_document(project_scope: Scope, work: Path, isolated: Path) -> None:
    doc = configedit.new_document(project_scope, None, "merge",
                                  [("claude", None), ("x", work / "tools/x"),
                                   ("y", isolated / "elsewhere")])
    assert doc["targets"] == ["claude", {"name": "x", "path": "tools/x"},
                              {"name": "y", "path": str(isolated / "elsewhere")}]
    assert "mode" not in doc and "source" not in doc
    assert configedit.new_document(project_scope, None, "symlink", [])["mode"] == "symlink"
    config = configedit.save(project_scope, doc)
    assert [t.path for t in config.targets] == [work / ".claude/skills", work / "tools/x",
                                                isolated / "elsewhere"]


@pytest.mark.parametrize(("where", "expected"), [
    ("{home}/a/b", "~/a/b"),
    ("{home}", "~"),
    ("/opt/skills", "/opt/skills"),
])
def test_display_path_global(scope: Scope, home: Path, where: str, expected: str) -> None:
    assert configedit.display_path(scope, Path(where.format(home=home))) == expected


@pytest.mark.parametrize(("where", "expected"), [
    ("{work}/tools/x", "tools/x"),
    ("{work}", "."),
    ("{work}/..hidden/x", "..hidden/x"),
    ("{work}/../sibling", "{work}/../sibling"),
    ("/opt/skills", "/opt/skills"),
])
def test_display_path_project(project_scope: Scope, work: Path, where: str, expected: str) -> None:
    shown = configedit.display_path(project_scope, Path(where.format(work=work)))
    assert shown == expected.format(work=work)


def test_save_creates_a_private_config_folder_and_leaves_no_temp_files(scope: Scope) -> None:
    configedit.save(scope, {"targets": {"claude": None}})
    folder = scope.config_file.parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert leftovers(folder) == []
    configedit.save(scope, {"targets": {"cursor": None}})
    assert saved(scope) == {"targets": {"cursor": None}}
    assert leftovers(folder) == []


def test_save_replaces_the_file_by_rename(scope: Scope, home: Path) -> None:
    path = write_config(home, "targets: {claude: }\n")
    old_inode = path.stat().st_ino
    keep = home / "hardlink-to-old.yaml"
    os.link(path, keep)
    configedit.save(scope, {"mode": "copy"})
    assert path.stat().st_ino != old_inode  # a new file was renamed into place
    assert keep.read_text() == "targets: {claude: }\n"  # the old file was never rewritten


@pytest.mark.parametrize(("doc", "problem"), [
    ({"mode": "fast"}, "mode: must be one of merge, symlink, copy"),
    ({"targets": {"my-tool": None}}, "targets.my-tool.path: required"),
    ({"targets": {"cursor": {"include": ["["]}}}, "targets.cursor.include[0]: unclosed '['"),
    ({"daemon": {"pull_interval": "soon"}}, "daemon.pull_interval: must be 'off'"),
])
def test_invalid_document_writes_nothing(scope: Scope, home: Path, doc: dict[str, Any],
                                         problem: str) -> None:
    write_config(home, USER_CONFIG)
    before = tree(home)
    with pytest.raises(ConfigError) as info:
        configedit.save(scope, doc)
    assert any(d.startswith(problem) for d in info.value.details), info.value.details
    assert tree(home) == before


def test_invalid_document_creates_no_folder(scope: Scope, home: Path) -> None:
    with pytest.raises(ConfigError):
        configedit.save(scope, {"mode": "fast"})
    assert tree(home) == {}


# -- edits keep what the user wrote -------------------------------------------------------------


def test_edit_and_save_keep_unknown_keys_order_and_tilde(scope: Scope, home: Path) -> None:
    write_config(home, USER_CONFIG)
    doc = read_document(scope)
    original = copy.deepcopy(doc)
    doc = configedit.update_target(doc, "cursor", mode="copy")
    doc = configedit.add_target(doc, scope, "codex", home / "codex-skills", None)
    configedit.save(scope, doc)
    text = scope.config_file.read_text()
    data = saved(scope)
    assert list(data) == list(original)
    assert list(data["targets"]) == ["cursor", "claude", "my-tool", "codex"]
    assert data["zzz_first"] == {"keep": "me"}
    assert data["target_naming"] == "flat"
    assert data["daemon"] == {"pull_interval": "30m", "future_knob": 3}
    assert data["targets"]["claude"] == {"skills": {"path": "~/.claude/skills"}}
    assert data["targets"]["cursor"] == {"path": "~/.cursor/skills", "include": ["team-*"],
                                         "mode": "copy"}
    assert data["targets"]["codex"] == {"path": "~/codex-skills"}
    assert "source: ~/my-skills" in text
    assert str(home) not in text
    cursor = load(scope).target("cursor")
    assert cursor is not None and cursor.mode == "copy"


def test_add_target_global(scope: Scope, home: Path) -> None:
    doc: dict[str, Any] = {"targets": {"claude": None}}
    new = configedit.add_target(doc, scope, "x", home / "x", "copy")
    new = configedit.add_target(new, scope, "cursor", None, None)
    assert new["targets"] == {"claude": None, "x": {"path": "~/x", "mode": "copy"},
                              "cursor": None}
    assert doc == {"targets": {"claude": None}}  # the input is not changed


def test_add_target_project(project_scope: Scope, work: Path) -> None:
    doc: dict[str, Any] = {"targets": ["claude"]}
    new = configedit.add_target(doc, project_scope, "x", work / "rel/x", "symlink")
    new = configedit.add_target(new, project_scope, "cursor", None, None)
    assert new["targets"] == ["claude", {"name": "x", "path": "rel/x", "mode": "symlink"},
                              "cursor"]
    assert doc == {"targets": ["claude"]}


@pytest.mark.parametrize(("start", "is_project", "expected"), [
    ({}, False, {"cursor": None}),
    ({"targets": None}, False, {"cursor": None}),
    ({}, True, ["cursor"]),
    ({"targets": ["claude"]}, False, ["claude", "cursor"]),
    ({"targets": {"claude": None}}, True, {"claude": None, "cursor": None}),
])
def test_add_target_keeps_the_form_already_used(home: Path, work: Path, start: dict[str, Any],
                                                is_project: bool, expected: Any) -> None:
    paths = Paths.from_env()
    chosen = paths.project_scope() if is_project else paths.global_scope()
    assert configedit.add_target(start, chosen, "cursor", None, None)["targets"] == expected


@pytest.mark.parametrize(("targets", "expected"), [
    ({"claude": None, "cursor": {"path": "/c"}}, {"cursor": {"path": "/c"}}),
    (["claude", "cursor"], ["cursor"]),
    ([{"name": "claude", "path": "x"}, "cursor"], ["cursor"]),
])
def test_remove_target(targets: Any, expected: Any) -> None:
    doc = {"mode": "merge", "targets": targets}
    before = copy.deepcopy(doc)
    assert configedit.remove_target(doc, "claude") == {"mode": "merge", "targets": expected}
    assert doc == before


@pytest.mark.parametrize("doc", [{}, {"targets": {"cursor": None}}, {"targets": ["cursor"]},
                                 {"targets": "claude"}])
def test_unknown_target_is_not_found(doc: dict[str, Any]) -> None:
    edit: Callable[[], object]
    for edit in (lambda: configedit.remove_target(doc, "claude"),
                 lambda: configedit.update_target(doc, "claude", mode="copy")):
        with pytest.raises(NotFoundError, match="target 'claude' not found in the config"):
            edit()


def test_update_target_filters() -> None:
    doc = {"targets": {"cursor": {"path": "/c", "include": ["a*"]}}}
    new = configedit.update_target(doc, "cursor", add={"include": ["a*", "b*"],
                                                       "exclude": ["*-draft"]})
    assert new["targets"]["cursor"] == {"path": "/c", "include": ["a*", "b*"],
                                        "exclude": ["*-draft"]}
    new = configedit.update_target(new, "cursor", remove={"include": ["a*", "b*"],
                                                          "exclude": ["nope"]})
    assert new["targets"]["cursor"] == {"path": "/c", "exclude": ["*-draft"]}
    assert doc["targets"]["cursor"] == {"path": "/c", "include": ["a*"]}


@pytest.mark.parametrize(("targets", "expected"), [
    ({"claude": None}, {"claude": {"mode": "copy"}}),
    ({"claude": {"skills": {"path": "/p"}}}, {"claude": {"skills": {"path": "/p",
                                                                    "mode": "copy"}}}),
    (["claude"], [{"name": "claude", "mode": "copy"}]),
    ([{"name": "claude", "path": "x"}], [{"name": "claude", "path": "x", "mode": "copy"}]),
])
def test_update_target_mode_edits_where_the_target_lives(targets: Any, expected: Any) -> None:
    assert configedit.update_target({"targets": targets}, "claude",
                                    mode="copy")["targets"] == expected


def test_update_target_with_mixed_forms_edits_what_is_in_effect(scope: Scope) -> None:
    doc = {"targets": {"cursor": {"include": ["a*"], "mode": "copy",
                                  "skills": {"path": "/c", "mode": "symlink"}}}}
    removed = configedit.update_target(doc, "cursor", remove={"include": ["a*"]})
    assert removed["targets"]["cursor"] == {"skills": {"path": "/c", "mode": "symlink"}}
    added = configedit.update_target(doc, "cursor", add={"include": ["b*"]})
    cursor = from_document(scope, added).target("cursor")
    assert cursor is not None
    assert (cursor.include, cursor.mode) == (("a*", "b*"), "symlink")


def test_project_save_writes_relative_paths(project_scope: Scope, work: Path) -> None:
    doc = configedit.new_document(project_scope, None, "merge", [("claude", None)])
    doc = configedit.add_target(doc, project_scope, "x", work / "tools/x", None)
    configedit.save(project_scope, doc)
    assert saved(project_scope)["targets"] == ["claude", {"name": "x", "path": "tools/x"}]
    assert leftovers(project_scope.config_file.parent) == []
