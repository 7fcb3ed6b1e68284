"""What an extra's targets hold, read and never changed: each target's state (synced,
drift, not synced, no source) and which entries in it are ours.

An entry is ours when it is a link whose destination is the source file it stands for (or,
in symlink mode, the target itself is a link to the source), or, in copy mode, a regular
file with the same bytes as its source file. Anything else belongs to the user."""

from __future__ import annotations

import filecmp
import os
from collections.abc import Iterator
from pathlib import Path

from skillshared.catalog.extras import SKIPPED_FOLDERS, ExtraFiles, discover_extra
from skillshared.commands.results_extras import ExtraDescription, ExtraTargetState, TargetStatus
from skillshared.core.config_extras import ExtraConfig, ExtraTarget


def link_leads_to(path: str, wanted: str) -> bool:
    """Whether ``path`` is a link that ends at the file (or folder) ``wanted``."""
    return os.path.islink(path) and os.path.realpath(path) == os.path.realpath(wanted)


def same_bytes(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are regular files (``a`` not a link) with the same bytes."""
    if os.path.islink(a) or not os.path.isfile(a) or not os.path.isfile(b):
        return False
    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def is_ours(target: ExtraTarget, source: Path, rel: str, dest: str) -> bool:
    """Whether the entry ``dest`` in ``target`` is what a sync put there for ``rel``."""
    entry = os.path.join(target.path, dest)
    wanted = os.path.join(source, rel)
    if target.mode == "copy":
        return same_bytes(entry, wanted)
    return link_leads_to(entry, wanted)


def target_status(extra: ExtraConfig, target: ExtraTarget, files: ExtraFiles) -> TargetStatus:
    if target.extension is not None:
        return "left out"
    if not files.exists:
        return "no source"
    if not os.path.lexists(target.path):
        return "not synced"
    if target.mode == "symlink":
        return "synced" if link_leads_to(str(target.path), str(extra.source)) else "drift"
    if os.path.islink(target.path) and link_leads_to(str(target.path), str(extra.source)):
        return "drift"  # (still the link of symlink mode)
    every = all(is_ours(target, extra.source, f.rel, f.dest) for f in files.files)
    return "synced" if every else "drift"


def describe_extra(extra: ExtraConfig) -> ExtraDescription:
    """The extra with its files counted and each target's state."""
    by_flatten = {flat: discover_extra(extra.source, flat) for flat in (False, True)
                  if any(t.flatten == flat for t in (*extra.targets, *extra.left_out))}
    plain = by_flatten.get(False) or by_flatten.get(True) or discover_extra(extra.source, False)
    targets: list[ExtraTargetState] = []
    for target in (*extra.targets, *extra.left_out):
        files = by_flatten.get(target.flatten, plain)
        state: ExtraTargetState = {"path": str(target.path), "mode": target.mode,
                                   "flatten": target.flatten,
                                   "status": target_status(extra, target, files)}
        if target.extension is not None:
            state["extension"] = target.extension
        targets.append(state)
    warnings = [w for files in by_flatten.values() for w in files.warnings]
    if plain.problem:
        warnings.insert(0, plain.problem)
    legacy = extra.source.parent.parent / extra.name
    if not plain.exists and extra.source_type == "default" and legacy.is_dir():
        warnings.insert(0, f"the source {extra.source} does not exist, but {legacy} does (where "
                        "older versions of the original kept this extra): move it to "
                        f"{extra.source} to sync its files")
    return {"name": extra.name, "source": str(extra.source), "source_type": extra.source_type,
            "source_exists": plain.exists, "files": len(plain.files),
            "refused": [{"rel": r.rel, "reason": r.reason} for r in plain.refused],
            "warnings": warnings, "targets": targets}


def walk_target(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry below ``folder`` that is not a folder (links are not followed), with its
    ``/``-separated path in it; ``.git`` folders are left out."""
    stack = [(str(folder), "")]
    while stack:
        path, rel = stack.pop()
        try:
            with os.scandir(path) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        for entry in listed:
            child = f"{rel}/{entry.name}" if rel else entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_FOLDERS:
                    stack.append((entry.path, child))
            else:
                yield child, entry
