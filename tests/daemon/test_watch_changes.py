"""Every kind of change in the source reaches the targets through the daemon's own inotify
watches: skills added, edited (the frontmatter, and files deep inside, in a copy target too),
deleted and renamed, nested skills made in new deep folders and moved with them, folders moved
in from outside, and group folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import DaemonStarter, make_skill, three_targets, wait_for


@pytest.fixture
def world(home: Path, source: Path) -> dict[str, Path]:
    found = three_targets(home, source)
    make_skill(source, "alpha", files={"refs/notes.md": "v1\n"})
    for name in ("claude", "cursor", "codex"):
        found[name].mkdir(parents=True)  # there from the start: none appears (a rebuild) later
    return found


def everywhere(world: dict[str, Path], name: str) -> bool:
    return all(os.path.lexists(world[t] / name) for t in ("claude", "cursor", "codex"))


def nowhere(world: dict[str, Path], name: str) -> bool:
    return not any(os.path.lexists(world[t] / name) for t in ("claude", "cursor", "codex"))


def text(path: Path) -> str | None:
    try:
        return path.read_text()
    except FileNotFoundError:
        return None  # a copy being replaced is moved aside for a moment


def test_every_kind_of_change_reaches_the_targets(world: dict[str, Path], tmp_path: Path,
                                                  daemon: DaemonStarter) -> None:
    source, codex = world["source"], world["codex"]
    d = daemon()
    assert d.status()["watch"]["inotify_watches"] >= 3
    make_skill(source, "beta")
    wait_for(lambda: everywhere(world, "beta"), what="a skill added")
    (source / "beta/SKILL.md").write_text("---\nname: beta\ntargets: [claude]\n---\nb\n")
    wait_for(lambda: not os.path.lexists(world["cursor"] / "beta"), what="a frontmatter edit")
    assert os.path.lexists(world["claude"] / "beta")
    (source / "alpha/refs/notes.md").write_text("v2\n")
    wait_for(lambda: text(codex / "alpha/refs/notes.md") == "v2\n", what="a deep file edited")
    (source / "alpha/refs/new/deeper").mkdir(parents=True)
    (source / "alpha/refs/new/deeper/more.md").write_text("m\n")
    wait_for(lambda: text(codex / "alpha/refs/new/deeper/more.md") == "m\n",
             what="a file made in a new deep folder")
    make_skill(source, "alpha/refs/new/inner")
    wait_for(lambda: everywhere(world, "alpha__refs__new__inner"), what="a deep nested skill")
    (source / "alpha/refs/new").rename(source / "alpha/refs/moved")
    wait_for(lambda: everywhere(world, "alpha__refs__moved__inner")
             and nowhere(world, "alpha__refs__new__inner"), what="a deep folder renamed")
    wait_for(lambda: text(codex / "alpha/refs/moved/deeper/more.md") == "m\n",
             what="the renamed folder in the copy")
    (source / "alpha/refs/moved/deeper/more.md").write_text("m2\n")
    wait_for(lambda: text(codex / "alpha/refs/moved/deeper/more.md") == "m2\n",
             what="an edit inside the renamed folder")
    make_skill(tmp_path / "elsewhere", "pack/gamma")
    (tmp_path / "elsewhere/pack").rename(source / "pack")  # a group moved in from outside
    wait_for(lambda: everywhere(world, "pack__gamma"), what="a group moved in")
    (source / "pack/gamma/extra.md").write_text("e\n")
    wait_for(lambda: text(codex / "pack__gamma/extra.md") == "e\n", what="an edit in it")
    make_skill(source, "team/delta")
    wait_for(lambda: everywhere(world, "team__delta"), what="a group folder added")
    (source / "beta").rename(source / "beta2")
    wait_for(lambda: os.path.lexists(world["claude"] / "beta2")
             and not os.path.lexists(world["claude"] / "beta"), what="a skill renamed")
    shutil.rmtree(source / "team")
    wait_for(lambda: nowhere(world, "team__delta"), what="a group deleted")
    shutil.rmtree(source / "alpha")
    wait_for(lambda: nowhere(world, "alpha") and nowhere(world, "alpha__refs__moved__inner"),
             what="a skill deleted")
    status = d.settle()  # no event lost, no watch failed: nothing was caught up by a rebuild
    assert status["watch"]["restarts"] == 0 and status["watch"]["overflows"] == 0
