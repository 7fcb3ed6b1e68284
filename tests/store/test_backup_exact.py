"""A file replaced by another of the same size and modification time (``cp -p``,
``touch -r``, ``rsync -a``, a reproducible archive) is never taken as unchanged: before
anything is deleted or replaced, its backup holds what it held."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from skillshared.store.backup_format import list_backups
from skillshared.store.backup_verify import Verifier
from skillshared.store.backup_writer import BackupWriter
from tests.conftest import CliRunner, make_skill, write_config
from tests.undo_world import all_verify, backups_dir, stored

OLD = 1_577_836_800_000_000_000  # 2020-01-01, in ns


def old_file(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, ns=(OLD, OLD))


def replace_same_size_and_time(path: Path, text: str, how: str, spare: Path) -> None:
    """Give ``path`` the content ``text`` (of its size) and its old modification time."""
    assert len(text) == path.stat().st_size and path.stat().st_mtime_ns == OLD
    spare.mkdir(exist_ok=True)
    ref = spare / "ref"
    old_file(ref, text)
    if how == "utime":  # written in place, the time put back
        path.write_text(text)
        os.utime(path, ns=(OLD, OLD))
    elif how == "cp -p":  # (into the same inode)
        subprocess.run(["cp", "-p", str(ref), str(path)], check=True)
    elif how == "touch -r":
        path.write_text(text)
        subprocess.run(["touch", "-r", str(ref), str(path)], check=True)
    else:  # "rename": another file with the same time put in its place
        os.rename(ref, path)
    assert path.read_text() == text and path.stat().st_mtime_ns == OLD


HOW = ["utime", "cp -p", "touch -r", "rename"]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("where", ["x", "x/f", "x/sub/deep/f"])
def test_sync_force_backs_up_what_it_replaces_and_restore_gives_it_back(
        cli: CliRunner, home: Path, source: Path, tmp_path: Path, how: str, where: str) -> None:
    """The issue's case: a real folder (or file) ``x`` in a merge target, where the source
    has a skill ``x``; backed up; its file replaced by another of the same size and time;
    ``sync --force`` replaces it with a link: its backup must hold the new content."""
    write_config(home, f"source: {source}\ntargets:\n  claude:\n    path: ~/.claude/skills\n")
    make_skill(source, "x")
    make_skill(source, "other")
    target = home / ".claude/skills"
    target.mkdir(parents=True)
    old_file(target / where, "AAAA")
    assert cli("backup").code == 0
    replace_same_size_and_time(target / where, "BBBB", how, tmp_path / "spare")
    result = cli("sync", "--force", "--json")
    assert result.code == 0, result.err
    report = result.json()
    line = report["results"][0]
    assert [f["name"] for f in line["forced"]] == ["x"]
    assert report["backup"]["targets"][0]["status"] == "created"
    assert os.readlink(target / "x") == str(source / "x")
    newest = list_backups(backups_dir(home))[0]
    assert stored(newest, "claude", where).read_text() == "BBBB"
    restored = cli("restore", "claude", "--json")
    assert restored.code == 0, restored.err
    assert (target / where).read_text() == "BBBB"
    assert all_verify(home)


@pytest.mark.parametrize("how", HOW)
def test_a_same_size_same_time_replacement_makes_a_new_backup(tmp_path: Path, how: str) -> None:
    target = tmp_path / "target"
    old_file(target / "skill/SKILL.md", "AAAA")
    old_file(target / "notes.md", "aaaa")
    first = BackupWriter(tmp_path / "backups", now=1_700_000_000)
    first.add("t", str(target), "merge")
    assert first.publish() is not None
    replace_same_size_and_time(target / "skill/SKILL.md", "BBBB", how, tmp_path / "s1")
    replace_same_size_and_time(target / "notes.md", "bbbb", how, tmp_path / "s2")
    second = BackupWriter(tmp_path / "backups", now=1_700_000_100)
    assert second.add("t", str(target), "merge").status == "created"
    folder = second.publish()
    assert folder is not None
    assert stored(folder, "t", "skill/SKILL.md").read_text() == "BBBB"
    assert stored(folder, "t", "notes.md").read_text() == "bbbb"
    third = BackupWriter(tmp_path / "backups", now=1_700_000_200)
    assert third.add("t", str(target), "merge").status == "unchanged"  # nothing since


def forge_record(folder: Path, target: str, rel: str, path: Path) -> None:
    """Make a manifest's record of a file claim the file as it is now (its size, times and
    inode), as a record would that a cheap look could not tell from the file."""
    manifest_file = folder / f"{target}.json"
    data = json.loads(manifest_file.read_text())
    st = path.stat()
    for entry in data["entries"]:
        if entry["path"] == rel:
            entry.update(size=st.st_size, mtime_ns=st.st_mtime_ns, ctime_ns=st.st_ctime_ns,
                         ino=st.st_ino)
    manifest_file.write_text(json.dumps(data))


@pytest.mark.parametrize("exact", [{"x"}, ["x", "z"], True, "x"])
def test_exact_entries_are_read_not_trusted(tmp_path: Path, exact: Any) -> None:
    target = tmp_path / "target"
    old_file(target / "x/f", "AAAA")
    old_file(target / "y/f", "yyyy")
    backups = tmp_path / "backups"
    first = BackupWriter(backups, now=1_700_000_000)
    first.add("t", str(target), "merge")
    folder = first.publish()
    assert folder is not None
    (target / "x/f").write_text("BBBB")
    forge_record(folder, "t", "x/f", target / "x/f")
    cheap = BackupWriter(backups, now=1_700_000_100)
    assert cheap.add("t", str(target), "merge").status == "unchanged"  # the record is trusted
    assert cheap.add("t", str(target), "merge", exact={"y"}).status == "unchanged"
    cheap.discard()
    writer = BackupWriter(backups, now=1_700_000_200)
    assert writer.add("t", str(target), "merge", exact=exact).status == "created"
    made = writer.publish()
    assert made is not None
    assert stored(made, "t", "x/f").read_text() == "BBBB"
    assert stored(made, "t", "y/f").read_text() == "yyyy"


def test_exact_entries_are_checked_in_the_backup_too(tmp_path: Path) -> None:
    """A backup's copy damaged without a change of size or time: the cheap look trusts it;
    before the entry is replaced (exact), the copy is read, found wrong and written again."""
    target = tmp_path / "target"
    old_file(target / "x/f", "AAAA")
    backups = tmp_path / "backups"
    first = BackupWriter(backups, now=1_700_000_000)
    first.add("t", str(target), "merge")
    folder = first.publish()
    assert folder is not None
    copy = stored(folder, "t", "x/f")
    st = copy.stat()
    copy.write_text("ZZZZ")
    os.utime(copy, ns=(st.st_atime_ns, st.st_mtime_ns))
    cheap = BackupWriter(backups, now=1_700_000_100)
    assert cheap.add("t", str(target), "merge").status == "unchanged"
    exact = BackupWriter(backups, now=1_700_000_200)
    assert exact.add("t", str(target), "merge", exact={"x"}).status == "created"
    made = exact.publish()
    assert made is not None
    assert stored(made, "t", "x/f").read_text() == "AAAA"
    assert Verifier(backups).target(made, "t") == []


def test_restore_force_backs_up_what_it_replaces_exactly(cli: CliRunner, home: Path,
                                                         source: Path) -> None:
    """``restore --force`` replaces entries not ours: the backup made first reads them."""
    write_config(home, f"source: {source}\ntargets:\n  claude:\n    path: ~/.claude/skills\n")
    make_skill(source, "alpha")
    target = home / ".claude/skills"
    target.mkdir(parents=True)
    old_file(target / "mine/SKILL.md", "AAAA")
    first = Path(cli("backup", "--json").json()["path"])
    (target / "mine/SKILL.md").write_text("BBBB")
    forge_record(first, "claude", "mine/SKILL.md", target / "mine/SKILL.md")
    result = cli("restore", "claude", "--force", "--from", first.name, "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert data["replaced"] == ["mine"] and data["backup"]["status"] == "created"
    assert (target / "mine/SKILL.md").read_text() == "AAAA"
    before = Path(data["backup"]["path"]).parent
    assert stored(before, "claude", "mine/SKILL.md").read_text() == "BBBB"
    back = cli("restore", "claude", "--force", "--from", before.name)
    assert back.code == 0, back.err
    assert (target / "mine/SKILL.md").read_text() == "BBBB"
