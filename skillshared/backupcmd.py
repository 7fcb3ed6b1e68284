"""``backup``: create, list, verify and clean up backups (SPEC §7). The daemon's backup and
cleanup jobs call the same functions."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared import fsops, reconcile
from skillshared.backup import (
    STORE,
    TEMP,
    TS_RE,
    BackupWriter,
    Owns,
    TargetBackup,
    Verifier,
    list_backups,
    parse_ts,
    read_manifest,
    real_target,
    referenced,
    store_path,
    sweep_unfinished,
    targets_in,
)
from skillshared.config import Config, TargetConfig
from skillshared.errors import NotFoundError, SkillshareError, UsageError

if TYPE_CHECKING:
    from skillshared.service import Request

DAY = 86400.0


def owner(config: Config) -> Owns:
    """Whether a link's destination is in the source (so its content is saved too)."""
    roots = reconcile.source_roots(config.source)
    return lambda dest: any(dest == r or dest.startswith(r + os.sep) for r in roots)


def global_only(req: Request, what: str) -> Config:
    return req.global_config(f"{what} works on global targets; project targets are rebuilt "
                             "from .skillshare/skills",
                             hint="run it with -g, or use `skillshare sync -p`")


def chosen_targets(config: Config, names: Sequence[str]) -> list[TargetConfig]:
    from skillshared.service import pick_targets

    picked = pick_targets(config, list(names))
    return [t for t in config.targets if picked is None or t.name in picked]


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
          now: float | None = None) -> Written:
    """Back up ``targets`` into one new backup (those unchanged since their latest backup
    are skipped unless ``always``); nothing is published if writing it fails."""
    sweep_unfinished(config.scope.backups_dir)
    writer = BackupWriter(config.scope.backups_dir, now, config.limits)
    own = owner(config)
    for target in targets:
        writer.add(target.name, str(target.path), target.mode, own, always)
    try:
        final = writer.publish()
    except OSError as exc:
        writer.discard()
        error = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
        failed = [TargetBackup(r.target, "failed", error=error) if r.status == "created" else r
                  for r in writer.results]
        return Written(None, failed, error, 0)
    return Written(str(final) if final else None, writer.results, None, writer.written)


def cmd_backup(req: Request) -> dict[str, Any]:
    config = global_only(req, "backup")
    if req.flag("list"):
        return backup_list(config)
    if req.flag("verify"):
        return backup_verify(config, req.texts("targets"), check_name(req.text("from")))
    if req.flag("cleanup"):
        return cleanup(config, dry_run=req.flag("dry_run"))
    if req.text("from") is not None:
        raise UsageError("--from goes with --verify (or with `skillshare restore`)")
    targets = chosen_targets(config, req.texts("targets"))
    if req.flag("dry_run"):
        return {"action": "create", "dry_run": True, "targets": _would(config, targets)}
    result = write(config, targets)
    return {"action": "create", "dry_run": False, **result.to_dict(),
            "summary": {"failed": sum(r.status == "failed" for r in result.results)}}


def check_name(raw: str | None) -> str | None:
    if raw is not None and not TS_RE.match(raw):
        raise UsageError(f"--from {raw!r} is not a backup name",
                         hint="backups are named like 2026-01-20_15-30-00; "
                              "see `skillshare backup --list`")
    return raw


def find(config: Config, name: str) -> Path:
    folder = config.scope.backups_dir / name
    if not folder.is_dir():
        raise NotFoundError(f"no backup named {name}", hint="see `skillshare backup --list`")
    return folder


def _would(config: Config, targets: list[TargetConfig]) -> list[dict[str, Any]]:
    writer = BackupWriter(config.scope.backups_dir, limits=config.limits)  # (writes nothing yet)
    own = owner(config)
    return [{"target": t.name, "path": str(t.path), "status": writer.examine(
                t.name, real_target(str(t.path), t.mode, own), own)[0] or "would create"}
            for t in targets]


# -- list -------------------------------------------------------------------------------------


def _folder_bytes(folder: Path, seen: set[tuple[int, int]]) -> int:
    """Bytes of the files under ``folder`` whose inode is not in ``seen`` (hard links to a
    file counted once); adds them to ``seen``."""
    total = 0
    for top, _, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(top, name))
            except OSError:
                continue
            key = (st.st_dev, st.st_ino)
            if stat.S_ISREG(st.st_mode) and key not in seen:
                seen.add(key)
                total += st.st_size
    return total


def _unique_bytes(backup: Path, store_seen: set[str], seen: set[tuple[int, int]],
                  backups_dir: Path) -> int:
    """What ``backup`` holds that no backup counted before it holds (files, store entries)."""
    total = _folder_bytes(backup, seen)
    for target in targets_in(backup):
        manifest = read_manifest(backup, target)
        for digest in referenced(manifest or {}) - store_seen:
            store_seen.add(digest)
            total += _folder_bytes(store_path(backups_dir, digest), seen)
    return total


def backup_list(config: Config) -> dict[str, Any]:
    backups_dir = config.scope.backups_dir
    items = []
    seen: set[tuple[int, int]] = set()
    store_seen: set[str] = set()
    saved: dict[str, int] = {}  # store entry -> its bytes
    for backup in list_backups(backups_dir):
        targets = []
        for name in targets_in(backup):
            manifest = read_manifest(backup, name)
            if manifest is None:
                targets.append({"name": name, "readable": False})
                continue
            for digest in referenced(manifest) - saved.keys():
                saved[digest] = _folder_bytes(store_path(backups_dir, digest), set())
            targets.append({"name": name, "readable": True, "skills": manifest.get("skills", 0),
                            "bytes": manifest.get("bytes", 0) + sum(
                                saved[d] for d in referenced(manifest)),
                            "mode": manifest.get("mode"), "kind": manifest.get("kind"),
                            "path": manifest.get("path")})
        items.append({"name": backup.name, "path": str(backup), "targets": targets,
                      "disk_bytes": _unique_bytes(backup, store_seen, seen, backups_dir)})
    return {"action": "list", "dir": str(backups_dir), "backups": items,
            "disk_bytes": sum(i["disk_bytes"] for i in items)}


# -- verify -----------------------------------------------------------------------------------


def backup_verify(config: Config, names: Sequence[str], when: str | None) -> dict[str, Any]:
    backups_dir = config.scope.backups_dir
    wanted = set(names)
    backups = [find(config, when)] if when else list_backups(backups_dir)
    verifier = Verifier(backups_dir)
    checked: list[dict[str, Any]] = []
    for backup in backups:
        targets = [t for t in targets_in(backup) if not wanted or t in wanted]
        results: list[dict[str, Any]] = []
        for target in targets:
            problems = verifier.target(backup, target)
            results.append({"name": target, "ok": not problems, "problems": problems})
        if results:
            checked.append({"name": backup.name, "targets": results})
    if wanted and not checked:
        raise NotFoundError(f"no backup holds {', '.join(sorted(wanted))}",
                            hint="see `skillshare backup --list`")
    damaged = sum(not t["ok"] for b in checked for t in b["targets"])
    return {"action": "verify", "backups": checked, "damaged": damaged,
            "summary": {"failed": damaged}}


# -- cleanup ----------------------------------------------------------------------------------


def _age_days(backup: Path, now: float) -> float:
    when = parse_ts(backup.name)
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
        for target in targets_in(backup):
            if target not in done and not verifier.target(backup, target):
                done.add(target)
                keep.add(backup.name)
    return keep


def cleanup(config: Config, *, dry_run: bool = False, now: float | None = None
            ) -> dict[str, Any]:
    """Apply the retention of SPEC §3: keep the newest ``keep``, none older than
    ``max_age_days``, the total under ``max_total_mb``; the newest backup of each target that
    verifies always stays. Then remove store entries no kept backup refers to."""
    backups_dir = config.scope.backups_dir
    policy = config.backup
    now = time.time() if now is None else now
    swept = [] if dry_run else sweep_unfinished(backups_dir)
    backups = list_backups(backups_dir)
    protected = _protected(backups_dir, backups)
    cap = policy.max_total_mb * 1024 * 1024
    seen: set[tuple[int, int]] = set()
    store_seen: set[str] = set()
    total = 0
    kept: list[Path] = []
    removed: list[dict[str, Any]] = []
    for index, backup in enumerate(backups):
        mark = (set(seen), set(store_seen))
        size = _unique_bytes(backup, store_seen, seen, backups_dir)
        reasons = []
        if index >= policy.keep:
            reasons.append(f"more than backup.keep = {policy.keep}")
        if _age_days(backup, now) > policy.max_age_days:
            reasons.append(f"older than backup.max_age_days = {policy.max_age_days}")
        if total + size > cap:
            reasons.append(f"over backup.max_total_mb = {policy.max_total_mb:g}")
        if reasons and backup.name not in protected:
            seen, store_seen = mark  # its files no longer count against the total
            removed.append({"name": backup.name, "bytes": size, "reasons": reasons})
            continue
        total += size
        kept.append(backup)
    live = {d for b in kept for t in targets_in(b) for d in referenced(read_manifest(b, t) or {})}
    unused = _store_entries(backups_dir) - live
    if not dry_run:
        for item in removed:
            _remove(backups_dir, backups_dir / item["name"])
        for digest in sorted(unused):
            _remove(backups_dir / STORE, store_path(backups_dir, digest))
    return {"action": "cleanup", "dry_run": dry_run, "removed": removed,
            "kept": [b.name for b in kept], "protected": sorted(protected),
            "freed_bytes": sum(i["bytes"] for i in removed),
            "store_removed": len(unused), "swept": swept, "total_bytes": total,
            "policy": {"keep": policy.keep, "max_age_days": policy.max_age_days,
                       "max_total_mb": policy.max_total_mb}}


def _store_entries(backups_dir: Path) -> set[str]:
    try:
        return {n for n in os.listdir(backups_dir / STORE) if not n.startswith(TEMP)}
    except FileNotFoundError:
        return set()


def _remove(parent: Path, folder: Path) -> None:
    """Delete a backup or store entry: first renamed to a temp name (so a half-deleted one is
    never taken for a backup; the next sweep finishes it), then removed."""
    doomed = parent / f"{TEMP}del-{folder.name[:40]}-{os.getpid()}"
    try:
        os.rename(folder, doomed)
    except OSError as exc:
        raise SkillshareError(f"cannot remove backup {folder.name}: {exc.strerror}") from None
    fsops.remove_tree(doomed)
