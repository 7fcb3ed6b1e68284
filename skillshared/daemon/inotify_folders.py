"""The folders one inotify instance watches, by watch number, kept small: for each number its
parent's number (an array of C ints) and its own name (a list of strings, shared among
folders of the same name: the ``references`` of 10,000 skills is one string), the root
holding its whole path. A path is put together when an event needs it. About 12 bytes per
folder plus the names no other folder has, where a dict of numbers to paths costs some 150.

The kernel numbers an instance's watches upwards from 1 without reusing a number, so a
folder's number is larger than its parent's (a folder moved is dropped with everything under
it and watched again), and the table grows with every folder ever watched: ``sparse`` says
when it holds many more numbers than folders, and the observer is then rebuilt."""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator

_NONE = -1
_SHARED_MAX = 256  # names kept once for every folder of that name (the first ones seen)


class Folders:
    def __init__(self) -> None:
        self._parent = array("i")
        self._name: list[str | None] = []
        self._live = 0
        self._shared: dict[str, str] = {}

    def __len__(self) -> int:
        return self._live

    def add(self, wd: int, parent: int, name: str) -> None:
        """Folder ``name`` of folder ``parent`` (``_NONE``: ``name`` is a root's whole
        path) is watched as ``wd``."""
        if wd >= len(self._name):
            grow = wd + 1 - len(self._name)
            self._parent.extend([_NONE] * grow)
            self._name.extend([None] * grow)
        if self._name[wd] is None:
            self._live += 1
        self._parent[wd] = parent
        self._name[wd] = self._share(name)

    def _share(self, name: str) -> str:
        shared = self._shared.get(name)
        if shared is None and len(self._shared) < _SHARED_MAX:
            self._shared[name] = shared = name
        return shared or name

    def add_root(self, wd: int, path: str) -> None:
        self.add(wd, _NONE, path)

    def path(self, wd: int) -> str | None:
        if not 0 <= wd < len(self._name) or self._name[wd] is None:
            return None
        names = []
        while wd != _NONE:
            name = self._name[wd]
            if name is None:
                return None  # an ancestor dropped meanwhile
            names.append(name)
            wd = self._parent[wd]
        return os.sep.join(reversed(names))

    def drop(self, wd: int) -> None:
        if 0 <= wd < len(self._name) and self._name[wd] is not None:
            self._name[wd] = None
            self._live -= 1

    def child(self, parent: int, name: str) -> int | None:
        """The number of folder ``name`` in ``parent``, if watched."""
        for wd in range(parent + 1, len(self._name)):
            if self._parent[wd] == parent and self._name[wd] == name:
                return wd
        return None

    def drop_below(self, top: int) -> list[int]:
        """Drop ``top`` and every folder below it; returns their numbers."""
        dropped = {top}
        for wd in range(top + 1, len(self._name)):
            if self._name[wd] is not None and self._parent[wd] in dropped:
                dropped.add(wd)
        for wd in dropped:
            self.drop(wd)
        return sorted(dropped)

    def sparse(self) -> bool:
        return len(self._name) > 4 * self._live + 4096

    def paths(self) -> Iterator[str]:
        for wd in range(len(self._name)):
            path = self.path(wd)
            if path is not None:
                yield path
