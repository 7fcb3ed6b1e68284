"""Entries made beside a target folder (in its parent), so that the target folder itself
never holds a half-made entry an AI CLI could load as a skill:

- a restore's new tree (``new``) and the content it moved out (``old``);
- the folder that adopting swaps out for our link (``adp``, see ``Applier._adopt``);
- a copy being built for a copy-mode target (``cpy``), and after the swap the entry it
  replaced (an older copy of ours, or our link);
- what ``--force`` puts in place of an entry in the way (``frc``), and after the swap that
  entry (already backed up).

Each is renamed to ``del`` once it is checked, before it is deleted.

They are named ``.skillshare-beside-<what>-<hex>-<skill>@<target folder name>`` (``skill``
empty for a restore), so :func:`recover` can finish or undo an interrupted one on the next
run. A name that would be too long makes :func:`path_for` return None (the caller then works
inside the target, the older way).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable

from skillshared.core.patterns import IgnoreRules
from skillshared.core.results import Interrupted
from skillshared.engine import fsops, fsops_swap, trees
from skillshared.engine.observe import read_manifest

PREFIX = ".skillshare-beside-"
NEW, OLD, ADOPTED, COPY, FORCED, DOOMED = "new", "old", "adp", "cpy", "frc", "del"


def path_for(target: str, what: str, skill: str = "") -> str | None:
    parent, base = os.path.split(target)
    name = f"{PREFIX}{what}-{secrets.token_hex(4)}-{skill}@{base}"
    if len(name.encode("utf-8", "surrogateescape")) > fsops.MAX_NAME_BYTES:
        return None
    return os.path.join(parent, name)


def parse(entry: str) -> tuple[str, str, str] | None:
    """``(what, skill, target folder name)`` of an entry made beside a target."""
    if not entry.startswith(PREFIX):
        return None
    what, _, rest = entry[len(PREFIX):].partition("-")
    _, _, rest = rest.partition("-")
    skill, at, base = rest.partition("@")
    known = (NEW, OLD, ADOPTED, COPY, FORCED, DOOMED)
    return (what, skill, base) if what in known and at and base else None


def _found(parent: str, base: str) -> list[tuple[str, str, str]]:
    """``(what, skill, path)`` of the entries beside ``parent/base``, ``new`` first."""
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    mine = []
    for entry in names:
        parsed = parse(entry)
        if parsed and parsed[2] == base:
            mine.append((parsed[0], parsed[1], os.path.join(parent, entry)))
    return sorted(mine)


def recover(paths: Iterable[tuple[str, str]], owns: Callable[[str], bool],
            rules: IgnoreRules) -> list[Interrupted]:
    """Finish or undo what an interrupted run left beside targets (``paths``: target name
    and path; ``rules``: what copies leave out). A missing target gets the tree a restore
    built for it (or, failing that, its old content back). What an adopt or a copy swapped
    out is deleted once it is checked to be ours (identical to the skill our link leads to,
    or a copy the target's manifest records), else swapped back. The rest is removed (a
    restore's old content, and what --force replaced, are in the backup made before)."""
    done: list[Interrupted] = []
    for name, path in paths:
        spots = {os.path.split(path), os.path.split(os.path.realpath(path))}
        for parent, base in sorted(spots):
            found = _found(parent, base)
            if not found:
                continue
            target = os.path.join(parent, base)
            actions = []
            restoring = [(w, p) for w, _, p in found if w in (NEW, OLD)]
            if restoring and not os.path.lexists(target):
                what, first = restoring[0]
                fsops.rename_no_replace(first, target)
                actions.append("restore completed" if what == NEW else "restore rolled back")
            elif restoring:
                actions.append("restore cleaned up")
            for what, skill, leftover in found:
                if not os.path.lexists(leftover):
                    continue
                at = os.path.join(target, skill)
                if what == ADOPTED and not os.path.islink(leftover):
                    actions.append(_finish_adopt(leftover, at, owns))
                elif what == COPY:
                    actions.append(_finish_copy(leftover, at, skill, owns, rules))
                else:
                    fsops.remove_tree(leftover)
            fsops.fsync_dir(parent)
            done.append({"target": name, "action": ", ".join(sorted(set(actions))) or
                         "cleaned up"})
    return done


def remove(path: str) -> None:
    """Delete a checked entry beside a target by way of the ``del`` name, so a deletion
    that is cut short is finished, never taken back."""
    parsed = parse(os.path.basename(path))
    assert parsed is not None
    parent = os.path.dirname(path)
    fsops.doom_and_remove(path, os.path.join(parent, f"{PREFIX}{DOOMED}-{secrets.token_hex(4)}"
                                                     f"-{parsed[1]}@{parsed[2]}"))


def _finish_copy(leftover: str, at: str, skill: str, owns: Callable[[str], bool],
                 rules: IgnoreRules) -> str:
    """A copy built for ``at`` (not yet swapped in), or what it replaced (swapped out but
    not yet checked): our link, or an older copy of ours."""
    folder = os.path.dirname(at)
    record = read_manifest(folder).records.get(skill)
    if os.path.islink(leftover):
        if owns(os.path.normpath(os.path.join(folder, os.readlink(leftover)))):
            fsops.remove_file(leftover)
            return "copy completed"
    elif record is not None and trees.digest(leftover, rules) in (record.digest, record.prev):
        remove(leftover)
        return "copy cleaned up"
    ours_at = record is not None and os.path.lexists(at) and not os.path.islink(at) and (
        trees.digest(at, rules) == record.digest)
    return _put_back(leftover, at, ours_at)


def _put_back(leftover: str, at: str, ours_at: bool) -> str:
    """What was swapped out is not ours to drop: it goes back to its name, if that name is
    free or holds what we put there (``ours_at``); else it stays where it is."""
    if not os.path.lexists(at):
        fsops.rename_no_replace(leftover, at)
    elif ours_at and fsops_swap.exchange(leftover, at):
        fsops.remove_tree(leftover)
    else:
        return "kept for a look"
    return "put back what was replaced"


def _finish_adopt(folder: str, at: str, owns: Callable[[str], bool]) -> str:
    """A folder (or file) swapped out for our link at ``at`` by an adopt that stopped before
    it checked it."""
    text = os.readlink(at) if os.path.islink(at) else None
    dest = os.path.normpath(os.path.join(os.path.dirname(at), text)) if text else None
    ours_at = dest is not None and owns(dest)
    if ours_at and dest is not None and os.path.exists(dest) and (
            trees.digest(folder) == trees.digest(dest)):
        remove(folder)
        return "adopt completed"
    return _put_back(folder, at, ours_at)
