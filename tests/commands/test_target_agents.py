"""``target <name>`` settings: -m/--mode, --agent-mode, the agent filters and
--target-naming; what ``target list`` and ``target <name>`` show of them (text and JSON);
bad values, --dry-run and project mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import CliRunner, make_skill, write_config

CONFIG = """\
source: ~/.config/skillshare/skills
targets:
  claude: {}
  tool:
    path: ~/tool/skills
"""


@pytest.fixture
def config_file(home: Path, source: Path) -> Path:
    """claude (a built-in target whose tool reads agents) and a custom target without one;
    one skill and one agent in the sources."""
    make_skill(source, "frontend/dev", name="dev")
    agents = home / ".config/skillshare/agents"
    agents.mkdir(parents=True)
    (agents / "reviewer.md").write_text("---\nname: reviewer\n---\nReview.\n")
    (home / ".claude").mkdir()
    return write_config(home, CONFIG)


def targets_of(path: Path) -> Any:
    return yaml.safe_load(path.read_text())["targets"]


def test_agent_mode_writes_the_agents_entry_and_shows_it(cli: CliRunner, config_file: Path,
                                                         home: Path) -> None:
    result = cli("target", "claude", "--agent-mode", "copy")
    assert result.code == 0, result.err
    assert "agent mode: merge -> copy" in result.out
    assert targets_of(config_file)["claude"] == {"agents": {"mode": "copy"}}
    info = cli("target", "claude", "--json").json()
    assert (info["agentMode"], info["agentPath"]) == ("copy", str(home / ".claude/agents"))
    assert info["mode"] == "merge"  # the skills' mode is untouched
    assert (info["agentExpectedCount"], info["agentLinkedCount"]) == (1, 0)
    text = cli("target", "claude").out
    assert "Agents:" in text and "Mode:    copy" in text and "0/1 managed" in text


def test_agent_filters_are_repeatable_and_removable(cli: CliRunner,
                                                    config_file: Path) -> None:
    result = cli("target", "claude", "--add-agent-include", "team-*", "--add-agent-include",
                 "core-*", "--add-agent-exclude", "draft-*")
    assert result.code == 0, result.err
    assert "added agent include: team-*" in result.out
    assert targets_of(config_file)["claude"] == {"agents": {
        "include": ["team-*", "core-*"], "exclude": ["draft-*"]}}
    listed = cli("target", "list", "--json").json()["targets"][0]
    assert (listed["agentInclude"], listed["agentExclude"]) == (["team-*", "core-*"],
                                                                ["draft-*"])
    assert listed["include"] == [] and listed["exclude"] == []
    cli("target", "claude", "--remove-agent-include", "team-*", "--remove-agent-include",
        "core-*", "--remove-agent-exclude", "draft-*")
    assert targets_of(config_file)["claude"] == {}  # an emptied entry is dropped


def test_the_agents_mode_set_with_the_skills_mode_is_kept(cli: CliRunner,
                                                          config_file: Path) -> None:
    """The agents' mode follows the skills' unless set: setting both in one command keeps
    the agents' one (it is compared with the mode the target ends up with)."""
    assert cli("target", "claude", "-m", "copy", "--agent-mode", "merge").code == 0
    assert targets_of(config_file)["claude"] == {"mode": "copy", "agents": {"mode": "merge"}}
    info = cli("target", "claude", "--json").json()
    assert (info["mode"], info["agentMode"]) == ("copy", "merge")


@pytest.mark.parametrize("argv", [
    ["--agent-mode", "copy"], ["--add-agent-include", "a*"], ["--remove-agent-exclude", "b*"]])
def test_agent_settings_of_a_target_without_agents_folder_are_refused(
        cli: CliRunner, config_file: Path, argv: list[str]) -> None:
    before = config_file.read_bytes()
    result = cli("target", "tool", *argv, "--mode", "copy")
    assert result.code == 1
    assert "has no agents folder" in result.err and "agents.path" in result.err
    assert config_file.read_bytes() == before
    assert "agentPath" not in cli("target", "tool", "--json").json()


def test_a_custom_target_with_an_agents_path_takes_agent_settings(
        cli: CliRunner, config_file: Path, home: Path) -> None:
    write_config(home, CONFIG + "    agents:\n      path: ~/tool/agents\n")
    result = cli("target", "tool", "--agent-mode", "symlink")
    assert result.code == 0, result.err
    assert targets_of(config_file)["tool"] == {
        "path": "~/tool/skills", "agents": {"path": "~/tool/agents", "mode": "symlink"}}
    assert cli("target", "tool", "--json").json()["agentSync"] == "0/1 linked (directory symlink)"
    assert cli("sync", "agents").code == 0
    assert (home / "tool/agents").is_symlink()
    assert cli("target", "tool", "--json").json()["agentSync"] == "1/1 linked (directory symlink)"


@pytest.mark.parametrize(("argv", "message"), [
    (["claude", "--agent-mode", "fast"], "invalid agent mode 'fast'"),
    (["claude", "-m", "fast"], "invalid mode 'fast'"),
    (["claude", "--target-naming", "nested"], "invalid target naming 'nested'"),
    (["claude", "--add-agent-include", "[x"], "invalid agent include pattern"),
    (["claude", "--add-agent-exclude", "ok-*", "--add-exclude", "[x"],
     "invalid exclude pattern"),
    (["claude", "--agent-mode", "symlink", "--add-agent-include", "a*"],
     "not used in symlink mode"),
    (["add", "cursor", "--agent-mode", "copy"], "--agent-mode cannot be used with `target add`"),
    (["add", "cursor", "--target-naming", "flat"], "cannot be used with `target add`"),
    (["remove", "tool", "--add-include", "a*"], "--add-include cannot be used with `target "
                                                "remove`"),
    (["list", "-m", "copy"], "--mode cannot be used with `target list`"),
])
def test_bad_values_change_nothing(cli: CliRunner, config_file: Path, argv: list[str],
                                   message: str) -> None:
    before = config_file.read_bytes()
    result = cli("target", *argv)
    assert result.code == 2, (result.out, result.err)
    assert message in result.err
    assert config_file.read_bytes() == before


def test_agent_filters_of_a_symlinked_agents_folder_are_refused(cli: CliRunner,
                                                                config_file: Path) -> None:
    assert cli("target", "claude", "--agent-mode", "symlink").code == 0
    before = config_file.read_bytes()
    result = cli("target", "claude", "--add-agent-exclude", "x*")
    assert result.code == 2 and "--agent-mode merge or copy" in result.err
    assert config_file.read_bytes() == before
    # set back to merge in the same command: taken
    assert cli("target", "claude", "--agent-mode", "merge", "--add-agent-exclude",
               "x*").code == 0
    assert targets_of(config_file)["claude"] == {"agents": {"mode": "merge",
                                                            "exclude": ["x*"]}}


def test_target_naming_is_written_where_the_original_keeps_it(
        cli: CliRunner, config_file: Path, home: Path) -> None:
    result = cli("target", "claude", "--target-naming", "standard")
    assert result.code == 0, result.err
    assert "target naming: flat -> standard" in result.out
    assert targets_of(config_file)["claude"] == {"skills": {"target_naming": "standard"}}
    assert cli("target", "claude", "--json").json()["targetNaming"] == "standard"
    assert cli("target", "tool", "--json").json()["targetNaming"] == "flat"
    assert cli("sync").code == 0
    assert (home / ".claude/skills/dev").is_symlink()  # the SKILL.md name, not frontend__dev
    # a later edit keeps it (the flat keys are folded into the nested entry)
    assert cli("target", "claude", "--mode", "copy").code == 0
    assert targets_of(config_file)["claude"] == {"skills": {"target_naming": "standard",
                                                            "mode": "copy"}}


def test_naming_in_symlink_mode_is_set_with_a_warning(cli: CliRunner,
                                                      config_file: Path) -> None:
    assert cli("target", "tool", "--mode", "symlink").code == 0
    result = cli("target", "tool", "--target-naming", "standard", "--json")
    assert result.code == 0
    assert result.json()["warnings"] == [
        "target naming is not used in symlink mode (the folder is one link)"]


def test_dry_run_shows_the_changes_and_writes_nothing(cli: CliRunner,
                                                      config_file: Path) -> None:
    before = config_file.read_bytes()
    result = cli("target", "claude", "-m", "copy", "--agent-mode", "symlink",
                 "--target-naming", "standard", "--add-include", "a*", "-n", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["dry_run"] is True
    assert data["changes"] == ["mode: merge -> copy", "target naming: flat -> standard",
                               "added include: a*", "agent mode: copy -> symlink"]
    assert (data["mode"], data["agentMode"], data["targetNaming"], data["include"]) == (
        "copy", "symlink", "standard", ["a*"])  # as it would be
    assert config_file.read_bytes() == before
    text = cli("target", "claude", "--agent-mode", "copy", "--dry-run").out
    assert "agent mode: merge -> copy (dry run)" in text and "Nothing was written" in text
    assert config_file.read_bytes() == before


def test_nothing_to_change_writes_nothing(cli: CliRunner, config_file: Path) -> None:
    before = config_file.read_bytes()
    result = cli("target", "claude", "--agent-mode", "merge", "--target-naming", "flat",
                 "--remove-agent-include", "absent*")
    assert result.code == 0 and "nothing to change" in result.out
    assert config_file.read_bytes() == before


def test_list_shows_agents_and_naming(cli: CliRunner, config_file: Path, home: Path) -> None:
    assert cli("sync", "agents").code == 0
    assert cli("target", "claude", "--add-agent-exclude", "draft-*").code == 0
    listed = {t["name"]: t for t in cli("target", "list", "--json").json()["targets"]}
    claude = listed["claude"]
    assert (claude["agentLinkedCount"], claude["agentLocalCount"],
            claude["agentExpectedCount"]) == (1, 0, 1)
    assert claude["agentSync"] == "1/1 linked" and claude["sync"] == "not exist"
    assert claude["targetNaming"] == "flat" and claude["skillsEnabled"] is True
    assert not {"agentPath", "agentMode", "agentSync"} & set(listed["tool"])
    text = cli("target", "list").out
    assert "agents:  merge  ~/.claude/agents  (1/1 linked)  exclude: draft-*" in text
    assert "~/tool/skills  naming: flat" in text


def test_list_and_info_without_sources(cli: CliRunner, home: Path) -> None:
    write_config(home, CONFIG)  # neither the skills source nor the agents source exists
    listed = cli("target", "list", "--json")
    assert listed.code == 0, listed.err
    claude = listed.json()["targets"][0]
    assert (claude["agentSync"], claude["agentExpectedCount"]) == ("no source agents yet", 0)
    assert cli("target", "claude").code == 0


def test_project_mode(cli: CliRunner, work: Path) -> None:
    (work / ".claude").mkdir()
    assert cli("init", "-p").code == 0
    config_file = work / ".skillshare/config.yaml"
    result = cli("target", "claude", "-p", "--agent-mode", "copy", "--add-agent-include", "t*",
                 "--target-naming", "standard")
    assert result.code == 0, result.err
    assert targets_of(config_file) == [{
        "name": "claude", "skills": {"target_naming": "standard"},
        "agents": {"mode": "copy", "include": ["t*"]}}]
    info = cli("target", "claude", "-p", "--json").json()
    assert (info["agentPath"], info["agentMode"], info["targetNaming"]) == (
        str(work / ".claude/agents"), "copy", "standard")
    before = config_file.read_bytes()
    assert cli("target", "claude", "-p", "--agent-mode", "nope").code == 2
    assert config_file.read_bytes() == before
