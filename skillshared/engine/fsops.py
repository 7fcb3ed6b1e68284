"""The only module that changes the filesystem.

Every change to a target is made so that a crash at any point leaves either the old state,
the new state, or a hidden ``.skillshare-tmp-*`` entry that the next pass recognises and
cleans up (see :func:`parse_temp`). Nothing here deletes an entry it has not just verified.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import hashlib
import os
import secrets
import shutil
import stat
import sys
from pathlib import Path
from typing import Any

from skillshared.core.limits import Limits
from skillshared.core.names import TEMP_PREFIX
from skillshared.core.patterns import IgnoreRules
from skillshared.engine import trees

MAX_NAME_BYTES = 255
# Temp entry tags: what the next pass does with a leftover one (see recover_temp).
TAG_NEW = "new"  # a copy being built: delete
TAG_LINK = "lnk"  # a link being swapped in: delete
TAG_ASIDE = "asd"  # an entry moved aside, not yet verified: put back if its name is free
TAG_DELETE = "del"  # verified ours (or backed up), being deleted: delete


class ChangedError(OSError):
    """An entry is no longer what the plan saw; nothing was changed."""


def temp_name(tag: str, name: str) -> str:
    base = f"{TEMP_PREFIX}{tag}-{secrets.token_hex(4)}-"
    full = base + name
    return full if len(full.encode("utf-8", "surrogateescape")) <= MAX_NAME_BYTES else base


def parse_temp(entry: str) -> tuple[str, str | None]:
    """``(tag, original name or None)`` of a temp entry name."""
    rest = entry[len(TEMP_PREFIX) :]
    tag, _, rest = rest.partition("-")
    _, _, original = rest.partition("-")
    return tag, original or None


# -- plain helpers ----------------------------------------------------------------------------


def make_private_dir(path: Path) -> None:
    """Create a folder for the tool's own state (mode 0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def makedirs(path: str | Path) -> None:
    os.makedirs(path, exist_ok=True)


def fsync_dir(path: str | Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: str | Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` via a temp file, fsync and rename."""
    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    temp = os.path.join(folder, temp_name(TAG_NEW, os.path.basename(path)))
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(temp, path)
    except BaseException:
        remove_quietly(temp)
        raise
    fsync_dir(folder)


def save_user_file(path: str | Path, data: bytes, mode: int = 0o644) -> str:
    """Replace the content of a file the user keeps (a config file, a ``.gitignore``)
    atomically. A link at ``path`` (into a dotfiles repository, say) stays a link: the file
    it leads to is written, through a temp file beside that file, and keeps its permissions
    (``mode`` is for a new file). Returns the path written."""
    real = os.path.realpath(path)
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(os.stat(real).st_mode)
    atomic_write(real, data, mode)
    return real


def append_line(path: str | Path, line: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def remove_quietly(path: str | Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def remove_file(path: str | Path) -> None:
    os.unlink(path)


def remove_temps(folder: str | Path) -> list[str]:
    """Remove the temp entries (copies, clones) an interrupted collect, install or update
    left at the top of the source. Run under the operations lock, so none is in use."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return []
    for name in names:
        remove_tree(os.path.join(folder, name))
    return names


def remove_empty_dir(path: str | Path) -> None:
    os.rmdir(path)  # only if it is empty (fails otherwise: nothing is lost)


def remove_tree(path: str | Path) -> None:
    """Delete a folder tree, or a single link/file."""
    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
    else:
        shutil.rmtree(path)


def rename_no_replace(src: str, dst: str) -> None:
    """Rename ``src`` to ``dst`` only if nothing is at ``dst``."""
    if os.path.lexists(dst):
        raise FileExistsError(dst)
    os.rename(src, dst)


# -- links ------------------------------------------------------------------------------------


def link_text(path: str) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def create_link(text: str, path: str) -> None:
    """Create a symlink; fails (FileExistsError) if anything is at ``path``."""
    os.symlink(text, path)


def swap_link(folder: str, name: str, text: str, expect: str) -> None:
    """Atomically replace our link ``name`` (still pointing at ``expect``) with ``text``."""
    path = os.path.join(folder, name)
    if link_text(path) != expect:
        raise ChangedError(name)
    temp = os.path.join(folder, temp_name(TAG_LINK, name))
    os.symlink(text, temp)
    try:
        os.rename(temp, path)
    except BaseException:
        remove_quietly(temp)
        raise


def remove_link(folder: str, name: str, expect: str) -> None:
    """Remove our link ``name`` if it still points at ``expect``."""
    aside = move_aside(folder, name, TAG_ASIDE)
    if link_text(aside) != expect:
        put_back(aside, os.path.join(folder, name))
        raise ChangedError(name)
    os.unlink(aside)


# -- moving entries aside (for verified replacement) ------------------------------------------


def move_aside(folder: str, name: str, tag: str) -> str:
    temp = os.path.join(folder, temp_name(tag, name))
    os.rename(os.path.join(folder, name), temp)
    return temp


def put_back(temp: str, path: str) -> None:
    rename_no_replace(temp, path)


def mark_for_deletion(temp: str) -> str:
    """Rename a verified temp entry to the ``del`` tag, then the caller deletes it."""
    folder, entry = os.path.split(temp)
    _, original = parse_temp(entry)
    final = os.path.join(folder, temp_name(TAG_DELETE, original or ""))
    os.rename(temp, final)
    return final


# -- copies -----------------------------------------------------------------------------------


def copy_file(src: str, dst: str, mode: int, sync: bool = False,
              mtime_ns: int | None = None) -> str:
    """Copy one file (``sync``: fsync it; ``mtime_ns``: give the copy that modification
    time); return the sha256 of what was written."""
    digest = hashlib.sha256()
    with open(src, "rb") as reader, open(dst, "xb") as writer:
        while chunk := reader.read(1 << 20):
            digest.update(chunk)
            writer.write(chunk)
        if sync:
            writer.flush()
            os.fsync(writer.fileno())
    os.chmod(dst, stat.S_IMODE(mode))
    if mtime_ns is not None:
        os.utime(dst, ns=(mtime_ns, mtime_ns))
    return digest.hexdigest()


def copy_tree(src: str, dst: str, ignore: IgnoreRules = trees.NO_RULES,
              durable: bool = False, limits: Limits | None = None,
              left_out: list[tuple[str, str]] | None = None) -> str:
    """Copy ``src`` to the new folder ``dst`` (links kept as links; ``durable``: keep
    modification times and flush it all to disk); return the digest of what it made. Special
    files (FIFOs, sockets, devices) are left out, whatever ``ignore`` says (``left_out``
    gets their paths and kinds): compare the digest with ``trees.digest`` under rules
    without specials. Over ``limits``, raise :class:`trees.TooLarge` (what was copied so
    far stays in ``dst``)."""
    total = hashlib.sha256()
    os.mkdir(dst)
    for rel, st in trees.walk(src, dataclasses.replace(ignore, specials=True), limits):
        target = os.path.join(dst, rel)
        source = os.path.join(src, rel)
        content = None
        if stat.S_ISDIR(st.st_mode):
            os.mkdir(target)
        elif stat.S_ISLNK(st.st_mode):
            os.symlink(os.readlink(source), target)
        elif stat.S_ISREG(st.st_mode):
            content = copy_file(source, target, st.st_mode,
                                mtime_ns=st.st_mtime_ns if durable else None)
        else:
            if left_out is not None:
                left_out.append((rel, trees.special_kind(st.st_mode)))
            continue
        total.update(trees.entry_record(src, rel, st, content))
    if durable:
        flush(dst)
    return total.hexdigest()


def flush(*paths: str | Path) -> None:
    """Make what was written under ``paths`` durable: one ``syncfs`` of their filesystem on
    Linux (far cheaper than a file-by-file fsync of big trees; the paths share it); elsewhere
    an fsync of every file and folder under each."""
    if not paths:
        return
    if sys.platform.startswith("linux"):
        import ctypes

        fd = os.open(paths[0], os.O_RDONLY)
        try:
            if ctypes.CDLL(None, use_errno=True).syncfs(fd) == 0:
                return
        except (OSError, AttributeError):
            pass
        finally:
            os.close(fd)
    for path in paths:
        for folder, _, files in os.walk(path):
            for name in files:
                fd = os.open(os.path.join(folder, name), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            fsync_dir(folder)


def move_tree(src: str, dst: str) -> None:
    """Move a folder (or file) to ``dst``, which must be free: a rename, or across
    filesystems a copy that is checked before the original is deleted."""
    try:
        rename_no_replace(src, dst)
        return
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
    if os.path.isdir(src) and not os.path.islink(src):
        temp = os.path.join(os.path.dirname(dst), temp_name(TAG_NEW, os.path.basename(dst)))
        try:
            made = copy_tree(src, temp, durable=True)
            if made != trees.digest(src, trees.COPYABLE) or made != trees.digest(temp):
                raise ChangedError(src)
            rename_no_replace(temp, dst)
        except BaseException:
            if os.path.lexists(temp):
                remove_tree(temp)
            raise
    else:
        shutil.copy2(src, dst, follow_symlinks=False)
    remove_tree(src)


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


def build_copy_at(path: str, src: str, ignore: IgnoreRules,
                  limits: Limits | None = None,
                  left_out: list[tuple[str, str]] | None = None) -> str:
    """Build a copy of ``src`` at the free ``path`` (nothing is left there if it fails);
    return its digest (``left_out``: see :func:`copy_tree`)."""
    try:
        return copy_tree(src, path, ignore, limits=limits, left_out=left_out)
    except BaseException:
        if os.path.lexists(path):
            remove_tree(path)
        raise


def build_copy(folder: str, name: str, src: str, ignore: IgnoreRules,
               limits: Limits | None = None,
               left_out: list[tuple[str, str]] | None = None) -> tuple[str, str]:
    """Build a copy of ``src`` in a temp entry of ``folder``; return (temp path, digest)."""
    temp = os.path.join(folder, temp_name(TAG_NEW, name))
    return temp, build_copy_at(temp, src, ignore, limits, left_out)


def link_or_copy_file(src: str, dst: str, previous: str | None, mode: int,
                      mtime_ns: int | None = None) -> str:
    """Hard-link ``previous`` (an identical earlier copy) to ``dst``, else copy ``src``."""
    if previous is not None:
        try:
            os.link(previous, dst)
            return "linked"
        except OSError:
            pass
    copy_file(src, dst, mode, mtime_ns=mtime_ns)  # (the backup is flushed as a whole)
    return "copied"


def replace_link_with_copy(folder: str, name: str, expect: str, src: str,
                           ignore: IgnoreRules, limits: Limits | None = None) -> str:
    """Replace our link ``name`` (pointing at ``expect``) with a real copy of ``src``."""
    temp, digest = build_copy(folder, name, src, ignore, limits)
    try:
        remove_link(folder, name, expect)
        rename_no_replace(temp, os.path.join(folder, name))
    except BaseException:
        remove_tree(temp)
        raise
    return digest
