"""What the daemon watches and what an event there means: the roots (the source, the config
file and the targets; a linked config followed hop by hop to its real file) and the hint an
event under a root becomes. Events inside git's folders are noise, and so are skillshare's
own entries in targets.

A single file whose content matters (the config) may be a symlink, say into a dotfiles
repository: then every hop of the link chain is watched too (the folder holding each link and
the folder holding the real file), so an edit of the real file and a re-pointed link are both
seen, and the supervisor rebuilds the watches when the chain leads elsewhere."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from skillshared.catalog.skills import RESERVED_PREFIX

SOURCE, CONFIG, TARGET = "source", "config", "target"
# The agents source and the agents folders of targets (any event: an agents pass), and an
# extra's source and target folders (``target``: the extra's name; any event: its pass).
AGENTS, AGENT_TARGET, EXTRA, EXTRA_TARGET = "agents", "agent_target", "extra", "extra_target"
_PASS_OF = {AGENTS: AGENTS, AGENT_TARGET: AGENTS, EXTRA: EXTRA, EXTRA_TARGET: EXTRA}
FOLLOW_LINKS = frozenset({CONFIG})  # single entries whose content matters, not the link
MAX_HOPS = 40  # links followed from one entry (the kernel's own limit for a path)


@dataclass(frozen=True)
class Root:
    """Something to watch. ``path`` is as configured; the watch is placed on the real folder
    (``path`` itself, or its parent for a single entry such as the config file or a
    symlink-mode target, then only events for ``entry`` count)."""

    kind: str
    path: str
    recursive: bool = False
    entry: str | None = None  # watch the parent folder, for this one entry
    target: str | None = None

    def folder(self) -> str:
        return os.path.dirname(self.path) if self.entry else self.path


@dataclass(frozen=True)
class Hint:
    kind: str
    target: str | None = None
    rel: str = ""  # source: path relative to the source; target: entry name ("" = itself)


def link_hops(root: Root) -> list[Root]:
    """For an entry that is a symlink (a chain of them): a root for each place the chain
    passes through, ending with the real file, each as an entry of its real folder. Empty
    when the entry is not a link."""
    hops: list[Root] = []
    path = root.path
    seen = {path}
    for _ in range(MAX_HOPS):
        try:
            text = os.readlink(path)
        except OSError:
            break  # not a link (or not there): the chain ends here
        following = os.path.join(os.path.dirname(path), text)
        name = os.path.basename(following)
        if name in ("", ".", ".."):
            break
        following = os.path.join(os.path.realpath(os.path.dirname(following)), name)
        if following in seen:
            break  # a loop
        seen.add(following)
        hops.append(Root(root.kind, following, entry=name, target=root.target))
        path = following
    return hops


def expand(roots: Sequence[Root]) -> list[Root]:
    """``roots`` plus the link hops of the entries whose content matters."""
    result = []
    for root in roots:
        result.append(root)
        if root.entry is not None and root.kind in FOLLOW_LINKS:
            result.extend(link_hops(root))
    return result


def folders(roots: Sequence[Root]) -> tuple[dict[str, list[Root]], list[str]]:
    """The folders to watch for ``roots`` (real paths) with the roots each serves, and the
    folders missing (not there yet, or not folders)."""
    by_folder: dict[str, list[Root]] = {}
    missing = []
    for root in roots:
        real = os.path.realpath(root.folder())
        if os.path.isdir(real):
            by_folder.setdefault(real, []).append(root)
        else:
            missing.append(root.folder())
    return by_folder, missing


def _relative(path: str, folder: str) -> str | None:
    if path == folder:
        return ""
    if path.startswith(folder + os.sep):
        return path[len(folder) + 1:]
    return None


def _git_noise(rel: str) -> bool:
    """Writes inside a .git folder (git's own work) — except a tracked repo's .git appearing
    or going away at the top (that changes which ignore files count)."""
    parts = rel.split(os.sep)
    if ".git" not in parts:
        return False
    return not (len(parts) == 2 and parts[1] == ".git" and parts[0].startswith("_"))


def hints_for(root: Root, real: str, path: str) -> Hint | None:
    rel = _relative(path, real)
    if rel is None:
        return None
    if root.entry is not None:
        if rel != root.entry:
            return None
        return Hint(_PASS_OF.get(root.kind, root.kind), root.target)
    if root.kind in _PASS_OF:
        name = rel.split(os.sep, 1)[0]
        if name.startswith(RESERVED_PREFIX) or _git_noise(rel):
            return None
        return Hint(_PASS_OF[root.kind], root.target, rel.replace(os.sep, "/"))
    if root.kind == SOURCE:
        return None if _git_noise(rel) else Hint(SOURCE, None, rel.replace(os.sep, "/"))
    name = rel.split(os.sep, 1)[0]
    if name.startswith(RESERVED_PREFIX):
        return None
    return Hint(TARGET, root.target, name)


def covered(root: Root) -> Hint:
    """A hint that everything ``root`` watches may have changed."""
    if root.kind == TARGET:
        return Hint(TARGET, root.target, "")
    if root.kind == SOURCE:
        return Hint(SOURCE, None, "")
    return Hint(_PASS_OF.get(root.kind, root.kind), root.target)
