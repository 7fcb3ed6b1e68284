"""A user with skills, agents (a merge and a copy target) and two extras (rules to two tools,
prompts flattened), from `init` to the daemon, through the CLI as they would type it; and
every bad input refused with nothing changed."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import CliRunner, DaemonStarter, make_skill, tree, wait_for


def test_a_day_with_skills_agents_and_extras(cli: CliRunner, home: Path,
                                             daemon: DaemonStarter) -> None:
    for tool in (".claude", ".cursor"):
        (home / tool).mkdir()
    assert cli("init", "--targets", "claude,cursor").code == 0
    assert cli("target", "cursor", "--mode", "copy").code == 0
    config = home / ".config/skillshare"
    make_skill(config / "skills", "review")
    agents = config / "agents"
    (agents / "team").mkdir(parents=True)
    (agents / "tutor.md").write_text("---\nname: tutor\n---\nteach\n")
    (agents / "team/planner.md").write_text("plan\n")
    rules, prompts = home / "rules-src", home / "prompts-src"
    assert cli("extras", "init", "rules", "--target", "~/.claude/rules", "--target",
               "~/.cursor/rules", "--source", str(rules)).code == 0
    assert cli("extras", "init", "prompts", "--target", "~/.claude/prompts",
               "--flatten").code == 0
    prompts = Path(cli("extras", "list", "--json").json()[1]["source"])
    (rules / "style.md").write_text("style\n")
    (prompts / "a").mkdir()
    (prompts / "a/fix.md").write_text("fix\n")

    assert cli("sync").code == 0  # skills only
    assert not (home / ".claude/agents").exists()
    assert cli("sync", "agents").code == 0
    assert (home / ".claude/agents/team__planner.md").is_symlink()
    assert (home / ".cursor/agents/tutor.md").read_text() == "---\nname: tutor\n---\nteach\n"
    assert cli("sync", "extras").code == 0
    assert (home / ".cursor/rules/style.md").is_symlink()
    assert os.readlink(home / ".claude/prompts/fix.md") == str(prompts / "a/fix.md")
    states = cli("extras", "list", "--json").json()
    assert all(t["status"] == "synced" for e in states for t in e["targets"]), states
    assert cli("status", "--json").json()["out_of_sync"] == 0
    assert all(t["synced"] for t in cli("diff", "--json").json()["targets"])

    # an agent made in claude comes back into the source
    (home / ".claude/agents/helper.md").write_text("help\n")
    assert cli("collect", "agents", "claude").code == 0
    assert (agents / "helper.md").read_text() == "help\n"
    assert (home / ".claude/agents/helper.md").is_symlink()

    # backup, harm, restore
    assert cli("backup").code == 0
    (home / ".cursor/agents/tutor.md").unlink()
    assert cli("restore", "cursor@agents").code == 0
    assert (home / ".cursor/agents/tutor.md").read_text().endswith("teach\n")

    # uninstall an agent: to the trash, pruned by the next sync
    assert cli("uninstall", "agents", "helper").code == 0
    assert not (agents / "helper.md").exists()
    assert cli("sync", "--all").code == 0
    assert not os.path.lexists(home / ".claude/agents/helper.md")

    # the daemon: an edit of each kind arrives by itself
    daemon()
    (config / "skills/review/SKILL.md").write_text("---\nname: review\n---\nv2\n")
    (agents / "tutor.md").write_text("---\nname: tutor\n---\nteach v2\n")
    (rules / "style.md").write_text("style v2\n")
    (prompts / "a/new.md").write_text("new\n")
    wait_for(lambda: (home / ".cursor/skills/review/SKILL.md").read_text().endswith("v2\n"),
             what="the skill's copy updated")
    wait_for(lambda: (home / ".cursor/agents/tutor.md").read_text().endswith("teach v2\n"),
             what="the agent's copy updated")
    wait_for((home / ".claude/prompts/new.md").is_symlink, what="new prompt linked")
    assert (home / ".claude/rules/style.md").read_text() == "style v2\n"


def test_bad_input_is_refused_and_changes_nothing(cli: CliRunner, home: Path) -> None:
    (home / ".claude").mkdir()
    assert cli("init", "--targets", "claude").code == 0
    config = home / ".config/skillshare"
    (config / "agents").mkdir(exist_ok=True)  # (init makes it)
    (config / "agents/-bad name.md").write_text("x\n")
    (config / "agents/good.md").write_text("x\n")
    before = tree(home)
    report = cli("sync", "agents", "--json", "--dry-run").json()
    assert [i["path"] for i in report["invalid"]] == ["-bad name.md"]
    assert "letter or a digit" in report["invalid"][0]["reason"]
    config_file = config / "config.yaml"
    text = config_file.read_text()
    for bad, words in (
            ("extras:\n  - name: rules\n", "extras[0].targets"),
            ("extras:\n  - name: rules\n    targets:\n      - path: ~/.config/skillshare/"
             "skills/inside\n", "extras[0].targets[0].path"),
            ("extras:\n  - name: rules\n    targets:\n      - path: ~/r\n        mode: mirror\n",
             "extras[0].targets[0].mode"),
            ("extras:\n  - name: '../x'\n    targets:\n      - path: ~/r\n", "extras[0].name")):
        config_file.write_text(text + bad)
        for argv in (("sync", "--all"), ("sync", "extras"), ("status",)):
            result = cli(*argv)
            assert result.code != 0 and words in result.err, (bad, argv, result.err)
    config_file.write_text(text)
    after = tree(home)
    assert {k: v for k, v in after.items() if "config.yaml" not in k} == {
        k: v for k, v in before.items() if "config.yaml" not in k}
    for command, words in ((("extras", "init", "rules"), "--target"),
                           (("extras", "init", "rules", "--target", "~/r", "--mode",
                             "mirror"), "mirror"),
                           (("extras", "init", "rules", "--target",
                             "~/.config/skillshare/skills/x"), "source"),
                           (("sync", "extras", "nope"), "unknown extra")):
        result = cli(*command)
        assert result.code != 0 and words in result.err, (command, result.err)
    assert config_file.read_text() == text
