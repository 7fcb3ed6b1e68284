"""``status --catalog [tool]``: what each tool really loads, read from the disk: its own
folders and the folders it also reads (Cursor reads ~/.claude/skills), where each skill and
agent comes from, the duplicates by name and by content, the always-loaded context against
the budget; in project mode the project's targets; an unknown tool changes nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.core.paths import Paths
from tests.conftest import make_skill, tree, write_config

CONFIG = ("source: ~/.config/skillshare/skills\ntargets:\n  claude: {}\n  cursor: {}\n"
          "  codex:\n    mode: copy\n")


def run(cmd: str, **args: Any) -> dict[str, Any]:
    return api.run(cmd, args, Paths.from_env())


def catalog(**args: Any) -> dict[str, dict[str, Any]]:
    result = run("catalog", **args)
    return {tool["tool"]: tool for tool in result["catalog"]}


def names(entries: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [(e["name"], e["entry"], e["origin"]) for e in entries]


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    """claude, cursor (which also reads ~/.claude/skills and ~/.codex/skills) and codex (in
    copy mode), synced; then a local skill, a local copy of ``gamma`` under another name (a
    skill without a frontmatter name), a local agent and an unreadable SKILL.md in claude's
    folders."""
    write_config(home, CONFIG)
    make_skill(source, "alpha")
    make_skill(source, "beta", frontmatter="name: beta\ndescription: the second one\n")
    make_skill(source, "gamma", frontmatter="description: no name of its own\n")
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "reviewer.md").write_text("---\nname: reviewer\ndescription: reviews\n---\nx\n")
    assert run("sync", all=True)["summary"]
    claude = home / ".claude/skills"
    make_skill(claude, "mine", frontmatter="name: mine\ndescription: my own\n")
    (claude / "gamma-old").mkdir()
    (claude / "gamma-old/SKILL.md").write_bytes((source / "gamma/SKILL.md").read_bytes())
    (claude / "broken").mkdir()
    (claude / "broken/SKILL.md").symlink_to("SKILL.md")  # (a loop: unreadable even by root)
    (claude / "notes").mkdir()  # no SKILL.md: not a skill
    (home / ".claude/agents/helper.md").write_text("no frontmatter\n")
    (home / ".claude/agents/README.md").write_text("not an agent\n")
    return home


def test_each_tool_loads_its_own_and_what_it_also_reads(world: Path) -> None:
    home, tools = world, catalog()
    assert list(tools) == ["claude", "cursor", "codex"]
    claude, cursor = tools["claude"], tools["cursor"]
    assert [(f["path"], f["kind"], f["role"], f["exists"], f["synced_by"])
            for f in cursor["folders"]] == [
        (f"{home}/.cursor/skills", "skills", "own", True, ["cursor"]),
        (f"{home}/.cursor/agents", "agents", "own", True, ["cursor"]),
        (f"{home}/.agents/skills", "skills", "also", False, []),  # missing: reported
        (f"{home}/.claude/skills", "skills", "also", True, ["claude"]),
        (f"{home}/.codex/skills", "skills", "also", True, ["codex"])]
    assert names(claude["skills"]) == [
        ("alpha", "alpha", "skillshare"), ("beta", "beta", "skillshare"),
        ("broken", "broken", "local"), ("gamma", "gamma", "skillshare"),
        ("gamma-old", "gamma-old", "local"), ("mine", "mine", "local")]
    assert names(claude["agents"]) == [("helper", "helper.md", "local"),
                                       ("reviewer", "reviewer.md", "skillshare")]
    assert names(cursor["agents"]) == [("reviewer", "reviewer.md", "skillshare")]
    # cursor: its own links, then claude's folder, then codex's copies (ours: the manifest)
    assert [e["folder"] for e in cursor["skills"]] == (
        [f"{home}/.cursor/skills"] * 3 + [f"{home}/.claude/skills"] * 6
        + [f"{home}/.codex/skills"] * 3)
    assert names(tools["codex"]["skills"]) == [
        ("alpha", "alpha", "skillshare"), ("beta", "beta", "skillshare"),
        ("gamma", "gamma", "skillshare")]
    assert tools["codex"]["skills"][0]["source"] is None  # a copy, not a link
    assert tools["codex"]["builtin"] == "codex"


def test_an_entry_says_what_the_tool_reads(world: Path, source: Path) -> None:
    claude = catalog(tool="claude")["claude"]
    beta = next(e for e in claude["skills"] if e["name"] == "beta")
    assert beta["source"] == os.path.realpath(source / "beta")
    assert beta["description"] == "the second one"
    assert beta["tokens"] == -(-len("betathe second one") // 4)
    import hashlib
    assert beta["digest"] == hashlib.sha256((source / "beta/SKILL.md").read_bytes()
                                            ).hexdigest()[:12]
    broken = next(e for e in claude["skills"] if e["entry"] == "broken")
    assert "cannot read SKILL.md" in broken["problem"]
    assert (broken["digest"], broken["tokens"]) == ("", 0)
    assert claude["always_loaded_tokens"] == sum(
        e["tokens"] for e in claude["skills"] + claude["agents"])


def test_duplicates_by_name_and_by_content(world: Path) -> None:
    home, tools = world, catalog()
    claude = tools["claude"]["duplicates"]
    # gamma (no frontmatter name) and its local copy gamma-old: one content, two names
    assert claude == [{"name": "gamma, gamma-old", "by": "content",
                       "entries": [f"{home}/.claude/skills/gamma",
                                   f"{home}/.claude/skills/gamma-old"]}]
    cursor = tools["cursor"]["duplicates"]
    by_name = {d["name"]: d["entries"] for d in cursor if d["by"] == "name"}
    assert sorted(by_name) == ["alpha", "beta", "gamma"]
    assert by_name["alpha"] == [f"{home}/.cursor/skills/alpha", f"{home}/.claude/skills/alpha",
                                f"{home}/.codex/skills/alpha"]
    content = [d for d in cursor if d["by"] == "content"]
    assert [d["name"] for d in content] == ["gamma, gamma-old"]
    assert len(content[0]["entries"]) == 4  # cursor's, claude's, claude's copy, codex's
    assert tools["codex"]["duplicates"] == []
    assert run("catalog")["duplicates"] == 5


def test_a_big_skill_md_and_a_fifo(home: Path, source: Path) -> None:
    write_config(home, "targets:\n  claude: {}\n")
    big = make_skill(home / ".claude/skills", "big", body="x" * (3 << 20))
    (home / ".claude/skills/pipe").mkdir()
    os.mkfifo(home / ".claude/skills/pipe/SKILL.md")  # (read without blocking: no skill)
    import hashlib
    skills = catalog()["claude"]["skills"]
    assert [(e["name"], e["digest"]) for e in skills] == [
        ("big", hashlib.sha256((big / "SKILL.md").read_bytes()).hexdigest()[:12])]


def test_budget(world: Path, home: Path) -> None:
    tools = catalog()
    assert {t["budget"] for t in tools.values()} == {10000}
    assert not any(t["over_budget"] for t in tools.values())
    write_config(home, CONFIG + "context_budget:\n  warn_always_loaded_tokens: 20\n")
    result = run("catalog")
    assert result["budget"] == {"warn_always_loaded_tokens": 20}
    over = {t["tool"]: (t["always_loaded_tokens"], t["over_budget"]) for t in result["catalog"]}
    assert over["codex"][1] is False and over["codex"][0] == 15
    assert over["cursor"][1] is True and over["cursor"][0] > 20
    write_config(home, CONFIG + "context_budget:\n  warn_always_loaded_tokens: 0\n")
    assert not any(t["over_budget"] for t in run("catalog")["catalog"])


def test_symlink_mode_loads_the_source_itself(home: Path, source: Path) -> None:
    write_config(home, "targets:\n  claude:\n    mode: symlink\n")
    make_skill(source, "alpha")
    run("sync")
    claude = catalog()["claude"]
    assert names(claude["skills"]) == [("alpha", "alpha", "skillshare")]
    assert claude["skills"][0]["source"] == os.path.realpath(source / "alpha")


def test_a_folder_that_cannot_be_read(home: Path, source: Path) -> None:
    write_config(home, "targets:\n  claude: {}\n")
    make_skill(source, "alpha")
    (home / ".claude").mkdir()
    (home / ".claude/skills").write_text("a file where the folder should be\n")
    (home / ".claude/agents").mkdir(mode=0)
    claude = catalog()["claude"]
    assert [(f["exists"], f.get("problem")) for f in claude["folders"]] == [
        (False, None), (True, f"cannot list {home}/.claude/agents: Permission denied")
        if os.geteuid() != 0 else (True, None)]  # (root reads every folder)
    assert (claude["skills"], claude["agents"]) == ([], [])


def test_one_tool_by_name_or_alias(world: Path) -> None:
    assert list(catalog(tool="cursor")) == ["cursor"]
    assert list(catalog(tool="claude-code")) == ["claude"]  # (a built-in alias)


def test_an_unknown_tool_changes_nothing(world: Path) -> None:
    before = tree(world)
    with pytest.raises(NotFoundError) as caught:
        run("catalog", tool="cursr")
    assert "unknown tool: cursr; did you mean `cursor`?" in caught.value.message
    assert caught.value.hint == "the tools (configured targets): claude, cursor, codex"
    with pytest.raises(UsageError, match="only with --catalog"):
        run("status", tool="cursor")
    assert tree(world) == before


def test_project_scope(home: Path, work: Path) -> None:
    project = work / ".skillshare"
    project.mkdir()
    (project / "config.yaml").write_text("targets:\n  - claude\n  - cursor\n")
    make_skill(project / "skills", "alpha")
    run("sync", project=True, cwd=str(work))
    make_skill(work / ".claude/skills", "mine")
    result = run("catalog", project=True, cwd=str(work))
    assert result["scope"] == "project"
    tools = {t["tool"]: t for t in result["catalog"]}
    assert [(f["path"], f["role"], f["exists"]) for f in tools["cursor"]["folders"]] == [
        (f"{work}/.agents/skills", "own", True), (f"{work}/.cursor/agents", "own", False),
        (f"{work}/.claude/skills", "also", True), (f"{work}/.codex/skills", "also", False)]
    assert names(tools["cursor"]["skills"]) == [
        ("alpha", "alpha", "skillshare"), ("alpha", "alpha", "skillshare"),
        ("mine", "mine", "local")]
    assert [d["by"] for d in tools["cursor"]["duplicates"]] == ["name"]
    assert not (home / ".claude").exists()  # (the global folders are not the project's)


def test_a_file_linked_from_many_folders_is_read_once(world: Path, source: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from skillshared.commands import catalog_read

    opened: list[str] = []
    real = catalog_read.read_file

    def counted(path: str) -> Any:
        opened.append(path)
        return real(path)

    monkeypatch.setattr(catalog_read, "read_file", counted)
    found = catalog()
    monkeypatch.setattr(catalog_read, "read_file", real)
    # alpha is loaded from claude's folder (by claude and by cursor) and from cursor's: the
    # two links lead to one SKILL.md, read once; codex's copy is a file of its own
    loaded = [e for tool in found.values() for e in tool["skills"] if e["entry"] == "alpha"]
    assert len(loaded) >= 4
    alpha = [p for p in opened if p.endswith(os.path.join("alpha", "SKILL.md"))]
    assert len(alpha) == 2  # the source's (through the links), codex's copy
    assert len(opened) == len(set(opened))
    assert len({e["digest"] for e in loaded}) == 1  # (the copy is the same bytes)
