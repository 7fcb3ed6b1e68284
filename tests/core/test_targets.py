"""targets.py: the built-in table, names and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillshared.core import targets
from skillshared.core.targets import BuiltinTarget, builtin_targets, lookup, matches, name_problem

# Rows of the reference table of built-in targets, spot-checked exactly (name, global path,
# project path, aliases, agents paths, the folders the tool also reads): the first, the last,
# and the ones with unusual paths or aliases.
SPOT_CHECKS = [
    BuiltinTarget("adal", "~/.adal/skills", ".adal/skills"),
    BuiltinTarget("universal", "~/.agents/skills", ".agents/skills", ("agents",)),
    BuiltinTarget("antigravity", "~/.gemini/skills", ".agents/skills",
                  ("gemini", "gemini-cli", "antigravity-cli"), also_global=("~/.agents/skills",)),
    BuiltinTarget("astrbot", "~/.astrbot/data/skills", "data/skills"),
    BuiltinTarget("claude", "~/.claude/skills", ".claude/skills", ("claude-code",),
                  "~/.claude/agents", ".claude/agents"),
    BuiltinTarget("copilot", "~/.copilot/skills", ".github/skills", ("github-copilot",),
                  "~/.copilot/agents", ".github/agents"),
    BuiltinTarget("cursor", "~/.cursor/skills", ".agents/skills", (), "~/.cursor/agents",
                  ".cursor/agents", ("~/.agents/skills", "~/.claude/skills", "~/.codex/skills"),
                  (".claude/skills", ".codex/skills")),
    BuiltinTarget("forgecode", "~/forge/skills", ".forge/skills", ("forge-code",)),
    BuiltinTarget("letta", "~/.letta/skills", ".skills"),
    BuiltinTarget("openclaw", "~/.openclaw/skills", "skills"),
    BuiltinTarget("grok", "~/.grok/skills", ".grok/skills", ("xai", "grok-cli"),
                  also_global=("~/.agents/skills",)),
    BuiltinTarget("xcode-claude",
                  "~/Library/Developer/Xcode/CodingAssistant/ClaudeAgentConfig/skills",
                  ".claude/skills"),
    BuiltinTarget("replit", "~/.config/agents/skills", ".agents/skills"),
]


def test_table_holds_the_reference_rows() -> None:
    table = {t.name: t for t in builtin_targets()}
    for expected in SPOT_CHECKS:
        assert table[expected.name] == expected
    names = [t.name for t in builtin_targets()]
    assert (names[0], names[-1]) == ("adal", "replit")


def test_table_has_65_entries_with_well_formed_paths() -> None:
    table = builtin_targets()
    assert len(table) == 65
    for target in table:
        assert target.global_path.startswith("~/"), target
        assert not target.project_path.startswith(("/", "~")), target
        assert name_problem(target.name) is None, target


def test_names_and_aliases_are_unique_and_valid() -> None:
    every = [n.lower() for t in builtin_targets() for n in t.names]
    assert len(every) == len(set(every))
    assert all(name_problem(n) is None for n in every)


@pytest.mark.parametrize(("typed", "name"), [
    ("claude", "claude"),
    ("Claude", "claude"),
    ("CLAUDE-CODE", "claude"),
    ("claude-code", "claude"),
    ("gemini", "antigravity"),
    ("Gemini-CLI", "antigravity"),
    ("agents", "universal"),
    ("github-copilot", "copilot"),
    ("trae-cn", "trae-cn"),
    ("xcode-claude", "xcode-claude"),
])
def test_lookup_by_name_or_alias_ignores_case(typed: str, name: str) -> None:
    found = lookup(typed)
    assert found is not None
    assert found.name == name
    assert found is lookup(name)


@pytest.mark.parametrize("typed", ["", "claud", "my-tool", "claude ", " claude", "claude\n"])
def test_lookup_unknown(typed: str) -> None:
    assert lookup(typed) is None


def test_builtin_paths_spot_check() -> None:
    claude = lookup("claude")
    assert claude is not None
    assert (claude.global_path, claude.project_path) == ("~/.claude/skills", ".claude/skills")
    assert claude.names == ("claude", "claude-code")
    openclaw = lookup("openclaw")
    assert openclaw is not None and openclaw.project_path == "skills"


@pytest.mark.parametrize("name", ["a", "my-tool", "My_Tool2", "x" * 64, "claude", "listing"])
def test_valid_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize("name", ["", "1tool", "-tool", "_tool", "my tool", "a/b", "a.b",
                                  "x" * 65, "claude\n", "tool\r", "café", "a:b"])
def test_invalid_names(name: str) -> None:
    problem = name_problem(name)
    assert problem is not None
    assert "must start with a letter" in problem
    assert "at most 64 characters" in problem


@pytest.mark.parametrize("name", [*sorted(targets.RESERVED_NAMES), "List", "ALL", "Help"])
def test_reserved_words(name: str) -> None:
    assert name_problem(name) == f"'{name}' is a reserved word"


@pytest.mark.parametrize(("target", "wanted", "expected"), [
    ("claude", "claude", True),
    ("claude", "Claude", True),
    ("claude", "claude-code", True),
    ("claude-code", "claude", True),
    ("gemini", "gemini-cli", True),
    ("antigravity", "GEMINI", True),
    ("my-tool", "my-tool", True),
    ("my-tool", "MY-TOOL", True),
    ("claude", "cursor", False),
    ("my-tool", "claude", False),
    ("claude", "my-tool", False),
    ("other-tool", "my-tool", False),
    ("claude", "", False),
])
def test_matches(target: str, wanted: str, expected: bool) -> None:
    assert matches(target, wanted) is expected


def test_the_json_table_is_the_yaml_table() -> None:
    """The table is written in data/targets.yaml (with its comments) and read from its JSON
    copy (no YAML import on a command's start): they must say the same."""
    import json

    import yaml

    data = Path(targets.__file__).parent.parent / "data"
    written = yaml.safe_load((data / "targets.yaml").read_text("utf-8"))
    read = json.loads((data / "targets.json").read_text("utf-8"))
    assert read == written, (
        "data/targets.json differs from data/targets.yaml: regenerate it with python -c "
        "\"import json,yaml; print(json.dumps(yaml.safe_load(open('skillshared/data/"
        "targets.yaml')), indent=1))\" > skillshared/data/targets.json")


# Every entry of the original tool's ``also_scans`` (its internal/config/targets.yaml,
# v0.20.22), written out: (target, its skills paths global and project, the folders its tool
# also reads in global mode, in project mode).
ORIGINAL_ALSO_SCANS = [
    ("amp", "~/.config/agents/skills", ".agents/skills",
     ("~/.claude/skills",), (".claude/skills",)),
    ("antigravity", "~/.gemini/skills", ".agents/skills", ("~/.agents/skills",), ()),
    ("codex", "~/.codex/skills", ".agents/skills", ("~/.agents/skills",), ()),
    ("cursor", "~/.cursor/skills", ".agents/skills",
     ("~/.agents/skills", "~/.claude/skills", "~/.codex/skills"),
     (".claude/skills", ".codex/skills")),
    ("firebender", "~/.firebender/skills", ".firebender/skills",
     ("~/.agents/skills", "~/.claude/skills", "~/.codex/skills", "~/.cursor/skills",
      "~/.goose/skills"), ()),
    ("grok", "~/.grok/skills", ".grok/skills", ("~/.agents/skills",), ()),
    ("kimi", "~/.config/agents/skills", ".agents/skills",
     ("~/.agents/skills", "~/.claude/skills", "~/.codex/skills"),
     (".claude/skills", ".codex/skills")),
    ("roo", "~/.roo/skills", ".roo/skills", ("~/.agents/skills",), (".agents/skills",)),
]


@pytest.mark.parametrize(("name", "global_path", "project_path", "also_global",
                          "also_project"), ORIGINAL_ALSO_SCANS,
                         ids=[row[0] for row in ORIGINAL_ALSO_SCANS])
def test_what_a_tool_also_reads_is_the_originals(
        name: str, global_path: str, project_path: str, also_global: tuple[str, ...],
        also_project: tuple[str, ...]) -> None:
    target = lookup(name)
    assert target is not None and target.name == name
    assert (target.global_path, target.project_path) == (global_path, project_path)
    assert (target.also_global, target.also_project) == (also_global, also_project)


def test_no_other_tool_also_reads_a_folder() -> None:
    readers = {t.name for t in builtin_targets() if t.also_global or t.also_project}
    assert readers == {row[0] for row in ORIGINAL_ALSO_SCANS}
