"""Text rendering of command results, and each result's exit code."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Result = dict[str, Any]

RULE = "─" * 41
OK, WARN, FAIL, INFO, ARROW = "✓", "⚠", "✗", "ℹ", "→"


class Out:
    def __init__(self, home: str) -> None:
        self.lines: list[str] = []
        self.home = home

    def __call__(self, line: str = "") -> None:
        self.lines.append(line)

    def path(self, path: str | None) -> str:
        if not path:
            return ""
        if path == self.home:
            return "~"
        return "~" + path[len(self.home):] if path.startswith(self.home + "/") else path

    def header(self, title: str) -> None:
        self(title)
        self(RULE)

    def text(self) -> str:
        return "\n".join(self.lines)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


# -- sync --------------------------------------------------------------------------------------


def target_line(t: Result) -> str:
    mode = t["mode"]
    if mode == "symlink":
        return "symlink" + (" (created)" if t["created_dir"] else "")
    if mode == "copy":
        return (f"copied ({t['new']} new, {t['up_to_date']} up to date, {t['updated']} updated, "
                f"{t['pruned']} pruned)")
    return (f"merged ({t['linked']} linked, {t['local']} local, {t['updated']} updated, "
            f"{t['pruned']} pruned)")


def _status_mark(t: Result) -> str:
    marks = {"ok": OK, "warning": WARN}
    return marks.get(str(t["status"]), FAIL)


def _target_names(t: Result) -> str:
    also = f" (+{', '.join(t['also'])})" if t.get("also") else ""
    return f"{t['name']}{also}"


def _discovery_notes(out: Out, r: Result) -> None:
    if r.get("invalid"):
        out(f"{WARN} {_plural(len(r['invalid']), 'skill folder')} not synced:")
        for item in r["invalid"]:
            out(f"    {item['path']}: {item['reason']}")
    if r.get("frontmatter"):
        out(f"{WARN} {_plural(len(r['frontmatter']), 'skill')} with frontmatter problems "
            "(synced anyway):")
        for item in r["frontmatter"]:
            out(f"    {item['path']}: {item['problem']}")
    if r.get("ignored"):
        out(f"{INFO} {_plural(len(r['ignored']), 'skill')} ignored by .skillignore:")
        for path in r["ignored"]:
            out(f"    • {path}")


def _collisions(out: Out, collisions: Result) -> None:
    for item in collisions.get("same_target", []):
        out(f"{WARN} Target '{item['target']}': skill name '{item['name']}' is defined in "
            "multiple places:")
        for path in item["skills"]:
            out(f"    - {path}")
        out("  Rename one in SKILL.md or adjust include/exclude filters")
    isolated = collisions.get("isolated", [])
    if isolated:
        out(f"{INFO} Duplicate skill names exist but are isolated by target filters:")
        for item in isolated:
            out(f"  '{item['name']}' ({item['count']} definitions)")


def render_sync(r: Result, out: Out) -> int:
    out.header("Dry run: nothing will be changed" if r["dry_run"] else "Syncing skills")
    out(f"{ARROW} Source: {out.path(r['source'])} ({_plural(r['skills'], 'skill')})")
    backup = r.get("backup")
    if backup and backup.get("path"):
        out(f"{ARROW} Backup: {out.path(backup['path'])}")
    out()
    if not r["targets"]:
        out("No targets configured: add one with `skillshare target add <name> [path]`")
    for t in r["targets"]:
        if t["error"]:
            out(f"{FAIL} {_target_names(t)}: failed: {t['error']}")
            continue
        verb = "will create" if r["dry_run"] else "created"
        created = f" — {verb} {out.path(t['path'])}" if t["created_dir"] and t["mode"] != (
            "symlink") else ""
        out(f"{_status_mark(t)} {_target_names(t)}: {target_line(t)}{created}")
        if r["dry_run"]:
            for change in t["changes"]:
                out(f"    {change['action']} {change['name']}".rstrip())
        for c in t["conflicts"]:
            out(f"    ! {c['name'] or out.path(t['path'])}: {c['reason']}")
        if t["conflicts"] and not r["force"]:
            out("      (use --force to back them up and replace them)")
        for f in t["forced"]:
            out(f"    replaced {f['name']} (backup: {out.path(f['backup'])})")
        if t["guard"]:
            out(f"    pruning held back: {t['guard']}")
    notes = Out(out.home)
    _collisions(notes, r["collisions"])
    _discovery_notes(notes, r)
    if notes.lines:
        out()
        out.lines.extend(notes.lines)
    s = r["summary"]
    out()
    done = "Dry run complete" if r["dry_run"] else "Sync complete"
    failed = f", {s['failed']} failed" if s["failed"] else ""
    out(f"{done}: {_plural(s['targets'], 'target')}{failed} ({r['duration_ms'] / 1000:.2f}s)")
    return 1 if s["failed"] or s["held"] else 0


# -- status / diff / list ----------------------------------------------------------------------


def _git_line(git: Result | None) -> str:
    if git is None:
        return "not a git repository"
    if "error" in git:
        return str(git["error"])
    state = "clean" if not git["dirty"] else f"{git['changes']} uncommitted changes"
    remotes = f" (remote: {', '.join(git['remotes'])})" if git["remotes"] else " (no remote)"
    behind = f", {git['behind']} behind" if git.get("behind") else ""
    ahead = f", {git['ahead']} ahead" if git.get("ahead") else ""
    return f"{state}{remotes}{ahead}{behind}"


def render_status(r: Result, out: Out) -> int:
    out.header("Skillshare Status" + (" (project)" if r["scope"] == "project" else ""))
    src = r["source"]
    out(f"Source: {out.path(src['path'])}" + ("" if src["exists"] else "  (missing)"))
    out(f"  Skills: {src['skills']}" + (f" ({src['invalid']} invalid)" if src["invalid"] else ""))
    out(f"  Git: {_git_line(src['git'])}")
    out()
    out("Targets:" if r["targets"] else "Targets: none (add one: skillshare target add <name>)")
    width = max([len(t["name"]) for t in r["targets"]] + [8])
    for t in r["targets"]:
        if t["mode"] == "symlink":
            state = f"{OK} linked" if t["state"] == "linked" else t["state"]
        elif t["state"] == "error":
            state = f"{FAIL} error"
        else:
            state = f"{t['synced']}/{t['expected']} synced"
        extra = []
        if t["local"]:
            extra.append(f"{t['local']} local")
        if t["conflicts"]:
            extra.append(_plural(len(t["conflicts"]), "conflict"))
        if t["state"] in ("needs sync", "missing"):
            extra.append("needs sync")
        suffix = f"  ({', '.join(extra)})" if extra else ""
        out(f"  {t['name']:<{width}}  {t['mode']:<8}  {state:<13}  {out.path(t['path'])}{suffix}")
        if t["error"]:
            out(f"      {t['error']}")
    if r["tracked_repos"]:
        out()
        out("Tracked Repositories:")
        for repo in r["tracked_repos"]:
            git = repo["git"]
            state = "not a git repository" if git is None else (
                "has uncommitted changes" if git.get("dirty") else "clean")
            out(f"  {repo['name']:<16}  {_plural(repo['skills'], 'skill'):<10}  {state}")
    out()
    daemon_section(r["daemon"], out)
    if r["out_of_sync"]:
        out()
        out(f"{WARN} {_plural(r['out_of_sync'], 'target')} not in sync — run 'skillshare sync'")
    return 0


def render_diff(r: Result, out: Out) -> int:
    for t in r["targets"]:
        if t["error"]:
            out(f"{_target_names(t)}: {FAIL} {t['error']}")
            continue
        if t["synced"] and not t["items"]:
            out(f"{_target_names(t)}: fully synced")
            continue
        if out.lines:
            out()
        out.header(f"Diff: source ↔ {_target_names(t)}")
        width = max(len(i["name"]) for i in t["items"]) if t["items"] else 0
        for item in t["items"]:
            name = item["name"] or out.path(t["path"])
            out(f"  {item['sign']} {name:<{max(width, 12)}}  ({item['reason']})")
        if t["guard"]:
            out(f"  pruning would be held back: {t['guard']}")
    if not r["targets"]:
        out("No targets configured.")
    return 0


def render_list(r: Result, out: Out) -> int:
    out.header(f"Skills in {out.path(r['source'])}" + ("" if r["exists"] else " (missing)"))
    width = max([len(s["name"]) for s in r["skills"]] + [4])
    for s in r["skills"]:
        origin = f"tracked ({s['repo']})" if s["origin"] == "tracked" else s["origin"]
        desc = f"  {s['description']}" if s["description"] else ""
        out(f"  {s['name']:<{width}}  {origin}{desc}")
    out()
    out(_plural(len(r["skills"]), "skill"))
    _discovery_notes(out, r)
    return 0


# -- init / target / doctor / log --------------------------------------------------------------


def render_init(r: Result, out: Out) -> int:
    verb = "Would create" if r["dry_run"] else "Created"
    out(f"{OK} {verb} {out.path(r['config'])}")
    out(f"  Source:  {out.path(r['source'])}")
    out(f"  Mode:    {r['mode']}")
    if r["targets"]:
        found = " (found on this machine)" if r["detected"] else ""
        out(f"  Targets{found}:")
        for t in r["targets"]:
            out(f"    {t['name']:<12} {out.path(t['path'])}")
    else:
        out("  Targets: none — add one with `skillshare target add <name> [path]`")
    if r.get("remote"):
        out(f"  Remote:  {r['remote']}")
    out()
    out("Next: put skills in the source (one folder with a SKILL.md each), then run "
        f"`skillshare sync{' -p' if r['scope'] == 'project' else ''}`")
    return 0


def _filters(t: Result) -> str:
    parts = []
    if t["include"]:
        parts.append(f"include: {', '.join(t['include'])}")
    if t["exclude"]:
        parts.append(f"exclude: {', '.join(t['exclude'])}")
    return "  ".join(parts)


def render_target(r: Result, out: Out) -> int:
    if "targets" in r:
        out("Targets" if r["targets"] else
            "No targets. Add one: skillshare target add <name> [path]")
        width = max([len(t["name"]) for t in r["targets"]] + [6])
        for t in r["targets"]:
            out(f"  {t['name']:<{width}}  {t['mode']:<7}  {out.path(t['path'])}  "
                f"{_filters(t)}".rstrip())
        return 0
    if "removed" in r:
        return _render_removed(r, out)
    dry = " (dry run)" if r.get("dry_run") else ""
    if r.get("action") == "added":
        out(f"{OK} Added target {r['name']} {ARROW} {out.path(r['path'])} ({r['mode']}){dry}")
        out("  Run 'skillshare sync' to distribute skills to it")
        return 0
    if r.get("action") == "updated":
        if not r["changes"]:
            out(f"{r['name']}: nothing to change")
        for change in r["changes"]:
            out(f"{OK} {r['name']}: {change}{dry}")
        if r["changes"]:
            out("  Run 'skillshare sync' to apply")
        return 0
    state = r["state"]
    out(f"Target: {r['name']}")
    out(f"  Path:    {out.path(r['path'])}")
    out(f"  Mode:    {r['mode']}" + (" (default)" if r["mode_source"] == "default" else ""))
    out(f"  Status:  {target_line(state)}" + (f"; failed: {state['error']}" if state["error"]
                                              else ""))
    out(f"  Include: {', '.join(r['include']) or '-'}")
    out(f"  Exclude: {', '.join(r['exclude']) or '-'}")
    return 0


def _render_removed(r: Result, out: Out) -> int:
    dry = " (dry run)" if r["dry_run"] else ""
    for item in r["removed"]:
        if item["shared"]:
            what = "its folder stays as it is (another target uses it)"
        elif item["whole_folder"]:
            what = "the folder link became a real copy of the source"
        else:
            what = f"{_plural(item['converted'], 'link')} turned into real copies"
        if item["removed_links"]:
            what += f", {_plural(item['removed_links'], 'broken link')} removed"
        backup = item.get("backup")
        where = f"; backup: {out.path(backup)}" if backup else ""
        out(f"{OK} Removed target {item['name']}{dry}: {what}{where}")
    for item in r["failed"]:
        out(f"{FAIL} {item['name']}: {item['error']} (kept in the config)")
    return 1 if r["failed"] else 0


def render_doctor(r: Result, out: Out) -> int:
    marks = {"pass": OK, "warning": WARN, "error": FAIL, "info": INFO}
    for check in r["checks"]:
        out(f"{marks[check['status']]} {check['name']}: {check['message']}")
        for detail in check.get("details", [])[:20]:
            out(f"    {detail}")
        if len(check.get("details", [])) > 20:
            out(f"    … and {len(check['details']) - 20} more")
        if check.get("hint"):
            out(f"    hint: {check['hint']}")
    s = r["summary"]
    out()
    out(f"{s['pass']} passed, {_plural(s['warning'], 'warning')}, {_plural(s['error'], 'error')}")
    return 0 if r["ok"] else 1


def render_log(r: Result, out: Out) -> int:
    if not r["entries"]:
        out(f"No operations logged yet ({out.path(r['file'])})")
    for e in r["entries"]:
        args = " ".join(f"{k}={v}" for k, v in e.get("args", {}).items())
        msg = f"  {e['msg']}" if e.get("msg") else ""
        out(f"{e.get('ts', '?')}  {e['cmd']:<8} {e.get('status', '?'):<7} "
            f"{e.get('ms', 0):>8.0f}ms  {args}{msg}".rstrip())
    return 0


# -- daemon ---------------------------------------------------------------------------------


def _ago(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h {seconds % 3600 // 60}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"


def daemon_section(d: Result, out: Out) -> None:
    if not d["running"]:
        stale = f" (stale socket {out.path(d['socket'])})" if d.get("stale_socket") else ""
        out(f"Daemon: not running{stale} — commands run in-process; start it with "
            "'skillshare daemon start'")
        return
    if "watch" not in d:
        out(f"Daemon: running (pid {d.get('pid') or '?'}) but not answering: {d['error']} — "
            "try 'skillshare daemon restart'")
        return
    out(f"Daemon: running (pid {d['pid']}, up {_ago(d['uptime_s'])})")
    proc = d.get("process") or {}
    if proc.get("rss_mib") is not None:
        out(f"  Process:   {proc['rss_mib']:.1f} MiB resident, {_plural(proc['threads'], 'thread')}"
            + (f", {proc['open_files']} open files" if proc.get("open_files") is not None
               else ""))
    watch = d["watch"]
    count, limit = watch.get("inotify_watches"), watch.get("inotify_limit")
    budget = f"{count} inotify watches" if count is not None else "watching"
    if count is not None and limit:
        budget += f" of {limit} allowed ({count * 100 / limit:.1f}%)"
    out(f"  Watching:  {budget}; {_plural(len(watch['watching']), 'folder')}"
        + (f"; restarted {watch['restarts']}x" if watch["restarts"] else ""))
    for item in watch["watching"]:
        out(f"    {out.path(item['path'])}{' (recursive)' if item['recursive'] else ''}")
    for path in watch["missing"]:
        out(f"    {out.path(path)} (missing; watched once it appears)")
    last = d.get("last_reconcile")
    if last:
        out(f"  Last reconcile: {last['at']} {last['kind']}, {last['ms']:.1f} ms, "
            f"{_plural(last['changed'], 'change')}"
            + (f", {_plural(last['conflicted'], 'conflict')}" if last["conflicted"] else ""))
    else:
        out("  Last reconcile: none yet")
    change = d.get("last_change")
    if change and change != last:
        shown = ", ".join(f"{c['action']} {c['target']}/{c['name']}"
                          for c in change["changes"][:3])
        more = f" and {change['changed'] - 3} more" if change["changed"] > 3 else ""
        out(f"  Last change:    {change['at']} {shown}{more}")
    out(f"  Pending events: {d['pending_events']}" + (
        f"; busy with {d['busy']['job']} for {d['busy']['for_s']}s" if d.get("busy") else ""))
    if d["config"].get("error"):
        err = d["config"]["error"]
        out(f"  {FAIL} config refused ({err['at']}): {err['message']} — the previous config "
            "stays in force")
        for detail in err.get("details") or []:
            out(f"      - {detail}")
    if d.get("last_error"):
        out(f"  Last error: {d['last_error']['at']} {d['last_error']['message']}")
    for job in d["jobs"]:
        result = job["last_result"] or "not run yet"
        if job["last_error"]:
            result += f": {job['last_error']}"
        out(f"  Job {job['name']:<8} next {job['next_run'] or '-'}  last: {result}")


def render_daemon(r: Result, out: Out) -> int:
    if "running" in r:  # status
        daemon_section(r, out)
        return 0 if r["running"] else 1
    if "lines" in r:  # logs
        for line in r["lines"]:
            out(line)
        return 0
    if r.get("already_running"):
        out(f"{INFO} the daemon is already running (pid {r['pid']})")
    elif r.get("started"):
        again = " again" if r.get("restarted") else ""
        out(f"{OK} daemon started{again} (pid {r['pid']}); socket {out.path(r['socket'])}")
    elif r.get("stopped"):
        out(f"{OK} daemon stopped (pid {r['pid']})")
    else:
        out(f"{INFO} the daemon is not running")
    return 0


def render_service(r: Result, out: Out) -> int:
    mark = OK if r.get("ok", True) else FAIL
    out(f"{mark} {r['message']}")
    if "active" in r:  # status
        out(f"  installed: {'yes' if r['installed'] else 'no'}"
            + (f" ({'up to date' if r['up_to_date'] else 'differs from a fresh install'})"
               if r["installed"] else ""))
        if r.get("active") is not None:
            out(f"  active: {r['active']}; enabled: {r.get('enabled')}")
    if r.get("next_steps"):
        out("  next:")
        for step in r["next_steps"]:
            out(f"    {step}")
    return 0 if r.get("ok", True) else 1


RENDERERS: dict[str, Callable[[Result, Out], int]] = {
    "daemon": render_daemon, "service": render_service,
    "sync": render_sync, "status": render_status, "diff": render_diff, "list": render_list,
    "init": render_init, "target": render_target, "doctor": render_doctor, "log": render_log,
}


def render(cmd: str, result: Result, home: str) -> tuple[str, int]:
    out = Out(home)
    code = RENDERERS[cmd](result, out)
    return out.text(), code
