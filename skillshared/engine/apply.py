"""Carrying out a target's plan through fsops, verifying each entry just before changing it."""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from skillshared.core import progress
from skillshared.core.names import MANIFEST
from skillshared.core.results import Forced, LeftOut
from skillshared.engine import beside, fsops, fsops_swap, ops, trees
from skillshared.engine.observe import DigestCache, Manifest, Record, manifest_bytes
from skillshared.engine.plan import Conflict, Observed, TargetPlan, TargetSpec, too_large_to_copy

# Operations on the target path itself (not on entries inside the target folder).
TARGET_LEVEL = frozenset({"mkdir_target", "link_target", "relink_target", "unlink_target",
                          "force_replace_target", "replace_dir_with_link"})


@dataclass
class Outcome:
    done: list[ops.PlannedOp] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    forced: list[Forced] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)  # special files not copied


class Applier:
    def __init__(self, spec: TargetSpec, obs: Observed, manifest: Manifest,
                 skill_path: Callable[[str], str], cache: DigestCache,
                 backup_path: str | None = None, unsaved: Mapping[str, str] | None = None,
                 stop: threading.Event | None = None) -> None:
        self.spec, self.obs, self.manifest = spec, obs, manifest
        self.stop = stop  # set: stop before the next change (Ctrl-C in another thread)
        self.skill_path, self.cache = skill_path, cache
        self.backup_path = backup_path
        self.unsaved = unsaved or {}  # entries the backup left out (over the limits): why
        self.folder = obs.real_dir
        self.ident = obs.ident
        self.records: dict[str, Record] = dict(manifest.records)
        self.out = Outcome()
        self._parent_ok: bool | None = None  # whether the parent folder is the same filesystem

    def run(self, plan: TargetPlan) -> Outcome:
        if plan.records is not None and self.spec.mode == "copy":
            try:
                self._write_intent(plan)
            except OSError as exc:
                self._error("write manifest", exc)
                return self.out
        total, watched = len(plan.ops), progress.wanted()
        for done, op in enumerate(plan.ops):
            if watched:
                progress.report("syncing", self.spec.name, done, total, op.name or None)
            if self.stop is not None and self.stop.is_set():
                # as after a crash: a copy manifest keeps the intent it was given, and the
                # next pass finishes or undoes what was begun
                self.out.errors.append("interrupted; the next sync finishes the work")
                return self.out
            if op.action not in TARGET_LEVEL and not self._same_folder():
                self.out.errors.append(
                    f"{self.folder} was replaced while syncing (by a link or another folder); "
                    "nothing more was changed there, and the next sync looks again")
                return self.out
            try:
                getattr(self, "_" + op.action)(op)
            except fsops.ChangedError:
                reason = ("left over from an interrupted sync; kept, check it and delete it"
                          if op.action == "clean_temp" else "changed while syncing; left as is")
                self.out.conflicts.append(Conflict(op.name, reason))
            except FileExistsError:
                self.out.conflicts.append(Conflict(op.name, "appeared while syncing; left as is"))
            except trees.TooLarge as exc:  # it grew after it was planned
                why = too_large_to_copy(exc.why, self.spec.unit)
                self.out.conflicts.append(Conflict(op.name, why))
            except OSError as exc:
                self._error(f"{op.action} {op.name}".strip(), exc)
                if op.action in ("mkdir_target", "unlink_target"):
                    return self.out  # without the folder nothing else can be done
            else:
                self.out.done.append(op)
        progress.report("syncing", self.spec.name, total, total)
        if plan.records is not None:
            try:
                self._write_manifest(plan.records)
            except OSError as exc:
                self._error("write manifest", exc)
        return self.out

    def _same_folder(self) -> bool:
        """Whether the target folder is still the one that was planned for: a real folder
        (not a link) with the same device and inode, so that nothing is ever written into
        a folder put there in the meantime (a decoy behind a link, say). What is left is the
        moment of one system call between this check and the change it guards."""
        if self.ident is None:
            return True
        try:
            st = os.lstat(self.folder)
        except OSError:
            return False
        return stat.S_ISDIR(st.st_mode) and (st.st_dev, st.st_ino) == self.ident

    def _error(self, what: str, exc: OSError) -> None:
        where = exc.filename or self.spec.path
        self.out.errors.append(f"{what}: {exc.strerror or exc} ({where})")

    # -- manifest ---------------------------------------------------------------------------
    def _path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def _write_intent(self, plan: TargetPlan) -> None:
        intent = dict(self.records)
        for op in plan.ops:
            if op.action in ("copy", "update_copy", "force_replace") and op.arg:
                old = self.records.get(op.name)
                prev = op.expect if op.action == "update_copy" else (old.digest if old else None)
                intent[op.name] = Record(op.arg, prev)
        if os.path.isdir(self.folder):
            fsops.atomic_write(self._path(MANIFEST), manifest_bytes(intent))

    def _write_manifest(self, records: Mapping[str, str]) -> None:
        final: dict[str, Record] = {}
        for name, digest in records.items():
            record = self.records.get(name)
            if record is None or record.digest != digest:
                record = Record(digest)
            elif record.prev is not None:
                record = Record(record.digest, None, record.sig, record.src_sig)
            final[name] = record
        path = self._path(MANIFEST)
        if not final and self.spec.mode != "copy":
            if os.path.lexists(path):
                fsops.remove_file(path)
        elif os.path.isdir(self.folder):
            fsops.atomic_write(path, manifest_bytes(final))

    def _record_copy(self, name: str, digest: str) -> None:
        src = self.skill_path(name)
        self.records[name] = Record(digest, None,
                                    trees.signature(self._path(name), self.cache.copy_rules),
                                    self.cache.sigs.get(src))

    # -- target path ------------------------------------------------------------------------
    def _mkdir_target(self, op: ops.MkdirTarget) -> None:
        fsops.makedirs(self.spec.path)
        self.folder = os.path.realpath(self.spec.path)
        st = os.stat(self.folder)
        self.ident = (st.st_dev, st.st_ino)

    def _unlink_target(self, op: ops.UnlinkTarget) -> None:
        parent, base = os.path.split(self.spec.path)
        fsops.remove_link(parent, base, op.arg)

    def _link_target(self, op: ops.LinkTarget) -> None:
        fsops.makedirs(os.path.dirname(self.spec.path))
        fsops.create_link(op.arg, self.spec.path)

    def _relink_target(self, op: ops.RelinkTarget) -> None:
        parent, base = os.path.split(self.spec.path)
        fsops.swap_link(parent, base, op.arg, op.expect)

    def _replace_dir_with_link(self, op: ops.ReplaceDirWithLink) -> None:
        manifest = self._path(MANIFEST)
        if os.path.lexists(manifest):
            fsops.remove_file(manifest)
        fsops.remove_empty_dir(self.spec.path)
        fsops.create_link(op.arg, self.spec.path)

    def _force_replace_target(self, op: ops.ForceReplaceTarget) -> None:
        self._require_backup("")
        parent, base = os.path.split(self.spec.path)
        aside = fsops.move_aside(parent, base, fsops.TAG_DELETE)
        fsops.create_link(op.arg, self.spec.path)
        fsops.remove_tree(aside)

    # -- entries ----------------------------------------------------------------------------
    def _clean_temp(self, op: ops.CleanTemp) -> None:
        recover_temp(self.folder, op.name, self.spec)

    def _link(self, op: ops.Link) -> None:
        fsops.create_link(op.arg, self._path(op.name))

    def _relink(self, op: ops.Relink) -> None:
        fsops.swap_link(self.folder, op.name, op.arg, op.expect)

    def _unlink(self, op: ops.Unlink) -> None:
        fsops.remove_link(self.folder, op.name, op.expect)

    def _verified_aside(self, name: str, expect: str | None) -> str:
        """Move ``name`` aside and check it still has digest ``expect``; returns the temp path,
        already marked for deletion."""
        aside = fsops.move_aside(self.folder, name, fsops.TAG_ASIDE)
        try:
            have = trees.digest(aside, self.cache.rules(managed=name in self.manifest.records))
        except OSError:
            have = None
        if have != expect:
            fsops.put_back(aside, self._path(name))
            raise fsops.ChangedError(name)
        return fsops.mark_for_deletion(aside)

    def _adopt(self, op: ops.Adopt) -> None:
        """Replace a real folder identical to its source skill with our link. The link is
        made beside the target folder and swapped in one step where the system can (so the
        name never goes missing and no temp entry shows in the target), then checked."""
        path = self._path(op.name)
        link = beside.path_for(self.folder, beside.ADOPTED, op.name)
        if link is not None:
            fsops.create_link(op.arg, link)  # its text is right once it is in the target
            if self._exchange(link, path):
                try:
                    have = trees.digest(link, self.cache.rules(
                        managed=op.name in self.manifest.records))
                except OSError:
                    have = None
                if have != op.expect:
                    fsops_swap.exchange(link, path)
                    fsops.remove_file(link)
                    raise fsops.ChangedError(op.name)
                beside.remove(link)  # the folder: identical to the source
                self.records.pop(op.name, None)
                return
            fsops.remove_file(link)
        doomed = self._verified_aside(op.name, op.expect)
        fsops.create_link(op.arg, path)
        fsops.remove_tree(doomed)
        self.records.pop(op.name, None)

    def _exchange(self, link: str, path: str) -> bool:
        """Swap our new link (beside the target) with the folder at ``path``; False where
        that cannot be done in one step (the caller then works inside the target)."""
        try:
            return fsops_swap.exchange(link, path)
        except OSError as exc:
            if exc.errno == errno.EXDEV:
                return False
            raise

    def _beside(self, what: str, name: str) -> str | None:
        """A spot beside the target folder for an entry about to be swapped in (None where
        the parent folder is on another filesystem, or the name would be too long)."""
        if self._parent_ok is None:
            try:
                self._parent_ok = (os.stat(os.path.dirname(self.folder)).st_dev
                                   == os.stat(self.folder).st_dev)
            except OSError:
                self._parent_ok = False
        return beside.path_for(self.folder, what, name) if self._parent_ok else None

    def _build(self, name: str, what: str = beside.COPY) -> tuple[str, str, bool]:
        """A new copy of the skill ``name``, built beside the target where it can be (so an
        AI CLI never sees it half-built), else in a temp entry inside: (path, digest,
        whether it is beside)."""
        src, rules, limits = self.skill_path(name), self.cache.copy_rules, self.cache.limits
        spot = self._beside(what, name)
        left_out: list[tuple[str, str]] = []
        if spot is None:
            spot, digest = fsops_swap.build_copy(self.folder, name, src, rules, limits, left_out)
            outside = False
        else:
            digest, outside = fsops_swap.build_copy_at(spot, src, rules, limits, left_out), True
        self.out.left_out += [{"name": name, "path": rel, "why": f"{kind}: a copy holds only "
                               "files, folders and links"} for rel, kind in left_out]
        return spot, digest, outside

    def _swap(self, new: str, name: str, check: Callable[[str], bool]) -> bool:
        """Swap ``new`` (beside the target) with the entry ``name`` in one step, then
        ``check`` what came out: if it fails, swap back, drop ``new`` and raise
        ChangedError. False where the system cannot swap in one step."""
        path = self._path(name)
        if not self._exchange(new, path):
            return False
        if not check(new):
            fsops_swap.exchange(new, path)
            fsops.remove_tree(new)
            raise fsops.ChangedError(name)
        return True

    def _digest_is(self, name: str, expect: str | None) -> Callable[[str], bool]:
        rules = self.cache.rules(managed=name in self.manifest.records)

        def check(path: str) -> bool:
            try:
                return trees.digest(path, rules) == expect
            except OSError:
                return False
        return check

    def _copy(self, op: ops.Copy) -> None:
        temp, digest, outside = self._build(op.name)
        path = self._path(op.name)
        with fsops.temp_tree(temp):
            if op.expect is None:
                fsops.rename_no_replace(temp, path)
            elif outside and self._swap(temp, op.name, lambda old: fsops.link_text(old)
                                        == op.expect):
                fsops.remove_file(temp)  # our link, swapped out
            else:
                fsops.remove_link(self.folder, op.name, op.expect)
                fsops.rename_no_replace(temp, path)
        self._record_copy(op.name, digest)

    def _update_copy(self, op: ops.UpdateCopy) -> None:
        temp, digest, outside = self._build(op.name)
        with fsops.temp_tree(temp):
            if outside and self._swap(temp, op.name, self._digest_is(op.name, op.expect)):
                beside.remove(temp)  # the old copy: ours, unedited
            else:
                doomed = self._verified_aside(op.name, op.expect)
                fsops.rename_no_replace(temp, self._path(op.name))
                fsops.remove_tree(doomed)
        self._record_copy(op.name, digest)

    def _remove_copy(self, op: ops.RemoveCopy) -> None:
        """Prune our copy: moved beside the target (so no temp folder shows in it), checked
        to be unedited, then deleted."""
        spot = self._beside(beside.COPY, op.name)
        if spot is None:
            fsops.remove_tree(self._verified_aside(op.name, op.expect))
        else:
            fsops.rename_no_replace(self._path(op.name), spot)
            if not self._digest_is(op.name, op.expect)(spot):
                fsops.rename_no_replace(spot, self._path(op.name))
                raise fsops.ChangedError(op.name)
            beside.remove(spot)
        self.records.pop(op.name, None)

    def _require_backup(self, name: str) -> str:
        """Where the backup holds ``name`` (the whole target: ""); never replace what it
        does not hold."""
        if self.backup_path is None:
            raise OSError(0, "not replaced: no backup of it could be made", self.spec.path)
        left_out = [f"{n} {why}" for n, why in self.unsaved.items() if n == name or not name]
        if left_out:
            raise OSError(errno.EFBIG, f"not replaced: too large to back up: {left_out[0]}",
                          self.spec.path)
        where = os.path.join(self.backup_path, name) if name else self.backup_path
        if not os.path.lexists(where):
            where = self.backup_path + ".json"  # a link: recorded in the backup's manifest
        self.out.forced.append({"name": name or os.path.basename(self.spec.path),
                                "backup": where})
        return where

    def _force_replace(self, op: ops.ForceReplace) -> None:
        """Replace an entry in the way (backed up first) with our copy or link: swapped in
        beside the target where it can be, else moved aside inside it first."""
        self._require_backup(op.name)
        if self.spec.mode == "copy":
            temp, digest, outside = self._build(op.name, beside.FORCED)
        else:
            spot = self._beside(beside.FORCED, op.name)
            temp, digest, outside = spot or "", "", spot is not None
            if spot is not None:
                fsops.create_link(op.arg, spot)
        with fsops.temp_tree(temp):
            if outside and self._swap(temp, op.name, lambda old: True):
                beside.remove(temp)  # what was in the way (backed up)
            else:
                doomed = fsops.move_aside(self.folder, op.name, fsops.TAG_DELETE)
                if self.spec.mode == "copy":
                    fsops.rename_no_replace(temp, self._path(op.name))
                else:
                    if temp:
                        fsops.remove_file(temp)
                    fsops.create_link(op.arg, self._path(op.name))
                fsops.remove_tree(doomed)
        if self.spec.mode == "copy":
            self._record_copy(op.name, digest)


def recover_temp(folder: str, entry: str, spec: TargetSpec) -> None:
    """Finish or undo what an interrupted pass left behind (see fsops tags)."""
    path = os.path.join(folder, entry)
    tag, original = fsops.parse_temp(entry)
    if tag in (fsops.TAG_NEW, fsops.TAG_DELETE):
        fsops.remove_tree(path)
    elif tag == fsops.TAG_LINK and os.path.islink(path):
        fsops.remove_file(path)
    elif tag == fsops.TAG_ASIDE and original and not os.path.lexists(os.path.join(folder,
                                                                                  original)):
        fsops.put_back(path, os.path.join(folder, original))
    elif tag == fsops.TAG_ASIDE and os.path.islink(path) and spec.owns(
        os.path.normpath(os.path.join(folder, os.readlink(path)))
    ):
        fsops.remove_file(path)
    else:
        raise fsops.ChangedError(entry)
