"""Observing a target: what is at its path, its entries, and (copy mode) its manifest."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from skillshared.catalog.skills import RESERVED_PREFIX
from skillshared.core.limits import Limits
from skillshared.core.names import MANIFEST, TEMP_PREFIX
from skillshared.core.patterns import IgnoreRules
from skillshared.engine import manifest_original, trees
from skillshared.engine.fsops import MAX_NAME_BYTES
from skillshared.engine.plan import DIR, FILE, LINK, MISSING, Observed, TargetSpec

MANIFEST_VERSION = 1
MAX_MANIFEST_BYTES = 64 << 20


@dataclass(frozen=True)
class Record:
    """One managed copy in a copy-mode manifest."""

    digest: str
    prev: str | None = None
    sig: str | None = None
    src_sig: str | None = None

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Manifest:
    records: Mapping[str, Record] = field(default_factory=dict)
    problem: str | None = None
    present: bool = False
    original: manifest_original.Original | None = None  # the original tool's manifest


def read_manifest(folder: str) -> Manifest:
    path = os.path.join(folder, MANIFEST)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except FileNotFoundError:
        return Manifest()
    except OSError as exc:
        return Manifest(problem=f"{path}: {exc.strerror}", present=True)
    damaged = Manifest(problem=f"{path} is damaged; its copies are treated as not ours",
                       present=True)
    try:
        data = json.loads(raw)
        if manifest_original.is_original(data):
            return _read_original(data, damaged)
        managed = data["managed"]
        if not isinstance(managed, dict):
            raise TypeError
    except (ValueError, TypeError, KeyError, RecursionError):
        return damaged
    records = {}
    for name, value in managed.items():
        if isinstance(value, str) and value != "symlink":
            records[name] = Record(value)
        elif isinstance(value, dict) and isinstance(value.get("digest"), str):
            records[name] = Record(
                value["digest"], *(value.get(k) if isinstance(value.get(k), str) else None
                                   for k in ("prev", "sig", "src_sig")))
    return Manifest(records, present=True)


def _read_original(data: dict[str, Any], damaged: Manifest) -> Manifest:
    """A manifest in the original tool's form: its copies are recorded with the original's
    checksum (see :func:`own_original`). One that is not quite that form, or names what
    cannot be an entry of the folder, is damaged: nothing in it is trusted."""
    try:
        found = manifest_original.parse(data)
    except ValueError:
        return replace(damaged, original=manifest_original.Original())
    names = [*found.copies, *found.links]
    try:
        fine = len(entry_names(names)) == len(names)
    except UnicodeError:  # a name no file system can hold
        fine = False
    if not fine:
        return replace(damaged, original=manifest_original.Original())
    return Manifest({n: Record(c) for n, c in found.copies.items()}, present=True,
                    original=found)


def own_original(manifest: Manifest, folder: str, rules: IgnoreRules,
                 limits: Limits) -> Manifest:
    """``manifest`` (read in ``folder``) with each copy the original tool recorded whose
    content still matches its checksum (under the copy ``rules``) recorded as ours, with our
    digest. Any other keeps the original's checksum, which no digest of ours matches: an
    edited copy, as for ours. Nothing changes for a manifest of ours."""
    if manifest.original is None:
        return manifest
    records = dict(manifest.records)
    for name, recorded in manifest.original.copies.items():
        path = os.path.join(folder, name)
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                continue
            sig = trees.signature(path, rules, limits)
            if manifest_original.checksum(path, rules, limits) != recorded:
                continue
            digest = trees.digest(path, rules, limits)
            if trees.signature(path, rules, limits) == sig:  # unchanged while it was read
                records[name] = Record(digest, None, sig)
        except OSError:
            continue
    return replace(manifest, records=records)


def original_manifest(folder: str) -> dict[str, Any] | None:
    """What the original tool's manifest in the target folder ``folder`` records: the counts
    of ``copies`` and ``links``, and ``problem`` if it is damaged; None when the folder's
    manifest is not the original's (ours, or none)."""
    manifest = read_manifest(folder)
    if manifest.original is None:
        return None
    return {"copies": len(manifest.original.copies), "links": len(manifest.original.links),
            "problem": manifest.problem}


def manifest_bytes(records: Mapping[str, Record]) -> bytes:
    data = {"version": MANIFEST_VERSION, "tool": "skillshared",
            "managed": {n: r.to_json() for n, r in sorted(records.items())}}
    return json.dumps(data, indent=1).encode("utf-8")


def scan(kind: str, real_dir: str, link: str | None = None) -> Observed:
    links: dict[str, str] = {}
    dirs: set[str] = set()
    files: set[str] = set()
    temps: list[str] = []
    st = os.stat(real_dir)
    with os.scandir(real_dir) as it:
        for entry in it:
            name = entry.name
            if name.startswith(TEMP_PREFIX):
                temps.append(name)
            elif name == MANIFEST:
                continue
            elif entry.is_symlink():
                links[name] = os.readlink(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                dirs.add(name)
            else:
                files.add(name)
    return Observed(kind, real_dir, link, None, links, frozenset(dirs), frozenset(files),
                    tuple(sorted(temps)), ident=(st.st_dev, st.st_ino))


def observe(spec: TargetSpec) -> Observed:
    """Look at the target path: the entries of a folder. A foreign link to a folder (a
    dotfiles manager's) is followed; our own link (left by symlink mode) is not."""
    path = spec.path
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Observed(MISSING, os.path.realpath(path))
    if stat.S_ISLNK(st.st_mode):
        text = os.readlink(path)
        parent = os.path.realpath(os.path.dirname(path))
        dest = os.path.normpath(os.path.join(parent, text))
        if spec.mode != "symlink" and not spec.owns(dest) and os.path.isdir(path):
            return scan(DIR, os.path.realpath(path), text)
        return Observed(LINK, parent, text, dest)
    if stat.S_ISDIR(st.st_mode):
        return scan(DIR, os.path.realpath(path))
    return Observed(FILE, os.path.realpath(path))


FolderSignature = tuple[int, int, int, int, int, int]


def _signature(st: os.stat_result) -> FolderSignature:
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_nlink, st.st_size)


@dataclass
class TempFreeFolders:
    """Target folders last seen holding no ``.skillshare-tmp-*`` entry, by their stat
    signature (device, inode, mtime, ctime, links, size). Creating, renaming or removing an
    entry updates a folder's mtime, so while the signature is unchanged no temp entry can have
    appeared, and a partial pass need not list the whole folder to look for crash leftovers.
    (This trusts the file system's timestamps to move on after a folder was looked at, as
    Linux's fine-grained timestamps do; temp entries are made only by sync passes, which hold
    the operations lock.)"""

    seen: dict[str, FolderSignature] = field(default_factory=dict)

    def remember(self, real_dir: str, st: os.stat_result | None = None) -> None:
        """Record ``real_dir`` as holding no temp entry now (``st``: its stat taken before it
        was found so)."""
        try:
            if st is None:
                st = os.lstat(real_dir)
        except OSError:
            self.forget(real_dir)
            return
        if stat.S_ISDIR(st.st_mode):
            self.seen[real_dir] = _signature(st)

    def forget(self, real_dir: str) -> None:
        self.seen.pop(real_dir, None)

    def clean(self, real_dir: str, st: os.stat_result) -> bool:
        """Whether ``real_dir`` (whose stat is ``st``) holds no temp entry."""
        if self.seen.get(real_dir) == _signature(st):
            return True
        with os.scandir(real_dir) as it:
            if any(entry.name.startswith(TEMP_PREFIX) for entry in it):
                self.forget(real_dir)
                return False
        self.remember(real_dir, st)
        return True


TEMP_FREE = TempFreeFolders()


def entry_names(names: Iterable[str]) -> frozenset[str]:
    """Those of ``names`` that can be skills' entries in a target folder: the manifest, temp
    entries and what cannot be one folder entry are left out."""
    return frozenset(
        name for name in names
        if name not in ("", ".", "..") and not name.startswith(RESERVED_PREFIX)
        and "/" not in name and "\0" not in name
        and len(name.encode("utf-8", "surrogateescape")) <= MAX_NAME_BYTES
    )


def observe_names(spec: TargetSpec, names: Collection[str], real_dir: str | None = None,
                  memo: TempFreeFolders = TEMP_FREE) -> Observed | None:
    """Look at only ``names`` in the target folder (one ``lstat``, plus a ``readlink`` for a
    link, per name); ``real_dir``: the target path's real path, if known. None when only a
    full look will do: the target path is not a real folder (missing, a link, a file) or
    holds crash leftovers."""
    try:
        st = os.lstat(spec.path)
        if not stat.S_ISDIR(st.st_mode):
            return None
        real_dir = real_dir or os.path.realpath(spec.path)
        if not memo.clean(real_dir, st):
            return None
        links: dict[str, str] = {}
        dirs: set[str] = set()
        files: set[str] = set()
        for name in names:
            path = os.path.join(real_dir, name)
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                continue
            if stat.S_ISLNK(mode):
                links[name] = os.readlink(path)
            elif stat.S_ISDIR(mode):
                dirs.add(name)
            else:
                files.add(name)
    except OSError:
        return None
    return Observed(DIR, real_dir, None, None, links, frozenset(dirs), frozenset(files),
                    ident=(st.st_dev, st.st_ino))


@dataclass
class DigestCache:
    """Content digests of source skills (shared by all targets of one pass), with the
    stat-signature fast path that trusts a manifest record while nothing was touched. A
    skill over ``limits`` gets no digest: it raises :class:`trees.TooLarge` (remembered)."""

    copy_rules: IgnoreRules
    limits: Limits = field(default_factory=Limits)
    strict: IgnoreRules = field(default_factory=IgnoreRules)
    digests: dict[tuple[str, bool], str] = field(default_factory=dict)
    sigs: dict[str, str] = field(default_factory=dict)
    too_large: dict[tuple[str, bool], trees.TooLarge] = field(default_factory=dict)

    def rules(self, managed: bool) -> IgnoreRules:
        return self.copy_rules if managed else self.strict

    def source(self, path: str, managed: bool, record: Record | None) -> str:
        key = (path, managed)
        if key in self.too_large:
            raise self.too_large[key]
        if key not in self.digests:
            try:
                self.digests[key] = self._source(path, managed, record)
            except trees.TooLarge as exc:
                self.too_large[key] = exc
                raise
        return self.digests[key]

    def _source(self, path: str, managed: bool, record: Record | None) -> str:
        rules = self.rules(managed)
        sig = trees.signature(path, rules, self.limits) if managed else None
        if sig is not None:
            self.sigs[path] = sig
        if sig is not None and record is not None and record.src_sig == sig:
            return record.digest
        return trees.digest(path, rules, self.limits)

    def entry(self, path: str, record: Record | None) -> str:
        rules = self.rules(managed=record is not None)
        if record is not None and record.sig is not None and (
            trees.signature(path, rules, self.limits) == record.sig
        ):
            return record.digest
        return trees.digest(path, rules, self.limits)


def fill_digests(obs: Observed, manifest: Manifest, wanted: Collection[str], spec: TargetSpec,
                 skill_path: Callable[[str], str], cache: DigestCache
                 ) -> tuple[Observed, dict[str, str], dict[str, str]]:
    """The content digests the planner needs: of target entries (added to ``obs``), of the
    source units they are compared with, and why a source unit has none because it is over
    the limits (both returned). A target entry over the limits has no digest: it is never
    taken for ours."""
    records = manifest.records
    mode = spec.mode
    units = obs.units(spec.unit.files)
    if mode == "symlink":
        names = set(units) & set(records)
    else:
        names = set(units) & (set(wanted) | set(records))
    digests: dict[str, str] = {}
    for name in sorted(names):
        try:
            digests[name] = cache.entry(os.path.join(obs.real_dir, name), records.get(name))
        except OSError:
            continue
    sources = set(wanted) if mode == "copy" else (set(wanted) & set(units))
    src: dict[str, str] = {}
    too_large: dict[str, str] = {}
    for name in sorted(sources):
        record = records.get(name)
        try:
            src[name] = cache.source(skill_path(name), mode == "copy" or record is not None,
                                     record)
        except trees.TooLarge as exc:
            too_large[name] = exc.why
        except OSError:
            continue
    view: dict[str, tuple[str, ...]] | None = None
    if manifest.present:
        view = {n: (r.digest, r.prev) if r.prev else (r.digest,) for n, r in records.items()}
    return replace(obs, digests=digests, manifest=view), src, too_large
