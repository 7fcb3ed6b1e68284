"""catalog/agents.py: the agents source: single .md files, named and flattened as the original
skillshare names them, its conventional files and .agentignore left out."""

from __future__ import annotations

import os
from pathlib import Path

from skillshared.catalog.agents import discover_agents, name_problem


def write(root: Path, rel: str, text: str = "You review code.\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_agents_are_md_files_named_by_file_and_flattened(tmp_path: Path) -> None:
    source = tmp_path / "agents"
    write(source, "tutor.md")
    write(source, "team/reviewer.md", "---\nname: code-reviewer\ndescription: Reviews\n---\nx\n")
    write(source, "notes.txt")
    found = discover_agents(source)
    assert [(a.rel, a.flat, a.name) for a in found.agents] == [
        ("team/reviewer.md", "team__reviewer.md", "code-reviewer"),
        ("tutor.md", "tutor.md", "tutor")]
    assert found.agents[0].description == "Reviews"
    assert found.agents[1].path == source / "tutor.md"
    assert found.invalid == () and found.ignored == ()


def test_conventional_files_hidden_entries_and_a_missing_source_hold_no_agents(
        tmp_path: Path) -> None:
    source = tmp_path / "agents"
    for name in ("README.md", "CHANGELOG.md", "LICENSE.md", "HISTORY.md", "SECURITY.md",
                 "SKILL.md", ".hidden.md", ".git/HEAD.md", "sub/README.md"):
        write(source, name)
    assert discover_agents(source).agents == ()
    assert discover_agents(tmp_path / "missing").agents == ()


def test_names_outside_the_rules_are_refused_with_the_reason(tmp_path: Path) -> None:
    source = tmp_path / "agents"
    write(source, "-dash.md")
    write(source, "sp ace.md")
    write(source, "x" * 129 + ".md")
    write(source, "ok.v2.md")
    found = discover_agents(source)
    assert [a.rel for a in found.agents] == ["ok.v2.md"]
    assert sorted(rel for rel, _ in found.invalid) == ["-dash.md", "sp ace.md", "x" * 129 + ".md"]
    assert all("letter or a digit" in why for _, why in found.invalid)
    assert name_problem("a/b.md") is None
    assert name_problem("x" * 128 + ".md") is None


def test_agentignore_and_its_local_file_hide_agents(tmp_path: Path) -> None:
    source = tmp_path / "agents"
    for rel in ("draft-one.md", "keep.md", "team/old.md", "team/new.md", "local.md"):
        write(source, rel)
    (source / ".agentignore").write_text("draft-*\nteam/old\n")
    (source / ".agentignore.local").write_text("local.md\n")
    found = discover_agents(source)
    assert [a.rel for a in found.agents] == ["keep.md", "team/new.md"]
    assert found.ignored == ("draft-one", "local", "team/old")


def test_a_link_is_an_agent_only_when_it_ends_in_a_file_inside_the_source(
        tmp_path: Path) -> None:
    source = tmp_path / "agents"
    write(source, "real.md")
    outside = write(tmp_path, "outside.md")
    (source / "inside.md").symlink_to("real.md")
    (source / "escape.md").symlink_to(outside)
    (source / "dangling.md").symlink_to("gone.md")
    os.mkfifo(source / "pipe.md")
    found = discover_agents(source)
    assert [a.rel for a in found.agents] == ["inside.md", "real.md"]
    assert dict(found.invalid) == {
        "dangling.md": "a link that does not end in a file inside the source",
        "escape.md": "a link that does not end in a file inside the source",
        "pipe.md": "not a regular file"}


def test_two_agents_of_one_file_name_in_a_target_are_both_refused(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team/x.md").write_text("one\n")
    (tmp_path / "team__x.md").write_text("two\n")
    (tmp_path / "solo.md").write_text("three\n")
    found = discover_agents(tmp_path)
    assert [a.rel for a in found.agents] == ["solo.md"]
    assert [rel for rel, _ in found.invalid] == ["team/x.md", "team__x.md"]
    assert all("'team__x.md' in a target is also produced by team/x.md, team__x.md" in why
               for _, why in found.invalid)
