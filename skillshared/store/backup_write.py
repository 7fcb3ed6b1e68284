"""Backups taken for a command, a job or a pass: the chosen targets into one new backup
(``backup``, the daemon's backup job, before ``restore`` or ``target remove`` change a
target, and before a pass changes targets: :class:`PassBackups`)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skillshared.core.config import Config, TargetConfig
from skillshared.core.limits import Limits
from skillshared.core.results_backup import WrittenBackup
from skillshared.engine.groups import source_roots
from skillshared.engine.prebackup import Exact, Owns, Saved, Taken, ToSave
from skillshared.store.backup_store import sweep_unfinished
from skillshared.store.backup_writer import BackupWriter, TargetBackup


def owner(config: Config) -> Owns:
    """Whether a link's destination is in the source (so its content is saved too)."""
    roots = source_roots(config.source)
    return lambda dest: any(dest == r or dest.startswith(r + os.sep) for r in roots)


@dataclass
class Written:
    folder: str | None
    results: list[TargetBackup] = field(default_factory=list)
    error: str | None = None
    written: int = 0

    def to_dict(self) -> WrittenBackup:
        return {"path": self.folder, "error": self.error, "bytes_written": self.written,
                "targets": [r.to_dict() for r in self.results]}


def write(config: Config, targets: Iterable[TargetConfig], *, always: bool = False,
          now: float | None = None, exact: Exact = False,
          others: Iterable[tuple[Config, TargetConfig]] = ()) -> Written:
    """Back up ``targets`` into one new backup (those unchanged since their latest backup
    are skipped unless ``always``); nothing is published if writing it fails. ``exact``:
    what the caller is about to replace (see :meth:`BackupWriter.add`). ``others``: more
    targets, each with the config whose source owns its links (agents folders, extras)."""
    sweep_unfinished(config.scope.backups_dir)
    writer = BackupWriter(config.scope.backups_dir, now, config.limits)
    own = owner(config)
    for target in targets:
        writer.add(target.name, str(target.path), target.mode, own, always, exact)
    for other, target in others:
        writer.add(target.name, str(target.path), target.mode, owner(other), always, exact)
    try:
        final = writer.publish()
    except OSError as exc:
        writer.discard()
        error = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
        failed = [TargetBackup(r.target, "failed", error=error) if r.status == "created" else r
                  for r in writer.results]
        return Written(None, failed, error, 0)
    return Written(str(final) if final else None, writer.results, None, writer.written)


@dataclass(frozen=True)
class PassBackups:
    """The backups a reconcile pass takes before it changes targets (see
    :mod:`skillshared.engine.prebackup`)."""

    backups_dir: Path
    limits: Limits | None = None

    def __call__(self, wanted: Sequence[ToSave]) -> Taken:
        if not wanted:
            with contextlib.suppress(OSError):  # what a killed backup left (it is not in use)
                sweep_unfinished(self.backups_dir)
            return Taken(None)
        writer = BackupWriter(self.backups_dir, limits=self.limits)
        for one in wanted:
            writer.add(one.name, one.path, one.mode, one.owns, exact=one.exact, seen=one.seen)
        try:
            writer.publish()
        except OSError as exc:
            writer.discard()
            return Taken({"path": None, "error": str(exc), "targets": []}, error=str(exc))
        saved = tuple(_saved(r) for r in writer.results)
        return Taken({"path": str(writer.final) if writer.final else None,
                      "targets": [r.to_dict() for r in writer.results]}, saved)


def _saved(result: TargetBackup) -> Saved:
    return Saved(result.path if result.status in ("created", "unchanged") else None,
                 str(result.error) if result.status == "failed" else None,
                 {e["path"]: e["why"] for e in result.not_saved or ()})
