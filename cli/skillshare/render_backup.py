"""Text rendering of `backup`, `restore` and `collect` results."""

from __future__ import annotations

from skillshare import summarise
from skillshare.render_changes import Voice, change_lines, counted
from skillshare.textout import ARROW, FAIL, INFO, OK, WARN, Out, plural, size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.commands.results import CollectResult
    from skillshared.commands.results_backup import (
        BackupCreated,
        BackupPreview,
        BackupResult,
        RestoreCmdResult,
        RestoreResult,
    )
    from skillshared.core.results_backup import (
        BackupCleanupResult,
        BackupListResult,
        BackupVerifyResult,
    )

SKIPPED = {"missing": "nothing to back up (missing)", "empty": "nothing to back up (empty)"}


def render_backup(r: BackupResult, out: Out) -> int:
    if r["action"] == "list":
        return _list(r, out)
    if r["action"] == "verify":
        return _verify(r, out)
    if r["action"] == "cleanup":
        return _cleanup(r, out)
    if r["dry_run"]:
        return _preview(r, out)
    return _created(r, out)


def _preview(r: BackupPreview, out: Out) -> int:
    if Voice.of(r).quiet:
        return 0
    for t in r["targets"]:
        what = SKIPPED.get(t["status"], t["status"])
        if t["status"] == "unchanged":
            what = "unchanged since its latest backup (nothing to do)"
        out(f"{INFO} {t['target']}: {what}")
    return 0


def _created(r: BackupCreated, out: Out) -> int:
    counts = {"created": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    say = Out(out.home) if Voice.of(r).quiet else out  # (-q: only what failed or was left)
    for t in r["targets"]:
        status = t["status"]
        if status == "created":
            say(f"{OK} {t['target']}: backed up ({plural(t['skills'], 'skill')}) "
                f"{ARROW} {out.path(t.get('path'))}")
        elif status == "unchanged":
            say(f"{INFO} {t['target']}: unchanged since {_stamp(t.get('path'))}")
        elif status == "failed":
            out(f"{FAIL} {t['target']}: backup failed: {t.get('error')}")
        else:
            say(f"{INFO} {t['target']}: {SKIPPED.get(status, status)}")
        for left in t.get("not_saved", ()):
            out(f"  {WARN} not saved: {left['path']} {left['why']}")
        counts[status if status in counts else "skipped"] += 1
    if not r["targets"]:
        say(f"{INFO} no targets to back up")
    say(f"Backup complete: {counts['created']} created, {counts['unchanged']} unchanged, "
        f"{counts['skipped']} skipped" + (f", {counts['failed']} failed"
                                          if counts["failed"] else ""))
    return 1 if counts["failed"] else 0


def _stamp(path: str | None) -> str:
    """The backup name in a ``<backups>/<name>/<target>`` path."""
    return path.rstrip("/").split("/")[-2] if path and path.count("/") >= 2 else "?"


def _list(r: BackupListResult, out: Out) -> int:
    if not r["backups"]:
        out(f"No backups yet ({out.path(r['dir'])})")
        return 0
    out.header("Backups")
    for backup in r["backups"]:
        by = "  (made by the original skillshare)" if backup.get("made_by") == "original" else ""
        out(f"  {backup['name']}/{by}")
        strays = backup.get("not_a_backup")
        if strays:
            out(f"    {WARN} not a backup, left as it is: {'; '.join(strays)}")
        for t in backup["targets"]:
            name = f"{t['name']}/"
            if t.get("problems"):
                out(f"    {name:<10} {FAIL} {'; '.join(t['problems'][:3])}")
                continue
            if t.get("agents"):
                out(f"    {name:<10} agents, {size(t['bytes'])} (kept; agents are not restored)")
                continue
            if not t["readable"]:
                out(f"    {name:<10} {FAIL} manifest unreadable (see `skillshare backup "
                    "--verify`)")
                continue
            kind = " (folder link)" if t.get("kind") == "link" else ""
            out(f"    {name:<10} {plural(t['skills'], 'skill')}, {size(t['bytes'])}{kind}")
    out(f"{plural(len(r['backups']), 'backup')}, {size(r['disk_bytes'])} on disk "
        f"(identical files are stored once) in {out.path(r['dir'])}")
    return 0


def _verify(r: BackupVerifyResult, out: Out) -> int:
    total = 0
    for backup in r["backups"]:
        for t in backup["targets"]:
            total += 1
            if t["ok"]:
                note = f" ({t['unchecked']})" if t.get("unchecked") else ""
                out(f"{OK} {backup['name']}/{t['name']}{note}")
                continue
            out(f"{FAIL} {backup['name']}/{t['name']}: {plural(len(t['problems']), 'problem')}")
            for problem in t["problems"][:20]:
                out(f"    {problem}")
            if len(t["problems"]) > 20:
                out(f"    … and {len(t['problems']) - 20} more")
    if not total:
        out("No backups to verify")
    elif r["damaged"]:
        out(f"{FAIL} {r['damaged']} of {total} target backups are damaged")
    else:
        out(f"All {total} target backups verify")
    return 1 if r["damaged"] else 0


def _cleanup(r: BackupCleanupResult, out: Out) -> int:
    voice = Voice.of(r)
    if not voice.quiet:
        _cleaned(r, voice, out)
    if r.get("not_backups"):
        out(f"  {WARN} not backups, left as they are: {', '.join(r['not_backups'])}")
    if r["protected"] and r["removed"] and not voice.quiet:
        out(f"  kept as the newest backup that verifies of a target: "
            f"{', '.join(r['protected'])}")
    return 0


def _cleaned(r: BackupCleanupResult, voice: Voice, out: Out) -> None:
    """What the cleanup removed (or would), what it kept (``-v``: each one), and the
    stored files no backup uses any more."""
    verb = "Would remove" if r["dry_run"] else "Removed"
    for item in r["removed"]:
        out(f"{'-' if r['dry_run'] else OK} {verb} {item['name']} ({size(item['bytes'])}): "
            f"{'; '.join(item['reasons'])}")
    kept = len(r["kept"])
    if not r["removed"]:
        out(f"{INFO} No backups to remove ({plural(kept, 'backup')} kept, "
            f"{size(r['total_bytes'])})")
    else:
        out(f"{verb} {plural(len(r['removed']), 'backup')} (freeing {size(r['freed_bytes'])}); "
            f"{kept} kept ({size(r['total_bytes'])})")
    unused = [plural(n, *words) for n, words in (
        (r["store_removed"], ("saved skill version",)),
        (r.get("files_removed", 0), ("stored file",)),
        (r.get("chunks_removed", 0), ("piece of a manifest", "pieces of manifests"))) if n]
    if unused:  # (files and pieces: absent from a daemon of an older version)
        out(f"{verb} {', '.join(unused)} no backup uses")
    for name in r["kept"] if voice.verbose else ():
        why = " (the newest that verifies of a target)" if name in r["protected"] else ""
        out(f"  = kept {name}{why}")


def render_restore(r: RestoreCmdResult, out: Out) -> int:
    """One target restored, ``--all``'s (its skills and its agents), or (``restore``
    alone) the list of backups."""
    if "action" in r:
        return _backups(r, out)
    if "results" in r:
        return _restored_all(r, out)
    return _restored(r, out)


def _backups(r: Any, out: Out) -> int:  # (a BackupListResult)
    _list(r, out)
    if r["backups"]:
        out("Restore a target with `skillshare restore <target> [--from <backup>]`")
    return 0


def _restored_all(r: Any, out: Out) -> int:  # (a RestoreAll)
    for each in r["results"]:
        _restored(each, out, Voice.of(r))
    return 0


def _restored(r: RestoreResult, out: Out, voice: Voice | None = None) -> int:
    """A target restored (or, dry run, checked); ``-q``: only the warnings."""
    which = "latest backup" if r["latest"] else "backup"
    say = Out(out.home) if (voice or Voice.of(r)).quiet else out
    for item in r.get("interrupted", []):
        say(f"{INFO} {item['target']}: interrupted work finished ({item['action']})")
    if r["dry_run"]:
        say(f"Would restore {r['target']} ({out.path(r['path'])}) from {which} {r['from']} "
            f"({plural(r['entries'], 'entry', 'entries')}); what is there now would be backed "
            "up first")
        if r["replaced"]:
            out(f"{WARN} would replace entries that did not come from skillshare: "
                f"{', '.join(r['replaced'])}")
        return 0
    say(f"{OK} Restored {r['target']} from {which} {r['from']}: "
        f"{plural(r['links'], 'link')}, {plural(r['folders'], 'folder')}, "
        f"{plural(r['files'], 'file')}")
    if r.get("made_by") == "original":
        _original_restore(r, say)
    backup = r["backup"]
    if backup is not None and backup["status"] == "created":
        say(f"  {ARROW} what was there before: {out.path(backup.get('path'))}")
    if r["replaced"]:
        out(f"  {WARN} replaced (they are in that backup): {', '.join(r['replaced'])}")
    if r["recovered"]:
        say(f"  {INFO} gone from the source, restored from the backup's saved copy: "
            f"{', '.join(r['recovered'])} — `skillshare collect {r['target']}` brings "
            "them back into the source")
    if r["missing_from_source"]:
        out(f"  {WARN} the backup also saved skills that are gone from the source: "
            f"{', '.join(r['missing_from_source'])}")
    if r.get("needs_sync", True):  # (a restore the source has not moved on from: no hint)
        say("The daemon re-links what matches the source within a moment"
            if r.get("daemon_syncs") else "Run 'skillshare sync' to re-link what matches "
            "the source")
    return 0


def _original_restore(r: RestoreResult, out: Out) -> None:
    out(f"  {INFO} a backup made by the original skillshare")
    if r["linked"]:
        out(f"  {INFO} the same as the source, linked again: {', '.join(r['linked'])}")
    if r["copies_recorded"]:
        out(f"  {INFO} the same as the source, kept as copies of skillshare: "
            f"{', '.join(r['copies_recorded'])}")
    if r["original_manifest"]:
        out(f"  {INFO} its .skillshare-manifest.json was not restored (it stays in the backup)")


def collect_tail(r: Any, passes: Any, collected: str, sync: str, out: Out) -> None:
    """What ``collect`` (of skills or agents) skipped or failed, the conflicts of the pass
    that linked what it collected (``-v``: each link it made), its closing line, and the
    sync to run next (``-q``: only what was skipped or failed)."""
    voice = Voice.of(r)
    say = Out(out.home) if voice.quiet else out
    for t in passes if voice.verbose else ():
        changes, dry = t["changes"], r["dry_run"]
        if changes:
            out(f"  {ARROW} {t['target']}: {counted(changes, len(changes), dry)}")
            out.lines.extend(change_lines(changes, len(changes), dry, t["target"]))
    for skipped in r["skipped"]:
        where = (f"{skipped['target']}/{skipped['name']}" if skipped["name"]
                 else skipped["target"])
        out(f"! {where} skipped: {skipped.get('reason', '')}")
    for failed in r["failed"]:
        out(f"{FAIL} {failed['target']}/{failed['name']}: {failed.get('error', '')}")
    for t in passes:
        for c in t["conflicts"]:
            out(f"{WARN} {t['target']}/{c['name']}: not linked: {c['reason']}")
        if t["error"]:
            out(f"{FAIL} {t['target']}: {t['error']}")
    say(f"Collect {'preview' if r['dry_run'] else 'complete'}: {collected}, "
        f"{len(r['same'])} already in the source, {len(r['skipped'])} skipped, "
        f"{len(r['failed'])} failed")
    if r["collected"] and not r["dry_run"]:
        say("The daemon links them in the other targets within a moment"
            if r.get("daemon_syncs") else f"Run '{sync}' to distribute them to the other targets")


def collected(r: Any, noun: str, source: str, out: Out) -> None:
    """What ``collect`` copied into ``source`` (skills or agents: ``noun``) and what
    ``source`` already had (``-q``: neither; past :data:`summarise.LONG`: counted, with the
    first names; one that replaced a version in the source always on its own line)."""
    verb = "would be copied" if r["dry_run"] else "copied"
    listing = summarise.Listing(out, r)
    for item in r["collected"]:
        again = " (its old version went to the trash)" if item.get("trashed") else (
            " (replacing the source's version)" if item["replaces"] else "")
        linked = ", linked" if item.get("linked") else ""
        line = (f"{OK} {item['target']}/{item['name']} {verb} to {out.path(item['to'])}"
                f"{linked}{again}")
        if again and not listing.quiet:
            listing.notable(line)
            continue
        listing.plain(f"{item['target']}/{item['name']}", [line], f"{OK} ", noun,
                      f" {verb} to {out.path(item['to'].rpartition('/')[0])}{linked}")
    for same in r["same"]:
        listing.plain(f"{same['target']}/{same['name']}",
                      [f"= {same['target']}/{same['name']}: {source} already has it"], "= ",
                      noun, f": {source} already has them")
    listing.write()


def render_collect(r: CollectResult, out: Out) -> int:
    say = Out(out.home) if Voice.of(r).quiet else out  # (-q: only what was skipped or failed)
    if r.get("hint"):
        say(f"{INFO} {r['hint']}")
    found = r["collected"] or r["same"] or r["skipped"] or r["failed"]
    if not found:
        say(f"No local skills found in {', '.join(r['targets']) or 'any target'}")
        return 0
    say.header("Collecting skills" + (" (dry run)" if r["dry_run"] else ""))
    collected(r, "skill", "the source", out)
    collect_tail(r, r["linked"], f"{len(r['collected'])} collected", "skillshare sync", out)
    return 1 if r["failed"] else 0


RENDERERS: dict[str, Callable[[Any, Out], int]] = {
    "backup": render_backup, "restore": render_restore,
    "collect": render_collect,
}
