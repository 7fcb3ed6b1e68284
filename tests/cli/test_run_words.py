"""``collect``, ``backup``, ``restore`` and ``update`` say what this run did: ``-v`` lists
each change (the links collect made, the backups a cleanup kept, the commits an update
moved), ``-q`` only problems."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CliRunner, make_skill, write_config
from tests.team_repos import git, global_world, head, push_change, team_repo


def test_collect_lists_its_links_and_is_quiet_without_problems(cli: CliRunner, home: Path,
                                                               source: Path) -> None:
    claude = home / ".claude/skills"
    global_world(home, source)
    make_skill(claude, "made-here")
    (claude / "notes").mkdir()  # not a skill: skipped, a problem -q still shows
    text = cli("collect", "claude", "-v")
    assert text.code == 0
    assert "✓ claude/made-here copied to ~/.config/skillshare/skills/made-here" in text.out
    assert "  → claude: 1 updated\n    ~ updated made-here (its copy became a link)" in text.out
    assert "made-here (its copy" not in cli("collect", "claude").out
    make_skill(claude, "second")
    quiet = cli("collect", "claude", "-q")
    assert quiet.out.splitlines() == ["! claude/notes skipped: not a skill (no SKILL.md)"]
    assert (source / "second").is_dir() and (claude / "second").is_symlink()


def test_backup_cleanup_and_restore_words(cli: CliRunner, home: Path, source: Path) -> None:
    global_world(home, source)
    make_skill(source, "alpha")
    cli("sync")
    made = cli("backup", "-q")
    assert (made.code, made.out) == (0, "")
    cleanup = cli("backup", "--cleanup", "-v")
    (name,) = [p.name for p in (home / ".local/share/skillshare/backups").iterdir()
               if p.name[:1].isdigit()]  # (a backup's name is its time)
    assert f"  = kept {name} (the newest that verifies of a target)" in cleanup.out
    assert "= kept" not in cli("backup", "--cleanup").out
    assert cli("backup", "--cleanup", "-q").out == ""
    restored = cli("restore", "claude", "-q")
    assert (restored.code, restored.out) == (0, "")
    assert (home / ".claude/skills/alpha").is_symlink()
    assert "✓ Restored claude" in cli("restore", "claude").out


def test_update_counts_what_it_did(cli: CliRunner, home: Path, source: Path,
                                   tmp_path: Path) -> None:
    global_world(home, source)
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n")
    work, bare = team_repo(tmp_path)
    assert cli("install", f"file://{bare}", "--track").code == 0
    repo = source / "_team-skills"
    before = head(repo)
    same = cli("update", "--all")
    assert "Nothing to update: 1 up to date" in same.out
    push_change(work, "review/notes.md", "more\n")
    preview = cli("update", "--all", "-n", "-q")
    assert (preview.code, preview.out) == (0, "")
    done = cli("update", "--all", "-v")
    assert done.code == 0, done.err
    after = git(repo, "rev-parse", "HEAD").strip()
    assert f"    {before[:7]} → {after[:7]}" in done.out
    assert "Update complete: 1 updated" in done.out
    assert cli("update", "--all", "-q").out == ""
