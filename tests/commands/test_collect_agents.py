"""`skillshare collect agents`: a target's own agent files copied into the agents source,
checked, then (merge mode) replaced by our link; conflicts, bad names and bad input change
nothing, and a user's own file is never lost."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillshared.store import trash
from tests.conftest import CliRunner, tree, write_config

CONFIG = """targets:
  claude:
    path: ~/.claude/skills
  cursor:
    path: ~/.cursor/skills
    agents:
      path: ~/.cursor/agents
      mode: copy
  windsurf:
    path: ~/.windsurf/skills
"""


def mine(home: Path) -> dict[str, tuple[str, str]]:
    """Everything but skillshare's own state (the operation log)."""
    return {k: v for k, v in tree(home).items() if not k.startswith(".local")}


@pytest.fixture
def agents(home: Path, source: Path) -> Path:
    write_config(home, CONFIG)
    source.mkdir(parents=True)
    for rel in (".claude/agents", ".cursor/agents", ".windsurf/skills"):
        (home / rel).mkdir(parents=True)
    folder = home / ".config/skillshare/agents"
    folder.mkdir()
    return folder


def test_collect_copies_then_links_in_merge_mode(cli: CliRunner, home: Path,
                                                 agents: Path) -> None:
    claude = home / ".claude/agents"
    (claude / "tutor.md").write_text("# Tutor\n")
    (claude / "team__lint.md").write_text("# Lint\n")
    (claude / "notes.txt").write_text("not an agent\n")
    preview = cli("collect", "agents", "claude", "-n")
    assert preview.code == 0 and "Collecting agents (dry run)" in preview.out
    assert "claude/tutor.md would be copied to ~/.config/skillshare/agents/tutor.md" in (
        preview.out)
    result = cli("collect", "agents", "claude", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["kind"] == "agents" and data["targets"] == ["claude"]
    assert sorted(i["name"] for i in data["collected"]) == ["team__lint.md", "tutor.md"]
    assert all(i["linked"] for i in data["collected"])
    assert (agents / "tutor.md").read_text() == "# Tutor\n"
    assert (agents / "team__lint.md").read_text() == "# Lint\n"  # a flat name stays flat
    assert os.readlink(claude / "tutor.md") == str(agents / "tutor.md")
    assert (claude / "notes.txt").read_text() == "not an agent\n"
    assert not [n for n in os.listdir(agents) if n.startswith(".skillshare")]
    assert not [n for n in os.listdir(claude) if n.startswith(".skillshare")]
    again = cli("collect", "agents", "claude", "--json").json()
    assert again["collected"] == [] and again["same"] == []  # our links are not collected


def test_copy_mode_keeps_the_targets_file(cli: CliRunner, home: Path, agents: Path) -> None:
    cursor = home / ".cursor/agents"
    (cursor / "helper.md").write_text("# Helper\n")
    data = cli("collect", "agents", "cursor", "--json").json()
    assert [(i["name"], i["linked"]) for i in data["collected"]] == [("helper.md", False)]
    assert not (cursor / "helper.md").is_symlink()
    assert (cursor / "helper.md").read_text() == (agents / "helper.md").read_text()


def test_all_skips_targets_without_agents_and_same_files(cli: CliRunner, home: Path,
                                                         agents: Path) -> None:
    (agents / "tutor.md").write_text("# Tutor\n")
    (home / ".claude/agents/tutor.md").write_text("# Tutor\n")
    (home / ".cursor/agents/new.md").write_text("# New\n")
    (home / ".claude/agents/new.md").write_text("# New\n")
    data = cli("collect", "agents", "--all", "--json").json()
    assert data["without"] == ["windsurf"]
    assert [(i["target"], i["name"]) for i in data["same"]] == [("claude", "tutor.md"),
                                                               ("cursor", "new.md")]
    assert [(i["target"], i["name"]) for i in data["collected"]] == [("claude", "new.md")]
    # the same file already in the source is linked too, as collect does for skills
    assert os.readlink(home / ".claude/agents/tutor.md") == str(agents / "tutor.md")
    # in copy mode the collected file stays a file, now a managed copy
    manifest = json.loads((home / ".cursor/agents/.skillshare-manifest.json").read_text())
    assert "new.md" in manifest["managed"]


def test_a_nested_source_agent_counts_by_its_flat_name(cli: CliRunner, home: Path,
                                                       agents: Path) -> None:
    (agents / "team").mkdir()
    (agents / "team/lint.md").write_text("# Lint v1\n")
    (home / ".claude/agents/team__lint.md").write_text("# Lint v2\n")
    data = cli("collect", "agents", "claude", "--json").json()
    assert data["collected"] == []
    assert "already has a different team__lint.md" in data["skipped_items"][0]["reason"]
    assert (agents / "team/lint.md").read_text() == "# Lint v1\n"


def test_a_conflict_changes_nothing_unless_forced_then_the_old_file_is_in_the_trash(
        cli: CliRunner, home: Path, agents: Path, trash_dir: Path) -> None:
    (agents / "tutor.md").write_text("# Source tutor\n")
    claude = home / ".claude/agents"
    (claude / "tutor.md").write_text("# My tutor\n")
    before = mine(home)
    result = cli("collect", "agents", "claude")
    assert result.code == 0
    assert "already has a different tutor.md" in result.out
    assert mine(home) == before
    forced = cli("collect", "agents", "claude", "--force", "--json")
    assert forced.code == 0, forced.err
    (item,) = forced.json()["collected"]
    assert item["replaces"] == str(agents / "tutor.md") and item["linked"]
    assert (agents / "tutor.md").read_text() == "# My tutor\n"
    assert os.readlink(claude / "tutor.md") == str(agents / "tutor.md")
    (old,) = trash.items(trash_dir, kind=trash.AGENT)
    assert old.file == "tutor.md"
    assert (Path(item["trashed"]) / "tutor.md").read_text() == "# Source tutor\n"
    assert not [n for n in os.listdir(agents) if n.startswith(".skillshare")]


def test_bad_names_are_refused_with_the_reason(cli: CliRunner, home: Path,
                                               agents: Path) -> None:
    (home / ".claude/agents/-bad.md").write_text("x\n")
    (home / ".claude/agents/README.md").write_text("about\n")
    data = cli("collect", "agents", "claude", "--json").json()
    assert [i["name"] for i in data["skipped_items"]] == ["-bad.md"]
    assert "must start with a letter or a digit" in data["skipped_items"][0]["reason"]
    assert os.listdir(agents) == []


def test_dry_run_changes_nothing(cli: CliRunner, home: Path, agents: Path) -> None:
    (home / ".claude/agents/tutor.md").write_text("# Tutor\n")
    before = tree(home / ".claude") | tree(agents)
    data = cli("collect", "agents", "claude", "-n", "--json").json()
    assert [i["name"] for i in data["collected"]] == ["tutor.md"]
    assert tree(home / ".claude") | tree(agents) == before


@pytest.mark.parametrize("argv, message", [
    (("collect", "agents", "windsurf"), "has no agents folder"),
    (("collect", "agents", "nope"), "unknown target"),
    (("collect", "agents", "claude", "--all"), "not both"),
    (("collect", "agents"), "name the target"),
])
def test_bad_input_is_an_error_that_changes_nothing(cli: CliRunner, home: Path, agents: Path,
                                                    argv: tuple[str, ...], message: str) -> None:
    (home / ".claude/agents/tutor.md").write_text("# Tutor\n")
    before = tree(home / ".claude") | tree(agents)
    result = cli(*argv)
    assert result.code != 0
    assert message in result.err
    assert tree(home / ".claude") | tree(agents) == before


def test_a_file_edited_before_the_link_is_kept(cli: CliRunner, home: Path, agents: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from skillshared.commands import agentfiles

    claude = home / ".claude/agents"
    (claude / "tutor.md").write_text("# Tutor\n")
    real_put = agentfiles.put_agent

    def put_then_edit(*args: object, **kwargs: object) -> str | None:
        done = real_put(*args, **kwargs)  # type: ignore[arg-type]
        (claude / "tutor.md").write_text("# Tutor, edited meanwhile\n")
        return done

    monkeypatch.setattr(agentfiles, "put_agent", put_then_edit)
    data = cli("collect", "agents", "claude", "--json").json()
    (item,) = data["collected"]
    assert not item["linked"]
    assert [c["name"] for p in data["passes"] for c in p["conflicts"]] == ["tutor.md"]
    assert (claude / "tutor.md").read_text() == "# Tutor, edited meanwhile\n"
    assert (agents / "tutor.md").read_text() == "# Tutor\n"
    assert not [n for n in os.listdir(claude) if n.startswith(".skillshare")]


def test_collect_of_skills_is_unchanged_by_the_kind_word(cli: CliRunner, home: Path,
                                                         agents: Path) -> None:
    assert "No local skills found in claude" in cli("collect", "skills", "claude").out


def test_a_file_left_aside_by_an_interrupted_collect_is_put_back(
        cli: CliRunner, home: Path, agents: Path) -> None:
    claude = home / ".claude/agents"
    (claude / ".skillshare-tmp-asd-0a1b2c3d-tutor.md").write_text("# Tutor\n")
    data = cli("collect", "agents", "claude", "--json").json()
    assert [i["name"] for i in data["collected"]] == ["tutor.md"]
    assert os.readlink(claude / "tutor.md") == str(agents / "tutor.md")
    assert (agents / "tutor.md").read_text() == "# Tutor\n"
    assert os.listdir(claude) == ["tutor.md"]


def test_a_project_collects_into_its_agents_with_relative_links(
        cli: CliRunner, work: Path) -> None:
    (work / ".claude").mkdir()
    assert cli("init", "-p").code == 0
    claude = work / ".claude/agents"
    claude.mkdir()
    (claude / "onboarding.md").write_text("# Onboarding\n")
    result = cli("collect", "agents", "claude", "-p", "--json")
    assert result.code == 0, result.err
    agents = work / ".skillshare/agents"
    assert (agents / "onboarding.md").read_text() == "# Onboarding\n"
    assert os.readlink(claude / "onboarding.md") == "../../.skillshare/agents/onboarding.md"
    assert (claude / "onboarding.md").read_text() == "# Onboarding\n"


def test_a_target_whose_agents_folder_is_the_source_is_left_alone(
        cli: CliRunner, home: Path, agents: Path) -> None:
    (agents / "tutor.md").write_text("# Tutor\n")
    claude = home / ".claude/agents"
    claude.rmdir()
    claude.symlink_to(agents)
    data = cli("collect", "agents", "claude", "--json").json()
    assert data["collected"] == data["same"] == data["skipped_items"] == []
    assert (agents / "tutor.md").read_text() == "# Tutor\n"


def test_a_synced_copy_is_ours_until_it_is_edited(cli: CliRunner, home: Path,
                                                  agents: Path) -> None:
    (agents / "tutor.md").write_text("# Tutor\n")
    synced = cli("sync", "agents")
    assert synced.code == 0, synced.err
    cursor = home / ".cursor/agents"
    assert (cursor / "tutor.md").read_text() == "# Tutor\n"
    assert not (cursor / "tutor.md").is_symlink()
    (agents / "tutor.md").unlink()  # gone from the source, not synced yet: still our copy
    data = cli("collect", "agents", "cursor", "--json").json()
    assert data["collected"] == [] and not (agents / "tutor.md").exists()
    (cursor / "tutor.md").write_text("# Tutor, edited in cursor\n")
    data = cli("collect", "agents", "cursor", "--json").json()
    assert [i["name"] for i in data["collected"]] == ["tutor.md"]
    assert (agents / "tutor.md").read_text() == "# Tutor, edited in cursor\n"


def test_a_folder_in_the_source_at_the_name_is_left_alone_even_with_force(
        cli: CliRunner, home: Path, agents: Path) -> None:
    (agents / "tutor.md").mkdir()
    (agents / "tutor.md/notes.txt").write_text("mine\n")
    (home / ".claude/agents/tutor.md").write_text("# Tutor\n")
    before = mine(home)
    data = cli("collect", "agents", "claude", "--force", "--json").json()
    assert "is in the way and is not a regular file" in data["skipped_items"][0]["reason"]
    assert mine(home) == before


_NAMES = st.sampled_from(["tutor.md", "lint.md", "team__lint.md", "-bad.md", "notes.txt",
                          "README.md", ".hidden.md", "dir.md"])
_ENTRY = st.tuples(st.sampled_from(["file", "link-out", "folder"]),
                   st.sampled_from(["# A\n", "# B\n"]))


@given(target=st.dictionaries(_NAMES, _ENTRY, max_size=6),
       source=st.dictionaries(st.sampled_from(["tutor.md", "lint.md", "team/lint.md"]),
                              st.sampled_from(["# A\n", "# B\n"]), max_size=3),
       force=st.booleans())
def test_no_file_of_a_target_or_of_the_source_is_lost(
        cli: CliRunner, home: Path, agents: Path, tmp_path: Path, trash_dir: Path,
        target: dict[str, tuple[str, str]], source: dict[str, str], force: bool) -> None:
    claude = home / ".claude/agents"
    for folder in (claude, agents, trash_dir):
        shutil.rmtree(folder, ignore_errors=True)
    claude.mkdir(parents=True)
    agents.mkdir()
    outside = tmp_path / "outside.md"
    outside.write_text("# Outside\n")
    for rel, text in source.items():
        (agents / rel).parent.mkdir(parents=True, exist_ok=True)
        (agents / rel).write_text(text)
    for name, (kind, text) in target.items():
        if kind == "file":
            (claude / name).write_text(text)
        elif kind == "link-out":
            (claude / name).symlink_to(outside)
        else:
            (claude / name).mkdir()
            (claude / name / "inner.md").write_text(text)
    before_source = {rel: (agents / rel).read_text() for rel in source}
    result = cli("collect", "agents", "claude", *(["--force"] if force else []), "--json")
    assert result.code == 0, result.err
    data = result.json()
    collected = {i["name"]: i for i in data["collected"]}
    for name, (kind, text) in target.items():
        path = claude / name
        if kind == "file":  # still there, as a file or as our link to the same content
            assert path.read_text() == text
            if path.is_symlink():
                assert os.path.realpath(path).startswith(os.path.realpath(agents) + os.sep)
        elif kind == "link-out":  # a foreign link: left as it is
            assert os.readlink(path) == str(outside)
        else:  # a folder: left as it is
            assert not path.is_symlink() and (path / "inner.md").read_text() == text
    for rel, text in before_source.items():
        flat = rel.replace("/", "__")
        now = (agents / rel).read_text() if (agents / rel).exists() else None
        if flat in collected and collected[flat]["replaces"]:  # --force: in the trash
            trashed = Path(collected[flat]["trashed"]) / Path(rel).name
            assert force and trashed.read_text() == text
        else:
            assert now == text
    assert not [n for n in os.listdir(claude) if n.startswith(".skillshare-tmp")]
    assert not [n for n in os.listdir(agents) if n.startswith(".skillshare-tmp")]


def test_the_text_names_the_agents_sync_to_run_next(cli: CliRunner, home: Path,
                                                    agents: Path) -> None:
    (home / ".claude/agents/helper.md").write_text("help\n")
    result = cli("collect", "agents", "claude")
    assert result.code == 0, result.err
    assert "Collect complete: 1 agent collected" in result.out
    assert "Run 'skillshare sync agents' to distribute them" in result.out
