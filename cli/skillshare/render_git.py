"""Text rendering of `push`, `pull`, `install`, `uninstall` and `check` results."""

from __future__ import annotations

from skillshare.textout import FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Result = dict[str, Any]


def render_push(r: Result, out: Out) -> int:
    changes = r["changes"]
    if r["dry_run"]:
        if changes:
            out(f"Would commit {plural(len(changes), 'change')} as \"{r['message']}\":")
            for line in changes[:20]:
                out(f"    {line}")
        else:
            out("No changes to commit")
        out(f"Would push {r['branch']} to {r['remote']}")
        return 0
    if r["committed"]:
        out(f"{OK} Committed {plural(len(changes), 'change')}: {r['message']}")
    else:
        out(f"{INFO} No changes to commit")
    out(f"{OK} Pushed {r['branch']} to {r['remote']}")
    return 0


def render_pull(r: Result, out: Out) -> int:
    if "collected" in r:  # the old form: pull <target>
        from skillshare.render_backup import render_collect

        return render_collect(r, out)
    pull = r["pull"]
    status = pull["status"]
    if status in ("fast-forwarded", "would fast-forward"):
        out(f"{OK} {status.capitalize()} {pull['branch']} by "
            f"{plural(pull['commits'], 'commit')} from {pull['upstream']}")
    else:
        out(f"{INFO} {pull['branch']}: {status} ({pull['upstream']})")
    if r["sync"] is None:
        return 0
    from skillshare.render import render_sync

    out()
    return render_sync(r["sync"], out)


def render_install(r: Result, out: Out) -> int:
    if not r.get("track", True):  # copied skills
        verb = "Would install" if r["dry_run"] else "Installed"
        for item in r["skills"]:
            again = " (the old one went to the trash)" if item.get("trashed") else ""
            out(f"{OK} {verb} {item['name']} in {out.path(item['path'])}{again}")
        if r["dry_run"] and not r["skills"]:
            out(f"Would clone {r['url']} and install its skills")
        if not r["dry_run"]:
            out("Run 'skillshare sync' to distribute them (the daemon does it by itself)")
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
    out("Run 'skillshare sync' to distribute them (the daemon does it by itself)")
    return 0


def render_uninstall(r: Result, out: Out) -> int:
    verb = "Would move" if r["dry_run"] else "Moved"
    for item in r["removed"]:
        extra = f" ({item['uncommitted']} uncommitted changes kept there)" if (
            item["uncommitted"]) else ""
        out(f"{OK} {verb} {item['name']} to the trash{extra}")
    out("Run 'skillshare sync' to remove its links from the targets")
    return 0


def render_update(r: Result, out: Out) -> int:
    marks = {"updated": OK, "up to date": OK, "would update": INFO}
    for repo in r["repos"]:
        status = repo["status"]
        commits = f" ({plural(repo['commits'], 'commit')})" if repo.get("commits") else ""
        line = f"{marks.get(status, FAIL)} {repo['name']}: {status}{commits}"
        out(line + (f": {repo['error']}" if repo.get("error") else ""))
        for detail in repo.get("details") or []:
            out(f"    {detail}")
        if repo.get("hint"):
            out(f"    hint: {repo['hint']}")
    if any(repo["status"] == "rolled back" for repo in r["repos"]):
        out("Rolled back to where it was; --force keeps such an update, --skip-audit skips "
            "the scan")
    return 1 if r["summary"]["failed"] else 0


def render_check(r: Result, out: Out) -> int:
    if not r["repos"]:
        out("No tracked repos")
    for repo in r["repos"]:
        if repo["status"] == "error":
            out(f"{FAIL} {repo['name']}: {repo['error']}")
            continue
        dirty = ", has uncommitted changes" if repo["dirty"] else ""
        behind = f" ({plural(repo['behind'], 'commit')} behind)" if repo["behind"] else ""
        out(f"{WARN if repo['behind'] else OK} {repo['name']}: {repo['status']}{behind}{dirty}")
    return 1 if r["summary"]["failed"] else 0


RENDERERS: dict[str, Callable[[Result, Out], int]] = {
    "push": render_push, "pull": render_pull, "install": render_install,
    "uninstall": render_uninstall, "check": render_check, "update": render_update,
}
