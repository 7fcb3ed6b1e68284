from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRunner, make_skill


def test_init_then_sync_links_every_skill(cli: CliRunner, home: Path, source: Path) -> None:
    (home / ".claude").mkdir()
    assert cli("init").code == 0
    make_skill(source, "hello")
    result = cli("sync", "--json")
    assert result.code == 0, result.err
    assert (home / ".claude/skills/hello").is_symlink()
    assert result.json()["summary"]["linked"] == 1
