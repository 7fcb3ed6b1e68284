"""`list` and `status` answered by the daemon are worked out once and served again while
nothing changes; an edit in the source, a command run through the daemon, or another scope
is never answered from what was kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import CliRunner, DaemonStarter, make_skill, write_config


def _described(cli: CliRunner, *flags: str) -> dict[str, Any]:
    return {s["name"]: s["description"] for s in cli("list", "--json", *flags).json()}


def test_list_is_reused_until_something_changes(home: Path, source: Path, cli: CliRunner,
                                                daemon: DaemonStarter, work: Path) -> None:
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {home / '.claude/skills'}}}\n")
    make_skill(source, "alpha")
    d = daemon()

    def reused() -> int:
        return int(d.status()["server"]["reads_reused"])

    first = cli("list", "--json").json()
    count = reused()
    assert cli("list", "--json").json() == first and reused() == count + 1
    assert cli("status", "--json").code == 0 and cli("status", "--json").code == 0
    assert reused() == count + 2  # (the second status)
    # an edit the watcher sees: the next answer is worked out again
    passes = d.reconciles()
    (source / "alpha/SKILL.md").write_text("---\nname: alpha\ndescription: edited\n---\n")
    d.settle(after=passes)
    assert _described(cli) == {"alpha": "edited"}
    # a change made through the daemon: seen at once (no waiting for the watcher)
    assert cli("new", "beta").code == 0
    assert set(_described(cli)) == {"alpha", "beta"}
    # a project's list is its own, never the global one kept
    (work / ".skillshare/skills").mkdir(parents=True)
    make_skill(work / ".skillshare/skills", "local-one")
    (work / ".skillshare/config.yaml").write_text("targets: []\n")
    assert set(_described(cli, "-p")) == {"local-one"}
    assert set(_described(cli, "-g")) == {"alpha", "beta"}


def test_one_answer_for_the_same_question_however_asked(home: Path, source: Path,
                                                        cli: CliRunner,
                                                        daemon: DaemonStarter) -> None:
    """The CLI sends its flags that are off; the dashboard sends none: the same status."""
    write_config(home, f"source: {source}\ntargets:\n"
                 f"  claude: {{path: {home / '.claude/skills'}}}\n")
    make_skill(source, "alpha")
    d = daemon()
    assert cli("status", "--json").code == 0
    count = int(d.status()["server"]["reads_reused"])
    page = d.ask("status", {})
    assert int(d.status()["server"]["reads_reused"]) == count + 1
    assert page["source"]["skills"] == 1
    d.ask("status", {"project": False, "verbose": False, "names": []})
    assert int(d.status()["server"]["reads_reused"]) == count + 2
