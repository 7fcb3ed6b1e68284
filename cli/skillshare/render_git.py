"""Text rendering of `push`, `pull`, `install`, `update` and `check` results."""

from __future__ import annotations

from skillshare import render_changes, summarise
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
        InstallCopyResult,
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
        _copied(r, out)
        if not r["dry_run"] and (r["installed"] or r.get("agents")):  # (something came in)
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
    summarise.name_lines(out, r["skills"], r)
    distribute(r, out)
    return 0


def _copied(r: InstallCopyResult, out: Out) -> None:
    """Each skill installed (past :data:`summarise.LONG`: counted, with the first names)."""
    verb = "Would install" if r["dry_run"] else "Installed"
    listing = summarise.Listing(out, r)
    for item in r["installed"]:
        again = " (the old one went to the trash)" if item["trashed"] else ""
        found = item["audit"]
        if found and found["blocked"]:  # (always on its own line)
            listing.notable(f"{WARN} {verb} {item['name']} in {out.path(item['path'])} despite "
                            f"findings at or above {r['threshold']} (--force){again}")
            continue
        where = out.path(item["path"].rpartition("/")[0])
        listing.plain(item["name"], [f"{OK} {verb} {item['name']} in {out.path(item['path'])}"
                                     f"{again}"], f"{OK} {verb} ", "skill",
                      f" in {where}" + (" (each old one went to the trash)" if again else ""))
    for name in r.get("skipped", []):
        listing.plain(name, [f"{INFO} {name}: already installed from there (--update fetches "
                             "it again)"], f"{INFO} ", "skill",
                      " already installed from there (--update fetches them again)")
    listing.write()


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
    listing = summarise.Listing(out, r)
    for item in r["items"]:
        status = item["status"]
        what = f" ({plural(len(item['skills']), 'skill')})" if item.get("skills") else ""
        lines = [f"{marks.get(status, FAIL)} {item['name']}: {status}{what}"
                 + (f": {item['error']}" if item.get("error") else ""), *_detail_lines(item)]
        if status in marks and len(lines) == 1:
            listing.plain(item["name"], lines, f"{marks[status]} ", None, f" {status}")
        else:
            listing.notable(*lines)
    listing.write()
    if any(i["status"] == "installed" for i in r["items"]):
        distribute(r, out)
    return 1 if r["summary"]["failed"] else 0


def _details(item: UpdateItem, out: Out) -> None:
    out.lines.extend(_detail_lines(item))


def _detail_lines(item: UpdateItem) -> list[str]:
    lines = [f"    {detail}" for detail in item.get("details") or []]
    return lines + ([f"    hint: {item['hint']}"] if item.get("hint") else [])


def render_update(r: UpdateResult, out: Out) -> int:
    """Each item's status (``-q``: only the problems; ``-v``: also where a repo moved; past
    :data:`summarise.LONG` plain ones, those counted), and the closing count (with the
    agents': :func:`skillshare.render_kinds.render_update`)."""
    voice = render_changes.Voice.of(r)
    if not r["items"] and not voice.quiet:
        out("No tracked repos or installed skills to update")
    listing = summarise.Listing(out, r)
    for item in r["items"]:
        if not (voice.quiet and item["status"] in render_changes.FINE):
            update_item(item, voice.verbose, listing)
    listing.write()
    if r.get("stale"):
        out(f"{WARN} {plural(len(r['stale']), 'skill')} no longer found upstream; run with "
            "--prune to move them to the trash")
    if any(i["status"] in ("rolled back", "blocked") for i in r["items"]):
        out("Kept as it was; --force keeps such an update, --skip-audit skips the scan")
    if r["items"] and "agents" not in r and not voice.quiet:
        out(render_changes.update_summary(r["items"], r["dry_run"]))
    return 1 if r["summary"]["failed"] else 0


UPDATE_MARKS = {"updated": OK, "up to date": OK, "would update": INFO, "stale": WARN,
                "missing": WARN, "pruned": OK, "would prune": INFO}


def update_item(item: Any, verbose: bool, listing: summarise.Listing,
                trashed: bool = False) -> None:
    """An item of ``update`` (a skill, a repo or, saying where the old one went with
    ``trashed``, an agent): its status line and what it has to say; a success with nothing
    more to say is a plain one."""
    status = item["status"]
    commits = f" ({plural(item['commits'], 'commit')})" if item.get("commits") else ""
    again = " (the old one went to the trash)" if trashed and item.get("trashed") else ""
    lines = [f"{UPDATE_MARKS.get(status, FAIL)} {item['name']}: {status}{commits}{again}"
             + (f": {item['error']}" if item.get("error") else "")]
    moved = render_changes.commits(item) if verbose else None
    lines += [moved] if moved else []
    lines += [f"    {item['note']}"] if item.get("note") else []
    lines += _detail_lines(item) + _files(item)
    if status in render_changes.FINE and len(lines) == 1:
        listing.plain(item["name"], lines, f"{UPDATE_MARKS.get(status, OK)} ", None,
                      f" {status}")
    else:
        listing.notable(*lines)


def _files(item: Any, most: int = 20) -> list[str]:
    """``update --diff``: the files an update changed (+ added, - deleted, ~ modified)."""
    files = item.get("files") or []
    marks = {"added": "+", "deleted": "-"}
    lines = []
    for change in files[:most]:
        counts = (f" (+{change['added']} -{change['deleted']})" if "added" in change else "")
        lines.append(f"    {marks.get(change['change'], '~')} {change['path']}{counts}")
    if len(files) > most:
        lines.append(f"    ... and {plural(len(files) - most, 'more file', 'more files')}")
    return lines


def render_check(r: CheckResult, out: Out) -> int:
    if not r["items"] and not r.get("quiet"):
        out("No tracked repos or installed skills")
    listing = summarise.Listing(out, r)
    for item in r["items"]:
        status = item["status"]
        if item.get("error"):
            listing.notable(f"{FAIL if status == 'error' else WARN} {item['name']}: {status}: "
                            f"{item['error']}")
            continue
        dirty = ", has uncommitted changes" if item.get("dirty") else ""
        behind = f" ({plural(item['behind'], 'commit')} behind)" if item.get("behind") else ""
        late = status in ("behind", "update available", "stale", "missing")
        lines = [f"{WARN if late else OK} {item['name']}: {status}{behind}{dirty}"]
        lines += [f"    {item['note']}"] if item.get("note") else []
        if late or len(lines) > 1 or dirty:
            listing.notable(*lines)
        else:
            listing.plain(item["name"], lines, f"{OK} ", None, f" {status}")
    listing.write()
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
