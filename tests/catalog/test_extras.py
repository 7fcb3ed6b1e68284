"""Which files of an extra's source are synced, and where each lands in a target."""

from __future__ import annotations

import os
from pathlib import Path

from skillshared.catalog.extras import ExtraFile, Refused, discover_extra


def write(root: Path, *rels: str) -> None:
    for rel in rels:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rel)


def test_every_regular_file_nested_and_hidden_but_not_git_or_bookkeeping(tmp_path: Path) -> None:
    src = tmp_path / "rules"
    write(src, "b.md", "a.md", "team/style.md", ".hidden.md", ".config/x.md",
          ".git/HEAD", "deep/.git/config", ".metadata.json", "team/.metadata.json")
    found = discover_extra(src, flatten=False)
    assert found.exists and found.problem is None
    assert found.files == tuple(ExtraFile(r, r) for r in (
        ".config/x.md", ".hidden.md", "a.md", "b.md", "team/style.md"))
    assert found.refused == () and found.warnings == ()


def test_flatten_keeps_base_names_and_the_first_by_path_wins(tmp_path: Path) -> None:
    src = tmp_path / "agents"
    write(src, "team-b/agent.md", "team-a/agent.md", "solo.md", "x/y/deep.md")
    found = discover_extra(src, flatten=True)
    assert found.files == (ExtraFile("solo.md", "solo.md"),
                           ExtraFile("team-a/agent.md", "agent.md"),
                           ExtraFile("x/y/deep.md", "deep.md"))
    assert [r.rel for r in found.refused] == ["team-b/agent.md"]
    assert found.warnings == ("flatten conflict: team-b/agent.md skipped (agent.md already "
                              "synced from team-a/agent.md)",)
    assert found.by_dest()["agent.md"].rel == "team-a/agent.md"


def test_links_inside_are_files_the_rest_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "rules"
    write(src, "real.md", "sub/inner.md")
    outside = tmp_path / "outside.md"
    outside.write_text("secret")
    os.symlink(src / "real.md", src / "alias.md")
    os.symlink("sub/inner.md", src / "relative.md")
    os.symlink(outside, src / "escape.md")
    os.symlink(src / "missing.md", src / "broken.md")
    os.symlink(src / "sub", src / "folder-link")
    os.mkfifo(src / "pipe")
    found = discover_extra(src, flatten=False)
    assert [f.rel for f in found.files] == ["alias.md", "real.md", "relative.md",
                                            "sub/inner.md"]
    assert found.refused == (
        Refused("broken.md", "a broken link"),
        Refused("escape.md", "a link leading out of the source"),
        Refused("folder-link", "a link to a folder (not followed)"),
        Refused("pipe", "a special file (not a regular file)"))


def test_names_a_target_cannot_safely_hold_are_refused(tmp_path: Path) -> None:
    src = tmp_path / "rules"
    write(src, "ok.md", "bad\nname.md")
    (src / os.fsdecode(b"latin-\xe9.md")).write_text("x")
    found = discover_extra(src, flatten=False)
    assert [f.rel for f in found.files] == ["ok.md"]
    assert sorted(r.reason for r in found.refused) == [
        "its name holds control characters", "its name is not UTF-8 text"]


def test_a_missing_or_wrong_source(tmp_path: Path) -> None:
    missing = discover_extra(tmp_path / "nope", flatten=False)
    assert not missing.exists and missing.problem is None and missing.files == ()
    (tmp_path / "file").write_text("x")
    wrong = discover_extra(tmp_path / "file", flatten=False)
    assert not wrong.exists and wrong.problem == f"{tmp_path / 'file'} is not a folder"


def test_an_unreadable_folder_is_reported(tmp_path: Path) -> None:
    src = tmp_path / "rules"
    write(src, "a.md", "locked/b.md")
    (src / "locked").chmod(0)
    try:
        found = discover_extra(src, flatten=False)
    finally:
        (src / "locked").chmod(0o755)
    if os.geteuid() == 0:  # (root reads every folder)
        assert [f.rel for f in found.files] == ["a.md", "locked/b.md"]
    else:
        assert [f.rel for f in found.files] == ["a.md"]
        assert [r.rel for r in found.refused] == ["locked"]
