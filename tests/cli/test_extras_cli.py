"""``skillshare extras`` on the command line: its words and flags parsed alike by the quick
parse and argparse, the text shown, --json, and a config written by the original tool."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillshare.commands import quick_parse
from tests.cli.test_commands import argparse_reads
from tests.conftest import CliRunner, write_config
from tests.original_world.config import every_global_key, write_global_config


@pytest.mark.parametrize("argv", [
    ["extras"], ["extras", "list", "--json"],
    ["extras", "init", "rules", "--target", "~/a", "--target", "~/b", "--mode", "copy"],
    ["extras", "init", "commands", "--target", "claude", "--flatten", "-p"],
    ["extras", "rules", "--mode", "copy", "--target", "~/a"],
    ["extras", "rules", "--no-flatten"], ["extras", "rules", "--add-target", "~/c"],
    ["extras", "rules", "--remove-target", "~/c", "--prune", "-n"],
    ["extras", "collect", "rules", "--from", "~/a", "--dry-run"],
    ["extras", "source", "~/x"], ["extras", "remove", "rules", "--force"],
])
def test_the_quick_parse_reads_extras_as_argparse_does(argv: list[str]) -> None:
    quick = quick_parse(argv)
    assert quick is not None
    assert argparse_reads(argv) == vars(quick)


@pytest.fixture
def configured(home: Path) -> Path:
    (home / ".config/skillshare/skills").mkdir(parents=True)
    return write_config(home, "targets: {}\n")


def test_a_session_in_text(cli: CliRunner, home: Path, configured: Path) -> None:
    made = cli("extras", "init", "rules", "--target", "~/.claude/rules", "--target",
               "~/.cursor/rules")
    assert made.code == 0, made.err
    assert "Created extra rules" in made.out and "~/.config/skillshare/extras/rules" in made.out
    source = home / ".config/skillshare/extras/rules"
    (source / "style.md").write_text("be brief\n")
    (home / ".claude/rules").mkdir(parents=True)
    os.symlink(source / "style.md", home / ".claude/rules/style.md")
    listed = cli("extras", "list")
    assert listed.code == 0, listed.err
    assert listed.out.splitlines()[2:5] == [
        "→ rules  ~/.config/skillshare/extras/rules/ · 1 file",
        "  ✓ ~/.claude/rules  merge", "  ✗ ~/.cursor/rules  merge  not synced"]
    changed = cli("extras", "rules", "--mode", "copy", "--target", "~/.cursor/rules")
    assert changed.code == 0, changed.err
    assert "rules: mode of ~/.cursor/rules: merge -> copy" in changed.out
    assert "skillshare sync extras" in changed.out
    shown = cli("extras", "source")
    assert shown.out.strip() == "extras_source: ~/.config/skillshare/extras (default)"
    moved = cli("extras", "source", "~/team-extras", "-n")
    assert "Set extras_source: ~/.config/skillshare/extras -> ~/team-extras (dry run)" in moved.out
    wrong = cli("extras", "rules", "--mode", "mirror", "--target", "~/.cursor/rules")
    assert wrong.code != 0 and "invalid mode 'mirror'" in wrong.err
    gone = cli("extras", "remove", "rules", "--json")
    assert gone.code == 0 and gone.json()["name"] == "rules"
    assert "No extras configured" in cli("extras").out


def test_an_unknown_extra_is_an_error(cli: CliRunner, configured: Path) -> None:
    result = cli("extras", "rules", "--json")
    assert result.code != 0
    assert "extra 'rules' not found" in result.json()["error"]["message"]


def test_the_originals_config_with_extras_lists(cli: CliRunner, home: Path) -> None:
    base = home / ".config/skillshare"
    keys = every_global_key(home, base / "skills")
    keys["extras"][0]["targets"].append({"path": str(home / ".gemini/commands"),
                                         "extension": "gemini-commands"})
    write_global_config(base, base / "skills", {"claude": home / ".claude/skills"}, **keys)
    (base / "skills").mkdir(parents=True)
    result = cli("extras", "list", "--json")
    assert result.code == 0, result.err
    rules, commands = result.json()
    assert (rules["source"], rules["source_type"]) == (str(home / "my-extras/rules"),
                                                       "extras_source")
    assert [t["status"] for t in rules["targets"]] == ["no source", "no source", "left out"]
    assert (commands["source_type"], commands["targets"][0]["flatten"]) == ("per-extra", True)
    text = cli("extras", "list").out
    assert "extension: gemini-commands  left out" in text
