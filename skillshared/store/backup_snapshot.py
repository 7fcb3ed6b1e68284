"""What a target holds, as a backup records it: its entries (a file's checksum reused while
its size, times and inode are unchanged), the versions of the skills behind its links of
ours, and what is over the limits (left out)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from skillshared.core.limits import Limits
from skillshared.core.names import MANIFEST
from skillshared.engine import trees
from skillshared.engine.prebackup import Exact, Owns, Seen
from skillshared.store.backup_format import link_dest

# where a link leads, whether it is ours, the description of the folder it leads to
Behind = tuple[str, bool, dict[str, str] | None]


@dataclass(frozen=True)
class Shared:
    """A target folder that held only links, as a look saw them: the next target holding the
    same links (with the same ``owns``; in the same ``folder`` if a text is relative) has the
    same entries."""

    owns: Owns | None
    folder: str | None
    links: Mapping[str, str]
    entries: tuple[dict[str, Any], ...]
    origins: Mapping[str, str]
    not_saved: tuple[dict[str, str], ...]


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


class Contents:
    """Digests of the folders behind our links, reusing a previous manifest's digest while a
    folder's stat signature (:func:`trees.signature`: sizes, times, inodes) is unchanged. One
    instance per backup: each folder is looked at once however many targets link to it. A
    folder over ``limits`` is not saved."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits
        self.known: dict[str, dict[str, str] | None] = {}  # folder -> signature and digest
        self.too_large: dict[str, str] = {}  # folder -> why it is not saved
        self._owners: dict[int, tuple[Owns, dict[str, Behind]]] = {}  # (owns kept alive)
        self.shared: Shared | None = None  # the links of the last target that held only links

    def behind(self, owns: Owns, folder: str, text: str,
               before: Callable[[str], Mapping[str, Any] | None], rel: str) -> Behind:
        """Where a link in ``folder`` whose text is ``text`` leads, whether that is ours
        (``owns``), and if so :meth:`describe` of it (``before(rel)``: the link's entry in
        the latest backup). Asked once per backup: targets link to the same folders."""
        found = self._owners.get(id(owns))
        if found is None or found[0] is not owns:
            found = self._owners[id(owns)] = (owns, {})
        answers = found[1]
        key = text if text.startswith("/") else f"{folder}\0{text}"
        answer = answers.get(key)
        if answer is None:
            dest = link_dest(folder, text)
            ours = owns(dest)
            answer = answers[key] = (dest, ours, self.describe(dest, before(rel)) if ours
                                     else None)
        return answer

    def describe(self, folder: str, previous: Mapping[str, Any] | None
                 ) -> dict[str, str] | None:
        """``{"signature", "content"}`` of ``folder``; None if it is not a folder."""
        if folder in self.known:
            return self.known[folder]
        try:
            sig = trees.signature(folder, trees.SKIP_GIT, self.limits)
            if previous and previous.get("signature") == sig and isinstance(
                    previous.get("content"), str):
                digest = str(previous["content"])
            else:
                digest = trees.digest(folder, trees.SKIP_GIT, self.limits)
        except (NotADirectoryError, FileNotFoundError):
            self.known[folder] = None
            return None
        except trees.TooLarge as exc:
            self.too_large[folder] = exc.why
            self.known[folder] = None
            return None
        self.known[folder] = {"signature": sig, "content": digest}
        return self.known[folder]


_NAME = attrgetter("name")


def exact_for(exact: Exact, rel: str) -> bool:
    """Whether the entry at ``rel`` is looked at exactly (its files read, not trusted)."""
    if isinstance(exact, bool):
        return exact
    return rel.split("/", 1)[0] in exact


def _same_file(old: Mapping[str, Any] | None, st: os.stat_result) -> bool:
    """Whether a file may be taken as unchanged since ``old`` recorded it, unread: same size,
    modification and change times, and inode. The change time cannot be set by a user
    (``cp -p``, ``touch -r``, ``rsync -a`` set the modification time), and a file replaced
    by another has another inode or a new change time. A record without them (version 1)
    never matches."""
    return (old is not None and isinstance(old.get("sha256"), str)
            and old.get("size") == st.st_size and old.get("mtime_ns") == st.st_mtime_ns
            and old.get("ctime_ns") == st.st_ctime_ns and old.get("ino") == st.st_ino)


def snapshot(path: str, previous: Mapping[str, Any] | None = None, owns: Owns | None = None,
             contents: Contents | None = None, exact: Exact = False, seen: Seen | None = None
             ) -> Snapshot:
    """Describe the target at ``path``. A file's checksum is reused from ``previous`` while
    its size, times and inode are unchanged (:func:`_same_file`), except in the entries
    ``exact`` names (True: all), whose files are all read. A link that ``owns`` (into the
    source) and that leads to a folder also gets the digest of that folder's content
    (``content``). An entry of the target (or the folder behind a link of ours) over the
    ``contents``' limits is left out (``not_saved``). ``seen``: the text of the links at the
    top of the folder as the caller saw them, taken as they are if it is that folder."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return Snapshot("missing", None, ())
    look = _Look(path, (previous or {}).get("entries", ()), owns, contents or Contents())
    if stat.S_ISLNK(st.st_mode):
        return look.link()
    if not stat.S_ISDIR(st.st_mode):
        return Snapshot("file", None, ())
    same = seen is not None and seen.ident == (st.st_dev, st.st_ino)
    return look.folder(exact, seen if same else None)


class _Look:
    """One look at a target: its entries, the folders behind its links of ours that are
    saved (``origins``), and what is left out."""

    def __init__(self, path: str, before: Iterable[Any], owns: Owns | None,
                 contents: Contents) -> None:
        self.path, self.owns, self.contents = path, owns, contents
        self._before = before
        self._known: dict[str, Mapping[str, Any]] | None = None
        self.entries: list[dict[str, Any]] = []
        self.origins: dict[str, str] = {}
        self.not_saved: list[dict[str, str]] = []

    def before(self, rel: str) -> Mapping[str, Any] | None:
        """The entry at ``rel`` in the latest backup (looked up once one is asked for)."""
        if self._known is None:
            self._known = {e["path"]: e for e in self._before if isinstance(e, dict)}
        return self._known.get(rel)

    def _done(self, kind: str, link: str | None) -> Snapshot:
        return Snapshot(kind, link, tuple(self.entries), self.origins, tuple(self.not_saved))

    def _unsaved(self, name: str, folder: str) -> None:
        if folder in self.contents.too_large:
            self.not_saved.append({"path": name, "why": self.contents.too_large[folder]})

    def _ours(self, dest: str) -> bool:
        return self.owns is not None and self.owns(dest)

    def link(self) -> Snapshot:
        """A target that is a link: of ours (into the source), the skills behind it."""
        text = os.readlink(self.path)
        dest = link_dest(os.path.dirname(self.path), text)
        if self._ours(dest) and os.path.isdir(dest):
            with os.scandir(dest) as found:
                tops = sorted((e.name, e.path) for e in found
                              if e.name != ".git" and e.is_dir(follow_symlinks=False))
            for name, folder in tops:
                described = self.contents.describe(folder, self.before(name))
                if described is not None:
                    self.entries.append({"path": name, "type": "saved", **described})
                    self.origins[name] = folder
                self._unsaved(name, folder)
        return self._done("link", text)

    def folder(self, exact: Exact, seen: Seen | None) -> Snapshot:
        """A target folder: each top entry whole, or (over the limits) left out, as
        :func:`trees.walk` does; with ``seen``, its entries and its links as seen."""
        if seen is not None:
            return self._seen_folder(exact, seen)
        with os.scandir(self.path) as found:
            listed = sorted(found, key=_NAME)
        for top in listed:
            if top.is_symlink():  # (the common case, known without a stat)
                self._add_link(top.name, top.path, True)
            else:
                self._top(top.name, top.path, top.stat(follow_symlinks=False), exact)
        return self._done("dir", None)

    def _seen_folder(self, exact: Exact, seen: Seen) -> Snapshot:
        """A target folder as the caller saw it (its copy manifest looked for). Its links'
        entries are those of the target before it when it has nothing else and they are
        the same links (targets of one source often are)."""
        others = {*seen.others, *(n for n in (MANIFEST,) if os.path.lexists(
            os.path.join(self.path, n)))}
        shared = self.contents.shared
        if not others and shared is not None and shared.owns is self.owns and (
                shared.folder is None or shared.folder == self.path) and (
                shared.links == seen.links):
            self.origins, self.not_saved = dict(shared.origins), list(shared.not_saved)
            return Snapshot("dir", None, shared.entries, self.origins, tuple(self.not_saved))
        links = seen.links
        for name in sorted({*links, *others}):
            full = os.path.join(self.path, name)
            if name in links:
                self._add_link(name, full, True, links[name])
                continue
            try:
                est = os.lstat(full)
            except FileNotFoundError:
                continue  # (gone since)
            self._top(name, full, est, exact)
        snap = self._done("dir", None)
        if not others:
            relative = any(not t.startswith("/") for t in links.values())
            self.contents.shared = Shared(self.owns, self.path if relative else None, links,
                                          snap.entries, dict(self.origins),
                                          tuple(self.not_saved))
        return snap

    def _top(self, name: str, full: str, est: os.stat_result, exact: Exact) -> None:
        """An entry at the top of the folder, and what is inside it."""
        inner = self._inside(name, full, est)
        if inner is None:
            return
        read = exact_for(exact, name)
        self._add(name, est, read)
        for rel, inner_st in inner:
            self._add(f"{name}/{rel}", inner_st, read)

    def _inside(self, name: str, full: str, est: os.stat_result
                ) -> list[tuple[str, os.stat_result]] | None:
        """What is inside a top entry; None if it is over the limits (then left out)."""
        limits = self.contents.limits
        if limits is not None and stat.S_ISREG(est.st_mode) and (
                est.st_size > limits.max_mb * trees.MB):
            self.not_saved.append({"path": name, "why": trees.over_mb(limits)})
            return None
        if not stat.S_ISDIR(est.st_mode):
            return []
        try:  # its walk stops at the limits, before anything over them is read
            return list(trees.walk(full, limits=limits))
        except trees.TooLarge as exc:
            self.not_saved.append({"path": name, "why": exc.why})
            return None

    def _add_link(self, rel: str, full: str, top: bool, text: str | None = None) -> None:
        if text is None:
            text = os.readlink(full)
        if top and self.owns is not None:
            dest, ours, described = self.contents.behind(self.owns, self.path, text,
                                                         self.before, rel)
            if described is not None:
                self.entries.append({"path": rel, "type": "link", "link": text, **described})
                self.origins[rel] = dest
                return
            if ours:
                self._unsaved(rel, dest)
        self.entries.append({"path": rel, "type": "link", "link": text})

    def _add(self, rel: str, est: os.stat_result, read: bool) -> None:
        mode = est.st_mode
        if stat.S_ISLNK(mode):
            self._add_link(rel, os.path.join(self.path, rel), "/" not in rel)
        elif stat.S_ISDIR(mode):
            self.entries.append({"path": rel, "type": "dir", "mode": stat.S_IMODE(mode)})
        elif stat.S_ISREG(mode):
            old = self.before(rel)
            sha = old["sha256"] if old and not read and _same_file(old, est) else (
                trees.file_sha256(os.path.join(self.path, rel)))
            self.entries.append({"path": rel, "type": "file", "mode": stat.S_IMODE(mode),
                                 "size": est.st_size, "mtime_ns": est.st_mtime_ns,
                                 "ctime_ns": est.st_ctime_ns, "ino": est.st_ino, "sha256": sha})


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
