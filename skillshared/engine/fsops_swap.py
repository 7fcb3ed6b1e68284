"""Putting one entry in place of another (part of fsops, the only modules that change the
filesystem): swapping two entries in one atomic step where the system can, a staged tree
swapped in for what was there, a copy built beside an entry to replace it, and a move that
crosses filesystems.

Calls into :mod:`fsops` go through the module (``fsops.rename_no_replace``), so that a test
can stand in for one of them.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
from typing import Any

from skillshared.core.limits import Limits
from skillshared.core.patterns import IgnoreRules
from skillshared.engine import fsops, trees

# -- swapping two entries ---------------------------------------------------------------------

_SWAP: list[Any] = []  # the C function that swaps two names, looked up once (or None)


def _swapper() -> Any:
    if not _SWAP:
        found = None
        if sys.platform.startswith("linux") or sys.platform == "darwin":
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            at_fdcwd = -100
            if hasattr(libc, "renameat2"):  # Linux: renameat2(..., RENAME_EXCHANGE)
                call = libc.renameat2

                def found(a: bytes, b: bytes) -> int:
                    return int(call(at_fdcwd, a, at_fdcwd, b, 2))
            elif hasattr(libc, "renamex_np"):  # macOS: renamex_np(..., RENAME_SWAP)
                call = libc.renamex_np

                def found(a: bytes, b: bytes) -> int:
                    return int(call(a, b, 2))
            _SWAP.append((found, ctypes.get_errno))
        else:
            _SWAP.append((None, None))
    return _SWAP[0]


def exchange(a: str, b: str) -> bool:
    """Swap two entries in one atomic step (``renameat2(RENAME_EXCHANGE)`` on Linux,
    ``renamex_np(RENAME_SWAP)`` on macOS); False where the system or the filesystem cannot
    (the caller then works another way)."""
    call, get_errno = _swapper()
    if call is None:
        return False
    if call(os.fsencode(a), os.fsencode(b)) == 0:
        return True
    err = get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), a, None, b)


def swap_in(stage: str, path: str, old: str) -> None:
    """Put the entry at ``stage`` in place of ``path`` and delete what was there: one
    atomic exchange where the system can, else two renames (``path`` to the free name
    ``old``, one the caller's recovery knows, then ``stage`` to ``path``)."""
    if not os.path.lexists(path):
        os.rename(stage, path)
    elif exchange(stage, path):
        fsops.remove_tree(stage)  # the old content, now at the stage's name
    else:
        os.rename(path, old)
        os.rename(stage, path)
        fsops.remove_tree(old)
    fsops.fsync_dir(os.path.dirname(path))


# -- copies built to replace an entry ---------------------------------------------------------


def build_copy_at(path: str, src: str, ignore: IgnoreRules,
                  limits: Limits | None = None,
                  left_out: list[tuple[str, str]] | None = None) -> str:
    """Build a copy of ``src`` at the free ``path`` (nothing is left there if it fails);
    return its digest (``left_out``: see :func:`fsops.copy_tree`)."""
    with fsops.temp_tree(path):
        return fsops.copy_tree(src, path, ignore, limits=limits, left_out=left_out)


def build_copy(folder: str, name: str, src: str, ignore: IgnoreRules,
               limits: Limits | None = None,
               left_out: list[tuple[str, str]] | None = None) -> tuple[str, str]:
    """Build a copy of ``src`` in a temp entry of ``folder``; return (temp path, digest)."""
    temp = os.path.join(folder, fsops.temp_name(fsops.TAG_NEW, name))
    return temp, build_copy_at(temp, src, ignore, limits, left_out)


def replace_link_with_copy(folder: str, name: str, expect: str, src: str,
                           ignore: IgnoreRules, limits: Limits | None = None) -> str:
    """Replace our link ``name`` (pointing at ``expect``) with a real copy of ``src``."""
    temp, digest = build_copy(folder, name, src, ignore, limits)
    with fsops.temp_tree(temp):
        fsops.remove_link(folder, name, expect)
        fsops.rename_no_replace(temp, os.path.join(folder, name))
    return digest


def move_tree(src: str, dst: str) -> None:
    """Move a folder (or file) to ``dst``, which must be free: a rename, or across
    filesystems a copy that is checked before the original is deleted."""
    try:
        fsops.rename_no_replace(src, dst)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    if os.path.isdir(src) and not os.path.islink(src):
        temp = os.path.join(os.path.dirname(dst),
                            fsops.temp_name(fsops.TAG_NEW, os.path.basename(dst)))
        with fsops.temp_tree(temp):
            made = fsops.copy_tree(src, temp, durable=True)
            if made != trees.digest(src, trees.COPYABLE) or made != trees.digest(temp):
                raise fsops.ChangedError(src)
            fsops.rename_no_replace(temp, dst)
    else:
        shutil.copy2(src, dst, follow_symlinks=False)
    fsops.remove_tree(src)
