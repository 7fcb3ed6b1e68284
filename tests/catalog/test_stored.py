"""The persisted catalog: a warm discovery stats instead of reading, and never shows what
changed since the catalog was written (a same-size edit, a rename, a new group folder), and
a damaged, truncated or foreign catalog is ignored and written anew."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from skillshared.catalog import skills, stored
from skillshared.catalog.stored import StoredCatalog, cache_file
from skillshared.commands import viewcache
from tests.conftest import make_skill


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """What was just written counts as settled (else nothing is kept for 3 s): the world's
    mtimes are an hour old, so that a change made by a test gives a new one."""
    monkeypatch.setattr(stored, "SETTLED_NS", -10**12)


def aged(root: Path) -> Path:
    """Every folder's and file's mtime an hour back (links' own too)."""
    old = time.time_ns() - 3600 * 10**9
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            os.utime(os.path.join(folder, name), ns=(old, old), follow_symlinks=False)
    os.utime(root, ns=(old, old))
    return root


@pytest.fixture
def world(source: Path) -> Path:
    for rel in ("alpha", "beta", "group/gamma", "group/deep/delta", "_team/epsilon"):
        make_skill(source, rel, files={"references/guide.md": "text"})
    (source / "_team/.git").mkdir()
    (source / ".skillignore").write_text("hidden*\n")
    make_skill(source, "hidden-one")
    (source / "beta/references/out").symlink_to("/")  # escapes its skill: rejected
    return aged(source)


def warm(state: Path, source: Path) -> tuple[skills.Discovery, StoredCatalog]:
    """A discovery through the catalog, and the catalog it read (then written)."""
    real = os.path.realpath(source)
    catalog = StoredCatalog(cache_file(state / "cache", real), real)
    found = skills.discover(source, stored=catalog)
    catalog.save(viewcache._write)
    return found, catalog


def hits(catalog: StoredCatalog) -> int:
    return sum(1 for rel, kept in catalog.seen_folders.items() if catalog.folders.get(rel)
               is kept) + sum(1 for rel, kept in catalog.seen_files.items()
                              if catalog.files.get(rel) is kept)


def test_a_warm_discovery_is_the_plain_one_and_reads_nothing(
        settled: None, world: Path, tmp_path: Path) -> None:
    first, cold = warm(tmp_path, world)
    assert hits(cold) == 0 and cold.changed
    second, catalog = warm(tmp_path, world)
    assert first == skills.discover(world) == second
    assert [r.rel_path for r in second.rejected] == ["beta"] and second.ignored == ("hidden-one",)
    assert not catalog.changed and hits(catalog) == len(catalog.folders) + len(catalog.files)
    assert catalog.save(viewcache._write) is False  # nothing changed: nothing written


def test_what_changed_since_is_read_again(settled: None, world: Path, tmp_path: Path) -> None:
    warm(tmp_path, world)
    skill_file = world / "alpha/SKILL.md"
    before = skill_file.stat()
    skill_file.write_text(skill_file.read_text().replace("test skill", "best skill"))
    after = skill_file.stat()
    assert (after.st_size, after.st_ino) == (before.st_size, before.st_ino)
    assert after.st_mtime_ns != before.st_mtime_ns
    (world / "beta").rename(world / "beta2")
    make_skill(world, "newgroup/zeta")
    found, _ = warm(tmp_path, world)
    assert found == skills.discover(world)
    assert found.by_name["alpha"].meta.description == "best skill"
    assert "newgroup__zeta" in found.by_name and [r.rel_path for r in found.rejected] == ["beta2"]


def test_an_edit_in_the_same_clock_tick_is_not_missed(world: Path, tmp_path: Path) -> None:
    """Without the settled margin, what was read just now is not kept: an edit keeping the
    size and the mtime (one clock tick) is still seen."""
    warm(tmp_path, world)
    skill_file = world / "alpha/SKILL.md"
    before = skill_file.stat()
    skill_file.write_text(skill_file.read_text().replace("test skill", "best skill"))
    os.utime(skill_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    found, catalog = warm(tmp_path, world)
    assert found.by_name["alpha"].meta.description == "best skill"
    assert catalog.folders == {} and catalog.files == {}  # (nothing settled was kept)


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[1, 2]", b'{"version": 1}',
                                    "truncated", "foreign", "wrong shapes"])
def test_a_damaged_catalog_is_ignored_and_written_anew(
        settled: None, world: Path, tmp_path: Path, damage: bytes | str) -> None:
    plain = skills.discover(world)
    warm(tmp_path, world)
    file = cache_file(tmp_path / "cache", os.path.realpath(world))
    good = file.read_bytes()
    if damage == "truncated":
        data = good[: len(good) // 2]
    elif damage == "foreign":
        data = good.replace(os.path.realpath(world).encode(), b"/elsewhere")
    elif damage == "wrong shapes":
        doc = json.loads(good)
        doc["folders"] = {rel: [1, {"x": 2}] for rel in doc["folders"]}
        doc["folders"][""] = "x/2/9/a"
        doc["files"] = {rel: [kept[0], [1, None, "t", None]] for rel, kept in doc["files"].items()}
        data = json.dumps(doc).encode()
    else:
        assert isinstance(damage, bytes)
        data = damage
    file.write_bytes(data)
    found, _ = warm(tmp_path, world)
    assert found == plain
    assert file.read_bytes() == good  # (written anew, as a first run writes it)


def test_a_catalog_that_cannot_be_written_changes_nothing(settled: None, world: Path,
                                                          tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.write_text("a file where the state folder should be")
    assert viewcache.discover(state, world) == skills.discover(world)


def test_the_catalog_is_written_atomically_through_the_engine(
        settled: None, world: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from skillshared.engine import fsops

    written: list[str] = []
    real_write = fsops.atomic_write

    def write(path: str | Path, data: bytes, mode: int = 0o644) -> None:
        written.append(str(path))
        real_write(path, data, mode)

    monkeypatch.setattr(fsops, "atomic_write", write)
    viewcache.discover(tmp_path, world)
    assert written == [str(cache_file(tmp_path / "cache", os.path.realpath(world)))]
    assert os.listdir(tmp_path / "cache") == [Path(written[0]).name]


@pytest.fixture
def plain(source: Path) -> Path:
    """A source without symlinks: its whole walk is kept."""
    for rel in ("alpha", "group/gamma", "_team/epsilon", "hidden-one", "hidden-two/sub"):
        make_skill(source, rel, files={"references/guide.md": "text"})
    (source / "_team/.git").mkdir()
    (source / "_team/.skillignore").write_text("nothing*\n")
    (source / ".skillignore").write_text("hidden*\n")
    (source / "empty-hidden").mkdir()
    return aged(source)


def walked(state: Path, source: Path) -> tuple[skills.Discovery, StoredCatalog]:
    found, catalog = warm(state, source)
    assert found == skills.discover(source)
    return found, catalog


@pytest.mark.parametrize("change", ["none", "skill file", "ignore file", "repo ignore file",
                                    "hidden skill", "deep skill", "rename", "new group",
                                    "no git", "damaged walk"])
def test_a_kept_walk_is_used_only_while_nothing_changed(
        settled: None, plain: Path, tmp_path: Path, change: str) -> None:
    walked(tmp_path, plain)
    _, catalog = walked(tmp_path, plain)
    assert catalog.visited == 0 and catalog.walk is not None  # (not walked: the kept result)
    edits: dict[str, Callable[[], object]] = {
        "skill file": lambda: (plain / "alpha/SKILL.md").write_text(
            (plain / "alpha/SKILL.md").read_text().replace("test", "best")),
        "ignore file": lambda: (plain / ".skillignore").write_text("hidden-o*\n"),
        "repo ignore file": lambda: (plain / "_team/.skillignore").write_text("epsilon\n"),
        "hidden skill": lambda: make_skill(plain, "empty-hidden"),
        "deep skill": lambda: make_skill(plain, "alpha/references/inner"),
        "rename": lambda: (plain / "group/gamma").rename(plain / "group/gamma2"),
        "new group": lambda: make_skill(plain, "newgroup/zeta"),
        "no git": (plain / "_team/.git").rmdir,
    }
    if change in edits:
        edits[change]()
    if change == "damaged walk":
        file = cache_file(tmp_path / "cache", os.path.realpath(plain))
        doc = json.loads(file.read_bytes())
        doc["walk"]["skills"] = [[1, 2]]
        file.write_text(json.dumps(doc))
    found, catalog = walked(tmp_path, plain)
    assert (catalog.visited == 0) == (change == "none")
    if change == "skill file":
        assert found.by_name["alpha"].meta.description == "best skill"


def test_a_walk_that_met_a_symlink_is_not_kept(settled: None, world: Path,
                                               tmp_path: Path) -> None:
    walked(tmp_path, world)
    _, catalog = walked(tmp_path, world)
    assert catalog.walk is None and catalog.visited > 0


def test_a_source_reached_through_a_symlink(settled: None, plain: Path, tmp_path: Path) -> None:
    linked = tmp_path / "linked-source"
    linked.symlink_to(plain)
    walked(tmp_path, linked)
    found, catalog = walked(tmp_path, linked)
    assert catalog.visited == 0 and found.source == linked
    assert found.by_name["alpha"].path == str(linked / "alpha")
