"""The kind words of `backup`, `restore`, `trash` and `diff` (``agents``, ``skills``) and
their ``--all``, as the original skillshare reads them; bad words change nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.commands.test_backup_kinds import synced_kinds
from tests.conftest import CliRunner, DaemonStarter, make_skill, write_config

CONFIG = """\
targets:
  claude:
    path: ~/.claude/skills
  cursor:
    path: ~/.cursor/skills
extras:
  - name: rules
    targets:
      - path: ~/.claude/rules
"""


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> dict[str, Path]:
    synced_kinds(home, source, cli, CONFIG)
    (home / ".claude/skills/own").mkdir()
    (home / ".claude/skills/own/SKILL.md").write_text("own\n")
    return {"claude": home / ".claude/skills", "agents": home / ".claude/agents",
            "backups": home / ".local/share/skillshare/backups"}


def _saved(cli: CliRunner, *argv: str) -> set[str]:
    result = cli("backup", *argv, "--json")
    assert result.code == 0, result.err
    return {t["target"] for t in result.json()["targets"]}


def _tree(root: Path) -> dict[str, str]:
    """What is under ``root``: each path with its link text or file content."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = path.read_text()
    return found


# -- backup ---------------------------------------------------------------------------------------


def test_backup_kind_words_scope_what_is_saved(cli: CliRunner, world: dict[str, Path]) -> None:
    assert _saved(cli, "agents", "--dry-run") == {"claude@agents", "cursor@agents"}
    assert _saved(cli, "agents", "claude", "--dry-run") == {"claude@agents"}
    assert _saved(cli, "skills", "--dry-run") == {"claude", "cursor"}
    everything = {"claude", "cursor", "claude@agents", "cursor@agents", "rules@0"}
    assert _saved(cli, "--all", "--dry-run") == everything
    assert _saved(cli, "--dry-run") == everything  # (the default: every kind)
    made = cli("backup", "agents", "claude", "--json").json()
    assert made["kind"] == "agents"
    assert {t["target"] for t in made["targets"]} == {"claude@agents"}
    assert (Path(made["path"]) / "claude@agents/mine.md").read_text() == "mine\n"
    assert not (Path(made["path"]) / "claude").exists()


def test_backup_bad_kind_words_change_nothing(cli: CliRunner, world: dict[str, Path],
                                              home: Path) -> None:
    cases = {("agents", "--all"): "--all", ("agents", "nope"): "target 'nope' not found",
             ("agnets",): "unknown target: agnets", ("skills", "claude@agents"): "with @"}
    for argv, said in cases.items():
        result = cli("backup", *argv)
        assert result.code != 0 and said in result.err, (argv, result.err)
    assert not world["backups"].exists()
    write_config(home, CONFIG.replace("  cursor:\n    path: ~/.cursor/skills\n", ""))
    for folder in (world["agents"], home / ".cursor/agents"):
        for entry in folder.iterdir():
            entry.unlink()
        folder.rmdir()
    none = cli("backup", "agents")
    assert none.code == 1 and "no agents folder to back up" in none.err
    assert not world["backups"].exists()


def test_backup_agents_in_a_project_is_refused(cli: CliRunner, work: Path) -> None:
    assert cli("init", "-p", "--targets", "claude").code == 0
    for argv in (("backup", "-p", "agents"), ("restore", "-p", "agents", "claude")):
        result = cli(*argv)
        assert result.code == 2 and "works on global targets" in result.err, result.err
        assert ".skillshare/agents" in result.err
    assert not (work / ".skillshare/backups").exists()


# -- restore --------------------------------------------------------------------------------------


def test_restore_agents_names_the_agents_folder(cli: CliRunner, world: dict[str, Path]) -> None:
    assert cli("backup").code == 0
    (world["agents"] / "mine.md").unlink()
    (world["claude"] / "alpha").unlink()
    result = cli("restore", "agents", "claude", "--json")
    assert result.code == 0, result.err
    done = result.json()
    assert done["target"] == "claude@agents" and done["kind"] == "agents"
    assert (world["agents"] / "mine.md").read_text() == "mine\n"
    assert not os.path.lexists(world["claude"] / "alpha")  # the skills were left alone
    assert cli("restore", "skills", "claude").code == 0
    assert (world["claude"] / "alpha").is_symlink()


def test_restore_all_restores_both_kinds(cli: CliRunner, world: dict[str, Path]) -> None:
    assert cli("backup").code == 0
    stamp = cli("backup", "--list", "--json").json()["backups"][0]["name"]
    (world["agents"] / "mine.md").unlink()
    (world["claude"] / "own/SKILL.md").write_text("edited\n")
    preview = cli("restore", "--all", "claude", "--dry-run", "--force", "--json").json()
    assert [r["target"] for r in preview["results"]] == ["claude", "claude@agents"]
    assert not (world["agents"] / "mine.md").exists()
    blocked = cli("restore", "--all", "claude", "--from", stamp)  # own/ was edited: not ours
    assert blocked.code == 1 and "did not come from skillshare" in blocked.err
    assert not (world["agents"] / "mine.md").exists()  # (the agents were not restored alone)
    done = cli("restore", "--all", "claude", "--from", stamp, "--force", "--json")
    assert done.code == 0, done.err
    assert [r["kind"] for r in done.json()["results"]] == ["skills", "agents"]
    assert (world["agents"] / "mine.md").read_text() == "mine\n"
    assert (world["claude"] / "own/SKILL.md").read_text() == "own\n"


def test_restore_without_a_target_lists_the_backups(cli: CliRunner,
                                                    world: dict[str, Path]) -> None:
    assert "No backups yet" in cli("restore").out
    assert cli("backup").code == 0
    listed = cli("restore", "--json").json()
    assert listed["action"] == "list" and len(listed["backups"]) == 1
    text = cli("restore").out
    assert "claude@agents/" in text and "skillshare restore <target>" in text
    assert cli("restore", "--no-tui").out == text  # (the original's list without its TUI)
    for argv in (("--dry-run",), ("agents",), ("--all",)):
        result = cli("restore", *argv)
        assert result.code == 2 and "usage: skillshare restore" in result.err, argv


def test_restore_bad_kind_words_change_nothing(cli: CliRunner, world: dict[str, Path]) -> None:
    before = _tree(world["agents"].parent)
    nothing = cli("restore", "agents", "claude")  # no backup of its agents yet
    assert nothing.code == 1 and "no backup of claude@agents found" in nothing.err
    assert "skillshare backup agents claude" in nothing.err
    assert cli("backup", "skills").code == 0
    (world["agents"] / "mine.md").write_text("changed\n")
    before = _tree(world["agents"].parent)
    cases = {("--all", "agents", "claude"): "--all", ("agnets", "claude"): "one target",
             ("agents", "nope"): "target 'nope' not found",
             ("--all", "claude"): "no backup of claude@agents found",
             ("agents", "claude", "rules"): "one target",
             ("skills", "claude@agents"): "not a skills target"}
    for argv, said in cases.items():
        result = cli("restore", *argv)
        assert result.code != 0 and said in result.err, (argv, result.err)
    assert _tree(world["agents"].parent) == before


def test_restore_dash_f_with_a_backup_name_is_refused(cli: CliRunner,
                                                      world: dict[str, Path]) -> None:
    assert cli("backup").code == 0
    stamp = cli("backup", "--list", "--json").json()["backups"][0]["name"]
    (world["claude"] / "own/SKILL.md").write_text("edited\n")
    result = cli("restore", "-f", stamp, "claude")  # the original's -f is --from
    assert result.code == 2 and "-f here is --force" in result.err
    assert f"--from {stamp}" in result.err
    after = cli("restore", "claude", "-f", stamp)  # (a usage error of the parser)
    assert after.code == 2 and stamp in after.err
    assert (world["claude"] / "own/SKILL.md").read_text() == "edited\n"


# -- trash ----------------------------------------------------------------------------------------


@pytest.fixture
def trashed(cli: CliRunner, world: dict[str, Path], source: Path) -> dict[str, Path]:
    make_skill(source, "tutor")  # a skill of the agent's name, trashed too
    for argv in (("uninstall", "alpha", "--force"), ("uninstall", "agents", "tutor", "--force"),
                 ("uninstall", "tutor", "--force")):
        result = cli(*argv)
        assert result.code == 0, (argv, result.err)
    return world


def test_trash_all_lists_both_kinds(cli: CliRunner, trashed: dict[str, Path]) -> None:
    for argv in (("trash", "--all", "list"), ("trash", "--all")):
        listed = cli(*argv, "--json").json()
        assert listed["kind"] == "all"
        assert sorted((i["kind"], i["name"]) for i in listed["items"]) == [
            ("agent", "tutor"), ("skill", "alpha"), ("skill", "tutor")]
        stamps = [i["trashed_at"] for i in listed["items"]]  # (one form: sorts as text)
        assert stamps == sorted(stamps, reverse=True)
    text = cli("trash", "--all", "list").out
    assert "Trash (skills and agents)" in text and "[A] tutor" in text and "[S] alpha" in text
    assert [i["name"] for i in cli("trash", "--json").json()["items"]] != []
    assert {i["kind"] for i in cli("trash", "--json").json()["items"]} == {"skill"}


def test_trash_all_restores_a_name_from_either_trash(cli: CliRunner, trashed: dict[str, Path],
                                                      source: Path, home: Path) -> None:
    both = cli("trash", "--all", "restore", "tutor")  # in both trashes: which one is unsaid
    assert both.code == 2 and "trash agents restore tutor" in both.err, both.err
    assert not (source / "tutor").exists()
    assert not (home / ".config/skillshare/agents/tutor.md").exists()
    done = cli("trash", "--all", "restore", "alpha", "--json")
    assert done.code == 0, done.err
    assert done.json()["kind"] == "skill" and (source / "alpha/SKILL.md").exists()
    gone = cli("trash", "--all", "delete", "nope")
    assert gone.code == 1 and "not found in the trash of skills or of agents" in gone.err
    assert cli("trash", "agents", "restore", "tutor").code == 0
    assert (home / ".config/skillshare/agents/tutor.md").read_text() == "tutor\n"


def test_trash_all_empty_empties_both(cli: CliRunner, trashed: dict[str, Path]) -> None:
    asked = cli("trash", "--all", "empty")
    assert asked.code == 2 and "deletes 3 items" in asked.err
    assert len(cli("trash", "--all", "--json").json()["items"]) == 3
    done = cli("trash", "--all", "empty", "--force", "--json").json()
    assert done["kind"] == "all" and len(done["items"]) == 3
    assert cli("trash", "--all", "--json").json()["items"] == []


def test_trash_bad_kind_words_change_nothing(cli: CliRunner, trashed: dict[str, Path]) -> None:
    cases = {("trash", "--all", "agents", "list"): "--all",
             ("trash", "--kind", "skill", "agents", "list"): "disagree",
             ("trash", "--all", "--kind", "agent", "empty", "--force"): "--all",
             ("trash", "agnets", "list"): "unknown trash action 'agnets'"}
    for argv, said in cases.items():
        result = cli(*argv)
        assert result.code == 2 and said in result.err, (argv, result.err)
    assert len(cli("trash", "--all", "--json").json()["items"]) == 3


# -- diff -----------------------------------------------------------------------------------------


def test_diff_kind_words(cli: CliRunner, world: dict[str, Path]) -> None:
    (world["agents"].parent.parent / ".config/skillshare/agents/new.md").write_text("new\n")
    one = cli("diff", "agents", "claude", "--json")
    assert one.code == 0, one.err
    (target,) = one.json()["targets"]
    assert target["name"] == "claude (agents)"
    assert {(i["name"], i["kind"]) for i in target["items"]} >= {("new.md", "agent")}
    every = {t["name"] for t in cli("diff", "agents", "--json").json()["targets"]}
    assert every == {"claude (agents)", "cursor (agents)"}
    skills = cli("diff", "skills", "--json").json()
    assert {t["name"] for t in skills["targets"]} == {"claude", "cursor"}
    assert {i["kind"] for t in skills["targets"] for i in t["items"]} <= {"skill"}
    mixed = {t["name"] for t in cli("diff", "claude", "--json").json()["targets"]}
    assert mixed == {"claude", "claude (agents)"}
    assert "Diff: source ↔ claude (agents)" in cli("diff", "agents", "claude").out


def test_diff_bad_kind_words(cli: CliRunner, world: dict[str, Path], home: Path) -> None:
    cases = {("agents", "nope"): "target 'nope' not found",
             ("agents", "claude", "cursor"): "one target",
             ("skills", "rules"): "unknown target: rules",
             ("agents", "claude", "--target", "cursor"): "two targets"}
    for argv, said in cases.items():
        result = cli("diff", *argv)
        assert result.code != 0 and said in result.err, (argv, result.err)
    write_config(home, CONFIG.replace("extras:", "  custom:\n    path: ~/custom/skills\n"
                                                 "extras:"))  # (no agents folder known)
    none = cli("diff", "agents", "custom")
    assert none.code == 1 and "target 'custom' has no agents folder" in none.err, none.err


def test_the_daemon_reads_the_same_words(daemon: DaemonStarter, cli: CliRunner,
                                         world: dict[str, Path]) -> None:
    daemon()
    assert _saved(cli, "agents", "claude") == {"claude@agents"}
    listed = cli("restore", "--json").json()
    assert listed["action"] == "list" and len(listed["backups"]) == 1
    (world["agents"] / "mine.md").unlink()
    done = cli("restore", "agents", "claude", "--json")
    assert done.code == 0, done.err
    assert (world["agents"] / "mine.md").read_text() == "mine\n"
    (target,) = cli("diff", "agents", "claude", "--json").json()["targets"]
    assert target["name"] == "claude (agents)"
    assert cli("trash", "--all", "--json").json()["kind"] == "all"
    bad = cli("restore", "--all", "agents", "claude")
    assert bad.code == 2 and "--all" in bad.err
