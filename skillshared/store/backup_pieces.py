"""A target's entries in pieces, matched against the pieces of its latest backup.

A big manifest lists pieces of a few top-level entries each (:func:`split`; stored once,
named by their SHA-256). A backup of a target that changed a little finds most of its pieces
equal to pieces of the latest backup: those are reused as they are (neither compared entry
by entry, nor serialised, nor hashed again), and only the rest is looked at closely: what
changed, whether anything did, what to write."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CHUNK_TOPS = 16  # top-level entries per piece of a manifest, on average

Entry = dict[str, Any]
# a piece: its entries, its name in the store (None: not stored as a piece), the length of
# its JSON (-1: not known)
Known = tuple[list[Entry], str | None, int]


def split(entries: Iterable[Entry]) -> Iterator[list[Entry]]:
    """Split a manifest's entries (each top-level entry followed by what is inside it) into
    pieces that end after a top-level entry whose name's hash says so: a change to one
    entry changes one piece, whatever was added or removed elsewhere."""
    part: list[Entry] = []
    ends = False  # whether the piece ends after the current top-level entry
    for entry in entries:
        path = entry["path"]
        if "/" not in path:
            if ends:
                yield part
                part = []
            ends = zlib.crc32(path.encode("utf-8", "surrogateescape")) % CHUNK_TOPS == 0
        part.append(entry)
    if part:
        yield part


def content(entries: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """What must be equal for two lists of entries to hold the same content."""
    return [(e["path"], e["type"], e.get("link"), e.get("sha256"), e.get("mode"),
             e.get("content")) for e in entries]


@dataclass(frozen=True)
class Match:
    """A target's entries now, in pieces, each with the latest backup's piece it equals."""

    parts: tuple[list[Entry], ...]
    same: tuple[Known | None, ...]  # for each part: the equal piece of the latest backup
    new_rest: tuple[Entry, ...]  # the entries now in parts that equal none
    old_rest: tuple[Entry, ...]  # the latest backup's entries in pieces that none equals

    def same_content(self) -> bool:
        """Whether the target holds what the latest backup holds. (Both lists are in the
        same order, with each path once: the equal pieces taken out of both, what is left is
        equal exactly when the whole lists are.)"""
        return len(self.new_rest) == len(self.old_rest) and (
            content(self.new_rest) == content(self.old_rest))

    def changed(self) -> set[str]:
        """The top-level entries whose content differs from the latest backup's."""
        def groups(entries: Iterable[Mapping[str, Any]]) -> dict[str, list[tuple[Any, ...]]]:
            found: dict[str, list[tuple[Any, ...]]] = {}
            for entry, key in zip(entries, content(entries), strict=True):
                found.setdefault(entry["path"].split("/", 1)[0], []).append(key)
            return found

        old = groups(self.old_rest)
        return {top for top, now in groups(self.new_rest).items() if old.get(top) != now}


def match(entries: Sequence[Entry], pieces: Sequence[Known], old: Sequence[Entry]) -> Match:
    """Match ``entries`` (a target now) against the latest backup's ``pieces`` (none: it holds
    its entries ``old`` itself, split here the same way)."""
    if not pieces:
        pieces = [(part, None, -1) for part in split(old)]
    by_first = {p[0][0]["path"]: p for p in pieces if p[0]}
    parts = tuple(split(entries))
    same: list[Known | None] = []
    used: set[int] = set()
    for part in parts:
        known = by_first.get(part[0]["path"])
        if known is not None and len(known[0]) == len(part) and known[0] == part:
            same.append(known)
            used.add(id(known))
        else:
            same.append(None)
    new_rest = tuple(e for part, s in zip(parts, same, strict=True) if s is None for e in part)
    old_rest = tuple(e for p in pieces if id(p) not in used for e in p[0])
    return Match(parts, tuple(same), new_rest, old_rest)
