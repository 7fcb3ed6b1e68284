"""``sync`` says what this run did: "3 linked", "nothing to do", "would prune 1"; ``-v``
lists every change under its target, ``-q`` only problems; the JSON stays as it was."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import CliRunner, DaemonStarter, make_skill, write_config


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n    mode: copy\n")
    for name in ("alpha", "beta", "gamma"):
        make_skill(source, name)
    claude = home / ".claude/skills"
    (claude / "mine").mkdir(parents=True)
    return {"source": source, "claude": claude, "cursor": home / ".cursor/skills"}


def _under(text: str, target: str) -> list[str]:
    """The indented lines below a target's line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line[2:].startswith(f"{target}: "))
    below = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        below.append(line.strip())
    return below


def test_a_second_sync_says_nothing_to_do(cli: CliRunner, world: dict[str, Path]) -> None:
    first = cli("sync")
    assert first.code == 0
    assert "✓ claude: 3 linked (merge: 3 skills, 1 local)" in first.out
    assert "✓ cursor: 3 copied (copy: 3 skills) — created ~/.cursor/skills" in first.out
    assert "Sync complete: 2 targets, 2 changed (" in first.out
    second = cli("sync")
    assert second.code == 0
    assert "✓ claude: nothing to do (merge: 3 skills, 1 local)" in second.out
    assert "✓ cursor: nothing to do (copy: 3 skills)" in second.out
    assert "Sync complete: 2 targets, nothing to do (" in second.out
    assert _under(second.out, "claude") == [] and _under(first.out, "cursor") == []


def test_dry_run_says_what_it_would_do(cli: CliRunner, world: dict[str, Path]) -> None:
    dry = cli("sync", "--dry-run")
    assert "✓ claude: would link 3 (merge: 3 skills, 1 local)" in dry.out
    assert _under(dry.out, "claude") == ["+ link alpha", "+ link beta", "+ link gamma"]
    assert "Dry run complete: 2 targets, 2 would change (" in dry.out
    cli("sync")
    shutil.rmtree(world["source"] / "gamma")
    dry = cli("sync", "-n")
    assert "✓ claude: would prune 1 (merge: 2 skills, 1 local)" in dry.out
    assert _under(dry.out, "cursor") == ["- prune gamma"]
    assert (world["claude"] / "gamma").is_symlink()  # (nothing was done)


def test_verbose_lists_each_change_under_its_target(cli: CliRunner,
                                                    world: dict[str, Path]) -> None:
    first = cli("sync", "-v")
    assert _under(first.out, "claude") == ["+ linked alpha", "+ linked beta", "+ linked gamma"]
    assert _under(first.out, "cursor") == ["+ copied alpha", "+ copied beta", "+ copied gamma"]
    shutil.rmtree(world["source"] / "gamma")
    (world["source"] / "beta/SKILL.md").write_text("---\nname: beta\n---\nnew\n")
    (world["source"] / "alpha/more.md").write_text("more\n")
    plain = cli("sync", "--dry-run")
    assert "✓ cursor: would update 2, prune 1 (copy: 2 skills)" in plain.out
    text = cli("sync", "--verbose").out
    assert "✓ claude: 1 pruned (merge: 2 skills, 1 local)" in text
    assert _under(text, "claude") == ["- pruned gamma"]
    assert "✓ cursor: 2 updated, 1 pruned (copy: 2 skills)" in text
    assert _under(text, "cursor") == ["~ updated alpha", "~ updated beta", "- pruned gamma"]
    assert _under(cli("sync", "-v").out, "cursor") == []  # nothing to do: nothing listed


def test_quiet_shows_only_problems(cli: CliRunner, world: dict[str, Path]) -> None:
    quiet = cli("sync", "-q")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    assert (world["claude"] / "alpha").is_symlink()
    make_skill(world["source"], "mine")  # the target's own folder is in the way
    quiet = cli("sync", "-q", "-v")  # (-q wins)
    assert quiet.out.splitlines() == [
        "⚠ claude: nothing changed (merge: 3/4 skills, 1 local)",
        "    ! mine: a folder that is not ours (different content)",
        "      (use --force to back them up and replace them, or `skillshare collect claude "
        "--force` to keep the target's version in the source)"]
    assert quiet.code == cli("sync").code
    theirs = "---\nname: mine\n---\nthe target's own\n"
    (world["claude"] / "mine/SKILL.md").write_text(theirs)
    assert cli("collect", "claude", "--force").code == 0  # the hint, followed, mends it
    assert (world["source"] / "mine/SKILL.md").read_text() == theirs
    assert cli("sync", "-q").out == ""


def test_json_is_the_same_with_or_without_the_words(cli: CliRunner,
                                                    world: dict[str, Path]) -> None:
    cli("sync")
    plain, verbose = cli("sync", "--json").json(), cli("sync", "-v", "--json").json()
    assert verbose.pop("verbose") is True and "verbose" not in plain
    for doc in (plain, verbose):
        doc.pop("duration")
        doc.pop("duration_ms")
    assert plain == verbose


def test_sync_all_speaks_the_same_for_agents(cli: CliRunner, home: Path,
                                             world: dict[str, Path]) -> None:
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "tutor.md").write_text("---\nname: tutor\n---\nteach\n")
    text = cli("sync", "--all", "-v").out
    assert "Syncing agents" in text
    assert "✓ claude: 1 linked (merge: 1 agent)" in text
    assert "+ linked tutor.md" in text
    again = cli("sync", "--all")
    assert "✓ claude: nothing to do (merge: 1 agent)" in again.out
    assert cli("sync", "--all", "-q").out == ""


def _timeless(text: str) -> str:
    return re.sub(r"\(\d+\.\d+s\)", "(…s)", text)


def test_the_daemon_carries_the_words(cli: CliRunner, world: dict[str, Path],
                                      daemon: DaemonStarter) -> None:
    make_skill(world["source"], "mine")  # a conflict the daemon cannot resolve either
    d = daemon()
    for flags in (("-v",), ("-q",), ("-n", "-v")):
        through = cli("sync", *flags)
        d.settle()
        local = cli("sync", *flags, "--no-daemon")
        # the same words, the closing line's too, but for how long the run took
        assert _timeless(through.out) == _timeless(local.out)
        assert through.code == local.code and "! mine: a folder that is not ours" in local.out
    assert cli("sync", "-v", "--json").json()["verbose"] is True


def test_a_symlink_target_says_its_folder_is_linked(cli: CliRunner, home: Path,
                                                    world: dict[str, Path]) -> None:
    write_config(home, "targets:\n  codex:\n    path: ~/.codex/skills\n    mode: symlink\n")
    assert "✓ codex: would link it to the source (symlink)" in cli("sync", "-n").out
    first = cli("sync", "-v")
    assert "✓ codex: linked to the source (symlink)" in first.out
    assert _under(first.out, "codex") == [
        "+ linked ~/.codex/skills (the folder links to the source)"]
    assert "✓ codex: nothing to do (symlink)" in cli("sync").out
