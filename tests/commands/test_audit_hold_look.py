"""A sync's look at the skills (the continuous audit) reads the rule files' state once for
the look, however many skills it looks at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.audit import rulefiles
from skillshared.commands import audit_hold
from skillshared.core.paths import Paths
from tests.conftest import make_skill, write_config


def _looks_up(home: Path, source: Path, names: list[str],
              monkeypatch: pytest.MonkeyPatch) -> int:
    for name in names:
        make_skill(source, name)
    calls: list[int] = []
    real = rulefiles.rule_files

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(audit_hold, "rule_files", counted)
    api.run("sync", {}, Paths.from_env())
    monkeypatch.setattr(audit_hold, "rule_files", real)
    return len(calls)


def test_the_rule_files_are_looked_up_once_a_look_not_once_a_skill(
        home: Path, source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(home, f"source: {source}\ntargets:\n  claude: {{path: {home}/t}}\n")
    (home / ".config/skillshare/audit-rules.yaml").write_text(
        "rules:\n  - id: mine\n    severity: HIGH\n    pattern: secret-word\n    message: m\n")
    first = _looks_up(home, source, ["a1", "a2", "a3"], monkeypatch)  # 3 skills scanned
    again = _looks_up(home, source, [f"b{i}" for i in range(6)], monkeypatch)  # 6 more
    assert first == again <= 2
    assert len(list((home / "t").iterdir())) == 9
