"""``status --json`` and ``list --json`` are the same with the persisted catalog cold, warm,
or not used at all, and after a change to the source they show it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillshared.catalog import skills, stored
from skillshared.commands import viewcache
from tests.catalog.test_stored import aged
from tests.conftest import CliRunner, make_skill, write_config


@pytest.fixture
def world(home: Path, source: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(stored, "SETTLED_NS", -10**12)  # (kept at once: see test_stored)
    write_config(home, "source: ~/.config/skillshare/skills\nmode: merge\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n    mode: copy\n")
    make_skill(source, "alpha", files={"scripts/run.sh": "echo"})
    make_skill(source, "beta", frontmatter="name: beta\ntargets: [claude]\n")
    make_skill(source, "quoted", frontmatter='name: "quoted"\ndescription: >\n  folded\n')
    make_skill(source, "broken", frontmatter="name: [unclosed\n")
    make_skill(source, "group/gamma")
    make_skill(source, "_team/delta")
    (source / "_team/.git").mkdir()
    (source / "beta/out").symlink_to("/")
    return aged(source)


def views(cli: CliRunner) -> tuple[object, object]:
    listed, status = cli("list", "--json"), cli("status", "--json")
    assert listed.code == 0 == status.code, (listed.err, status.err)
    return listed.json(), status.json()


def test_cold_warm_and_without_the_catalog_alike(cli: CliRunner, world: Path, home: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("sync").code == 0
    cold = views(cli)
    cache = home / ".local/state/skillshare/cache"
    assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == ["catalog", "config"]
    warm = views(cli)
    monkeypatch.setattr(viewcache, "discover", lambda state, source: skills.discover(source))
    assert cold == warm == views(cli)


def test_a_change_is_shown_at_once(cli: CliRunner, world: Path) -> None:
    views(cli)
    skill_file = world / "alpha/SKILL.md"
    skill_file.write_text(skill_file.read_text().replace("test skill", "best skill"))
    make_skill(world, "group/epsilon")
    os.rename(world / "beta", world / "beta-renamed")
    listed = {s["name"]: s for s in cli("list", "--json").json()}
    assert listed["alpha"]["description"] == "best skill"
    assert "group__epsilon" in listed and "beta" not in listed
    assert cli("status", "--json").json()["source"]["skills"] == len(listed)


def test_a_cache_folder_that_cannot_be_written_changes_nothing(cli: CliRunner, world: Path,
                                                               home: Path) -> None:
    state = home / ".local/state/skillshare"
    state.mkdir(parents=True)
    (state / "cache").write_text("a file where the cache folder should be")
    first = views(cli)
    assert first == views(cli)
    (state / "cache").unlink()
    assert views(cli) == first
