"""``restore``: put a target back as one of its backups held it (SPEC §7).

The backup is verified first, the current content is backed up, and the restored tree is
built beside the target (in its parent folder, never inside it, so an AI CLI never sees a
half-built skill; see :mod:`beside`), then swapped in: one atomic exchange where the system
has one (:func:`fsops_swap.exchange`), else two renames. An interrupted restore is finished or
rolled back by :func:`recover` on the next run. Links come back as links; a link to a skill
that is gone from the source comes back as the skill's saved content (a real folder), so
nothing is lost.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from skillshared.catalog import skills
from skillshared.catalog.kinds import SKILLS
from skillshared.commands import backupcmd
from skillshared.commands.kindwords import AGENTS_SUFFIX, kind_of_name
from skillshared.commands.results_backup import RestoreResult
from skillshared.core import progress
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, SkillshareError
from skillshared.core.names import MANIFEST, TEMP_PREFIX
from skillshared.core.results import Interrupted
from skillshared.engine import beside, fsops, fsops_swap, resources, trees
from skillshared.engine.observe import Record, manifest_bytes, own_original
from skillshared.engine.observe import read_manifest as read_copy_manifest
from skillshared.store import backup_original as original
from skillshared.store import backup_write
from skillshared.store.backup_format import list_backups, store_path, targets_in
from skillshared.store.backup_manifest import copy_of, latest, read_manifest
from skillshared.store.backup_snapshot import real_target
from skillshared.store.backup_verify import Verifier
from skillshared.store.backup_writer import TargetBackup


def recover(config: Config) -> list[Interrupted]:
    """Finish or undo restores (and adopts) that were interrupted: see :mod:`beside`."""
    return beside.recover(((t.name, str(t.path)) for t in config.targets),
                          backup_write.owner(config), config.copy_ignore())


Picked = tuple[Path, dict[str, Any], dict[str, str] | None]


def _pick(config: Config, name: str, when: str | None) -> Picked:
    """The backup to restore from, its manifest, and (from one of the original's backups of
    a copy-mode target) the copies to record as ours."""
    backups_dir = config.scope.backups_dir
    if when is None:
        holding = [b for b in list_backups(backups_dir) if (b / f"{name}.json").exists()
                   or (original.looks_original(b) and os.path.lexists(b / name))]
        if holding and original.looks_original(holding[0]):
            return _from_original(config, holding[0], name)
        found = latest(backups_dir, name)
        if holding and (found is None or found[0] != holding[0]):
            # the newest backup of it is damaged: never restore an older one unasked
            older = f"; restore an older one with --from {found[0].name}" if found else ""
            raise SkillshareError(f"the latest backup of {name} ({holding[0].name}) is "
                                  "damaged; nothing was changed",
                                  hint=f"see `skillshare backup --verify`{older}")
        if found is None:
            raise NotFoundError(f"no backup of {name} found", hint="make one with "
                                f"`skillshare backup {_backup_words(name)}`")
        return (*found, None)
    backup = backupcmd.find(config, when)
    if original.looks_original(backup):
        if not os.path.lexists(backup / name):
            raise NotFoundError(f"backup {when} holds no backup of {name}", hint="it holds: "
                                + (", ".join(original.parts(backup)[0]) or "nothing"))
        return _from_original(config, backup, name)
    manifest = read_manifest(backup, name)
    if manifest is None:
        if (backup / f"{name}.json").exists():
            raise SkillshareError(f"the manifest of {name} in backup {when} is damaged",
                                  hint="see `skillshare backup --verify`; pick another "
                                       "backup with --from")
        held = ", ".join(targets_in(backup)) or "nothing"
        raise NotFoundError(f"backup {when} holds no backup of {name}",
                            hint=f"it holds: {held}")
    return backup, manifest, None


def _backup_words(name: str) -> str:
    """How ``backup`` is told to save ``name``: ``agents claude`` for claude@agents."""
    return f"agents {name.removesuffix(AGENTS_SUFFIX)}" if name.endswith(AGENTS_SUFFIX) else name


def _from_original(config: Config, backup: Path, name: str) -> Picked:
    """Restore ``name`` from a backup the original skillshare made (see
    :mod:`backup_original`): refused if it holds what the original never writes."""
    strays = original.parts(backup)[1]
    if strays:
        raise SkillshareError(f"backup {backup.name} holds what the original skillshare never "
                              "writes there; it is not restored from, nothing was changed",
                              hint="restore another backup with --from", details=strays)
    if original.is_agents(name):
        raise SkillshareError(f"{backup.name}/{name} is where the original skillshare keeps a "
                              "target's agents; it is not restored as skills")
    target = config.target(name)
    assert target is not None
    where = real_target(str(target.path), target.mode, backup_write.owner(config))
    sources = {s.flat_name: s.path for s in skills.discover(Path(config.source)).skills}
    manifest, copies = original.manifest_for(backup, name, where, target.mode, sources,
                                             config.copy_ignore())
    return backup, manifest, copies


def _entries_digest(entries: Iterable[Mapping[str, Any]], top: str) -> str:
    """The tree digest of folder ``top`` as the manifest records it."""
    total = hashlib.sha256()
    cut = len(top) + 1
    for entry in entries:
        path, kind = entry["path"], entry["type"]
        if not path.startswith(top + "/"):
            continue
        rel = path[cut:]
        if kind == "dir":
            total.update(trees.record("D", rel))
        elif kind == "link":
            total.update(trees.record("L", rel, entry.get("link", "")))
        elif kind == "file":
            total.update(trees.record("X" if entry.get("mode", 0) & 0o111 else "F", rel,
                                      entry.get("sha256", "")))
    return total.hexdigest()


def look(config: Config, path: str, manifest: Mapping[str, Any]) -> tuple[list[str], bool]:
    """What restoring the target at ``path`` would replace that is neither ours (our links,
    our unedited copies, our files) nor the same as what the backup holds at that name; and
    whether the backup holds all that the target holds, each entry as it is (compared by
    content checksums): then that backup is the backup of it."""
    own = backup_write.owner(config)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return [], True
    if stat.S_ISLNK(st.st_mode):
        text = os.readlink(path)
        dest = os.path.normpath(os.path.join(os.path.dirname(path), text))
        held = text == manifest.get("link")
        return ([] if own(dest) or held else [path]), held
    if not stat.S_ISDIR(st.st_mode):
        raise SkillshareError(f"target path {path} is a file, not a folder",
                              hint="move the file away, then restore")
    entries = manifest.get("entries", [])
    saved = {e["path"]: e for e in entries if "/" not in e["path"]}
    inside: dict[str, list[Mapping[str, Any]]] = {}  # top-level name -> what is in it
    for e in entries:
        if "/" in e["path"]:
            inside.setdefault(e["path"].split("/", 1)[0], []).append(e)
    rules = config.copy_ignore()
    copies = own_original(read_copy_manifest(path), path, rules, config.limits).records
    blocking = []
    held = True
    with os.scandir(path) as found:
        current = sorted(found, key=lambda e: e.name)
    for entry in current:
        name, have = entry.name, saved.get(entry.name)
        if name.startswith(TEMP_PREFIX):
            continue
        if name == MANIFEST:
            held = held and _same_file(entry, have)
            continue
        if entry.is_symlink():
            text = os.readlink(entry.path)
            same = bool(have and have.get("link") == text)
            held = held and same
            if same or own(os.path.normpath(os.path.join(path, text))):
                continue
        elif entry.is_dir(follow_symlinks=False):
            try:
                digest = trees.digest(entry.path, limits=config.limits)
            except trees.TooLarge:
                blocking.append(name)  # neither our copy nor anything a backup holds
                held = False
                continue
            same = have is not None and (  # (as a folder, or a link's)
                (have["type"] == "dir" and _entries_digest(inside.get(name, []), name) == digest)
                or have.get("content") == digest)
            held = held and same
            record = copies.get(name)
            if same or (record and trees.digest(entry.path, rules) == record.digest):
                continue  # the same as the backup holds, or our copy
        elif _same_file(entry, have):
            continue
        held = False
        blocking.append(name)
    return blocking, held


def _same_file(entry: os.DirEntry[str], have: Mapping[str, Any] | None) -> bool:
    return bool(entry.is_file(follow_symlinks=False) and have and have["type"] == "file" and (
        trees.file_sha256(entry.path) == have.get("sha256")))


class _Builder:
    """Builds the restored tree at ``stage`` from one target's backup."""

    def __init__(self, backups_dir: Path, backup: Path, manifest: Mapping[str, Any],
                 target_path: str) -> None:
        self.backups_dir = backups_dir
        self.backup = backup
        self.manifest = manifest
        self.parent = os.path.dirname(target_path)
        self.name = os.path.basename(target_path)
        self.counts = {"links": 0, "folders": 0, "files": 0}
        self.recovered: list[str] = []
        self.missing_from_source: list[str] = []
        self.extra: dict[str, bytes] = {}  # files written beside what the backup holds

    def _dest(self, base: str, text: str) -> str:
        return os.path.normpath(os.path.join(base, text))

    def _saved(self, digest: str, at: str, name: str) -> None:
        fsops.copy_tree(str(store_path(self.backups_dir, digest)), at)
        self.recovered.append(name)

    def build(self, stage: str) -> None:
        manifest = self.manifest
        if manifest["kind"] == "link":
            self._build_link(stage)
            return
        fsops.make_dir(stage, 0o755)
        modes = []
        total, watched = len(manifest["entries"]), progress.wanted()
        for count, entry in enumerate(manifest["entries"]):
            if watched:
                progress.report("restoring", self.name, count, total, entry["path"])
            rel, kind = entry["path"], entry["type"]
            at = os.path.join(stage, rel)
            if kind == "dir":
                fsops.make_dir(at, 0o700)
                modes.append((at, entry.get("mode", 0o755)))
                self.counts["folders"] += "/" not in rel
            elif kind == "file":
                sha = fsops.copy_file(str(copy_of(self.backups_dir, self.backup, manifest,
                                                  entry)), at, entry["mode"],
                                      mtime_ns=entry.get("mtime_ns"))
                if sha != entry["sha256"]:
                    raise SkillshareError(f"backup file {rel} changed while it was restored; "
                                          "nothing was changed")
                self.counts["files"] += "/" not in rel
            elif kind == "link":
                text = entry["link"]
                content = entry.get("content")
                # a link whose destination is no longer a skill (or an agent's or an extra's
                # file): its saved content comes back
                dest = self._dest(os.path.dirname(os.path.join(str(manifest["path"]), rel)),
                                  text)
                if content and not (SKILLS.is_unit(dest) or os.path.isfile(dest)):
                    self._saved(content, at, rel)
                else:
                    fsops.create_link(text, at)
                    self.counts["links"] += "/" not in rel
        for name, data in self.extra.items():
            fsops.atomic_write(os.path.join(stage, name), data)
        for at, mode in reversed(modes):
            fsops.set_mode(at, mode)
        fsops.flush(stage)

    def _build_link(self, stage: str) -> None:
        text = self.manifest["link"]
        dest = self._dest(self.parent, text)
        saved = [e for e in self.manifest["entries"] if e["type"] == "saved"]
        if saved and not os.path.isdir(dest):
            fsops.make_dir(stage, 0o755)
            for entry in saved:
                self._saved(entry["content"], os.path.join(stage, entry["path"]), entry["path"])
            fsops.flush(stage)
            return
        fsops.create_link(text, stage)
        self.counts["links"] += 1
        self.missing_from_source = [e["path"] for e in saved
                                    if not os.path.exists(os.path.join(dest, e["path"]))]


def _original_notes(result: RestoreResult, manifest: Mapping[str, Any],
                    copies: Mapping[str, str] | None) -> None:
    """What restoring from one of the original's backups does beyond a plain copy."""
    result["made_by"] = "original"
    result["linked"] = list(manifest.get("linked", ()))
    result["copies_recorded"] = sorted(copies or ())
    result["original_manifest"] = bool(manifest.get("had_manifest"))


def restore_named(config: Config, name: str, when: str | None, dry_run: bool, force: bool
                  ) -> RestoreResult:
    """Restore the target (or agents folder, or extra's folder) called ``name`` from its
    latest backup, or from backup ``when``; ``dry_run``: only check that it would."""
    target = config.target(name)
    kind = None if target is not None else resources.kind_target(config, name)
    if kind is not None:  # an agents folder or an extra's: its own source owns its links
        config, target = kind
    if target is None:
        with_backups = sorted({t for b in list_backups(config.scope.backups_dir)
                               for t in (original.parts(b)[0] if original.looks_original(b)
                                         else targets_in(b))})
        raise NotFoundError(f"target '{name}' not found",
                            hint=f"configured targets: "
                                 f"{', '.join(t.name for t in config.targets) or 'none'}; "
                                 f"with backups: {', '.join(with_backups) or 'none'}")
    interrupted = [] if dry_run else recover(config)
    backup, manifest, copies = _pick(config, target.name, when)
    made_by_original = manifest.get("format") == "original"
    problems = [] if made_by_original else Verifier(config.scope.backups_dir).target(
        backup, target.name)
    if problems:
        raise SkillshareError(f"backup {backup.name} of {target.name} is damaged; nothing "
                              "was changed", hint="pick another backup with --from (see "
                              "`skillshare backup --verify`)", details=problems)
    where = real_target(str(target.path), target.mode, backup_write.owner(config))
    blocking, held = look(config, where, manifest)
    if blocking and not force:
        shown = ", ".join(blocking[:5]) + (f" and {len(blocking) - 5} more"
                                           if len(blocking) > 5 else "")
        raise SkillshareError(f"{target.name} holds entries that did not come from "
                              f"skillshare: {shown}", hint="add --force to replace them "
                              "(the current content is backed up first)")
    result: RestoreResult = {
        "target": target.name, "kind": kind_of_name(target.name), "path": str(target.path),
        "from": backup.name,
        "latest": when is None, "dry_run": dry_run, "force": force, "replaced": blocking,
        "interrupted": interrupted, "backup": None,
    }
    if made_by_original:
        _original_notes(result, manifest, copies)
    if dry_run:
        result["entries"] = len(manifest["entries"])
        return result
    if held:  # (read above, entry by entry): the backup restored from is the backup of it
        result["backup"] = TargetBackup(target.name, "unchanged", str(backup / target.name),
                                        int(manifest.get("skills", 0)),
                                        int(manifest.get("bytes", 0))).to_dict()
    else:
        # entries not ours are replaced: the backup of them must be sure to hold what they hold
        before = backup_write.write(config, [target], exact=bool(blocking))
        if before.error or before.results[0].status == "failed":
            raise SkillshareError("could not back up the current content first; nothing was "
                                  f"changed: {before.error or before.results[0].error}")
        result["backup"] = before.results[0].to_dict()
    saved = result["backup"]
    unsaved = [e for e in (saved.get("not_saved") if saved else None) or ()
               if e["path"] in blocking]
    if unsaved:
        raise SkillshareError(f"{target.name} holds {unsaved[0]['path']}, which is too large "
                              f"to back up (it {unsaved[0]['why']}); nothing was changed",
                              hint="move it out of the target, or raise the limit, then "
                                   "restore")
    builder = _Builder(config.scope.backups_dir, backup, manifest, where)
    if copies:
        builder.extra[MANIFEST] = manifest_bytes({n: Record(d) for n, d in copies.items()})
    stage = beside.path_for(where, beside.NEW)
    if stage is None:
        raise SkillshareError(f"the target folder's name is too long to restore beside it: "
                              f"{target.path}")
    old = beside.path_for(where, beside.OLD) or where + ".skillshare-old"
    try:
        with fsops.temp_tree(stage):
            builder.build(stage)
            fsops_swap.swap_in(stage, where, old)
    except OSError as exc:
        raise SkillshareError(f"restore failed, {target.name} was left as it was: "
                              f"{exc.strerror or exc}: {exc.filename}") from None
    counts = builder.counts
    result["links"], result["folders"] = counts["links"], counts["folders"]
    result["files"] = counts["files"]
    result["recovered"] = builder.recovered
    result["missing_from_source"] = builder.missing_from_source
    return result
