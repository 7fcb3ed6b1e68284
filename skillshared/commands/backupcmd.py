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

from skillshared.core.config import Config, TargetConfig
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.core.paths import Scope
from skillshared.engine import fsops, reconcile
from skillshared.store import backup_original
from skillshared.store.backup_format import (
    CHUNKS,
    FILES,
    NAME_RE,
    STORE,
    TEMP,
    chunk_path,
    created_at,
    file_path,
    list_backups,
    recorded,
    store_path,
    targets_in,
)
from skillshared.store.backup_manifest import (
    files_of,
    load_manifest,
    read_chunk,
    read_manifest,
    referenced,
    stored_versions,
)
from skillshared.store.backup_snapshot import Exact, Owns, real_target
from skillshared.store.backup_store import sweep_unfinished
from skillshared.store.backup_verify import Verifier, verify
from skillshared.store.backup_writer import BackupWriter, TargetBackup

if TYPE_CHECKING:
    from skillshared.commands.request import Request

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
    from skillshared.commands.request import pick_targets

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
    if raw is not None and not NAME_RE.match(raw):
        raise UsageError(f"--from {raw!r} is not a backup name",
                         hint="backups are named by the time they were taken, in UTC, like "
                              "2026-01-20_15-30-00Z; see `skillshare backup --list`")
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


# -- list ----------------------------------------------------------------------------------


class Usage:
    """Disk space as ``du`` counts it: the blocks of every file, folder and link, each inode
    once (hard links), attributed to the first backup (newest first) that holds or refers to
    it; what no backup refers to counts in the total only."""

    def __init__(self, backups_dir: Path) -> None:
        self.backups_dir = backups_dir
        self.seen: set[tuple[int, int]] = set()
        self.refs: dict[str, tuple[set[str], set[str], set[str]]] = {}  # backup -> its refs

    def _one(self, path: Path | str) -> int:
        try:
            st = os.lstat(path)
        except OSError:
            return 0
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            return 0
        self.seen.add(key)
        return int(st.st_blocks) * 512

    def tree(self, folder: Path | str) -> int:
        total = self._one(folder)
        for top, dirs, files in os.walk(folder):
            total += sum(self._one(os.path.join(top, name)) for name in (*dirs, *files))
        return total

    def backup(self, backup: Path) -> int:
        """What ``backup`` takes that no backup counted before it takes."""
        versions, files, chunks = self.references(backup)
        return (self.tree(backup)
                + sum(self._one(chunk_path(self.backups_dir, c)) for c in chunks)
                + sum(self._one(file_path(self.backups_dir, f)) for f in files)
                + sum(self.tree(store_path(self.backups_dir, d)) for d in versions))

    def references(self, backup: Path) -> tuple[set[str], set[str], set[str]]:
        """The skill versions, files and pieces of manifests ``backup`` refers to."""
        if str(backup) not in self.refs:
            self.refs[str(backup)] = references(self.backups_dir, backup)
        return self.refs[str(backup)]

    def mark(self) -> set[tuple[int, int]]:
        return set(self.seen)

    def undo(self, mark: set[tuple[int, int]]) -> None:
        self.seen = mark


def references(backups_dir: Path, backup: Path) -> tuple[set[str], set[str], set[str]]:
    """The skill versions, files and pieces of manifests a backup refers to: every piece its
    manifests list, and what the pieces that can be read refer to (so a damaged manifest
    still keeps what it can)."""
    versions: set[str] = set()
    files: set[str] = set()
    chunks: set[str] = set()
    for target in targets_in(backup):
        raw = load_manifest(backup, target)
        if raw is None:
            continue
        listed = raw.get("chunks", [])
        chunks.update(listed)
        entries = list(raw.get("entries", ()))
        for digest in listed:
            entries += read_chunk(backups_dir, digest) or []
        if raw["version"] == 1:
            manifest = read_manifest(backup, target) or {}
            versions |= referenced(manifest)
            continue
        part = {"version": raw["version"], "entries": entries}
        versions |= referenced(part)
        files |= files_of(part)
    return versions, files, chunks


def backup_list(config: Config) -> dict[str, Any]:
    backups_dir = config.scope.backups_dir
    items: list[dict[str, Any]] = []
    usage = Usage(backups_dir)
    saved: dict[str, int] = {}  # store entry -> its bytes
    for backup in list_backups(backups_dir):
        if backup_original.looks_original(backup):
            items.append({**original_item(backup), "disk_bytes": usage.backup(backup)})
            continue
        targets = []
        for name in targets_in(backup):
            manifest = read_manifest(backup, name)
            if manifest is None:
                targets.append({"name": name, "readable": False})
                continue
            for digest in referenced(manifest) - saved.keys():
                saved[digest] = _content_bytes(store_path(backups_dir, digest))
            targets.append({"name": name, "readable": True, "skills": manifest.get("skills", 0),
                            "bytes": manifest.get("bytes", 0) + sum(
                                saved[d] for d in referenced(manifest)),
                            "mode": manifest.get("mode"), "kind": manifest.get("kind"),
                            "path": manifest.get("path")})
        items.append({"name": backup.name, "path": str(backup), "created": created_at(backup),
                      "order": recorded(backup)[0], "targets": targets,
                      "disk_bytes": usage.backup(backup)})
    attributed = sum(i["disk_bytes"] for i in items)
    total = attributed + usage.tree(backups_dir) if backups_dir.is_dir() else attributed
    return {"action": "list", "dir": str(backups_dir), "backups": items, "disk_bytes": total,
            "unreferenced_bytes": total - attributed}


def original_item(backup: Path) -> dict[str, Any]:
    """A backup the original skillshare made, as ``--list`` shows it (nothing is read but
    its folders' listings): its parts (``agents``: an agent target's, kept but never
    restored as skills), and what at its top it never writes (then it is not taken for a
    backup: never restored from, never removed)."""
    found, strays = backup_original.parts(backup)
    targets = []
    for part in found:
        entries, problems = backup_original.read_part(backup, part, read=False)
        skills, size = backup_original.size(entries)
        targets.append({"name": part, "readable": not problems, "skills": skills,
                        "bytes": size, "kind": "dir", "made_by": "original",
                        "agents": backup_original.is_agents(part), "problems": problems})
    return {"name": backup.name, "path": str(backup), "created": created_at(backup),
            "order": None, "made_by": "original", "targets": targets,
            "not_a_backup": (strays or [f"{backup.name}: empty"]) if strays or not found
            else None}


def _content_bytes(folder: Path) -> int:
    """The size of the files under ``folder``."""
    total = 0
    for top, _, files in os.walk(folder):
        for name in files:
            try:
                st = os.lstat(os.path.join(top, name))
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                total += st.st_size
    return total


# -- verify -----------------------------------------------------------------------------------


def backup_verify(config: Config, names: Sequence[str], when: str | None) -> dict[str, Any]:
    backups_dir = config.scope.backups_dir
    backups = [find(config, when)] if when else list_backups(backups_dir)
    return verify(backups_dir, backups, names)


# -- cleanup ----------------------------------------------------------------------------------


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


def cleanup(config: Config, *, dry_run: bool = False, now: float | None = None
            ) -> dict[str, Any]:
    """Apply the retention of SPEC §3: keep the newest ``keep``, none older than
    ``max_age_days``, the total under ``max_total_mb`` (disk space, as ``du`` counts it);
    the newest backup of each target that verifies always stays. Then remove what is in the
    store that no kept backup refers to (skill versions, files, pieces of manifests)."""
    backups_dir = config.scope.backups_dir
    policy = config.backup
    now = time.time() if now is None else now
    swept = [] if dry_run else sweep_unfinished(backups_dir)
    listed = list_backups(backups_dir)
    backups = [b for b in listed if is_backup(b)]
    protected = _protected(backups_dir, backups)
    cap = policy.max_total_mb * 1024 * 1024
    usage = Usage(backups_dir)
    total = 0
    kept: list[Path] = []
    removed: list[dict[str, Any]] = []
    for index, backup in enumerate(backups):
        mark = usage.mark()
        size = usage.backup(backup)
        reasons = []
        if index >= policy.keep:
            reasons.append(f"more than backup.keep = {policy.keep}")
        if _age_days(backup, now) > policy.max_age_days:
            reasons.append(f"older than backup.max_age_days = {policy.max_age_days}")
        if total + size > cap:
            reasons.append(f"over backup.max_total_mb = {policy.max_total_mb:g}")
        if reasons and backup.name not in protected:
            usage.undo(mark)  # what it takes no longer counts against the total
            removed.append({"name": backup.name, "bytes": size, "reasons": reasons})
            continue
        total += size
        kept.append(backup)
    live: tuple[set[str], set[str], set[str]] = (set(), set(), set())
    for backup in kept:
        for have, more in zip(live, usage.references(backup), strict=True):
            have.update(more)
    unused = [stored_versions(backups_dir) - live[0],
              _names(backups_dir / FILES) - live[1], _names(backups_dir / CHUNKS) - live[2]]
    if not dry_run:
        for item in removed:
            _remove(backups_dir, backups_dir / item["name"])
        for digest in sorted(unused[0]):
            _remove(backups_dir / STORE, store_path(backups_dir, digest))
        for sha in sorted(unused[1]):
            fsops.remove_file(file_path(backups_dir, sha))
        for digest in sorted(unused[2]):
            fsops.remove_file(chunk_path(backups_dir, digest))
    return {"action": "cleanup", "dry_run": dry_run, "removed": removed,
            "kept": [b.name for b in kept], "protected": sorted(protected),
            "freed_bytes": sum(i["bytes"] for i in removed),
            "store_removed": len(unused[0]), "files_removed": len(unused[1]),
            "chunks_removed": len(unused[2]), "swept": swept, "total_bytes": total,
            "not_backups": [b.name for b in listed if b not in backups],
            "policy": {"keep": policy.keep, "max_age_days": policy.max_age_days,
                       "max_total_mb": policy.max_total_mb}}


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


# -- what the original skillshare left ----------------------------------------------------


def original_state(scope: Scope) -> dict[str, int]:
    """What the original skillshare (Go) left in ``scope``'s backups and trash, for
    ``doctor``: its backups (``backups``: folders of its form; ``backups_readable``: those
    whose every part is folders and files only), their agent parts, and its trash items
    (``trash_items``: skills, restorable; ``trash_agents``: agents, kept)."""
    from skillshared.store import trash

    found = [b for b in list_backups(scope.backups_dir) if backup_original.looks_original(b)]
    readable = [b for b in found if backup_original.is_backup(b) and not any(
        backup_original.read_part(b, p, read=False)[1] for p in backup_original.parts(b)[0])]
    agents = sum(backup_original.is_agents(p) for b in found
                 for p in backup_original.parts(b)[0])
    items = trash.items(scope.trash_dir, tidy=False)
    return {"backups": len(found), "backups_readable": len(readable), "agent_parts": agents,
            "trash_items": sum(i.original for i in items),
            "trash_agents": trash.agent_items(scope.trash_dir)}
