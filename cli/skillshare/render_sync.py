"""Text rendering of a pass over the targets (`sync`, and the sync after `pull`), and the
bits of a target's line that `status`, `diff` and `target` show too."""

from __future__ import annotations

from skillshare import render_context
from skillshare.textout import ARROW, FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Sequence

    from skillshare.render_changes import Voice
    from skillshared.commands.results import DiffTarget, ExtrasSync, SyncAll, TargetState
    from skillshared.core.results import Collisions, DiscoveryNotes, SyncReport, TargetReport

    Named = TargetReport | TargetState | DiffTarget


def target_line(t: TargetReport) -> str:
    mode = t["mode"]
    if mode == "symlink":
        return "symlink" + (" (created)" if t["created_dir"] else "")
    if mode == "copy":
        return (f"copied ({t['new']} new, {t['up_to_date']} up to date, {t['updated']} updated, "
                f"{t['pruned']} pruned)")
    return (f"merged ({t['linked']} linked, {t['local']} local, {t['updated']} updated, "
            f"{t['pruned']} pruned)")


def _status_mark(t: TargetReport) -> str:
    marks = {"ok": OK, "warning": WARN}
    return marks.get(str(t["status"]), FAIL)


def target_names(t: Named) -> str:
    also = f" (+{', '.join(t['also'])})" if t["also"] else ""
    return f"{t['name']}{also}"


def discovery_notes(out: Out, r: DiscoveryNotes, kind: str = "skills",
                    quiet: bool = False) -> None:
    agents = kind == "agents"
    if r["invalid"]:
        what = "agent file" if agents else "skill folder" if kind == "skills" else "file"
        out(f"{WARN} {plural(len(r['invalid']), what)} not synced:")
        for item in r["invalid"]:
            out(f"    {item['path']}: {item['reason']}")
    if r["frontmatter"]:
        out(f"{WARN} {plural(len(r['frontmatter']), 'skill')} with frontmatter problems "
            "(synced anyway):")
        for problem in r["frontmatter"]:
            out(f"    {problem['path']}: {problem['problem']}")
    if r["ignored"] and not quiet:
        what, by = ("agent", ".agentignore") if agents else ("skill", ".skillignore")
        out(f"{INFO} {plural(len(r['ignored']), what)} ignored by {by}:")
        for path in r["ignored"]:
            out(f"    • {path}")


def _collisions(out: Out, collisions: Collisions, quiet: bool = False) -> None:
    for item in collisions["same_target"]:
        out(f"{WARN} Target '{item['target']}': skill name '{item['name']}' is defined in "
            "multiple places:")
        for path in item["skills"]:
            out(f"    - {path}")
        out("  Rename one in SKILL.md or adjust include/exclude filters")
    isolated = collisions["isolated"]
    if isolated and not quiet:
        out(f"{INFO} Duplicate skill names exist but are isolated by target filters:")
        for each in isolated:
            out(f"  '{each['name']}' ({each['count']} definitions)")


def _backup_lines(r: SyncReport, out: Out, say: Out) -> None:
    backup = r["backup"]
    if backup and backup["path"]:
        say(f"{ARROW} Backup: {out.path(backup['path'])}")
    for t in backup["targets"] if backup else ():
        for left in t.get("not_saved", ()):
            out(f"  {WARN} not in the backup: {t['target']}/{left['path']} {left['why']}")


def _in_place(kind: str, t: TargetReport) -> str:
    """The target's state after the pass, short: ``merge: 3 skills, 1 local``."""
    if t["mode"] == "symlink":
        return "symlink"
    noun = {"skills": "skill", "agents": "agent"}.get(kind, "file")
    there = t["linked"] if t["mode"] != "copy" else t["new"] + t["up_to_date"] + t["updated"]
    count = plural(there, noun) if there == t["expected"] else (
        f"{there}/{plural(t['expected'], noun)}")
    local = f", {t['local']} local" if t["local"] else ""
    return f"{t['mode']}: {count}{local}"


def _made_folder(t: TargetReport) -> bool:
    """Whether the pass made (or, dry run, would make) the target's missing folder."""
    return bool(t["created_dir"]) and t["mode"] != "symlink"


def _problem(t: TargetReport) -> bool:
    """What ``-q`` still shows: a target that failed, has conflicts, held pruning back or
    left something out of a copy."""
    return bool(t["error"] or t["conflicts"] or t["guard"] or t["left_out"])


def _target_lines(r: SyncReport, t: TargetReport, out: Out, voice: Voice) -> None:
    from skillshare import render_changes  # (here: `status` does not need it)

    if voice.quiet and not _problem(t):
        return
    if t["error"]:
        out(f"{FAIL} {target_names(t)}: failed: {t['error']}")
        return
    dry = r["dry_run"]
    did = render_changes.counted(t["changes"], t["changed"], dry, _problem(t))
    made = ""
    if _made_folder(t):  # (a first sync with nothing to link: that folder is what it did)
        made = f"{'would create' if dry else 'created'} {out.path(t['path'])}"
        did, made = (made, "") if not t["changed"] else (did, f" — {made}")
    out(f"{_status_mark(t)} {target_names(t)}: {did} ({_in_place(r['kind'], t)}){made}")
    if (dry or voice.verbose) and not voice.quiet:
        out.lines.extend(render_changes.change_lines(t["changes"], t["changed"], dry,
                                                     out.path(t["path"])))
    _target_problems(r, t, out, voice)


def _target_problems(r: SyncReport, t: TargetReport, out: Out, voice: Voice) -> None:
    for c in t["conflicts"]:
        out(f"    ! {c['name'] or out.path(t['path'])}: {c['reason']}")
    if not r["force"] and any(not c["reason"].startswith("not synced under target_naming")
                              for c in t["conflicts"]):  # (skills left out: no --force)
        out("      (use --force to back them up and replace them, or `skillshare collect "
            f"{t['name']} --force` to keep the target's version in the source)")
    for f in t["forced"] if not voice.quiet else ():
        out(f"    replaced {f['name']} (backup: {out.path(f['backup'])})")
    for left in t["left_out"]:
        out(f"    {INFO} {left['name']}/{left['path']} left out of the copy: {left['why']}")
    if t["guard"]:
        held = f" ({plural(t['held'], 'entry', 'entries')} kept)" if t["held"] else ""
        out(f"    pruning held back{held}: {t['guard']}")


def render_sync(r: SyncReport | SyncAll | ExtrasSync, out: Out) -> int:
    from skillshare import render_changes

    voice = render_changes.Voice.of(r)
    if r["kind"] == "all":
        return render_all(r, out, voice)
    if r["kind"] == "extras":  # (an extra's own pass has this kind only inside this result)
        return render_extras(r, out, voice)  # type: ignore[arg-type]
    return _render_pass(r, out, voice)


def render_all(r: SyncAll, out: Out, voice: Voice | None = None) -> int:
    """``sync --all``: each kind's pass in turn."""
    from skillshare import render_changes

    voice = voice or render_changes.Voice.of(r)
    failed = _render_pass(r["skills"], out, voice)
    if r["agents"] is not None:
        _gap(out, voice)
        failed |= _render_pass(r["agents"], out, voice)
    if r["extras"]["extras"]:
        _gap(out, voice)
        failed |= render_extras(r["extras"], out, voice)
    return failed


def _gap(out: Out, voice: Voice) -> None:
    """The blank line between two passes (``-q``: only between lines already written)."""
    if not voice.quiet or (out.lines and out.lines[-1]):
        out()


def render_extras(r: ExtrasSync, out: Out, voice: Voice | None = None) -> int:
    """``sync extras``: per extra, a line per target folder."""
    from skillshare import render_changes

    voice = voice or render_changes.Voice.of(r)
    say = _muted(out) if voice.quiet else out
    say.header("Dry run: nothing will be changed (extras)" if r["dry_run"]
               else "Syncing extras")
    if not r["extras"]:
        say("No extras configured: add one with `skillshare extras init <name> --target "
            "<path>`")
    failed = 0
    for extra in r["extras"]:
        say(f"{ARROW} {extra['name']}: {out.path(extra['source'])} "
            f"({plural(extra['files'], 'file')})")
        for warning in extra["warnings"]:
            out(f"    {WARN} {warning}")
        if extra["problem"]:
            out(f"  {WARN} {extra['name']}: not synced: {extra['problem']}")
        report = extra["sync"]
        for t in report["targets"] if report else ():
            _target_lines(report, dict(t, name=out.path(t["path"])),  # type: ignore[arg-type]
                          out, voice)
        if report is not None:
            discovery_notes(out, report, "extras", voice.quiet)
    s = r["summary"]
    done = "Dry run complete" if r["dry_run"] else "Sync complete"
    failed_text = f", {s['failed']} failed" if s["failed"] else ""
    held = f", pruning held back on {s['held']}" if s["held"] else ""
    changed = _changed(r["dry_run"], [t for e in r["extras"] if e["sync"]
                                      for t in e["sync"]["targets"]])
    say()
    say(f"{done}: {plural(s['targets'], 'target folder')}{failed_text}{held}, {changed}")
    return 1 if s["failed"] or s["held"] else failed


def _muted(out: Out) -> Out:
    """Where ``-q`` sends what is not a problem: nowhere."""
    return Out(out.home)


def _changed(dry_run: bool, targets: Sequence[TargetReport]) -> str:
    """The closing line's count of targets this run changed."""
    from skillshare import render_changes

    count = sum(1 for t in targets if t["changed"] or _made_folder(t))
    if not count:
        return render_changes.nothing(dry_run, any(_problem(t) for t in targets))
    return f"{count} would change" if dry_run else f"{count} changed"


def _render_pass(r: SyncReport, out: Out, voice: Voice) -> int:
    kind = r["kind"]
    say = _muted(out) if voice.quiet else out
    dry = "Dry run: nothing will be changed"
    say.header(f"{dry} ({kind})" if r["dry_run"] and kind != "skills" else
               dry if r["dry_run"] else f"Syncing {kind}")
    count = r.get("skills", r.get("agents", r.get("files", 0)))
    noun = {"skills": "skill", "agents": "agent"}.get(kind, "file")
    say(f"{ARROW} Source: {out.path(r['source'])} ({plural(count, noun)})")
    _backup_lines(r, out, say)
    say()
    if not r["targets"]:
        say("No targets configured: add one with `skillshare target add <name> [path]`")
    for t in r["targets"]:
        _target_lines(r, t, out, voice)
    notes = Out(out.home)
    _collisions(notes, r["collisions"], voice.quiet)
    discovery_notes(notes, r, kind, voice.quiet)
    if notes.lines:
        _gap(out, voice)
        out.lines.extend(notes.lines)
    s = r["summary"]
    say()
    done = "Dry run complete" if r["dry_run"] else "Sync complete"
    failed = f", {s['failed']} failed" if s["failed"] else ""
    held = f", pruning held back on {s['held']}" if s["held"] else ""
    say(f"{done}: {plural(s['targets'], 'target')}{failed}{held}, "
        f"{_changed(r['dry_run'], r['targets'])} ({r['duration_ms'] / 1000:.2f}s)")
    render_context.context_lines(r, say)
    held_hint(out, [t for t in r["targets"] if t["guard"] and not t["error"]])
    return 1 if s["failed"] or s["held"] else 0


def held_hint(out: Out, held: Sequence[Named]) -> None:
    """The closing line when the mass-delete guard held pruning back: where, how much, and
    what to run."""
    if not held:
        return
    entries = sum(t["held"] for t in held)
    count = f" ({plural(entries, 'entry', 'entries')} kept)" if entries else ""
    names = ", ".join(target_names(t) for t in held)
    hints = {t["guard_hint"] or "" for t in held}  # (set wherever pruning is held)
    out(f"{WARN} Pruning held back on {names}{count}: " + "; ".join(sorted(hints)))
