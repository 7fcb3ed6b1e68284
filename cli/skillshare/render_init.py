"""Text of ``init``: a new setup, or what ``--discover`` / ``--remote`` changed."""

from __future__ import annotations

from skillshare.textout import INFO, OK, WARN, Out, plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from typing import Any


def render_init(r: dict[str, Any], out: Out) -> int:
    if r.get("action", "init") != "init":
        return _render_change(r, out)
    verb = "Would create" if r["dry_run"] else "Created"
    out(f"{OK} {verb} {out.path(r['config'])}")
    out(f"  Source:  {out.path(r['source'])}")
    out(f"  Mode:    {r['mode']}")
    if r["targets"]:
        found = " (found on this machine)" if r["detected"] else ""
        out(f"  Targets{found}:")
        for t in r["targets"]:
            out(f"    {t['name']:<12} {out.path(t['path'])}")
    elif r["detected"]:
        _none_found(r, out)
    else:
        out("  Targets: none — add one with `skillshare target add <name> [path]`")
    _extras(r, out)
    if r["remote"]:
        out(f"  Remote:  {r['remote']}")
    for warning in r.get("warnings", []):
        out(f"{WARN} {out.paths_in(warning)}")
    out()
    if r.get("daemon_syncs"):
        out("Next: put skills in the source (one folder with a SKILL.md each): the daemon "
            "links them as they appear")
    else:
        out("Next: put skills in the source (one folder with a SKILL.md each), then run "
            f"`skillshare sync{' -p' if r['scope'] == 'project' else ''}`")
    return 0


def _none_found(r: dict[str, Any], out: Out) -> None:
    """No AI CLI's folder was found: say where init looked, and how to add one anyway."""
    project = r["scope"] == "project"
    where = "in this project (such as .claude/ or .agents/)" if project else \
        "in your home folder (such as ~/.claude or ~/.agents)"
    out(f"  Targets: none — no AI CLI's folder found {where}")
    out("    add one with `skillshare target add <name>` (e.g. claude), or run "
        f"`skillshare init{' -p' if project else ''} --discover` once a tool's folder exists")


def _extras(r: dict[str, Any], out: Out) -> None:
    would = "would be " if r["dry_run"] else ""
    if r.get("copied_from"):
        skipped = (f" ({plural(len(r['copy_skipped']), 'name')} already in the source: "
                   f"{', '.join(r['copy_skipped'])})") if r.get("copy_skipped") else ""
        out(f"  Copied:  {plural(len(r['copied']), 'skill')} {would}copied from "
            f"{out.path(r['copied_from'])}{skipped}")
    if r.get("git_init"):
        where = "the source" if r.get("repo") in (None, r["source"]) else out.path(r["repo"])
        out(f"  Git:     a repository {would}made in {where}")
    if r.get("skill_installed"):
        out(f"  Skill:   the built-in `skillshare` skill {would}added")


def _render_change(r: dict[str, Any], out: Out) -> int:
    would = "Would add" if r["dry_run"] else "Added"
    if r["action"] == "discover" or r["found"] or r["added"]:
        if not r["found"]:
            out(f"{INFO} No new AI CLI found (every one found here is a target already)")
        elif r["added"]:
            out(f"{OK} {would} {plural(len(r['added']), 'target')}:")
            for t in r["added"]:
                out(f"    + {t['name']:<12} {out.path(t['path'])}")
        else:
            out(f"{INFO} No target added")
        for s in r["skipped"]:
            out(f"{WARN} {s['name']}: {s['reason']} (skipped)")
    if r["git_init"]:
        out(f"{OK} {'Would make' if r['dry_run'] else 'Made'} a git repository in "
            f"{out.path(r['source'])}")
    if r["remote"]:
        verb = "would be" if r["dry_run"] else "is" if r["remote_added"] else "was already"
        out(f"{OK} Remote origin {verb} {r['remote']}")
    if r.get("schema_added"):
        verb = "Would put" if r["dry_run"] else "Put"
        out(f"{OK} {verb} the schema comment first in {out.path(r['config'])}")
    elif r["action"] == "schema":
        out(f"{INFO} {out.path(r['config'])} already starts with the schema comment")
    for warning in r["warnings"]:
        out(f"{WARN} {out.paths_in(warning)}")
    if r["added"] and not r["dry_run"]:
        out()
        out("The daemon fills the new targets within a moment" if r.get("daemon_syncs") else
            f"Next: `skillshare sync{' -p' if r['scope'] == 'project' else ''}` fills the "
            "new targets")
    return 0
