"""Paths relative to the source (``/``-separated): their ancestors, and lookups in sorted
lists of them."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet


def prefixes(rel: str) -> Iterator[str]:
    """``a``, ``a/b``, ``a/b/c`` for ``a/b/c``."""
    cut = rel.find("/")
    while cut != -1:
        yield rel[:cut]
        cut = rel.find("/", cut + 1)
    yield rel


def under_any(rel: str, roots: AbstractSet[str]) -> bool:
    return any(prefix in roots for prefix in prefixes(rel))


def contains(items: Sequence[str], rel: str) -> bool:
    at = bisect_left(items, rel)
    return at < len(items) and items[at] == rel


def index_spans(items: Sequence[str], rel: str) -> list[tuple[int, int]]:
    """Index ranges of ``rel`` and of the paths under it in the sorted ``items``."""
    at = bisect_left(items, rel)
    spans = [(at, at + 1)] if at < len(items) and items[at] == rel else []
    low = bisect_left(items, rel + "/", at)
    high = bisect_left(items, rel + "0", low)  # "0" follows "/"
    if low < high:
        spans.append((low, high))
    return spans
