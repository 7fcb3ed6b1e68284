"""Cleaning up backups (``backup --cleanup`` and the daemon's cleanup job): the retention
policy, then what is in the store that no kept backup refers to."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from skillshared.core.config import BackupPolicy, Config
from skillshared.core.errors import SkillshareError
from skillshared.core.results_backup import BackupCleanupResult, RemovedBackup
from skillshared.engine import fsops
from skillshared.store import backup_original
from skillshared.store.backup_format import (
    CHUNKS,
    FILES,
    STORE,
    TEMP,
    chunk_path,
    created_at,
    file_path,
    list_backups,
    store_path,
    targets_in,
)
from skillshared.store.backup_manifest import stored_versions
from skillshared.store.backup_store import sweep_unfinished
from skillshared.store.backup_usage import Usage
from skillshared.store.backup_verify import Verifier

DAY = 86400.0


def cleanup(config: Config, *, dry_run: bool = False, now: float | None = None
            ) -> BackupCleanupResult:
    """Apply the retention policy: keep the newest ``keep``, none older than
    ``max_age_days``, the total under ``max_total_mb`` (disk space, as ``du`` counts it);
    the newest backup of each target that verifies always stays. Then remove what is in the
    store that no kept backup refers to (skill versions, files, pieces of manifests)."""
    backups_dir = config.scope.backups_dir
    policy = config.backup
    now = time.time() if now is None else now
    swept = [] if dry_run else sweep_unfinished(backups_dir)
    listed = list_backups(backups_dir)
    backups = [b for b in listed if is_backup(b)]
    usage = Usage(backups_dir)
    plan = _retain(backups_dir, backups, policy, usage, now)
    unused = _unused(backups_dir, plan.kept, usage)
    if not dry_run:
        _delete(backups_dir, plan.removed, unused)
    return {"action": "cleanup", "dry_run": dry_run, "removed": plan.removed,
            "kept": [b.name for b in plan.kept], "protected": sorted(plan.protected),
            "freed_bytes": sum(i["bytes"] for i in plan.removed),
            "store_removed": len(unused[0]), "files_removed": len(unused[1]),
            "chunks_removed": len(unused[2]), "swept": swept, "total_bytes": plan.total,
            "not_backups": [b.name for b in listed if b not in backups],
            "policy": {"keep": policy.keep, "max_age_days": policy.max_age_days,
                       "max_total_mb": policy.max_total_mb}}


@dataclass
class _Retained:
    protected: set[str]
    kept: list[Path] = field(default_factory=list)
    removed: list[RemovedBackup] = field(default_factory=list)
    total: int = 0  # the kept backups' disk space


def _retain(backups_dir: Path, backups: list[Path], policy: BackupPolicy, usage: Usage,
            now: float) -> _Retained:
    """Which backups (newest first) the policy keeps, and why it removes the others."""
    plan = _Retained(_protected(backups_dir, backups))
    cap = policy.max_total_mb * 1024 * 1024
    for index, backup in enumerate(backups):
        mark = usage.mark()
        size = usage.backup(backup)
        reasons = []
        if index >= policy.keep:
            reasons.append(f"more than backup.keep = {policy.keep}")
        if _age_days(backup, now) > policy.max_age_days:
            reasons.append(f"older than backup.max_age_days = {policy.max_age_days}")
        if plan.total + size > cap:
            reasons.append(f"over backup.max_total_mb = {policy.max_total_mb:g}")
        if reasons and backup.name not in plan.protected:
            usage.undo(mark)  # what it takes no longer counts against the total
            plan.removed.append({"name": backup.name, "bytes": size, "reasons": reasons})
            continue
        plan.total += size
        plan.kept.append(backup)
    return plan


def _unused(backups_dir: Path, kept: list[Path], usage: Usage) -> list[set[str]]:
    """The skill versions, files and pieces of manifests no kept backup refers to."""
    live: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    for backup in kept:
        for have, more in zip(live, usage.references(backup), strict=True):
            have.update(more)
    return [stored_versions(backups_dir) - live[0],
            _names(backups_dir / FILES) - live[1], _names(backups_dir / CHUNKS) - live[2]]


def _delete(backups_dir: Path, removed: list[RemovedBackup], unused: list[set[str]]) -> None:
    for item in removed:
        _remove(backups_dir, backups_dir / item["name"])
    for digest in sorted(unused[0]):
        _remove(backups_dir / STORE, store_path(backups_dir, digest))
    for sha in sorted(unused[1]):
        fsops.remove_file(file_path(backups_dir, sha))
    for digest in sorted(unused[2]):
        fsops.remove_file(chunk_path(backups_dir, digest))


def _age_days(backup: Path, now: float) -> float:
    when = created_at(backup)
    if when is None:
        try:
            when = backup.stat().st_mtime
        except OSError:
            when = now
    return (now - when) / DAY


def _protected(backups_dir: Path, backups: list[Path]) -> set[str]:
    """For each target, the newest backup of it that verifies: never removed."""
    verifier = Verifier(backups_dir)
    keep: set[str] = set()
    done: set[str] = set()
    for backup in backups:
        if backup_original.looks_original(backup):
            for part in backup_original.parts(backup)[0]:
                if part not in done and not backup_original.check(backup, part):
                    done.add(part)
                    keep.add(backup.name)
            continue
        for target in targets_in(backup):
            if target not in done and not verifier.target(backup, target):
                done.add(target)
                keep.add(backup.name)
    return keep


def is_backup(backup: Path) -> bool:
    """Whether a folder named as a backup is one: it holds a manifest of ours, or it has the
    form of the original's (folders only). Cleanup never removes anything else."""
    if backup_original.looks_original(backup):
        return backup_original.is_backup(backup)
    return bool(targets_in(backup))


def _names(folder: Path) -> set[str]:
    """The finished entries of a folder of the store (named by their SHA-256)."""
    try:
        return {n for n in os.listdir(folder) if len(n) == 64 and not n.startswith(TEMP)}
    except (FileNotFoundError, NotADirectoryError):
        return set()


def _remove(parent: Path, folder: Path) -> None:
    """Delete a backup or store entry: first renamed to a temp name (so a half-deleted one is
    never taken for a backup; the next sweep finishes it), then removed."""
    doomed = parent / f"{TEMP}del-{folder.name[:40]}-{os.getpid()}"
    try:
        fsops.doom(folder, doomed)
    except OSError as exc:
        raise SkillshareError(f"cannot remove backup {folder.name}: {exc.strerror}") from None
    fsops.remove_tree(doomed)
