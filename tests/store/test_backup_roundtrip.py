"""Property: whatever a target holds, back it up, change it any way, restore it: it is as it
was (links as links, folders and files with their content and modes), and a link to a skill
that left the source comes back as that skill's saved content."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CliRunner, make_skill, tree, write_config

NAMES = st.sampled_from(["a", "b", "c", "d", "e"])
FILES = st.dictionaries(st.sampled_from(["SKILL.md", "x.md", "sub/y.txt", "sub/deep/z"]),
                        st.tuples(st.binary(max_size=64), st.booleans()), max_size=3)
ENTRY = st.one_of(
    st.tuples(st.just("ours"), st.sampled_from(["keep1", "keep2", "gone1", "gone2"])),
    st.tuples(st.just("foreign"), st.sampled_from(["/nowhere", "../elsewhere", "x"])),
    st.tuples(st.just("folder"), FILES),
    st.tuples(st.just("file"), st.binary(max_size=64)),
)
WORLD = st.dictionaries(NAMES, ENTRY, max_size=5)
NONEMPTY = st.dictionaries(NAMES, ENTRY, min_size=1, max_size=5)


def build(target: Path, source: Path, world: dict[str, Any]) -> None:
    target.mkdir(parents=True)
    for name, (kind, arg) in world.items():
        path = target / name
        if kind == "ours":
            path.symlink_to(source / arg)
        elif kind == "foreign":
            path.symlink_to(arg)
        elif kind == "file":
            path.write_bytes(arg)
        else:
            path.mkdir()
            for rel, (data, executable) in arg.items():
                (path / rel).parent.mkdir(parents=True, exist_ok=True)
                (path / rel).write_bytes(data)
                (path / rel).chmod(0o755 if executable else 0o644)


def modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mode & 0o777 for p in root.rglob("*")
            if p.is_file() and not p.is_symlink()}


@settings(max_examples=40)
@given(world=NONEMPTY, changes=WORLD, drop_gone=st.booleans())
def test_restore_gives_back_what_was_backed_up(cli: CliRunner, home: Path, source: Path,
                                               world: dict[str, Any], changes: dict[str, Any],
                                               drop_gone: bool) -> None:
    target = home / ".claude/skills"
    write_config(home, f"source: {source}\ntargets:\n  claude:\n    path: {target}\n")
    for folder in (target, source, home / ".local"):
        shutil.rmtree(folder, ignore_errors=True)
    for skill in ("keep1", "keep2", "gone1", "gone2"):
        make_skill(source, skill, files={"ref.md": f"{skill} reference\n"})
    build(target, source, world)
    before, before_modes = tree(target), modes(target)
    saved = {s: tree(source / s) for s in ("gone1", "gone2")}
    result = cli("backup", "claude")
    assert result.code == 0, result.err
    shutil.rmtree(target)
    build(target, source, changes)  # anything at all in its place
    if drop_gone:
        for skill in saved:
            shutil.rmtree(source / skill)
    result = cli("restore", "claude", "--force", "--json")
    assert result.code == 0, result.err
    expected = dict(before)
    for name, (kind, arg) in world.items():
        if kind == "ours" and drop_gone and arg in saved:  # back as its saved content
            expected[name] = ("dir", "")
            expected.update({f"{name}/{k}": v for k, v in saved[arg].items()})
    assert tree(target) == expected
    assert {k: v for k, v in modes(target).items() if k in before_modes} == before_modes
    recovered = result.json()["recovered"]
    assert sorted(recovered) == sorted(n for n, (k, a) in world.items()
                                       if k == "ours" and drop_gone and a in saved)
    assert not [n for n in os.listdir(target.parent) if n.startswith(".skillshare")]
