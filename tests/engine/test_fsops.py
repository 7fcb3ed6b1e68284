"""The fsops primitives, on real folders: swapping, staging, dooming, building copies."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from skillshared.core.limits import Limits
from skillshared.core.names import TEMP_PREFIX
from skillshared.engine import fsops, fsops_swap, trees


def make_tree(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def content(root: Path) -> dict[str, str]:
    """Every file under ``root`` and its text; every link and its text."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            found[rel] = ("-> " + os.readlink(path) if os.path.islink(path)
                          else Path(path).read_text())
    return found


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty folder of the test's own."""
    (tmp_path / "t").mkdir()
    return tmp_path / "t"


@pytest.fixture
def no_exchange(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a system without renameat2 / renamex_np."""
    monkeypatch.setattr(fsops_swap, "_SWAP", [(None, None)])


def failing_exchange(monkeypatch: pytest.MonkeyPatch, err: int) -> None:
    """As on a filesystem whose rename-exchange fails with ``err``."""
    monkeypatch.setattr(fsops_swap, "_SWAP", [(lambda a, b: -1, lambda: err)])


# -- exchange ---------------------------------------------------------------------------------


def test_exchange_swaps_a_folder_and_a_link_in_one_step(root: Path) -> None:
    folder = make_tree(root / "folder", {"SKILL.md": "mine\n"})
    link = root / "link"
    link.symlink_to("elsewhere")
    if not fsops_swap.exchange(str(folder), str(link)):
        pytest.skip("this system or filesystem cannot exchange two names")
    assert os.readlink(folder) == "elsewhere"
    assert (link / "SKILL.md").read_text() == "mine\n" and not link.is_symlink()


def test_exchange_is_false_without_the_system_call(root: Path, no_exchange: None) -> None:
    a = make_tree(root / "a", {"f": "a"})
    b = make_tree(root / "b", {"f": "b"})
    assert fsops_swap.exchange(str(a), str(b)) is False
    assert (a / "f").read_text() == "a" and (b / "f").read_text() == "b"


@pytest.mark.parametrize("err", [errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP])
def test_exchange_is_false_where_the_filesystem_cannot(root: Path, err: int,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    failing_exchange(monkeypatch, err)
    assert fsops_swap.exchange(str(root / "a"), str(root / "b")) is False


def test_exchange_raises_other_failures(root: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    failing_exchange(monkeypatch, errno.EXDEV)
    with pytest.raises(OSError) as caught:
        fsops_swap.exchange(str(root / "a"), str(root / "b"))
    assert caught.value.errno == errno.EXDEV
    assert caught.value.filename == str(root / "a")
    assert caught.value.filename2 == str(root / "b")


def test_exchange_of_a_missing_entry_is_an_error(root: Path) -> None:
    a = make_tree(root / "a", {"f": "a"})
    if not fsops_swap.exchange(str(a), str(a)):
        pytest.skip("this system or filesystem cannot exchange two names")
    with pytest.raises(FileNotFoundError):
        fsops_swap.exchange(str(a), str(root / "missing"))
    assert (a / "f").read_text() == "a"


# -- swap_in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("can_exchange", [True, False])
def test_swap_in_replaces_the_entry_and_deletes_the_old_one(
        root: Path, monkeypatch: pytest.MonkeyPatch, can_exchange: bool) -> None:
    if not can_exchange:
        monkeypatch.setattr(fsops_swap, "_SWAP", [(None, None)])
    target = make_tree(root / "target", {"old.md": "old\n", "sub/x": "x"})
    stage = make_tree(root / "stage", {"new.md": "new\n"})
    fsops_swap.swap_in(str(stage), str(target), str(root / "old"))
    assert content(target) == {"new.md": "new\n"}
    assert sorted(os.listdir(root)) == ["target"]


def test_swap_in_puts_a_link_in_place_of_a_folder(root: Path, no_exchange: None) -> None:
    target = make_tree(root / "target", {"f": "old"})
    (root / "stage").symlink_to("source/skill")
    fsops_swap.swap_in(str(root / "stage"), str(target), str(root / "old"))
    assert os.readlink(target) == "source/skill"
    assert sorted(os.listdir(root)) == ["target"]


def test_swap_in_where_nothing_was(root: Path) -> None:
    stage = make_tree(root / "stage", {"f": "new"})
    fsops_swap.swap_in(str(stage), str(root / "target"), str(root / "old"))
    assert content(root / "target") == {"f": "new"}
    assert sorted(os.listdir(root)) == ["target"]


def test_swap_in_cut_short_leaves_the_old_content_at_the_old_name(
        root: Path, no_exchange: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the two renames of the fallback: the old content is at ``old`` (a name the
    caller's recovery knows), the new at the stage; nothing is lost."""
    target = make_tree(root / "target", {"f": "old"})
    stage = make_tree(root / "stage", {"f": "new"})
    real_rename = os.rename

    def second_fails(src: str, dst: str) -> None:
        if src == str(stage):
            raise OSError(errno.EIO, "cut short", src)
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", second_fails)
    with pytest.raises(OSError):
        fsops_swap.swap_in(str(stage), str(target), str(root / "old"))
    assert content(root / "old") == {"f": "old"}
    assert content(stage) == {"f": "new"} and not target.exists()


# -- doom -------------------------------------------------------------------------------------


def test_doom_and_remove_deletes_the_entry_and_its_doomed_name(root: Path) -> None:
    make_tree(root / "item", {"a": "1", "deep/b": "2"})
    fsops.doom_and_remove(root / "item", root / ".del-item")
    assert os.listdir(root) == []


def test_doom_and_remove_cut_short_shows_nothing_half_deleted(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A removal that stops half way leaves the rest under the doomed name only (for the
    next sweep), never under the entry's own name."""
    make_tree(root / "item", {"a": "1", "b": "2", "deep/c": "3"})

    def half(path: str | Path) -> None:
        os.unlink(os.path.join(path, "a"))
        raise OSError(errno.EIO, "cut short", str(path))

    monkeypatch.setattr(fsops, "remove_tree", half)
    with pytest.raises(OSError):
        fsops.doom_and_remove(root / "item", root / ".del-item")
    assert os.listdir(root) == [".del-item"]
    assert content(root / ".del-item") == {"b": "2", "deep/c": "3"}


def test_doom_that_cannot_rename_changes_nothing(root: Path) -> None:
    make_tree(root / "item", {"a": "1"})
    with pytest.raises(FileNotFoundError):
        fsops.doom_and_remove(root / "item", root / "missing" / ".del-item")
    assert content(root / "item") == {"a": "1"}


def test_doom_returns_the_doomed_name(root: Path) -> None:
    (root / "file").write_text("x")
    assert fsops.doom(root / "file", root / ".del") == str(root / ".del")
    assert os.listdir(root) == [".del"]


# -- temp_tree --------------------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_temp_tree_removes_what_the_failed_work_left(root: Path,
                                                     error: type[BaseException]) -> None:
    with pytest.raises(error), fsops.temp_tree(root / "stage") as stage:
        make_tree(Path(stage), {"half": "built"})
        raise error("stopped")
    assert os.listdir(root) == []


def test_temp_tree_removes_a_link_not_what_it_leads_to(root: Path) -> None:
    kept = make_tree(root / "kept", {"f": "x"})
    with pytest.raises(RuntimeError), fsops.temp_tree(root / "stage") as stage:
        os.symlink(kept, stage)
        raise RuntimeError("stopped")
    assert sorted(os.listdir(root)) == ["kept"] and content(kept) == {"f": "x"}


def test_temp_tree_keeps_what_the_work_made(root: Path) -> None:
    with fsops.temp_tree(root / "stage") as stage:
        assert stage == str(root / "stage")
        make_tree(Path(stage), {"f": "done"})
    assert content(root / "stage") == {"f": "done"}


def test_temp_tree_with_nothing_made(root: Path) -> None:
    with pytest.raises(ValueError), fsops.temp_tree(root / "stage"):
        raise ValueError("before anything was made")
    assert os.listdir(root) == []


# -- folders, modes, links --------------------------------------------------------------------


def test_make_dir_and_set_mode(root: Path) -> None:
    fsops.make_dir(root / "d", 0o700)
    assert stat.S_IMODE(os.stat(root / "d").st_mode) == 0o700
    fsops.set_mode(root / "d", 0o755)
    assert stat.S_IMODE(os.stat(root / "d").st_mode) == 0o755
    with pytest.raises(FileExistsError):
        fsops.make_dir(root / "d")
    with pytest.raises(FileNotFoundError):
        fsops.make_dir(root / "missing" / "d")


def test_create_link_never_replaces(root: Path) -> None:
    fsops.create_link("a", str(root / "l"))
    with pytest.raises(FileExistsError):
        fsops.create_link("b", str(root / "l"))
    assert os.readlink(root / "l") == "a"


def test_swap_link_and_remove_link_check_the_text_first(root: Path) -> None:
    (root / "l").symlink_to("one")
    with pytest.raises(fsops.ChangedError):
        fsops.swap_link(str(root), "l", "two", "other")
    fsops.swap_link(str(root), "l", "two", "one")
    assert os.readlink(root / "l") == "two"
    with pytest.raises(fsops.ChangedError):
        fsops.remove_link(str(root), "l", "one")
    assert os.readlink(root / "l") == "two"
    fsops.remove_link(str(root), "l", "two")
    assert os.listdir(root) == []


def test_rename_no_replace(root: Path) -> None:
    (root / "a").write_text("a")
    (root / "b").symlink_to("dangling")
    with pytest.raises(FileExistsError):
        fsops.rename_no_replace(root / "a", root / "b")
    fsops.rename_no_replace(root / "a", root / "c")
    assert sorted(os.listdir(root)) == ["b", "c"]


def test_atomic_write_leaves_no_temp_when_it_fails(root: Path) -> None:
    (root / "folder").mkdir()
    with pytest.raises(IsADirectoryError):
        fsops.atomic_write(root / "folder", b"x")
    assert os.listdir(root) == ["folder"]
    fsops.atomic_write(root / "file", b"data", mode=0o600)
    assert (root / "file").read_bytes() == b"data"
    assert stat.S_IMODE(os.stat(root / "file").st_mode) == 0o600


# -- copies built to replace an entry ---------------------------------------------------------


def test_build_copy_leaves_nothing_when_over_the_limits(root: Path) -> None:
    src = make_tree(root / "src", {f"f{i}": "x" for i in range(5)})
    folder = root / "target"
    folder.mkdir()
    with pytest.raises(trees.TooLarge):
        fsops_swap.build_copy(str(folder), "skill", str(src), trees.NO_RULES,
                              Limits(max_files=2))
    assert os.listdir(folder) == []
    temp, digest = fsops_swap.build_copy(str(folder), "skill", str(src), trees.NO_RULES)
    assert os.path.basename(temp).startswith(TEMP_PREFIX)
    assert digest == trees.digest(str(src)) and content(Path(temp)) == content(src)


def test_replace_link_with_copy(root: Path) -> None:
    src = make_tree(root / "source" / "skill", {"SKILL.md": "s\n"})
    folder = root / "target"
    folder.mkdir()
    (folder / "skill").symlink_to(src)
    with pytest.raises(fsops.ChangedError):
        fsops_swap.replace_link_with_copy(str(folder), "skill", "not-this", str(src),
                                          trees.NO_RULES)
    assert os.listdir(folder) == ["skill"] and os.readlink(folder / "skill") == str(src)
    digest = fsops_swap.replace_link_with_copy(str(folder), "skill", str(src), str(src),
                                               trees.NO_RULES)
    assert not (folder / "skill").is_symlink() and content(folder / "skill") == content(src)
    assert digest == trees.digest(str(src)) and os.listdir(folder) == ["skill"]


def test_move_tree_across_filesystems_checks_the_copy(root: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    src = make_tree(root / "src", {"a": "1", "deep/b": "2"})
    real = fsops.rename_no_replace

    def cross_device_once(a: str | Path, b: str | Path) -> None:
        if os.fspath(a) == str(src):
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(a))
        real(a, b)

    monkeypatch.setattr(fsops, "rename_no_replace", cross_device_once)
    fsops_swap.move_tree(str(src), str(root / "dst"))
    assert content(root / "dst") == {"a": "1", "deep/b": "2"}
    assert sorted(os.listdir(root)) == ["dst"]


def test_move_tree_never_replaces(root: Path) -> None:
    make_tree(root / "src", {"a": "1"})
    make_tree(root / "dst", {"b": "2"})
    with pytest.raises(FileExistsError):
        fsops_swap.move_tree(str(root / "src"), str(root / "dst"))
    assert content(root / "src") == {"a": "1"} and content(root / "dst") == {"b": "2"}
