"""engine/trees.py: walking a folder tree within limits, its content digest and its cheap
stat signature."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillshared.core.limits import Limits
from skillshared.core.patterns import IgnoreRules
from skillshared.engine import trees


def sample(root: Path) -> Path:
    (root / "b/c").mkdir(parents=True)
    (root / "a.md").write_text("a\n")
    (root / "b/c/d.txt").write_text("d\n")
    (root / "b/link").symlink_to("../a.md")
    (root / ".git").mkdir()
    (root / ".git/HEAD").write_text("ref\n")
    return root


def test_walk_is_sorted_depth_first_and_does_not_follow_links(tmp_path: Path) -> None:
    root = sample(tmp_path / "t")
    (root / "b/outside").symlink_to(tmp_path)  # a link to a folder is not entered
    listed = [rel for rel, _ in trees.walk(str(root))]
    assert listed == [".git", ".git/HEAD", "a.md", "b", "b/c", "b/c/d.txt", "b/link",
                      "b/outside"]


def test_walk_leaves_out_what_the_rules_ignore_and_special_files(tmp_path: Path) -> None:
    root = sample(tmp_path / "t")
    os.mkfifo(root / "pipe")
    assert [rel for rel, _ in trees.walk(str(root), trees.SKIP_GIT)] == [
        "a.md", "b", "b/c", "b/c/d.txt", "b/link"]
    assert "pipe" in [rel for rel, _ in trees.walk(str(root))]
    assert "pipe" not in [rel for rel, _ in trees.walk(str(root), trees.COPYABLE)]
    rules = IgnoreRules.parse(["c/"])
    assert [rel for rel, _ in trees.walk(str(root), rules)] == [
        ".git", ".git/HEAD", "a.md", "b", "b/link", "pipe"]


def test_walk_stops_before_the_entry_over_the_limits(tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    for n in range(5):
        (root / f"f{n}").write_text("x")
    seen: list[str] = []
    with pytest.raises(trees.TooLarge) as caught:
        seen.extend(rel for rel, _ in trees.walk(str(root), limits=Limits(max_files=3)))
    assert seen == ["f0", "f1", "f2"]
    assert "more than 3 files and folders" in caught.value.why
    big = tmp_path / "big"
    big.mkdir()
    (big / "a").write_bytes(b"\0" * (trees.MB + 1))
    with pytest.raises(trees.TooLarge, match="more than 1 MB"):
        list(trees.walk(str(big), limits=Limits(max_mb=1)))


def test_digest_is_equal_iff_the_trees_hold_the_same(tmp_path: Path) -> None:
    one, two = sample(tmp_path / "one"), sample(tmp_path / "two")
    assert trees.digest(str(one)) == trees.digest(str(two))
    (two / "a.md").chmod(0o755)  # executable is content
    assert trees.digest(str(one)) != trees.digest(str(two))
    (two / "a.md").chmod(0o644)
    (two / "b/link").unlink()
    (two / "b/link").symlink_to("../b")  # a link's text is content
    assert trees.digest(str(one)) != trees.digest(str(two))
    (two / "b/link").unlink()
    (two / "b/link").symlink_to("../a.md")
    (two / "b/c/d.txt").write_text("D\n")
    assert trees.digest(str(one)) != trees.digest(str(two))
    (two / "b/c/d.txt").write_text("d\n")
    assert trees.digest(str(one)) == trees.digest(str(two))
    (two / ".git/HEAD").write_text("other\n")  # left out by the rules, so not compared
    assert trees.digest(str(one), trees.SKIP_GIT) == trees.digest(str(two), trees.SKIP_GIT)


def test_records_tell_kinds_apart() -> None:
    kinds = {trees.record(kind, "x", "data") for kind in ("D", "L", "F", "X", "O")}
    assert len(kinds) == 5
    assert trees.record("F", "x", "1") != trees.record("F", "x", "2")
    assert trees.record("D", "x", "ignored") == trees.record("D", "x")


def test_signature_changes_with_metadata_only_and_has_a_version(tmp_path: Path) -> None:
    root = sample(tmp_path / "t")
    before = trees.signature(str(root))
    assert trees.signature(str(root)) == before
    st = (root / "a.md").stat()
    os.utime(root / "a.md", ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert trees.signature(str(root)) != before
    copy = sample(tmp_path / "copy")  # the same content, other inodes
    assert trees.digest(str(copy)) == trees.digest(str(root))
    assert trees.signature(str(copy)) != trees.signature(str(root))


def test_special_kinds_are_named_for_people(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    mode = (tmp_path / "pipe").lstat().st_mode
    assert trees.special(mode)
    assert trees.special_kind(mode) == "a FIFO"
    assert not trees.special((tmp_path).lstat().st_mode)
