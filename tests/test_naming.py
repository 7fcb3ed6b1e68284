"""``target_naming: standard``: entries named by the SKILL.md name, invalid names and
collisions reported and not synced, switching between flat and standard converges (our
entries under the old names go, the user's stay), and the daemon's partial pass finds a
changed skill's entry."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from skillshared import api
from skillshared.catalog import skills
from skillshared.core.config_file import load
from skillshared.core.paths import Paths
from skillshared.engine import reconcile
from skillshared.engine.naming import name_problem, name_skills
from tests.conftest import DaemonStarter, make_skill, wait_for, write_config


class Run:
    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result
        self.code = 0
        self.err = ""

    def json(self) -> dict[str, Any]:
        return self.result


def cli(cmd: str, *flags: str) -> Run:
    """The command in this process (as the CLI's in-process path runs it)."""
    return Run(api.run(cmd, {f.lstrip("-").replace("-", "_"): True for f in flags},
                       Paths.from_env()))


def _config(home: Path, naming: str, mode: str = "merge", per_target: str | None = None
            ) -> None:
    target = "    skills:\n      path: ~/.claude/skills\n      mode: " + mode + "\n"
    if per_target:
        target += f"      target_naming: {per_target}\n"
    write_config(home, f"source: ~/src\ntarget_naming: {naming}\ntargets:\n  claude:\n"
                 + target)


@pytest.fixture
def src(home: Path) -> Path:
    root = home / "src"
    make_skill(root, "pdf")
    make_skill(root, "frontend/dev")
    make_skill(root, "frontend/ui")
    return root


def _entries(home: Path) -> dict[str, str]:
    folder = home / ".claude/skills"
    return {n: (os.readlink(folder / n) if os.path.islink(folder / n) else "dir")
            for n in sorted(os.listdir(folder)) if not n.startswith(".")}


@pytest.mark.parametrize(("name", "folder", "ok"), [
    ("dev", "dev", True), ("dev-2", "dev-2", True), ("", "dev", False), ("Dev", "Dev", False),
    ("-dev", "-dev", False), ("a--b", "a--b", False), ("dev", "other", False),
    ("my_skill", "my_skill", False), ("x" * 65, "x" * 65, False), ("élan", "élan", True)])
def test_name_rules(name: str, folder: str, ok: bool) -> None:
    assert (name_problem(name, folder) is None) is ok


def test_flat_naming_is_the_flat_name(src: Path) -> None:
    found = skills.discover(src).skills
    assert sorted(name_skills(found, "flat").entries) == ["frontend__dev", "frontend__ui",
                                                          "pdf"]
    assert sorted(name_skills(found, "standard").entries) == ["dev", "pdf", "ui"]


def test_standard_sync_names_by_skill_name_and_reports_bad_ones(
        home: Path, src: Path) -> None:
    make_skill(src, "backend/dev")  # collides with frontend/dev
    make_skill(src, "odd", name="not-odd")  # name does not match its folder
    _config(home, "standard")
    result = cli("sync")
    assert result.code == 0, result.err
    target = result.json()["targets"][0]
    assert set(_entries(home)) == {"pdf", "ui"}
    assert _entries(home)["ui"] == str(src / "frontend/ui")
    conflicts = {c["name"]: c["reason"] for c in target["conflicts"]}
    assert set(conflicts) == {"dev", "odd"}
    assert "backend/dev, frontend/dev" in conflicts["dev"]
    assert "does not match its folder name" in conflicts["odd"]
    assert target["status"] == "warning"
    # a second pass changes nothing
    again = cli("sync").json()["targets"][0]
    assert again["changed"] == 0


def test_switching_naming_converges_and_keeps_user_entries(
        home: Path, src: Path) -> None:
    _config(home, "flat")
    assert cli("sync").code == 0
    assert set(_entries(home)) == {"pdf", "frontend__dev", "frontend__ui"}
    own = home / ".claude/skills/dev"  # the user's own folder, named like a skill
    own.mkdir()
    (own / "notes.txt").write_text("mine")
    _config(home, "standard")
    result = cli("sync")
    assert result.code == 0, result.err
    target = result.json()["targets"][0]
    assert set(_entries(home)) == {"pdf", "dev", "ui"}
    assert (own / "notes.txt").read_text() == "mine"  # never touched
    assert [c["name"] for c in target["conflicts"]] == ["dev"]
    _config(home, "flat")
    assert cli("sync").code == 0
    assert set(_entries(home)) == {"pdf", "dev", "frontend__dev", "frontend__ui"}
    assert (own / "notes.txt").read_text() == "mine"


def test_per_target_naming_wins_and_copies_switch(home: Path,
                                                  src: Path) -> None:
    _config(home, "flat", mode="copy", per_target="standard")
    config = load(Paths.from_env().global_scope())
    assert [t.naming for t in config.targets] == ["standard"]
    assert not [u for u in config.unused if "target_naming" in u.key]
    assert cli("sync").code == 0
    assert _entries(home) == {"dev": "dir", "pdf": "dir", "ui": "dir"}
    _config(home, "standard", mode="copy", per_target="flat")
    assert cli("sync").code == 0
    assert _entries(home) == {"frontend__dev": "dir", "frontend__ui": "dir", "pdf": "dir"}


def test_symlink_mode_ignores_naming(home: Path, src: Path) -> None:
    _config(home, "standard", mode="symlink")
    assert cli("sync").code == 0
    assert os.readlink(home / ".claude/skills") == str(src)


def test_partial_pass_finds_a_changed_skills_entry(home: Path,
                                                   src: Path) -> None:
    _config(home, "standard")
    assert cli("sync").code == 0
    config = load(Paths.from_env().global_scope())
    # a new nested skill: the daemon hands its flat name to a partial pass
    make_skill(src, "tools/lint")
    report = reconcile.sync(config, skills.discover(src), names=["tools__lint"])
    assert report["partial"]
    assert "lint" in _entries(home)
    # a skill that now collides with one that did not change: both leave the target
    make_skill(src, "backend/ui")
    report = reconcile.sync(config, skills.discover(src), names=["backend__ui"])
    assert "ui" not in _entries(home)
    assert [c["name"] for c in report["targets"][0]["conflicts"]] == ["ui"]
    # and come back as one when it goes away
    for path in sorted((src / "backend/ui").iterdir()):
        path.unlink()
    (src / "backend/ui").rmdir()
    reconcile.sync(config, skills.discover(src), names=["backend__ui"])
    assert _entries(home)["ui"] == str(src / "frontend/ui")


def test_targets_sharing_a_folder_need_one_naming(home: Path,
                                                  src: Path) -> None:
    write_config(home, "source: ~/src\ntargets:\n  claude:\n    path: ~/.claude/skills\n"
                 "  mine:\n    skills:\n      path: ~/.claude/skills\n"
                 "      target_naming: standard\n")
    result = cli("sync")
    assert "different target_naming" in (result.json()["targets"][0]["error"] or "")
    assert not (home / ".claude/skills").exists()


def test_text_and_doctor_tell_skipped_skills_from_entries_in_the_way(
        home: Path, src: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from skillshare.main import main

    make_skill(src, "backend/dev")
    _config(home, "standard")
    capsys.readouterr()
    assert main(["sync", "--no-daemon"]) == 0
    out = capsys.readouterr().out
    assert "name collision: backend/dev, frontend/dev are all named 'dev'" in out
    assert "--force" not in out  # nothing in the way: --force would not help
    checks = cli("doctor").json()["checks"]
    claude = [c for c in checks if c["name"] == "target claude"]
    assert [c["message"] for c in claude if c["status"] == "warning"] == [
        "1 skills not synced (target_naming: standard)"]
    assert any(c["status"] == "pass" for c in claude)


def test_the_daemon_follows_standard_naming(home: Path, src: Path,
                                            daemon: DaemonStarter) -> None:
    _config(home, "standard")
    d = daemon()
    target = home / ".claude/skills"
    wait_for(lambda: {"pdf", "dev", "ui"} <= set(_entries(home)), what="the first pass")
    nested = make_skill(src, "tools/lint")
    wait_for(lambda: os.path.islink(target / "lint"), what="a new nested skill")
    assert os.readlink(target / "lint") == str(nested)
    make_skill(src, "backend/lint")  # now two skills are named lint: neither stays
    wait_for(lambda: not os.path.lexists(target / "lint"), what="the collision")
    assert d.settle()["last_reconcile"]["kind"] == "partial"
    assert "tools__lint" not in _entries(home)
