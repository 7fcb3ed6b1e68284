"""The kept parse of the global config: the same text is read without YAML; any other text,
a damaged kept parse or one that is not plain data is parsed again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillshared.commands import viewcache
from skillshared.core import config_file, config_parsed, yamlio
from skillshared.core.paths import Scope
from tests.conftest import write_config

TEXT = "source: ~/skills\ntargets:\n  claude:\n    path: ~/.claude/skills\n"


def no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, origin: str) -> Any:
        raise AssertionError("parsed with YAML")

    monkeypatch.setattr(yamlio, "load", refuse)


def test_the_same_text_is_read_without_yaml(home: Path, scope: Scope,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(home, TEXT)
    first = config_file.read_document(scope)
    first["targets"]["claude"]["path"] = "changed by a caller"  # (not what is kept)
    viewcache.keep_config(scope)
    assert config_parsed.pending(scope) is None  # (kept once)
    with monkeypatch.context() as patch:
        no_yaml(patch)
        again = config_file.read_document(scope)
    assert again == {"source": "~/skills", "targets": {"claude": {"path": "~/.claude/skills"}}}
    write_config(home, TEXT.replace("claude", "cursor"))
    assert "cursor" in config_file.read_document(scope)["targets"]


def test_what_is_not_kept(home: Path, scope: Scope, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(home, TEXT + "when: 2024-01-01\n")  # (a date: not plain data)
    config_file.read_document(scope)
    assert config_parsed.pending(scope) is None
    write_config(home, TEXT)
    config_file.read_document(scope)
    viewcache.keep_config(scope)
    kept = config_parsed.cache_file(scope)
    assert kept is not None
    for damage in (b"", b"{", kept.read_bytes().replace(b'"version"', b'"versio"')):
        kept.write_bytes(damage)
        assert config_file.read_document(scope)["source"] == "~/skills"
        config_parsed.pending(scope)  # (dropped: written anew by the next view)


def test_a_project_config_is_not_kept(work: Path, project_scope: Scope) -> None:
    project_scope.config_file.write_text(TEXT)
    config_file.read_document(project_scope)
    assert config_parsed.cache_file(project_scope) is None
    assert config_parsed.pending(project_scope) is None
    assert not (work / ".skillshare/cache").exists()
