"""Backups of version 1 (named in local time, a copy of every file in the backup's folder,
the skill versions behind links in ``.index.json``) stay readable: listed, verified,
restored, cleaned up, and ordered among newer backups by the time they record."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillshared.core import config_file
from skillshared.core.paths import Paths
from skillshared.engine import trees
from skillshared.engine.trees import SKIP_GIT
from skillshared.store import backup_write
from skillshared.store.backup_format import TS_FORMAT, list_backups
from skillshared.store.backup_manifest import latest
from skillshared.store.backup_writer import BackupWriter
from tests.conftest import CliRunner, make_skill, tree, write_config
from tests.undo_world import KEEP_ONE as CONFIG
from tests.undo_world import all_verify, backups_dir, time_zone


def write_v1(backups: Path, when: float, target: str, path: Path, source: Path,
             signatures: dict[str, str] | None = None) -> Path:
    """A backup of ``path`` as version 1 wrote it (``signatures``: what its index records
    for the folders behind links, instead of a made-up one)."""
    folder = backups / time.strftime(TS_FORMAT, time.localtime(when))
    root = folder / target
    root.mkdir(parents=True)
    entries: list[dict[str, Any]] = []
    index: dict[str, dict[str, str]] = {}
    size = 0
    for rel, st in trees.walk(str(path)):
        full = path / rel
        if stat.S_ISLNK(st.st_mode):
            text = os.readlink(full)
            entry: dict[str, Any] = {"path": rel, "type": "link", "link": text}
            if "/" not in rel and text.startswith(str(source)):
                digest = trees.digest(text, SKIP_GIT)
                saved = backups / ".skills" / digest
                if not saved.exists():
                    shutil.copytree(text, saved, symlinks=True)
                index[text] = {"signature": (signatures or {}).get(text, "weak"),
                               "content": digest}
                entry["saved"] = 1
            entries.append(entry)
        elif stat.S_ISDIR(st.st_mode):
            (root / rel).mkdir()
            entries.append({"path": rel, "type": "dir", "mode": stat.S_IMODE(st.st_mode)})
        else:
            shutil.copy2(full, root / rel)
            size += st.st_size
            entries.append({"path": rel, "type": "file", "mode": stat.S_IMODE(st.st_mode),
                            "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                            "sha256": hashlib.sha256(full.read_bytes()).hexdigest()})
    manifest = {"version": 1, "target": target, "path": str(path), "mode": "merge",
                "kind": "dir", "link": None, "created": when,
                "skills": sum("/" not in e["path"] for e in entries), "bytes": size,
                "entries": entries}
    (folder / f"{target}.json").write_text(json.dumps(manifest, separators=(",", ":")))
    if index:
        (folder / ".index.json").write_text(json.dumps({"version": 1, "skills": index}))
    return folder


@pytest.fixture
def world(home: Path, source: Path, cli: CliRunner) -> Path:
    write_config(home, CONFIG)
    make_skill(source, "alpha", files={"ref.md": "about alpha\n"})
    target = home / ".claude/skills"
    target.mkdir(parents=True)
    assert cli("sync").code == 0
    make_skill(target, "mine", body="version 1\n")
    return target


@pytest.fixture
def tokyo() -> Iterator[None]:
    with time_zone("Asia/Tokyo"):
        yield


def test_a_version_1_backup_among_newer_ones(tokyo: None, world: Path, home: Path,
                                             source: Path, cli: CliRunner) -> None:
    """Listed, verified, restored (its saved skill versions too) and cleaned up; ordered by
    the time it records: in Tokyo, its local-time name reads 9 hours later than the UTC
    name of a backup taken after it."""
    now = time.time()
    before = tree(world)
    old = write_v1(backups_dir(home), now - 3600, "claude", world, source)
    make_skill(world, "mine", body="version 2\n")
    cfg = config_file.load(Paths.from_env().global_scope())
    writer = BackupWriter(backups_dir(home), now=now)
    assert writer.add("claude", str(world), "merge", backup_write.owner(cfg)).status == "created"
    new = writer.publish()
    assert new is not None and old.name > new.name
    assert list_backups(backups_dir(home)) == [new, old]
    found = latest(backups_dir(home), "claude")
    assert found is not None and found[0] == new
    listing = cli("backup", "--list", "--json").json()
    assert [b["name"] for b in listing["backups"]] == [new.name, old.name]
    assert listing["backups"][1]["targets"][0]["skills"] == 2
    assert cli("backup", "--verify", "--from", old.name).code == 0
    make_skill(world, "mine", body="version 3\n")
    result = cli("restore", "claude", "--force", "--json")
    assert result.code == 0 and result.json()["from"] == new.name
    assert (world / "mine/SKILL.md").read_text().endswith("version 2\n")
    alpha = tree(source / "alpha")
    shutil.rmtree(source / "alpha")  # gone from the source: its saved version comes back
    back = cli("restore", "claude", "--force", "--from", old.name, "--json")
    assert back.code == 0, back.err
    assert back.json()["recovered"] == ["alpha"]
    expected = {k: v for k, v in before.items() if k != "alpha"}
    expected.update({"alpha": ("dir", ""), **{f"alpha/{k}": v for k, v in alpha.items()}})
    assert tree(world) == expected
    assert all_verify(home)
    cleaned = cli("backup", "--cleanup", "--json").json()
    assert old.name in [r["name"] for r in cleaned["removed"]]
    assert not old.exists() and all_verify(home)


def test_records_of_version_1_never_spare_a_read(world: Path, home: Path, source: Path,
                                                 tmp_path: Path) -> None:
    """Version 1 judged a file by its size and time, a skill folder by a weaker signature:
    neither is taken on trust by a newer backup."""
    weak = write_v1(backups_dir(home), time.time() - 60, "claude", world, source,
                    signatures={str(source / "alpha"): trees.signature(
                        str(source / "alpha"), SKIP_GIT)})
    index = json.loads((weak / ".index.json").read_text())
    index["skills"][str(source / "alpha")]["content"] = "0" * 64  # never what it holds
    (weak / ".index.json").write_text(json.dumps(index))
    mine = world / "mine/SKILL.md"
    st = mine.stat()
    mine.write_text(mine.read_text().replace("version 1", "version 9"))
    os.utime(mine, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same time
    cfg = config_file.load(Paths.from_env().global_scope())
    writer = BackupWriter(backups_dir(home))
    assert writer.add("claude", str(world), "merge", backup_write.owner(cfg)).status == "created"
    new = writer.publish()
    assert new is not None
    data = json.loads((new / "claude.json").read_text())
    entries = {e["path"]: e for e in data["entries"]}
    assert entries["alpha"]["content"] == trees.digest(str(source / "alpha"), SKIP_GIT)
    assert (new / "claude/mine/SKILL.md").read_text().endswith("version 9\n")
