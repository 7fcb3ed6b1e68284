"""Text rendering of `push`, `pull`, `install`, `update` and `check` results."""

from __future__ import annotations

from skillshare import render_changes
from skillshare.render_backup import render_collect
from skillshare.render_sync import render_sync
from skillshare.textout import FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.commands.results import CollectResult, PullResult, PushResult
    from skillshared.commands.results_install import (
        CheckResult,
        InstallRecordedResult,
        InstallResult,
        UpdateResult,
    )
    from skillshared.core.results_git import UpdateItem


def render_push(r: PushResult, out: Out) -> int:
    changes = r["changes"]
    if r["dry_run"]:
        if changes:
            out(f"Would commit {plural(len(changes), 'change')} as \"{r['message']}\":")
            for line in changes[:20]:
                out(f"    {line}")
        else:
            out("No changes to commit")
        out(f"Would push {r['branch']} to {_where(r)}")
        return 0
    if r["committed"]:
        out(f"{OK} Committed {plural(len(changes), 'change')}: {r['message']}")
    else:
        out(f"{INFO} No changes to commit")
    out(f"{OK} Pushed {r['branch']} to {_where(r)}")
    if r["note"]:
        out(f"{INFO} {r['note']}")
    return 0


def _where(r: PushResult) -> str:
    """``origin`` (older daemons), or ``origin/main``, saying when it becomes the upstream."""
    upstream = r.get("upstream")
    if not upstream:
        return str(r["remote"])
    return f"{upstream}" + (" (now its upstream)" if r.get("set_upstream") else "")


def render_pull(r: PullResult | CollectResult, out: Out) -> int:
    if "collected" in r:  # the old form: pull <target>
        return render_collect(r, out)
    pull = r["pull"]
    status = pull["status"]
    if status in ("fast-forwarded", "would fast-forward"):
        out(f"{OK} {status.capitalize()} {pull['branch']} by "
            f"{plural(pull['commits'], 'commit')} from {pull['upstream']}")
    elif status in ("merged", "would merge"):
        verb = "Merged" if status == "merged" else "Would merge"
        out(f"{OK} {verb} {pull['upstream']} ({plural(pull['commits'], 'commit')}) with the "
            f"skills already in {pull['branch']}: both sides are kept")
        if status == "merged":
            out("Run 'skillshare push' to share the merge")
    else:
        out(f"{INFO} {pull['branch']}: {status} ({pull['upstream']})")
    if pull["note"]:
        out(f"{INFO} {pull['note']}")
    if r["sync"] is None:
        return 0
    out()
    return render_sync(r["sync"], out)


def render_install(r: InstallResult, out: Out) -> int:
    if "recorded" in r:  # install with no argument, or of a recorded name
        return _render_recorded(r, out)
    if "items" in r:  # install <name> --update: an update
        return render_update(r, out)
    if not r["track"]:  # copied skills
        verb = "Would install" if r["dry_run"] else "Installed"
        for item in r["installed"]:
            again = " (the old one went to the trash)" if item["trashed"] else ""
            out(f"{OK} {verb} {item['name']} in {out.path(item['path'])}{again}")
        for name in r.get("skipped", []):
            out(f"{INFO} {name}: already installed from there (--update fetches it again)")
        if not r["dry_run"]:
            distribute(r, out)
        return 0
    if r["dry_run"]:
        out(f"Would clone {r['url']} into {out.path(r['path'])} and audit it "
            f"(blocking at {r['threshold']})")
        return 0
    found = r["audit"]
    audited = "not audited (--skip-audit)" if found is None else (
        f"audited {plural(found['files'], 'file')}, {plural(len(found['findings']), 'finding')}")
    out(f"{OK} Installed {r['name']} ({plural(len(r['skills']), 'skill')}) in "
        f"{out.path(r['path'])}; {audited}")
    if found and found["blocked"]:
        out(f"{WARN} installed despite findings at or above {r['threshold']} (--force)")
    for name in r["skills"]:
        out(f"    {name}")
    distribute(r, out)
    return 0


def distribute(r: Any, out: Out) -> None:
    """What happens next to what an install brought in: the daemon links it when one runs
    (``daemon_syncs``), else the user runs ``sync``."""
    out("The daemon links them within a moment" if r.get("daemon_syncs") else
        "Run 'skillshare sync' to distribute them")


def _render_recorded(r: InstallRecordedResult, out: Out) -> int:
    if not r["items"]:
        out("No installed skills or tracked repos are recorded")
        return 0
    marks = {"installed": OK, "would install": INFO, "present": OK, "skipped": INFO}
    for item in r["items"]:
        status = item["status"]
        what = f" ({plural(len(item['skills']), 'skill')})" if item.get("skills") else ""
        out(f"{marks.get(status, FAIL)} {item['name']}: {status}{what}"
            + (f": {item['error']}" if item.get("error") else ""))
        _details(item, out)
    if any(i["status"] == "installed" for i in r["items"]):
        distribute(r, out)
    return 1 if r["summary"]["failed"] else 0


def _details(item: UpdateItem, out: Out) -> None:
    for detail in item.get("details") or []:
        out(f"    {detail}")
    if item.get("hint"):
        out(f"    hint: {item['hint']}")


def render_update(r: UpdateResult, out: Out) -> int:
    """Each item's status (``-q``: only the problems; ``-v``: also where a repo moved), and
    the closing count (with the agents': :func:`skillshare.render_kinds.render_update`)."""
    marks = {"updated": OK, "up to date": OK, "would update": INFO, "stale": WARN,
             "missing": WARN, "pruned": OK, "would prune": INFO}
    voice = render_changes.Voice.of(r)
    if not r["items"] and not voice.quiet:
        out("No tracked repos or installed skills to update")
    for item in r["items"]:
        status = item["status"]
        if voice.quiet and status in render_changes.FINE:
            continue
        commits = f" ({plural(item['commits'], 'commit')})" if item.get("commits") else ""
        line = f"{marks.get(status, FAIL)} {item['name']}: {status}{commits}"
        out(line + (f": {item['error']}" if item.get("error") else ""))
        moved = render_changes.commits(item) if voice.verbose else None
        if moved:
            out(moved)
        if item.get("note"):
            out(f"    {item['note']}")
        _details(item, out)
        _files(item, out)
    if r.get("stale"):
        out(f"{WARN} {plural(len(r['stale']), 'skill')} no longer found upstream; run with "
            "--prune to move them to the trash")
    if any(i["status"] in ("rolled back", "blocked") for i in r["items"]):
        out("Kept as it was; --force keeps such an update, --skip-audit skips the scan")
    if r["items"] and "agents" not in r and not voice.quiet:
        out(render_changes.update_summary(r["items"], r["dry_run"]))
    return 1 if r["summary"]["failed"] else 0


def _files(item: Any, out: Out, most: int = 20) -> None:
    """``update --diff``: the files an update changed (+ added, - deleted, ~ modified)."""
    files = item.get("files") or []
    marks = {"added": "+", "deleted": "-"}
    for change in files[:most]:
        lines = (f" (+{change['added']} -{change['deleted']})" if "added" in change else "")
        out(f"    {marks.get(change['change'], '~')} {change['path']}{lines}")
    if len(files) > most:
        out(f"    ... and {plural(len(files) - most, 'more file', 'more files')}")


def render_check(r: CheckResult, out: Out) -> int:
    if not r["items"]:
        out("No tracked repos or installed skills")
    for item in r["items"]:
        status = item["status"]
        if item.get("error"):
            out(f"{FAIL if status == 'error' else WARN} {item['name']}: {status}: "
                f"{item['error']}")
            continue
        dirty = ", has uncommitted changes" if item.get("dirty") else ""
        behind = f" ({plural(item['behind'], 'commit')} behind)" if item.get("behind") else ""
        late = status in ("behind", "update available", "stale", "missing")
        out(f"{WARN if late else OK} {item['name']}: {status}{behind}{dirty}")
        if item.get("note"):
            out(f"    {item['note']}")
    stale = [i for i in r["items"] if i["status"] == "stale"]
    if stale:
        out(f"{WARN} {plural(len(stale), 'skill')} stale (deleted upstream); run "
            "'skillshare update --all --prune' to remove")
    if r["behind"]:
        out("Run 'skillshare update --all' to bring them up to date")
    return 1 if r["summary"]["failed"] else 0


RENDERERS: dict[str, Callable[[Any, Out], int]] = {
    "push": render_push, "pull": render_pull, "install": render_install,
    "check": render_check, "update": render_update,
}
