"""The two ``extras`` actions that change files (through fsops only): pruning what a sync
put in a target that leaves an extra, and collecting a target's own files into the source.

Both act only on what they can prove: a link is removed only while it still ends at its
source file, a copy only while its bytes still equal the source file, a user's file is
never removed (collect moves it aside, checks it, and puts it back if it changed)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from skillshared.catalog.extras import SKIPPED_FILES, discover_extra, name_problem
from skillshared.catalog.relpaths import prefixes
from skillshared.commands.extras_state import link_leads_to, same_bytes, walk_target
from skillshared.commands.results_extras import CollectedFile, CollectProblem, PruneKept
from skillshared.core.config_extras import ExtraConfig, ExtraTarget
from skillshared.core.patterns import IgnoreRules
from skillshared.engine import fsops


@dataclass
class Pruned:
    removed: list[str] = field(default_factory=list)
    kept: list[PruneKept] = field(default_factory=list)


def prune_target(extra: ExtraConfig, target: ExtraTarget, dry_run: bool) -> Pruned:
    """Remove what is ours under ``target``: our links to the source's files (or the one
    link of symlink mode) and, in copy mode, files whose bytes still equal their source
    file; folders this leaves empty go too. Everything else stays."""
    done = Pruned()
    path = str(target.path)
    if os.path.islink(path):
        if link_leads_to(path, str(extra.source)):
            if not dry_run:
                parent, name = os.path.split(path)
                fsops.remove_link(parent, name, os.readlink(path))
            done.removed.append(path)
        return done
    files = discover_extra(extra.source, target.flatten).by_dest()
    emptied: set[str] = set()
    for rel, entry in walk_target(target.path):
        wanted = files.get(rel)
        if wanted is None:
            continue
        source = os.path.join(extra.source, wanted.rel)
        ours = (same_bytes(entry.path, source) if target.mode == "copy" and
                not entry.is_symlink() else link_leads_to(entry.path, source))
        if not ours:
            done.kept.append({"path": entry.path, "why": "not made by skillshare (a file of "
                              "your own, or changed since it was synced)"})
            continue
        if not dry_run and not _remove_ours(entry.path, source):
            done.kept.append({"path": entry.path, "why": "changed while it was removed"})
            continue
        done.removed.append(entry.path)
        emptied.add(os.path.dirname(entry.path))
    if not dry_run:
        _remove_empty(emptied, path)
    return done


def _remove_ours(path: str, source: str) -> bool:
    """Remove a link (still ending at ``source``) or a copy (still equal to it)."""
    folder, name = os.path.split(path)
    if os.path.islink(path):
        try:
            fsops.remove_link(folder, name, os.readlink(path))
        except (OSError, fsops.ChangedError):
            return False
        return True
    aside = fsops.move_aside(folder, name, fsops.TAG_ASIDE)
    if not same_bytes(aside, source):
        fsops.put_back(aside, path)
        return False
    fsops.remove_file(aside)
    return True


def _remove_empty(folders: set[str], top: str) -> None:
    """Remove the folders in ``folders`` (and their parents up to ``top``, itself kept)
    that are empty now."""
    for start in sorted(folders, key=len, reverse=True):
        folder = start
        while folder != top and folder.startswith(top + os.sep):
            try:
                fsops.remove_empty_dir(folder)
            except OSError:
                break
            folder = os.path.dirname(folder)


# -- collect ------------------------------------------------------------------------------------


@dataclass
class Collected:
    collected: list[CollectedFile] = field(default_factory=list)
    conflicts: list[CollectProblem] = field(default_factory=list)
    skipped: list[CollectProblem] = field(default_factory=list)
    failed: list[CollectProblem] = field(default_factory=list)


def collect_target(extra: ExtraConfig, target: ExtraTarget, relative: bool,
                   dry_run: bool, ignore: IgnoreRules | None = None) -> Collected:
    """Copy the target's own regular files into the source (the target's path kept, or the
    base name with flatten); in merge mode each is then replaced by a link to its copy.
    Files the ``ignore`` rules leave out of copies (``.DS_Store``...) stay where they are."""
    done = Collected()
    for rel, entry in walk_target(target.path):
        if entry.is_symlink():
            continue  # (a sync's link, or a link of the user's: nothing to collect)
        if ignore is not None and _ignored(ignore, rel):
            done.skipped.append({"path": entry.path, "why": "left out by the ignore patterns"})
            continue
        wrong = _collect_problem(entry, rel)
        if wrong:
            done.skipped.append({"path": entry.path, "why": wrong})
            continue
        dest = rel.rsplit("/", 1)[-1] if target.flatten else rel
        kept = os.path.join(extra.source, dest)
        try:
            _collect_one(entry.path, kept, target, relative, dry_run, done)
        except OSError as exc:
            done.failed.append({"path": entry.path, "why": exc.strerror or str(exc)})
    return done


def _ignored(rules: IgnoreRules, rel: str) -> bool:
    *folders, _ = prefixes(rel)
    return rules.ignored(rel, False) or any(rules.ignored(f, True) for f in folders)


def _collect_problem(entry: os.DirEntry[str], rel: str) -> str | None:
    if entry.name in SKIPPED_FILES:
        return "skillshare's bookkeeping file"
    problem = name_problem(entry.name)
    if problem:
        return problem
    if not stat.S_ISREG(entry.stat(follow_symlinks=False).st_mode):
        return "not a regular file"
    return None


def _collect_one(path: str, kept: str, target: ExtraTarget, relative: bool, dry_run: bool,
                 done: Collected) -> None:
    if os.path.lexists(kept):
        if not same_bytes(path, kept) or os.path.islink(kept):
            done.conflicts.append({"path": path, "why": f"{kept} is already in the source "
                                   "with other content (neither is changed)"})
            return
        linked = target.mode == "merge"
        if linked and not dry_run:
            _link_in_place(path, kept, relative)
        if linked:
            done.collected.append({"path": path, "source": kept, "linked": True})
        return
    linked = target.mode == "merge"
    if not dry_run:
        fsops.makedirs(os.path.dirname(kept))
        fsops.copy_file(path, kept, os.stat(path).st_mode)
        if linked:
            _link_in_place(path, kept, relative)
    done.collected.append({"path": path, "source": kept, "linked": linked})


def _link_in_place(path: str, kept: str, relative: bool) -> None:
    """Replace the file at ``path`` by a link to ``kept``, only while its bytes still equal
    ``kept``'s (a file changed meanwhile is put back and the error raised)."""
    folder, name = os.path.split(path)
    text = os.path.relpath(kept, os.path.realpath(folder)) if relative else kept
    aside = fsops.move_aside(folder, name, fsops.TAG_ASIDE)
    if not same_bytes(aside, kept):
        fsops.put_back(aside, path)
        raise OSError(0, "changed while it was collected (left as it is)")
    try:
        fsops.create_link(text, path)
    except BaseException:
        fsops.put_back(aside, path)
        raise
    fsops.remove_file(aside)
