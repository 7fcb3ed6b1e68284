"""Backups of targets (SPEC §7): links kept as links, files copied with a checksum manifest.

Layout of ``<backups>/``:

- ``<YYYY-MM-DD_HH-MM-SS>/<target>.json``: a target's manifest: every entry with its type,
  every link with its text (a merge-mode target is recorded, not copied), every file with
  its size, mode, modification time and SHA-256.
- ``<YYYY-MM-DD_HH-MM-SS>/<target>/``: copies of the target's real folders and files; a file
  identical to the previous backup's copy is a hard link to it.
- ``.skills/<digest>/``: the content behind our links, one folder per distinct version of a
  skill (its tree digest names it), shared by every backup and target that saw it. So a
  skill deleted through its link (or a source deleted through a symlink-mode target) can
  still be restored, while an unchanged skill costs nothing in a new backup.

A backup is written into a hidden ``.tmp-*`` folder, fsynced, then renamed into place, so a
half-written backup is never taken for one.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skillshared import fsops, trees
from skillshared.patterns import IgnoreRules

TS_FORMAT = "%Y-%m-%d_%H-%M-%S"
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$")
MANIFEST_VERSION = 1
STORE = ".skills"
INDEX = ".index.json"  # in each backup: the saved version of each folder its links lead to
TEMP = ".tmp-"
SKIP_GIT = IgnoreRules.parse([".git/"])

Owns = Callable[[str], bool]


def parse_ts(name: str) -> float | None:
    """The time a backup folder's name stands for (local time), or None."""
    if not TS_RE.match(name):
        return None
    try:
        return time.mktime(time.strptime(name, TS_FORMAT))
    except (ValueError, OverflowError):
        return None


def list_backups(backups_dir: Path) -> list[Path]:
    """Published backups, newest first."""
    try:
        names = [n for n in os.listdir(backups_dir) if TS_RE.match(n)]
    except FileNotFoundError:
        return []
    return [backups_dir / n for n in sorted(names, reverse=True)]


def targets_in(backup: Path) -> list[str]:
    """The targets a backup holds a manifest for (valid or not)."""
    try:
        return sorted(n[:-5] for n in os.listdir(backup)
                      if n.endswith(".json") and not n.startswith("."))
    except OSError:
        return []


_INDEXES: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}


def read_index(backup: Path) -> dict[str, Any] | None:
    """A backup's index of saved skill versions (``{folder: {"signature", "content"}}``),
    shared by its targets' manifests; None if it is missing or unreadable."""
    path = backup / INDEX
    try:
        st = os.stat(path)
    except OSError:
        return None
    key, cached = (st.st_ino, st.st_mtime_ns), _INDEXES.get(str(path))
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    skills = data.get("skills") if isinstance(data, dict) else None
    if not isinstance(skills, dict):
        return None
    _INDEXES[str(path)] = (key, skills)
    return skills


def saved_folder(manifest: Mapping[str, Any], entry: Mapping[str, Any]) -> str:
    """The folder whose content a link entry (or a symlink-mode ``saved`` entry) saved."""
    path = str(manifest.get("path", ""))
    if entry["type"] == "saved":
        return os.path.join(_link_dest(os.path.dirname(path), str(manifest.get("link"))),
                            entry["path"])
    rel = entry["path"]
    folder = path if "/" not in rel else os.path.dirname(os.path.join(path, rel))
    return _link_dest(folder, entry["link"])


def read_manifest(backup: Path, target: str) -> dict[str, Any] | None:
    """A target's manifest, with the saved skill versions of its links filled in from the
    backup's index (an entry whose version cannot be found gets ``content`` None)."""
    try:
        with open(backup / f"{target}.json", encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and data.get("version") == MANIFEST_VERSION
            and isinstance(data.get("entries"), list)
            and all(isinstance(e, dict) and isinstance(e.get("path"), str)
                    and isinstance(e.get("type"), str) for e in data["entries"])):
        return None
    if any(e.get("saved") for e in data["entries"]):
        index = read_index(backup) or {}
        for entry in data["entries"]:
            if entry.get("saved"):
                found = index.get(saved_folder(data, entry))
                entry.update(found if isinstance(found, dict) else {"content": None})
    return data


def latest(backups_dir: Path, target: str) -> tuple[Path, dict[str, Any]] | None:
    for backup in list_backups(backups_dir):
        manifest = read_manifest(backup, target)
        if manifest is not None:
            return backup, manifest
    return None


def store_path(backups_dir: Path, digest: str) -> Path:
    return backups_dir / STORE / digest


def referenced(manifest: Mapping[str, Any]) -> set[str]:
    """The store entries (content digests) a manifest refers to."""
    return {e["content"] for e in manifest.get("entries", []) if isinstance(e.get("content"), str)}


@dataclass(frozen=True)
class Snapshot:
    kind: str  # "dir" | "link" | "missing" | "file"
    link: str | None
    entries: tuple[dict[str, Any], ...]
    origins: Mapping[str, str] = field(default_factory=dict)  # entry path -> folder saved
    not_saved: tuple[dict[str, str], ...] = ()  # over the limits: {"path", "why"}

    @property
    def empty(self) -> bool:
        return self.kind == "missing" or (self.kind == "dir" and not self.entries
                                          and not self.not_saved)

    def content(self) -> list[tuple[Any, ...]]:
        """What must be equal for two snapshots to hold the same content."""
        return [*((e["path"], e["type"], e.get("link"), e.get("sha256"), e.get("mode"),
                   e.get("content")) for e in self.entries),
                *((e["path"], e["why"]) for e in self.not_saved)]


class _Contents:
    """Digests of the folders behind our links, reusing a previous manifest's digest while a
    folder's stat signature is unchanged. One instance per backup: each folder is looked at
    once however many targets link to it. A folder over ``limits`` is not saved."""

    def __init__(self, limits: trees.Limits | None = None) -> None:
        self.limits = limits
        self.known: dict[str, dict[str, str] | None] = {}  # folder -> signature and digest
        self.too_large: dict[str, str] = {}  # folder -> why it is not saved

    def describe(self, folder: str, previous: Mapping[str, Any] | None
                 ) -> dict[str, str] | None:
        """``{"signature", "content"}`` of ``folder``; None if it is not a folder."""
        if folder in self.known:
            return self.known[folder]
        try:
            sig = trees.signature(folder, SKIP_GIT, self.limits)
            if previous and previous.get("signature") == sig and previous.get("content"):
                digest = str(previous["content"])
            else:
                digest = trees.digest(folder, SKIP_GIT, self.limits)
        except (NotADirectoryError, FileNotFoundError):
            self.known[folder] = None
            return None
        except trees.TooLarge as exc:
            self.too_large[folder] = exc.why
            self.known[folder] = None
            return None
        self.known[folder] = {"signature": sig, "content": digest}
        return self.known[folder]


def _link_dest(folder: str, text: str) -> str:
    if text.startswith("/") and not (
            "//" in text or "/./" in text or "/../" in text or text.endswith(("/", "/.", "/.."))):
        return text  # already in normal form (as the links we make are): the common case
    return os.path.normpath(text if text.startswith("/") else os.path.join(folder, text))


def snapshot(path: str, previous: Mapping[str, Any] | None = None, owns: Owns | None = None,
             contents: _Contents | None = None) -> Snapshot:
    """Describe the target at ``path``. File checksums are reused from ``previous`` when the
    size and modification time are unchanged. A link that ``owns`` (into the source) and
    that leads to a folder also gets the digest of that folder's content (``content``).
    An entry of the target (or the folder behind a link of ours) over the ``contents``'
    limits is left out (``not_saved``)."""
    contents = contents or _Contents()
    not_saved: list[dict[str, str]] = []

    def unsaved(name: str, folder: str) -> None:
        if folder in contents.too_large:
            not_saved.append({"path": name, "why": contents.too_large[folder]})

    known = {e["path"]: e for e in (previous or {}).get("entries", []) if isinstance(e, dict)}
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Snapshot("missing", None, ())
    if stat.S_ISLNK(st.st_mode):
        text = os.readlink(path)
        dest = _link_dest(os.path.dirname(path), text)
        saved: list[dict[str, Any]] = []
        origins: dict[str, str] = {}
        if owns is not None and owns(dest) and os.path.isdir(dest):
            with os.scandir(dest) as found:
                tops = sorted((e.name, e.path) for e in found
                              if e.name != ".git" and e.is_dir(follow_symlinks=False))
            for name, folder in tops:
                described = contents.describe(folder, known.get(name))
                if described is not None:
                    saved.append({"path": name, "type": "saved", **described})
                    origins[name] = folder
                unsaved(name, folder)
        return Snapshot("link", text, tuple(saved), origins, tuple(not_saved))
    if not stat.S_ISDIR(st.st_mode):
        return Snapshot("file", None, ())
    entries: list[dict[str, Any]] = []
    origins = {}

    def add_link(rel: str, full: str, top: bool) -> None:
        text = os.readlink(full)
        item: dict[str, Any] = {"path": rel, "type": "link", "link": text}
        dest = _link_dest(path if top else os.path.dirname(full), text)
        saving = top and owns is not None and owns(dest)
        described = contents.describe(dest, known.get(rel)) if saving else None
        if described is not None:
            item.update(described)
            origins[rel] = dest
        elif saving:
            unsaved(rel, dest)
        entries.append(item)

    def add(rel: str, est: os.stat_result) -> None:
        mode = est.st_mode
        if stat.S_ISLNK(mode):
            add_link(rel, os.path.join(path, rel), "/" not in rel)
        elif stat.S_ISDIR(mode):
            entries.append({"path": rel, "type": "dir", "mode": stat.S_IMODE(mode)})
        elif stat.S_ISREG(mode):
            old = known.get(rel)
            same = old and old.get("size") == est.st_size and old.get("mtime_ns") == est.st_mtime_ns
            sha = old["sha256"] if same and old else trees.file_sha256(os.path.join(path, rel))
            entries.append({"path": rel, "type": "file", "mode": stat.S_IMODE(mode),
                            "size": est.st_size, "mtime_ns": est.st_mtime_ns, "sha256": sha})

    limits = contents.limits
    with os.scandir(path) as found:
        listed = sorted(found, key=lambda e: e.name)
    for top in listed:  # each top entry whole, or (over the limits) left out: as trees.walk
        if top.is_symlink():  # (the common case, known without a stat)
            add_link(top.name, top.path, True)
            continue
        est = top.stat(follow_symlinks=False)
        if limits is not None and stat.S_ISREG(est.st_mode) and (
                est.st_size > limits.max_mb * trees.MB):
            not_saved.append({"path": top.name, "why": trees.over_mb(limits)})
            continue
        inner: list[tuple[str, os.stat_result]] = []
        if stat.S_ISDIR(est.st_mode):
            try:  # its walk stops at the limits, before anything over them is read
                inner = list(trees.walk(top.path, limits=limits))
            except trees.TooLarge as exc:
                not_saved.append({"path": top.name, "why": exc.why})
                continue
        add(top.name, est)
        for rel, inner_st in inner:
            add(f"{top.name}/{rel}", inner_st)
    return Snapshot("dir", None, tuple(entries), origins, tuple(not_saved))


def real_target(path: str, mode: str, owns: Owns | None) -> str:
    """Where a target's entries are: a target path that is a link to a folder of the user's
    own (not into the source) stands for that folder, except in symlink mode."""
    if mode != "symlink" and os.path.islink(path):
        dest = os.path.realpath(path)
        if os.path.isdir(dest) and not (owns is not None and owns(dest)):
            return dest
    return path


def count_skills(entries: Iterable[Mapping[str, Any]]) -> int:
    return sum(1 for e in entries if "/" not in e["path"] and e["type"] in ("dir", "link", "saved")
               and not e["path"].startswith("."))


def stored_intact(backup: Path, target: str, entry: Mapping[str, Any]) -> bool:
    """A cheap check (one lstat) that a backup's copy of a file is what its manifest says:
    copies keep the size and modification time they were written with."""
    try:
        st = os.lstat(backup / target / entry["path"])
    except OSError:
        return False
    return (stat.S_ISREG(st.st_mode) and st.st_size == entry.get("size")
            and st.st_mtime_ns == entry.get("mtime_ns"))


def stored_versions(backups_dir: Path) -> set[str]:
    """The skill versions in the store."""
    try:
        return {n for n in os.listdir(backups_dir / STORE) if not n.startswith(TEMP)}
    except FileNotFoundError:
        return set()


def looks_intact(backups_dir: Path, backup: Path, target: str, manifest: Mapping[str, Any],
                 stored: set[str] | None = None) -> bool:
    """Cheaply: every file of the target's backup has its size and time, every saved version
    it refers to is in the store (``stored``: the store's names, if known)."""
    for entry in manifest["entries"]:
        if entry.get("type") == "file" and not stored_intact(backup, target, entry):
            return False
    return referenced(manifest) <= (stored_versions(backups_dir) if stored is None else stored)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_unfinished(backups_dir: Path) -> list[str]:
    """Delete backups (and store entries) that a process which is no longer running left
    half-written."""
    removed: list[str] = []
    for folder in (backups_dir, backups_dir / STORE):
        try:
            names = [n for n in os.listdir(folder) if n.startswith(TEMP)]
        except FileNotFoundError:
            continue
        for name in names:
            pid = name.rsplit("-", 1)[-1]
            if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                fsops.remove_tree(folder / name)
                removed.append(name)
    return removed


@dataclass(frozen=True)
class TargetBackup:
    target: str
    status: str  # "created" | "unchanged" | "empty" | "missing" | "failed"
    path: str | None = None
    skills: int = 0
    bytes: int = 0
    error: str | None = None
    not_saved: tuple[dict[str, str], ...] | None = None  # entries over the limits

    def to_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()
                if v is not None}


class BackupWriter:
    """Writes one backup (one timestamp folder) holding any number of targets."""

    def __init__(self, backups_dir: Path, now: float | None = None,
                 limits: trees.Limits | None = None) -> None:
        self.backups_dir = backups_dir
        self.now = time.time() if now is None else now
        self.temp: Path | None = None
        self.final: Path | None = None
        self.results: list[TargetBackup] = []
        self.written = 0  # bytes written: file content copied (not hard-linked), manifests
        self._contents = _Contents(limits)
        self._index: dict[str, dict[str, str]] = {}  # saved folder -> signature, content
        self._versions: set[str] | None = None
        self._fresh: list[Path] = []  # store entries this backup added (flushed with it)

    def _temp(self) -> Path:
        if self.temp is None:
            fsops.make_private_dir(self.backups_dir)
            sweep_unfinished(self.backups_dir)
            stamp = time.strftime(TS_FORMAT, time.localtime(self.now))
            self.temp = self.backups_dir / f"{TEMP}{stamp}-{os.getpid()}"
            fsops.make_private_dir(self.temp)
        return self.temp

    def add(self, target: str, path: str, mode: str, owns: Owns | None = None,
            always: bool = False) -> TargetBackup:
        """Back up one target unless it is empty, or unchanged since its latest backup (and
        that backup looks intact) and not ``always``."""
        try:
            result = self._add(target, real_target(path, mode, owns), mode, owns, always)
        except OSError as exc:
            result = TargetBackup(target, "failed", error=f"{exc.strerror or exc}: {exc.filename}")
            self._drop(target)
        self.results.append(result)
        return result

    def examine(self, target: str, path: str, owns: Owns | None = None, always: bool = False
                ) -> tuple[str | None, Snapshot, tuple[Path, dict[str, Any]] | None]:
        """What backing up the target would do: ("missing" | "empty" | "unchanged" | None
        for a new backup, its snapshot, its latest backup)."""
        prior = latest(self.backups_dir, target)
        snap = snapshot(path, prior[1] if prior else None, owns, self._contents)
        if snap.kind in ("missing", "file") or snap.empty:
            return ("missing" if snap.kind == "missing" else "empty"), snap, prior
        if not always and prior is not None and (
            prior[1].get("kind") == snap.kind and prior[1].get("link") == snap.link
            and Snapshot(snap.kind, snap.link, tuple(prior[1]["entries"]),
                         not_saved=tuple(prior[1].get("not_saved", ()))).content()
            == snap.content()
            and looks_intact(self.backups_dir, prior[0], target, prior[1], self._stored())
        ):
            return "unchanged", snap, prior
        return None, snap, prior

    def _add(self, target: str, path: str, mode: str, owns: Owns | None,
             always: bool) -> TargetBackup:
        status, snap, prior = self.examine(target, path, owns, always)
        if snap.kind == "file":
            return TargetBackup(target, "failed", error=f"{path} is a file, not a folder")
        prev_dir, prev_manifest = prior if prior else (None, None)
        if status == "unchanged" and prev_dir is not None and prev_manifest is not None:
            return TargetBackup(target, status, str(prev_dir / target),
                                int(prev_manifest.get("skills", 0)),
                                int(prev_manifest.get("bytes", 0)),
                                not_saved=snap.not_saved or None)
        if status is not None:
            return TargetBackup(target, status)
        root = self._temp() / target
        previous = {e["path"]: e for e in (prev_manifest or {}).get("entries", [])}
        size = 0
        fsops.makedirs(root)
        written = []  # the saved versions go to the backup's index, once for all targets
        for entry in snap.entries:
            rel, kind = entry["path"], entry["type"]
            if kind == "dir":
                fsops.makedirs(os.path.join(root, rel))
            elif kind == "file":
                dst = os.path.join(root, rel)
                fsops.makedirs(os.path.dirname(dst))
                old = previous.get(rel)
                reuse = None
                if prev_dir is not None and old and old.get("sha256") == entry["sha256"] and (
                        stored_intact(prev_dir, target, old)):
                    reuse = str(prev_dir / target / rel)
                how = fsops.link_or_copy_file(os.path.join(path, rel), dst, reuse,
                                              entry["mode"], entry["mtime_ns"])
                if how == "copied":
                    self.written += entry["size"]
                size += entry["size"]
            origin = snap.origins.get(rel)
            if origin is None:
                written.append(entry)
                continue
            self._index[origin] = {"signature": entry["signature"],
                                   "content": self._store(origin, entry["content"])}
            written.append({**{k: v for k, v in entry.items()
                               if k not in ("signature", "content")}, "saved": 1})
        skills = count_skills(snap.entries)
        manifest = {
            "version": MANIFEST_VERSION, "target": target, "path": path, "mode": mode,
            "kind": snap.kind, "link": snap.link, "created": self.now,
            "skills": skills, "bytes": size, "entries": written,
        }
        if snap.not_saved:
            manifest["not_saved"] = list(snap.not_saved)
        data = json.dumps(manifest, separators=(",", ":")).encode("utf-8")
        fsops.atomic_write(self._temp() / f"{target}.json", data, mode=0o600)
        self.written += len(data)
        return TargetBackup(target, "created", None, skills, size,
                            not_saved=snap.not_saved or None)

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

    def _stored(self) -> set[str]:
        """The store's names, listed once per backup (and kept up to date by :meth:`_store`)."""
        if self._versions is None:
            self._versions = stored_versions(self.backups_dir)
        return self._versions

    def _store(self, folder: str, digest: str) -> str:
        """Put the content of ``folder`` in the store (unless it is there); its digest."""
        if digest in self._stored():
            return digest
        store = self.backups_dir / STORE
        fsops.make_private_dir(store)
        temp = store / f"{TEMP}{digest[:16]}-{os.getpid()}"
        if os.path.lexists(temp):
            fsops.remove_tree(temp)
        try:
            made = fsops.copy_tree(folder, str(temp), SKIP_GIT,  # flushed with the backup
                                   limits=self._contents.limits)
            self.written += sum(st.st_size for _, st in trees.walk(str(temp))
                                if stat.S_ISREG(st.st_mode))
            final = store_path(self.backups_dir, made)
            if made in self._stored():
                fsops.remove_tree(temp)
            else:
                os.rename(temp, final)
                self._stored().add(made)
                self._fresh.append(final)
        except BaseException:
            if os.path.lexists(temp):
                fsops.remove_tree(temp)
            raise
        return made

    def publish(self) -> Path | None:
        """Move the finished backup into place; returns its folder (None if nothing written)."""
        if self.temp is None or not any(r.status == "created" for r in self.results):
            self.discard()
            return None
        if self._index:
            data = json.dumps({"version": MANIFEST_VERSION, "skills": self._index},
                              separators=(",", ":")).encode("utf-8")
            fsops.atomic_write(self.temp / INDEX, data, mode=0o600)
            self.written += len(data)
        fsops.flush(self.temp, *self._fresh)
        if self._fresh:
            fsops.fsync_dir(self.backups_dir / STORE)
        stamp = self.now
        while True:
            final = self.backups_dir / time.strftime(TS_FORMAT, time.localtime(stamp))
            try:
                fsops.rename_no_replace(str(self.temp), str(final))
                break
            except FileExistsError:
                stamp += 1
        fsops.fsync_dir(self.backups_dir)
        self.final, self.temp = final, None
        self.results = [replace(r, path=str(final / r.target)) if r.status == "created" else r
                        for r in self.results]
        return final

    def discard(self) -> None:
        if self.temp is not None and self.temp.exists():
            fsops.remove_tree(self.temp)
        self.temp = None


class Verifier:
    """Re-checks backups against their manifests (every file's size and SHA-256, every
    store entry's tree digest); store entries are checked once per instance."""

    def __init__(self, backups_dir: Path) -> None:
        self.backups_dir = backups_dir
        self._store: dict[str, str | None] = {}

    def target(self, backup: Path, target: str) -> list[str]:
        """The problems of one target's backup in ``backup`` (empty: it verifies)."""
        manifest = read_manifest(backup, target)
        if manifest is None:
            state = "missing" if not (backup / f"{target}.json").exists() else "unreadable"
            return [f"{backup.name}/{target}.json: manifest is {state}"]
        root = backup / target
        problems: list[str] = []
        listed: set[str] = set()
        for entry in manifest["entries"]:
            rel, kind = entry["path"], entry.get("type")
            listed.add(rel)
            where = f"{backup.name}/{target}/{rel}"
            if kind in ("dir", "file"):
                try:
                    st = os.lstat(root / rel)
                except OSError:
                    problems.append(f"{where}: missing")
                    continue
                if kind == "dir" and not stat.S_ISDIR(st.st_mode):
                    problems.append(f"{where}: not a folder")
                elif kind == "file" and not stat.S_ISREG(st.st_mode):
                    problems.append(f"{where}: not a file")
                elif kind == "file" and (st.st_size != entry.get("size") or trees.file_sha256(
                        str(root / rel)) != entry.get("sha256")):
                    problems.append(f"{where}: content does not match its checksum")
            content = entry.get("content")
            if isinstance(content, str):
                problem = self.store_entry(content)
                if problem:
                    problems.append(f"{where}: saved content {problem}")
            elif entry.get("saved"):
                problems.append(f"{where}: its saved content is not in {backup.name}/{INDEX}")
        if root.is_dir():
            for rel, _ in trees.walk(str(root)):
                if rel not in listed:
                    problems.append(f"{backup.name}/{target}/{rel}: not in the manifest")
        return problems

    def store_entry(self, digest: str) -> str | None:
        if digest not in self._store:
            folder = store_path(self.backups_dir, digest)
            if not folder.is_dir():
                self._store[digest] = f"{STORE}/{digest[:12]}… is missing"
            elif trees.digest(str(folder)) != digest:
                self._store[digest] = f"{STORE}/{digest[:12]}… does not match its checksum"
            else:
                self._store[digest] = None
        return self._store[digest]
