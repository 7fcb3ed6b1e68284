"""A home folder set up by the original skillshare (Go, v0.20.22) works unchanged here.

The world is built file by file from the original's formats (``tests/original_world``): its
config (nested targets, ``sources:``, keys not used by this version), installs by copy and
``--track`` recorded in ``.metadata.json``, a merge target and a copy target after its sync,
a backup of both, an item its ``uninstall`` left in the trash, and a user audit rules file.
Remotes are bare repositories over file://.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, DaemonStarter, make_skill, tree, wait_for
from tests.original_world.audit_rules import CORP_KEY, write_user_rules
from tests.original_world.backups import write_backup
from tests.original_world.config import write_global_config, write_project_config
from tests.original_world.copies import MANIFEST, write_copy_target, write_merge_target
from tests.original_world.installs import write_copy_install, write_tracked_install
from tests.original_world.trash import write_trash_item
from tests.team_repos import head, push_change, team_repo

# The flat names of every skill in the source (the user's own, a copy installed from the
# team's repo, and the two skills of the tracked clone of that repo).
NAMES = ["code-review", "docs__writing", "review", "_team-skills__frontend__react",
         "_team-skills__review"]


@dataclass
class World:
    home: Path
    source: Path
    claude: Path  # merge mode
    cursor: Path  # copy mode
    team: Path  # the team's work tree (its bare remote is what was installed from)
    backup: Path

    def metadata(self) -> dict[str, Any]:
        data = json.loads((self.source / ".metadata.json").read_text())
        assert isinstance(data, dict)
        return data


def snapshot(target: Path) -> dict[str, tuple[str, str]]:
    """Every entry of a target but its manifest (which becomes ours on the first sync)."""
    return {rel: what for rel, what in tree(target).items() if rel != MANIFEST}


@pytest.fixture
def world(home: Path, source: Path, tmp_path: Path) -> World:
    team, bare = team_repo(tmp_path)
    url = f"file://{bare}"
    source.mkdir(parents=True)
    make_skill(source, "code-review", body="v1\n")
    make_skill(source, "docs/writing")
    write_copy_install(source, url, "review")
    write_tracked_install(source, url)
    claude, cursor = home / ".claude/skills", home / ".cursor/skills"
    write_merge_target(claude, source, NAMES)
    write_copy_target(cursor, source, NAMES)
    config_dir = home / ".config/skillshare"
    write_global_config(
        config_dir, source, {"claude": claude},
        forms={"cursor": {"skills": {"path": str(cursor), "mode": "copy"}}},
        target_naming="flat",
        extras=[{"name": "rules", "targets": [{"path": str(home / ".claude/rules")}]}],
        context_budget={"warn_always_loaded_tokens": 8000},
        log={"max_entries": 500})
    write_user_rules(config_dir)
    yesterday = datetime.now() - timedelta(days=1)
    backup = write_backup(home / ".local/share/skillshare/backups", yesterday,
                          {"claude": claude, "cursor": cursor})
    gone = make_skill(tmp_path / "was-installed", "old-helper", body="kept\n")
    write_trash_item(home / ".local/share/skillshare/trash", "old-helper", gone, yesterday)
    return World(home, source, claude, cursor, team, backup)


def test_list_status_and_doctor_see_everything_the_original_made(cli: CliRunner,
                                                                  world: World) -> None:
    listed = {s["name"]: s for s in cli("list", "--json").json()}
    assert sorted(listed) == sorted(NAMES)
    assert listed["review"]["origin"] == "installed"
    assert listed["_team-skills__review"]["origin"] == "tracked"
    assert listed["code-review"]["origin"] == "local"

    status = cli("status", "--json").json()
    targets = {t["name"]: t for t in status["targets"]}
    assert targets["claude"]["synced"] == targets["claude"]["expected"] == len(NAMES)
    assert targets["cursor"]["synced"] == targets["cursor"]["expected"] == len(NAMES)
    assert not targets["cursor"]["conflicts"]
    assert [r["name"] for r in status["tracked_repos"]] == ["_team-skills"]

    result = cli("doctor", "--json")
    assert result.code == 0, result.out
    checks = result.json()["checks"]
    assert not [c for c in checks if c["status"] == "error"], checks
    said = "\n".join(f"{c['name']}: {c['message']} {c.get('details', '')}" for c in checks)
    assert "2 installs (1 tracked) read from" in said
    assert "1 backup made by skillshare (Go), 1 readable" in said
    assert "1 item trashed by skillshare (Go)" in said
    assert f"made by skillshare (Go): {len(NAMES)} copies" in said
    assert "context_budget" not in said and "extras:" not in said  # (both used now)
    assert "the original skillshare's format" in said  # the user's audit rules
    assert cli("doctor").code == 0


def test_sync_changes_nothing_then_a_source_edit_reaches_the_copies(cli: CliRunner,
                                                                    world: World) -> None:
    before = {t: snapshot(t) for t in (world.claude, world.cursor)}
    result = cli("sync", "--json")
    assert result.code == 0, result.err
    report = {t["name"]: t for t in result.json()["results"]}
    assert not report["cursor"]["conflicts"] and not report["claude"]["conflicts"]
    assert {t: snapshot(t) for t in (world.claude, world.cursor)} == before
    assert json.loads((world.cursor / MANIFEST).read_text())["tool"] == "skillshared"

    again = cli("sync", "--json").json()  # nothing left to do
    assert [t["changed"] for t in again["results"]] == [0, 0], again

    make_skill(world.source, "code-review", body="v2\n")
    assert cli("sync").code == 0
    assert (world.cursor / "code-review/SKILL.md").read_text().endswith("v2\n")
    assert snapshot(world.claude) == before[world.claude]


def test_the_daemon_takes_over_the_originals_targets_without_changing_them(
        world: World, daemon: DaemonStarter) -> None:
    before = {t: snapshot(t) for t in (world.claude, world.cursor)}
    d = daemon()
    d.settle()
    assert {t: snapshot(t) for t in (world.claude, world.cursor)} == before
    assert json.loads((world.cursor / MANIFEST).read_text())["tool"] == "skillshared"
    assert not (world.claude / MANIFEST).exists()  # links need no manifest
    make_skill(world.source, "code-review", body="v2\n")
    copy = world.cursor / "code-review/SKILL.md"
    wait_for(lambda: copy.read_text().endswith("v2\n"), 30, "the edit to reach the copy")


def test_update_all_check_and_uninstall_of_the_originals_installs(cli: CliRunner,
                                                                  world: World) -> None:
    push_change(world.team, "review/SKILL.md", "---\nname: review\ndescription: x\n---\nv2\n")
    checked = cli("check", "--json")
    assert checked.code == 0, checked.err
    assert "review" in checked.out and "_team-skills" in checked.out

    result = cli("update", "--all")
    assert result.code == 0, result.out + result.err
    assert (world.source / "review/SKILL.md").read_text().endswith("v2\n")
    assert (world.source / "_team-skills/review/SKILL.md").read_text().endswith("v2\n")
    entries = world.metadata()["entries"]
    assert entries["review"]["version"] == head(world.team)  # kept in its own format

    assert cli("uninstall", "review").code == 0
    assert not (world.source / "review").exists()
    assert "review" not in world.metadata()["entries"]
    assert cli("install").code == 0  # re-creates what is recorded and missing: not review
    assert not (world.source / "review").exists()


def test_restore_from_the_originals_backup_gives_links_back(cli: CliRunner, world: World) -> None:
    assert cli("sync").code == 0
    for entry in list(world.claude.iterdir()):  # the user loses the target's links
        if entry.is_symlink():
            entry.unlink()
    result = cli("restore", "claude", "--from", world.backup.name, "--json")
    assert result.code == 0, result.err
    for name in NAMES:
        link = world.claude / name
        assert link.is_symlink(), name
        assert Path(os.path.realpath(link)) == Path(os.path.realpath(world.source)) / \
            name.replace("__", "/")


def test_trash_restore_of_what_the_original_uninstalled(cli: CliRunner, world: World) -> None:
    listed = cli("trash", "list", "--json").json()
    assert "old-helper" in [i["name"] for i in listed["items"]]
    assert cli("trash", "restore", "old-helper").code == 0
    assert (world.source / "old-helper/SKILL.md").read_text().endswith("kept\n")


def test_audit_applies_the_users_rule_file_in_the_originals_format(cli: CliRunner,
                                                                   world: World) -> None:
    make_skill(world.source, "deploy", body=f"Use the key {CORP_KEY} to deploy.\n"
                                            "See [the notes](notes.md).\n")
    result = cli("audit", "--json")
    report = result.json()
    found = {(f["rule"], s["name"]) for s in report["skills"] for f in s["findings"]}
    assert ("acme-api-key", "deploy") in found
    # its rules[3] turns the original's dangling-link check off: ours follows, no warning
    assert ("dangling-link", "deploy") not in found and report["warnings"] == []
    rules = world.home / ".config/skillshare/audit-rules.yaml"
    rules.write_text(rules.read_text() + "  - id: no-such-rule\n    enabled: false\n")
    text = cli("audit").out  # what of the file cannot be used is said in text too
    assert "audit rules: " in text and "`no-such-rule` is no rule" in text


def test_the_originals_world_is_left_as_it_was_where_nothing_needed_to_change(
        cli: CliRunner, world: World) -> None:
    """Reading commands change nothing on disk (but git's own fetch records: `check`
    fetches the tracked repo to compare)."""
    watched = [world.source, world.claude, world.cursor, world.backup.parent,
               world.home / ".local/share/skillshare/trash"]
    config = (world.home / ".config/skillshare/config.yaml").read_text()
    for argv in (("list",), ("status",), ("doctor",), ("sync", "--dry-run"), ("check",),
                 ("backup", "--list"), ("trash", "list"), ("audit",)):
        before = {p: tree(p) for p in watched}
        cli(*argv)
        changed = [f"{p}/{rel}" for p in watched for rel in set(before[p]) | set(tree(p))
                   if before[p].get(rel) != tree(p).get(rel) and "/.git/" not in f"/{rel}"]
        assert not changed, (argv, changed)
    assert (world.home / ".config/skillshare/config.yaml").read_text() == config


def test_a_project_set_up_by_the_original_syncs_with_nothing_changed(
        cli: CliRunner, work: Path, tmp_path: Path) -> None:
    _, bare = team_repo(tmp_path)
    skills = work / ".skillshare/skills"
    make_skill(skills, "lint")
    write_copy_install(skills, f"file://{bare}", "review", into="team")
    claude, tools = work / ".claude/skills", work / "tools/skills"
    write_merge_target(claude, skills, ["lint", "team__review"], relative=True)
    write_copy_target(tools, skills, ["lint", "team__review"])
    write_project_config(
        work, ["claude", {"name": "tools", "skills": {"path": "tools/skills", "mode": "copy"}}],
        skills=[{"name": "review", "source": f"file://{bare}//review", "group": "team"}],
        target_naming="flat")
    before = {t: snapshot(t) for t in (claude, tools)}
    listed = {s["name"]: s["origin"] for s in cli("list", "-p", "--json").json()}
    assert listed == {"lint": "local", "team__review": "installed"}
    assert cli("doctor", "-p").code == 0
    result = cli("sync", "-p", "--json")
    assert result.code == 0, result.err
    assert not any(t["conflicts"] for t in result.json()["results"])
    assert {t: snapshot(t) for t in (claude, tools)} == before
    status = {t["name"]: t for t in cli("status", "-p", "--json").json()["targets"]}
    assert [status[n]["synced"] for n in ("claude", "tools")] == [2, 2]
