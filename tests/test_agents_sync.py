"""`skillshare sync agents` (and `sync --all`) on real folders: the three modes, ownership of
a user's own files, copies with a manifest, the mass-delete guard counting agents apart from
skills, filters, dry run, backups before a forced replacement."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliRunner, make_skill, write_config

AGENT = "---\nname: {name}\ndescription: about {name}\n---\nDo {name} things.\n"


def agents_dir(home: Path) -> Path:
    return home / ".config/skillshare/agents"


def make_agent(home: Path, rel: str, body: str | None = None) -> Path:
    path = agents_dir(home) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body if body is not None else AGENT.format(name=Path(rel).stem))
    return path


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    """Two skills; three agents (one nested); claude (merge) and cursor (copy) read agents,
    codex reads none."""
    make_skill(source, "alpha")
    make_skill(source, "beta")
    for rel in ("tutor.md", "reviewer.md", "team/planner.md"):
        make_agent(home, rel)
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n    mode: copy\n"
                       "  codex:\n    path: ~/.codex/skills\n")
    return {"claude": home / ".claude/agents", "cursor": home / ".cursor/agents",
            "source": agents_dir(home)}


def run(cli: CliRunner, *args: str, code: int = 0) -> dict[str, Any]:
    result = cli("sync", "--json", *args)
    assert result.code == code, result.out + result.err
    data: dict[str, Any] = result.json()
    return data


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in report["results"]}


def test_plain_sync_leaves_agents_alone(cli: CliRunner, world: dict[str, Path]) -> None:
    report = run(cli)
    assert report["kind"] == "skills" and report["skills"] == 2
    assert not world["claude"].exists() and not world["cursor"].exists()


def test_sync_agents_links_merge_and_copies_copy(cli: CliRunner,
                                                 world: dict[str, Path]) -> None:
    report = run(cli, "agents")
    assert report["kind"] == "agents" and report["agents"] == 3
    assert set(by_name(report)) == {"claude", "cursor"}  # codex reads no agents
    claude, cursor, source = world["claude"], world["cursor"], world["source"]
    assert sorted(os.listdir(claude)) == ["reviewer.md", "team__planner.md", "tutor.md"]
    assert os.readlink(claude / "team__planner.md") == str(source / "team/planner.md")
    assert sorted(os.listdir(cursor)) == [".skillshare-manifest.json", "reviewer.md",
                                          "team__planner.md", "tutor.md"]
    assert not os.path.islink(cursor / "tutor.md")
    assert (cursor / "tutor.md").read_text() == (source / "tutor.md").read_text()
    manifest = json.loads((cursor / ".skillshare-manifest.json").read_text())
    assert set(manifest["managed"]) == {"reviewer.md", "team__planner.md", "tutor.md"}
    assert not (world["claude"].parent / "skills").exists()  # skills untouched
    again = run(cli, "agents")
    assert all(t["changed"] == 0 for t in again["results"])
    assert by_name(again)["cursor"]["up_to_date"] == 3


def test_copy_updates_unedited_copies_and_keeps_edited_ones(cli: CliRunner,
                                                            world: dict[str, Path]) -> None:
    run(cli, "agents")
    cursor, source = world["cursor"], world["source"]
    (source / "tutor.md").write_text("new tutor\n")
    (cursor / "reviewer.md").write_text("my own edit\n")
    (source / "reviewer.md").write_text("new reviewer\n")
    report = run(cli, "agents")
    line = by_name(report)["cursor"]
    assert (cursor / "tutor.md").read_text() == "new tutor\n"
    assert (cursor / "reviewer.md").read_text() == "my own edit\n"
    assert [c["name"] for c in line["conflicts"]] == ["reviewer.md"]
    assert "edited in the target" in line["conflicts"][0]["reason"]


def test_a_users_own_file_is_never_touched(cli: CliRunner, world: dict[str, Path]) -> None:
    """A file of the user's in the agents folder, even one with an agent's name, stays: in
    copy mode as in merge mode, and when the agent leaves the source."""
    for target in (world["claude"], world["cursor"]):
        target.mkdir(parents=True)
        (target / "mine.md").write_text("mine\n")
        (target / "tutor.md").write_text("my tutor\n")
    report = run(cli, "agents")
    for name in ("claude", "cursor"):
        line = by_name(report)[name]
        assert [c["name"] for c in line["conflicts"]] == ["tutor.md"]
        assert "not ours" in line["conflicts"][0]["reason"]
        assert (world[name] / "tutor.md").read_text() == "my tutor\n"
        assert (world[name] / "mine.md").read_text() == "mine\n"
    (world["source"] / "tutor.md").unlink()
    run(cli, "agents")
    for name in ("claude", "cursor"):
        assert (world[name] / "tutor.md").read_text() == "my tutor\n"
        assert (world[name] / "mine.md").read_text() == "mine\n"


def test_removed_agents_are_pruned_ours_only(cli: CliRunner, world: dict[str, Path]) -> None:
    run(cli, "agents")
    (world["cursor"] / "reviewer.md").write_text("edited in cursor\n")
    (world["source"] / "reviewer.md").unlink()
    report = run(cli, "agents")
    assert not os.path.lexists(world["claude"] / "reviewer.md")
    assert (world["cursor"] / "reviewer.md").read_text() == "edited in cursor\n"
    line = by_name(report)["cursor"]
    assert "an edited copy of an agent that left the source" in line["conflicts"][0]["reason"]


def test_the_guard_counts_agents_apart_from_skills(cli: CliRunner, home: Path,
                                                   world: dict[str, Path]) -> None:
    for index in range(10):
        make_agent(home, f"extra{index}.md")
    run(cli, "agents")
    run(cli)
    for index in range(10):
        (world["source"] / f"extra{index}.md").unlink()
    report = run(cli, "agents", code=1)
    line = by_name(report)["claude"]
    assert line["guard"] and "skillshare sync agents --force" in line["guard"]
    assert (world["claude"] / "extra0.md").is_symlink()
    skills = run(cli)  # the skills' pass is not held back by the agents' prunes
    assert all(t["guard"] is None for t in skills["results"])
    forced = run(cli, "agents", "--force")
    assert by_name(forced)["claude"]["pruned"] == 10
    assert not os.path.lexists(world["claude"] / "extra0.md")


def test_an_emptied_agents_source_prunes_nothing(cli: CliRunner, world: dict[str, Path]
                                                 ) -> None:
    run(cli, "agents")
    for path in list(world["source"].rglob("*.md")):
        path.unlink()
    report = run(cli, "agents", code=1)
    assert all("put the agents back" in t["guard"] for t in report["results"])
    assert len(os.listdir(world["claude"])) == 3


def test_symlink_mode_links_the_folder(cli: CliRunner, home: Path,
                                       world: dict[str, Path]) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n"
                       "    agents:\n      path: ~/.claude/agents\n      mode: symlink\n")
    run(cli, "agents")
    assert os.readlink(world["claude"]) == str(world["source"])


def test_filters_match_agent_names(cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    write_config(home, "targets:\n  claude:\n    path: ~/.claude/skills\n"
                       "    agents:\n      exclude: ['team__*', reviewer.md]\n")
    run(cli, "agents")
    assert os.listdir(world["claude"]) == ["tutor.md"]


def test_dry_run_changes_nothing(cli: CliRunner, world: dict[str, Path]) -> None:
    report = run(cli, "agents", "--dry-run")
    assert report["dry_run"] and by_name(report)["claude"]["changed"] == 3
    assert not world["claude"].exists() and not world["cursor"].exists()


def test_named_targets_and_bad_names(cli: CliRunner, world: dict[str, Path]) -> None:
    report = run(cli, "agents", "cursor")
    assert list(by_name(report)) == ["cursor"] and not world["claude"].exists()
    for args, words in ((("agents", "codex"), "reads no agents"),
                        (("agents", "nope"), "unknown target"),
                        (("agents", "--all"), "syncs only agents")):
        result = cli("sync", *args)
        assert result.code != 0 and words in result.err, result.err
    assert not world["claude"].exists()


def test_missing_agents_folder(cli: CliRunner, home: Path, world: dict[str, Path]) -> None:
    for path in sorted(world["source"].rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    world["source"].rmdir()
    result = cli("sync", "agents")
    assert result.code != 0 and "no agents folder" in result.err
    report = run(cli, "--all")
    assert report["kind"] == "all" and report["agents"] is None
    assert report["skills"]["skills"] == 2


def test_sync_all_does_both_and_says_so(cli: CliRunner, world: dict[str, Path]) -> None:
    report = run(cli, "--all")
    assert report["skills"]["kind"] == "skills" and report["agents"]["kind"] == "agents"
    assert report["summary"]["targets"] == 5  # three skill targets, two agent folders
    assert (world["claude"] / "tutor.md").is_symlink()
    text = cli("sync", "--all").out
    assert "Syncing skills" in text and "Syncing agents" in text
    assert "claude: nothing to do (merge: 3 agents)" in text


def test_force_backs_up_what_it_replaces(cli: CliRunner, home: Path,
                                         world: dict[str, Path]) -> None:
    world["claude"].mkdir(parents=True)
    (world["claude"] / "tutor.md").write_text("my tutor\n")
    report = run(cli, "agents", "--force")
    forced = by_name(report)["claude"]["forced"]
    assert forced and forced[0]["name"] == "tutor.md"
    assert Path(forced[0]["backup"]).read_text() == "my tutor\n"
    assert "@agents" in forced[0]["backup"]
    assert (world["claude"] / "tutor.md").is_symlink()


def test_project_mode_agents(cli: CliRunner, work: Path) -> None:
    assert cli("init", "-p", "--targets", "claude").code == 0
    agents = work / ".skillshare/agents"
    agents.mkdir(exist_ok=True)  # (init makes it)
    (agents / "helper.md").write_text(AGENT.format(name="helper"))
    report = run(cli, "agents", "-p")
    assert os.readlink(work / ".claude/agents/helper.md") == "../../.skillshare/agents/helper.md"
    assert report["scope"] == "project"
