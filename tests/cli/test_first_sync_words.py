"""A first sync that has nothing to link but makes a target's missing folder says so (it is
what that run did), and counts the target as changed; the next one has nothing to do."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRunner, make_skill, write_config


def test_a_sync_that_only_makes_the_folder_says_it(cli: CliRunner, home: Path,
                                                    configured: Path) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    preview = cli("sync", "--dry-run").out
    assert "✓ claude: would create ~/.claude/skills (merge: 0 skills)" in preview
    assert "Dry run complete: 1 target, 1 would change (" in preview
    assert not (home / ".claude").exists()
    first = cli("sync")
    assert first.code == 0, first.err
    assert "✓ claude: created ~/.claude/skills (merge: 0 skills)" in first.out
    assert "Sync complete: 1 target, 1 changed (" in first.out
    assert "nothing to do" not in first.out
    assert (home / ".claude/skills").is_dir()
    again = cli("sync").out
    assert "✓ claude: nothing to do (merge: 0 skills)" in again
    assert "Sync complete: 1 target, nothing to do (" in again


def test_a_folder_made_beside_links_is_named_after_them(cli: CliRunner, home: Path,
                                                        configured: Path) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    make_skill(configured, "alpha")
    preview = cli("sync", "--dry-run").out
    assert "✓ claude: would link 1 (merge: 1 skill) — would create ~/.claude/skills" in preview
    first = cli("sync").out
    assert "✓ claude: 1 linked (merge: 1 skill) — created ~/.claude/skills" in first
