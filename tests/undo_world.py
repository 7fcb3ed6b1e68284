"""A small world for the backup, restore, trash and collect tests: a source, a merge target
(claude) and a copy target (cursor), each with a local skill of its own."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from skillshared.store.backup_format import INDEX, list_backups, targets_in
from skillshared.store.backup_manifest import copy_of, read_manifest
from skillshared.store.backup_verify import Verifier
from tests.conftest import CliRunner, make_skill, tree, write_config

CONFIG = """\
source: ~/.config/skillshare/skills
targets:
  claude:
    path: ~/.claude/skills
  cursor:
    path: ~/.cursor/skills
    mode: copy
"""


# One merge target, and a retention that keeps only the latest backup (age does not count):
# what the tests of the backups' order need.
KEEP_ONE = """\
source: ~/.config/skillshare/skills
targets:
  claude:
    path: ~/.claude/skills
backup:
  keep: 1
  max_age_days: 100000
"""


@contextlib.contextmanager
def time_zone(name: str) -> Iterator[None]:
    """This process's local time zone is ``name`` (with its DST) for a while."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


NAMES = ["alpha", "beta", "group__nested"]  # the skills of the world, by flat name


def layout(home: Path, source: Path) -> tuple[Path, Path]:
    """The config, the source's skills and the two (empty) target folders."""
    write_config(home, CONFIG)
    make_skill(source, "alpha", files={"scripts/run.sh": "echo alpha\n"})
    (source / "alpha/scripts/run.sh").chmod(0o755)
    make_skill(source, "beta")
    make_skill(source, "group/nested")
    claude, cursor = home / ".claude/skills", home / ".cursor/skills"
    claude.mkdir(parents=True)
    cursor.mkdir(parents=True)
    return claude, cursor


def build(home: Path, source: Path, cli: CliRunner) -> dict[str, Path]:
    claude, cursor = layout(home, source)
    assert cli("sync").code == 0
    make_skill(claude, "mine", body="my own skill\n")
    make_skill(cursor, "theirs", body="made in cursor\n")
    return {"claude": claude, "cursor": cursor}


def backups_dir(home: Path) -> Path:
    return home / ".local/share/skillshare/backups"


def all_verify(home: Path) -> bool:
    """Every published backup verifies, and holds nothing but its targets' manifests and
    copies (no half-written target without a manifest)."""
    verifier = Verifier(backups_dir(home))
    for backup in list_backups(backups_dir(home)):
        targets = targets_in(backup)
        if set(os.listdir(backup)) - {*targets, *(f"{t}.json" for t in targets), INDEX}:
            return False
        if any(verifier.target(backup, t) for t in targets):
            return False
    return True


def stored(backup: Path, target: str, rel: str) -> Path:
    """A backup's copy of one of a target's files, wherever the backup's format keeps it."""
    manifest = read_manifest(backup, target)
    assert manifest is not None, f"{backup.name}/{target}.json cannot be read"
    entry = next(e for e in manifest["entries"] if e["path"] == rel)
    return copy_of(backup.parent, backup, manifest, entry)


def ours_left(folder: Path) -> list[str]:
    """Entries of ours that must never stay in (or beside) a target after a run."""
    found = []
    for where in (folder, folder.parent):
        if where.is_dir():
            found += [n for n in os.listdir(where)
                      if n.startswith((".skillshare-tmp-", ".skillshare-beside-"))]
    return found


def snapshot(folder: Path) -> dict[str, tuple[str, str]]:
    return tree(folder)
