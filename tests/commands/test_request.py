"""commands/request.py: a command's arguments, checked on access (they may come from a socket
request, so any JSON value can arrive), and the checks most commands share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillshared.commands.request import Request, check_source, pick_targets
from skillshared.core import config_file
from skillshared.core.errors import ConfigError, NotFoundError, UsageError
from skillshared.core.paths import Paths
from tests.conftest import write_config


def request(**args: Any) -> Request:
    return Request(Paths.from_env(), args)


def test_arguments_must_be_a_mapping() -> None:
    with pytest.raises(UsageError, match="mapping"):
        Request(Paths.from_env(), ["sync"])  # type: ignore[arg-type]


@pytest.mark.parametrize("cwd", ["relative/dir", 5, ["/"]])
def test_cwd_must_be_an_absolute_path(cwd: Any) -> None:
    with pytest.raises(UsageError, match="'cwd' must be an absolute path"):
        request(cwd=cwd)


def test_cwd_replaces_the_working_folder(tmp_path: Path) -> None:
    assert request(cwd=str(tmp_path)).paths.cwd == tmp_path


def test_typed_accessors_return_values_and_defaults() -> None:
    req = request(force=True, message="hi", tail=3, targets=["a", "b"])
    assert req.flag("force") is True
    assert req.flag("dry_run") is False
    assert req.text("message") == "hi"
    assert req.text("name", "x") == "x"
    assert req.number("tail") == 3
    assert req.number("keep", 7) == 7
    assert req.texts("targets") == ["a", "b"]
    assert req.texts("names") == []


@pytest.mark.parametrize(("method", "key", "value", "said"), [
    ("flag", "force", "yes", "true or false"),
    ("flag", "force", 1, "true or false"),
    ("text", "message", 5, "text"),
    ("text", "message", True, "text"),
    ("number", "tail", "3", "a whole number"),
    ("number", "tail", True, "a whole number"),
    ("number", "tail", 2.5, "a whole number"),
    ("texts", "targets", "claude", "a list of text"),
    ("texts", "targets", ["claude", 3], "a list of text"),
])
def test_a_value_of_the_wrong_type_is_refused_by_name(method: str, key: str, value: Any,
                                                      said: str) -> None:
    with pytest.raises(UsageError) as caught:
        getattr(request(**{key: value}), method)(key)
    assert caught.value.message == f"argument '{key}' must be {said}"


def test_text_with_a_nul_character_is_refused() -> None:
    with pytest.raises(UsageError, match="NUL"):
        request(message="a\0b").text("message")


@pytest.mark.parametrize("project", ["yes", 1, []])
def test_project_must_be_true_false_or_absent(project: Any) -> None:
    with pytest.raises(UsageError, match="'project'"):
        request(project=project).scope()


def test_scope_is_global_unless_asked_or_in_a_project(work: Path) -> None:
    assert not request().scope().is_project
    assert request(project=True).scope().is_project
    (work / ".skillshare").mkdir()
    assert not request().scope().is_project  # a folder without a project config is not one
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    assert request().scope().is_project  # a project here: its scope by default
    assert not request(project=False).scope().is_project


def test_a_global_only_command_refuses_project_mode(work: Path, configured: Path) -> None:
    (work / ".skillshare").mkdir()
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    with pytest.raises(UsageError) as caught:
        request(project=True).global_config("push shares the global source")
    assert caught.value.message == "push shares the global source"
    assert caught.value.hint == "run it with -g"
    req = request(project=False)  # -g: the global scope, though the folder is a project
    assert req.global_config("unused") is req.loaded


def test_pick_targets_by_name_or_alias_once_each(home: Path, configured: Path) -> None:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude: {path: ~/a}\n  cursor: {path: ~/b}\n")
    config = config_file.load(Paths.from_env().global_scope())
    assert pick_targets(config, []) is None
    assert pick_targets(config, ["cursor", "claude", "cursor"]) == ["cursor", "claude"]
    with pytest.raises(NotFoundError) as caught:
        pick_targets(config, ["nope", "gone"])
    assert caught.value.message == "unknown targets: nope, gone"
    assert caught.value.hint == "configured targets: claude, cursor"


def test_check_source_says_what_is_wrong(home: Path, source: Path) -> None:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets: {}\n")
    config = config_file.load(Paths.from_env().global_scope())
    with pytest.raises(ConfigError, match="source folder does not exist"):
        check_source(config)
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text("a file\n")
    with pytest.raises(ConfigError, match="source folder is not a folder"):
        check_source(config)
    source.unlink()
    source.mkdir()
    check_source(config)
