"""The filesystem's changes: with :mod:`fsops_swap` (one entry put in place of another),
the only modules that change it.

Every change to a target is made so that a crash at any point leaves either the old state,
the new state, or a hidden ``.skillshare-tmp-*`` entry that the next pass recognises and
cleans up (see :func:`parse_temp`). Nothing here deletes an entry it has not just verified.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

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


def make_dir(path: str | Path, mode: int = 0o777) -> None:
    """Create one folder (its parent must exist; ``mode`` is masked by the umask)."""
    os.mkdir(path, mode)


def set_mode(path: str | Path, mode: int) -> None:
    os.chmod(path, mode)


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


def rename_no_replace(src: str | Path, dst: str | Path) -> None:
    """Rename ``src`` to ``dst`` only if nothing is at ``dst``."""
    if os.path.lexists(dst):
        raise FileExistsError(dst)
    os.rename(src, dst)


def doom(path: str | Path, doomed: str | Path) -> str:
    """Rename the entry at ``path`` to the free name ``doomed`` before it is deleted: a
    name its owner's next sweep deletes, so that a deletion cut short is finished later and
    never seen half done under the entry's own name. Returns ``doomed``."""
    os.rename(path, doomed)
    return os.fspath(doomed)


def doom_and_remove(path: str | Path, doomed: str | Path) -> None:
    """Delete the entry at ``path`` by way of the name ``doomed`` (see :func:`doom`)."""
    remove_tree(doom(path, doomed))


@contextlib.contextmanager
def temp_tree(path: str | Path) -> Iterator[str]:
    """Around work that builds an entry at the free ``path`` (a copy, a staged tree): if the
    work fails, whatever it left at ``path`` is removed before the error goes on."""
    try:
        yield os.fspath(path)
    except BaseException:
        if os.path.lexists(path):
            remove_tree(path)
        raise


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
    """Copy ``src`` to the new folder ``dst`` (a file unit: to the new file ``dst``; links
    kept as links; ``durable``: keep modification times and flush it all to disk); return
    the digest of what it made. Special
    files (FIFOs, sockets, devices) are left out, whatever ``ignore`` says (``left_out``
    gets their paths and kinds): compare the digest with ``trees.digest`` under rules
    without specials. Over ``limits``, raise :class:`trees.TooLarge` (what was copied so
    far stays in ``dst``)."""
    total = hashlib.sha256()
    if os.path.isdir(src):
        os.mkdir(dst)
    for rel, st in trees.walk(src, dataclasses.replace(ignore, specials=True), limits):
        target = os.path.join(dst, rel) if rel else dst
        source = os.path.join(src, rel) if rel else src
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
