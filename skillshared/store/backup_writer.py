"""The backup writer: one backup (one timestamp folder) holding any number of targets, each
skipped while it is unchanged since its latest backup. It is written into a hidden temp
folder, flushed with what it added to the store, then renamed into place."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from skillshared.core import progress
from skillshared.core.limits import Limits
from skillshared.core.results import BackupTarget
from skillshared.engine import fsops
from skillshared.engine.prebackup import Exact, Owns, Seen
from skillshared.store.backup_format import (
    MANIFEST_VERSION,
    NAME_FORMAT,
    TEMP,
    list_backups,
    sort_key,
)
from skillshared.store.backup_manifest import Piece, latest_pieces, looks_intact
from skillshared.store.backup_pieces import Entry, Known, Match, match
from skillshared.store.backup_snapshot import (
    Snapshot,
    count_skills,
    exact_for,
    real_target,
    snapshot,
)
from skillshared.store.backup_store import ContentStore, sweep_unfinished

Prior = tuple[Path, dict[str, Any]]  # a target's latest backup and its manifest


@dataclass(frozen=True)
class TargetBackup:
    target: str
    status: str  # "created" | "unchanged" | "empty" | "missing" | "failed"
    path: str | None = None
    skills: int = 0
    bytes: int = 0
    error: str | None = None
    not_saved: tuple[dict[str, str], ...] | None = None  # entries over the limits

    def to_dict(self) -> BackupTarget:
        return cast(BackupTarget, {k: list(v) if isinstance(v, tuple) else v
                                   for k, v in self.__dict__.items() if v is not None})


class BackupWriter:
    """Writes one backup (one timestamp folder) holding any number of targets."""

    def __init__(self, backups_dir: Path, now: float | None = None,
                 limits: Limits | None = None) -> None:
        self.backups_dir = backups_dir
        self.now = time.time() if now is None else now
        self.order = self.now
        self.temp: Path | None = None
        self.final: Path | None = None
        self.results: list[TargetBackup] = []
        self.store = ContentStore(backups_dir, limits)
        self._manifests = 0  # bytes of manifests written
        self._made: set[Path] = set()  # folders of targets in the backup it made
        self._last: tuple[tuple[Entry, ...], list[str], Match] | None = None  # (see _match)
        self._counted: tuple[tuple[Entry, ...], int] | None = None  # (see _skills)
        self._reused: dict[int, list[Entry]] = {}  # pieces found reusable

    @property
    def written(self) -> int:
        """Bytes written: file content and manifests new to the store."""
        return self.store.written + self._manifests

    def _temp(self) -> Path:
        if self.temp is None:
            fsops.make_private_dir(self.backups_dir)
            sweep_unfinished(self.backups_dir)
            newest = list_backups(self.backups_dir)[:1]
            if newest:  # after the last one taken, whatever the clock says
                self.order = max(self.now, sort_key(newest[0])[0] + 0.001)
            stamp = time.strftime(NAME_FORMAT, time.gmtime(self.now))
            self.temp = self.backups_dir / f"{TEMP}{stamp}-{os.getpid()}"
            fsops.make_private_dir(self.temp)
        return self.temp

    def add(self, target: str, path: str, mode: str, owns: Owns | None = None,
            always: bool = False, exact: Exact = False, seen: Seen | None = None
            ) -> TargetBackup:
        """Back up one target unless it is empty, or unchanged since its latest backup (and
        that backup looks intact) and not ``always``.

        ``exact``: the caller is about to replace or delete these top-level entries of the
        target (True: all of it). Their files are read (no checksum is taken on trust), and
        the latest backup counts as holding them only if its copies of them are read and
        found right; else a new backup is written, with fresh copies of any that were not."""
        if isinstance(exact, str):
            exact = {exact}
        try:
            result = self._add(target, real_target(path, mode, owns), mode, owns, always, exact,
                               seen)
        except OSError as exc:
            result = TargetBackup(target, "failed", error=f"{exc.strerror or exc}: {exc.filename}")
            self._drop(target)
        self.results.append(result)
        return result

    def examine(self, target: str, path: str, owns: Owns | None = None, always: bool = False,
                exact: Exact = False) -> tuple[str | None, Snapshot, Prior | None]:
        """What backing up the target would do: ("missing" | "empty" | "unchanged" | None
        for a new backup, its snapshot, its latest backup)."""
        status, snap, prior, _ = self._examine(target, path, owns, always, exact)
        return status, snap, prior

    def _examine(self, target: str, path: str, owns: Owns | None, always: bool, exact: Exact,
                 seen: Seen | None = None
                 ) -> tuple[str | None, Snapshot, Prior | None, Match | None]:
        """:meth:`examine`, and the target's entries matched against its latest backup's."""
        found = latest_pieces(self.backups_dir, target)
        prior = (found[0], found[1]) if found else None
        snap = snapshot(path, prior[1] if prior else None, owns, self.store.contents, exact,
                        seen)
        if snap.kind in ("missing", "file") or snap.empty:
            return ("missing" if snap.kind == "missing" else "empty"), snap, prior, None
        matched = self._match(snap, found)
        if not always and prior is not None and self._holds(target, prior, snap, matched,
                                                            exact):
            return "unchanged", snap, prior, matched
        return None, snap, prior, matched

    def _match(self, snap: Snapshot, found: tuple[Path, dict[str, Any], list[Piece]] | None
               ) -> Match:
        """The target's entries matched against its latest backup's, as they were for the
        target before it if both are the same (the same entries, the same pieces)."""
        pieces = found[2] if found else []
        names = [p[1] for p in pieces]
        last = self._last
        if last is not None and pieces and last[0] is snap.entries and last[1] == names:
            return last[2]
        matched = match(snap.entries, pieces, found[1]["entries"] if found else ())
        self._last = (snap.entries, names, matched)
        return matched

    def _holds(self, target: str, prior: Prior, snap: Snapshot, matched: Match,
               exact: Exact) -> bool:
        """Whether a target's latest backup holds what it holds now, and looks intact (its
        copies of what ``exact`` names read and found right)."""
        backup, manifest = prior
        return (
            manifest.get("kind") == snap.kind and manifest.get("link") == snap.link
            and [(e["path"], e["why"]) for e in manifest.get("not_saved", ())]
            == [(e["path"], e["why"]) for e in snap.not_saved]
            and matched.same_content()
            and looks_intact(self.backups_dir, backup, target, manifest, self.store.stored())
            and all(self.store.exact_copy(backup, manifest, e) for e in manifest["entries"]
                    if e["type"] == "file" and exact_for(exact, e["path"]))
        )

    def _add(self, target: str, path: str, mode: str, owns: Owns | None,
             always: bool, exact: Exact, seen: Seen | None) -> TargetBackup:
        status, snap, prior, matched = self._examine(target, path, owns, always, exact, seen)
        if snap.kind == "file":
            return TargetBackup(target, "failed", error=f"{path} is a file, not a folder")
        if status == "unchanged" and prior is not None:
            return TargetBackup(target, status, str(prior[0] / target),
                                int(prior[1].get("skills", 0)), int(prior[1].get("bytes", 0)),
                                not_saved=snap.not_saved or None)
        if status is not None or matched is None:
            return TargetBackup(target, status or "empty")
        root = self._temp() / target
        parts, size = self._entries(path, root, snap, matched, exact)
        skills = self._skills(snap.entries)
        manifest: dict[str, Any] = {
            "version": MANIFEST_VERSION, "order": self.order, "created": self.now,
            "target": target, "path": path, "mode": mode, "kind": snap.kind, "link": snap.link,
            "skills": skills, "bytes": size,
        }
        if snap.not_saved:
            manifest["not_saved"] = list(snap.not_saved)
        manifest.update(self.store.entries(parts))
        data = json.dumps(manifest, separators=(",", ":")).encode("utf-8")
        fsops.atomic_write(root.parent / f"{target}.json", data, mode=0o600)
        self._manifests += len(data)
        return TargetBackup(target, "created", None, skills, size,
                            not_saved=snap.not_saved or None)

    def _entries(self, path: str, root: Path, snap: Snapshot, matched: Match, exact: Exact
                 ) -> tuple[list[tuple[list[Entry], Known | None]], int]:
        """The manifest's entries of a target in pieces (a piece equal to one of the latest
        backup's, whose content is all in the store, is that piece), their content put in
        the store (and a real copy in ``root`` of what changed or is about to be replaced);
        the files' bytes."""
        shown = matched.changed()
        size = done = 0
        parts: list[tuple[list[Entry], Known | None]] = []
        for part, same in zip(matched.parts, matched.same, strict=True):
            if same is not None and self._reusable(part, exact):
                parts.append((same[0], same))
            else:
                entries, part_size = self._part(path, root, snap, part, shown, exact, done)
                parts.append((entries, None))
                size += part_size
            done += len(part)
        return parts, size

    def _skills(self, entries: tuple[Entry, ...]) -> int:
        """The skills in a target's entries (counted once for targets that share them)."""
        if self._counted is None or self._counted[0] is not entries:
            self._counted = (entries, count_skills(entries))
        return self._counted[1]

    def _reusable(self, part: list[Entry], exact: Exact) -> bool:
        """Whether a piece equal to the latest backup's is reused as it is: it holds no file
        (each is looked for in the store), nothing ``exact`` names, and the store holds the
        skill versions it refers to."""
        if not exact and id(part) in self._reused:  # (a piece of the target before it)
            return True
        stored = self.store.stored()
        for entry in part:
            version = entry.get("content")
            if entry["type"] == "file" or (version is not None and version not in stored):
                return False
        if exact:
            return not any(exact_for(exact, e["path"]) for e in part)
        self._reused[id(part)] = part  # (kept: its id is not reused) the store only grows
        return True

    def _part(self, path: str, root: Path, snap: Snapshot, part: list[Entry], shown: set[str],
              exact: Exact, done: int) -> tuple[list[Entry], int]:
        """One piece of the entries, their content put in the store; its files' bytes."""
        size = 0
        entries = []
        watched = progress.wanted()
        for count, seen in enumerate(part, done):
            if watched:
                progress.report("backing up", root.name, count, len(snap.entries), seen["path"])
            rel, entry = seen["path"], seen
            show = rel.split("/", 1)[0] in shown or exact_for(exact, rel)
            if show and root not in self._made:
                fsops.makedirs(root)
                self._made.add(root)
            if entry["type"] == "file":
                entry = self.store.keep_file(os.path.join(path, rel), entry,
                                             exact_for(exact, rel),
                                             os.path.join(root, rel) if show else None)
                size += entry["size"]
            elif show:
                _show(root, entry)
            origin = snap.origins.get(rel)
            if origin is not None:
                entry = {**entry, "content": self.store.version(origin, entry["content"])}
            entries.append(entry)
        return entries, size

    def _drop(self, target: str) -> None:
        """Remove what a failed target left in the unpublished backup."""
        if self.temp is None:
            return
        for leftover in (self.temp / target, self.temp / f"{target}.json"):
            try:
                if os.path.lexists(leftover):
                    fsops.remove_tree(leftover)
            except OSError:
                pass  # the sweep of unfinished backups gets it if the backup is dropped

    def publish(self) -> Path | None:
        """Move the finished backup into place; returns its folder (None if nothing written)."""
        if self.temp is None or not any(r.status == "created" for r in self.results):
            self.discard()
            return None
        self.store.flush(self.temp)
        base = time.strftime(NAME_FORMAT, time.gmtime(self.now))
        count = 1
        while True:
            final = self.backups_dir / (base if count == 1 else f"{base}-{count}")
            try:
                fsops.rename_no_replace(str(self.temp), str(final))
                break
            except FileExistsError:
                count += 1
        fsops.fsync_dir(self.backups_dir)
        self.final, self.temp = final, None
        self.results = [replace(r, path=str(final / r.target)) if r.status == "created" else r
                        for r in self.results]
        return final

    def discard(self) -> None:
        if self.temp is not None and self.temp.exists():
            fsops.remove_tree(self.temp)
        self.temp = None


def _show(root: Path, entry: Mapping[str, Any]) -> None:
    """Make a real copy of a folder or link in the backup's folder of the target (of the
    entries that changed, or that are about to be replaced), where people (and
    ``sync --force``'s report) find them. (A folder comes before what is in it.)"""
    rel, kind = entry["path"], entry["type"]
    if kind == "dir":
        fsops.makedirs(os.path.join(root, rel))
    elif kind == "link" and "/" in rel:  # (a link at the top is recorded only)
        fsops.create_link(entry["link"], os.path.join(root, rel))
