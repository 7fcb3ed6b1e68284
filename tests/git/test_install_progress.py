"""An install reports how far its audit and its copying have come, skill by skill, and
audits them all with rules read once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.audit import rulefiles
from skillshared.core import progress
from skillshared.core.paths import Paths
from tests.conftest import make_skill, write_config


def test_a_copied_install_counts_its_audit_and_its_copies(home: Path, source: Path,
                                                          tmp_path: Path) -> None:
    source.mkdir(parents=True, exist_ok=True)
    write_config(home, f"source: {source}\ntargets: {{}}\n")
    incoming = tmp_path / "incoming"
    for name in ("alpha", "beta", "gamma"):
        make_skill(incoming, name)
    frames: list[dict[str, Any]] = []
    with progress.reporting(frames.append):
        result = api.run("install", {"source": str(incoming), "cwd": str(tmp_path)},
                         Paths.from_env())
    assert sorted(result["skills"]) == ["alpha", "beta", "gamma"]
    for task in ("auditing", "installing"):
        mine = [(f["done"], f["total"], f["item"]) for f in frames if f["task"] == task]
        assert [(done, total) for done, total, _ in mine] == [(0, 3), (1, 3), (2, 3)]
        assert sorted(item for *_, item in mine) == ["alpha", "beta", "gamma"]
    assert not any(f.get("item") == "." for f in frames)  # (a skill's own folder, unnamed)


def test_an_install_reads_the_users_rule_file_once(home: Path, source: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Every skill an install brings in is audited with the same rules: the user's rule file
    is read once, not once a skill (the built-in rules were read once a skill before)."""
    source.mkdir(parents=True, exist_ok=True)
    write_config(home, f"source: {source}\ntargets: {{}}\n")
    (home / ".config/skillshare/audit-rules.yaml").write_text(
        "rules:\n  - id: mine\n    severity: HIGH\n    pattern: secret-word\n    message: m\n")
    incoming = tmp_path / "incoming"
    for name in ("alpha", "beta", "gamma"):
        make_skill(incoming, name)
    reads: list[Path] = []
    real = rulefiles._read

    def counted(path: Path) -> Any:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(rulefiles, "_read", counted)
    result = api.run("install", {"source": str(incoming), "cwd": str(tmp_path)},
                     Paths.from_env())
    assert sorted(result["skills"]) == ["alpha", "beta", "gamma"]
    assert [p.name for p in reads] == ["audit-rules.yaml"]
