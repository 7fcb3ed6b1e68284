"""Text output shows paths under the home folder as ``~/…`` (every command, and the errors);
``--json`` keeps them whole; a file's content (a diff, a finding's excerpt) is shown as it
is."""

from __future__ import annotations

import json
from pathlib import Path

from skillshare.textout import Out, shorten
from tests.conftest import CliRunner, make_skill, write_config

HOME = "/home/ann"


def test_shorten_only_where_a_path_under_home_starts() -> None:
    cases = {
        "/home/ann": "~",
        "in /home/ann/.claude/skills, twice: '/home/ann/x' (/home/ann/y)":
            "in ~/.claude/skills, twice: '~/x' (~/y)",
        "a=/home/ann/b; /home/ann.": "a=~/b; ~.",
        "/home/ann2/x /home/ann.bak": "/home/ann2/x /home/ann.bak",  # another folder
        "file:///home/ann/repo /mnt/home/ann/x": "file:///home/ann/repo /mnt/home/ann/x",
    }
    for text, shown in cases.items():
        assert shorten(text, HOME) == shown
        assert shorten(text, HOME + "/") == shown
    assert shorten("/etc/x", "/") == "/etc/x"  # a home of / shortens nothing
    assert shorten("/home/ann/x", "") == "/home/ann/x"


def test_every_line_but_a_verbatim_one_is_shortened() -> None:
    out = Out(HOME)
    out("Source: /home/ann/skills")
    out.verbatim("+ see /home/ann/notes")
    out.lines.extend(["moved /home/ann/a"])  # (renderers add lines this way too)
    assert out.text() == "Source: ~/skills\n+ see /home/ann/notes\nmoved ~/a"


def _setup(home: Path, source: Path) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n")
    make_skill(source, "alpha")
    make_skill(home / ".claude/skills", "mine")  # a local skill for collect


COMMANDS = [
    ["sync", "-v"], ["status"], ["doctor"], ["backup"], ["backup", "--list"], ["list", "-v"],
    ["target", "claude"], ["target", "list"], ["diff"], ["audit"], ["daemon", "status"],
    ["restore", "cursor"], ["collect", "claude"], ["uninstall", "alpha", "--force"],
    ["trash"], ["log"], ["check"], ["update", "--all"],
    ["install", "{home}/incoming/beta"], ["install", "{home}/nowhere"],  # (an error)
    ["target", "add", "mine", "{home}/tools/mine/skills"], ["sync"], ["status"],
]
SHOW_PATHS = {"sync", "status", "doctor", "backup", "list", "target", "collect", "install"}


def test_no_command_shows_the_home_folder_whole(cli: CliRunner, home: Path,
                                                source: Path) -> None:
    _setup(home, source)
    make_skill(home, "incoming/beta")
    whole = str(home)
    for words in COMMANDS:
        argv = [word.format(home=whole) for word in words]
        result = cli(*argv)
        assert result.code in (0, 1), (argv, result.err)
        shown = result.out + result.err
        assert "~/" in shown or argv[0] not in SHOW_PATHS, (argv, shown)
        assert whole not in shown, (argv, shown)
    assert "error: no folder ~/nowhere" in cli("install", f"{whole}/nowhere").err


def test_json_keeps_the_paths_whole(cli: CliRunner, home: Path, source: Path) -> None:
    _setup(home, source)
    synced = cli("sync", "--json").json()
    assert synced["source"] == str(source)
    assert {t["path"] for t in synced["results"]} == {str(home / ".claude/skills"),
                                                      str(home / ".cursor/skills")}
    status = cli("status", "--json").json()
    assert status["source"]["path"] == str(source)
    audited = json.loads(cli("audit", "--format", "json").out)  # (a document, printed whole)
    assert audited["skills"][0]["path"] == str(source / "alpha")
    failed = cli("install", str(home / "nowhere"), "--json")
    assert str(home / "nowhere") in failed.json()["error"]["message"]
    assert str(home / "nowhere") in failed.err  # (beside --json, the text is the same)


def test_a_files_content_is_shown_as_it_is(cli: CliRunner, home: Path, source: Path) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n    mode: copy\n")
    make_skill(source, "alpha", body="see the notes\n")
    assert cli("sync").code == 0
    copied = home / ".claude/skills/alpha/SKILL.md"
    copied.write_text(copied.read_text().replace("see the notes", f"see {home}/notes"))
    shown = cli("diff", "--patch").out
    assert f"+see {home}/notes" in shown or f"-see {home}/notes" in shown, shown
