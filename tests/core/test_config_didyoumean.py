"""A mistyped config key is reported with the key it most likely meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillshared.core import config_file
from skillshared.core.didyoumean import closest
from skillshared.core.paths import Paths
from tests.conftest import write_config


def _warnings(home: Path, text: str) -> tuple[str, ...]:
    write_config(home, text)
    return config_file.load(Paths.from_env().global_scope()).warnings


@pytest.mark.parametrize(("text", "warning"), [
    ("bakup: {keep: 3}\n", "bakup: unknown key (kept in the file); did you mean `backup`?"),
    ("tragets: {}\n", "tragets: unknown key (kept in the file); did you mean `targets`?"),
    ("targets:\n  claude: {pth: ~/x}\n",
     "targets.claude.pth: unknown key (kept in the file); did you mean `path`?"),
    ("backup: {kepp: 3}\n", "backup.kepp: unknown key (kept in the file); did you mean `keep`?"),
    ("daemon: {debonce_ms: 3}\n", "did you mean `debounce_ms`?"),
    ("extras:\n  - name: rules\n    targets: [{path: ~/r, flaten: true}]\n",
     "did you mean `flatten`?"),
])
def test_a_near_miss_names_the_key(home: Path, text: str, warning: str) -> None:
    warnings = _warnings(home, text)
    assert any(warning in w for w in warnings), warnings


def test_a_key_like_no_other_gets_no_guess(home: Path) -> None:
    warnings = _warnings(home, "colour: blue\nzzz: 1\n")
    assert "zzz: unknown key (kept in the file)" in warnings
    assert not any("did you mean" in w for w in warnings), warnings


def test_closest() -> None:
    assert closest("snyc", ["sync", "status"]) == "sync"
    assert closest("sync", ["sync", "status"]) is None  # known: nothing to suggest
    assert closest("git_root", ["gitlab_hosts"]) is None  # too far
    assert closest("x", [1, None]) is None
