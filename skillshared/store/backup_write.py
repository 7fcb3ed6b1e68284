"""Backups taken for a command or a job: the chosen targets into one new backup (``backup``,
the daemon's backup job, and before ``restore`` or ``target remove`` change a target)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from skillshared.core.config import Config, TargetConfig
from skillshared.engine import reconcile
from skillshared.store.backup_snapshot import Exact, Owns
from skillshared.store.backup_store import sweep_unfinished
from skillshared.store.backup_writer import BackupWriter, TargetBackup


def owner(config: Config) -> Owns:
    """Whether a link's destination is in the source (so its content is saved too)."""
    roots = reconcile.source_roots(config.source)
    return lambda dest: any(dest == r or dest.startswith(r + os.sep) for r in roots)


@dataclass
class Written:
    folder: str | None
    results: list[TargetBackup] = field(default_factory=list)
    error: str | None = None
    written: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.folder, "error": self.error, "bytes_written": self.written,
                "targets": [r.to_dict() for r in self.results]}


def write(config: Config, targets: Iterable[TargetConfig], *, always: bool = False,
          now: float | None = None, exact: Exact = False) -> Written:
    """Back up ``targets`` into one new backup (those unchanged since their latest backup
    are skipped unless ``always``); nothing is published if writing it fails. ``exact``:
    what the caller is about to replace (see :meth:`BackupWriter.add`)."""
    sweep_unfinished(config.scope.backups_dir)
    writer = BackupWriter(config.scope.backups_dir, now, config.limits)
    own = owner(config)
    for target in targets:
        writer.add(target.name, str(target.path), target.mode, own, always, exact)
    try:
        final = writer.publish()
    except OSError as exc:
        writer.discard()
        error = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
        failed = [TargetBackup(r.target, "failed", error=error) if r.status == "created" else r
                  for r in writer.results]
        return Written(None, failed, error, 0)
    return Written(str(final) if final else None, writer.results, None, writer.written)
