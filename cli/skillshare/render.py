"""Text rendering of command results, and each result's exit code."""

from __future__ import annotations

import importlib

from skillshare.render_daemon import daemon_section
from skillshare.textout import FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    from skillshared.commands.results import (
        DiffResult,
        DoctorResult,
        StatusResult,
        TargetState,
        TrackedRepoState,
    )
    from skillshared.core.results import GitProblem, GitState


# -- status / diff / list ----------------------------------------------------------------------


def _git_line(git: GitState | GitProblem | None) -> str:
    if git is None:
        return "not a git repository"
    if "error" in git:
        return str(git["error"])
    state = "clean" if not git["dirty"] else f"{git['changes']} uncommitted changes"
    if git["commits"] is False:
        state += ", no commits yet"
    if git["detached"]:
        state += ", detached HEAD"
    if git["upstream_gone"]:
        upstream = f" {git['upstream']}" if git["upstream"] else ""
        state += f", its upstream{upstream} is gone from the remote"
    remotes = f" (remote: {', '.join(git['remotes'])})" if git["remotes"] else " (no remote)"
    behind = f", {git['behind']} behind" if git["behind"] else ""
    ahead = f", {git['ahead']} ahead" if git["ahead"] else ""
    return f"{state}{remotes}{ahead}{behind}"


def _repo_line(repo: TrackedRepoState) -> str:
    git = repo["git"]
    if repo.get("missing"):
        return "missing (recorded; run `skillshare install`)"
    if git is None:
        return "not a git repository"
    if "error" in git:  # its state could not be read: nothing to say against it
        return "clean"
    notes = ["has uncommitted changes" if git["dirty"] else "clean"]
    notes += [note for shown, note in ((git["detached"], "detached HEAD"),
                                       (git["upstream_gone"], "its upstream is gone")) if shown]
    if git["commits"] is False:
        notes.append("no commits yet")
    return ", ".join(notes)


def _status_targets(r: StatusResult, out: Out) -> None:
    out("Targets:" if r["targets"] else "Targets: none (add one: skillshare target add <name>)")
    _target_rows(r["targets"], [t["name"] for t in r["targets"]], out)


def _status_kinds(r: StatusResult, out: Out) -> None:
    """The agents folders of targets, and each extra's target folders."""
    agents = r.get("agents")
    if agents:
        out()
        invalid = f", {agents['invalid']} invalid" if agents["invalid"] else ""
        out(f"Agents: {out.path(agents['source'])} ({plural(agents['agents'], 'agent')}"
            f"{invalid})")
        _target_rows(agents["targets"],
                     [t["name"].removesuffix(" (agents)") for t in agents["targets"]], out)
    extras = r.get("extras") or []
    if extras:
        out()
        out("Extras:")
    for extra in extras:
        problem = f"  {WARN} {extra['problem']}" if extra["problem"] else ""
        out(f"  {extra['name']}: {out.path(extra['source'])} "
            f"({plural(extra['files'], 'file')}){problem}")
        _target_rows(extra["targets"], [""] * len(extra["targets"]), out)


def _target_rows(targets: Sequence[TargetState], names: Sequence[str], out: Out) -> None:
    width = max([len(n) for n in names] + [8])
    for t, name in zip(targets, names, strict=True):
        if t["mode"] == "symlink":
            state = f"{OK} linked" if t["state"] == "linked" else t["state"]
        elif t["state"] == "error":
            state = f"{FAIL} error"
        else:
            state = f"{t['synced']}/{t['expected']} synced"
        if t["state"] == "held":
            state = f"{WARN} held back"
        extra = []
        if t["state"] == "held" and t["mode"] != "symlink":
            extra.append(f"{t['synced']}/{t['expected']} in place")
        if t["local"]:
            extra.append(f"{t['local']} local")
        if t["conflicts"]:
            extra.append(plural(len(t["conflicts"]), "conflict"))
        if t["state"] in ("needs sync", "missing"):
            extra.append("needs sync")
        if t["guard"]:
            extra.append(f"{t['held']} not pruned" if t["held"] else "pruning held back")
        suffix = f"  ({', '.join(extra)})" if extra else ""
        out(f"  {name:<{width}}  {t['mode']:<8}  {state:<13}  {out.path(t['path'])}{suffix}")
        if t["error"]:
            out(f"      {t['error']}")
        if t["guard"]:
            out(f"      pruning held back: {t['guard']}")


def render_status(r: StatusResult, out: Out) -> int:
    out.header("Skillshare Status" + (" (project)" if r["scope"] == "project" else ""))
    src = r["source"]
    out(f"Source: {out.path(src['path'])}" + ("" if src["exists"] else "  (missing)"))
    out(f"  Skills: {src['skills']}" + (f" ({src['invalid']} invalid)" if src["invalid"] else ""))
    ignore = src.get("skillignore")
    if ignore and ignore.get("active"):
        local = any(f.endswith(".local") for f in ignore.get("files", []))
        out(f"  .skillignore: {plural(len(ignore.get('patterns', [])), 'pattern')}, "
            f"{plural(ignore.get('ignored_count', 0), 'skill')} ignored"
            + (" (.local active)" if local else ""))
    out(f"  Git: {_git_line(src['git'])}")
    if r["records_problem"]:
        out(f"  {WARN} install records: {r['records_problem']}")
    out()
    _status_targets(r, out)
    _status_kinds(r, out)
    if r["tracked_repos"]:
        out()
        out("Tracked Repositories:")
        for repo in r["tracked_repos"]:
            out(f"  {repo['name']:<16}  {plural(repo['skills'], 'skill'):<10}  {_repo_line(repo)}")
    if r.get("audit_findings"):
        from skillshare.render_audit_accept import audit_section
        audit_section(r["audit_findings"], out)
    out()
    daemon_section(r["daemon"], out)
    held = [t for t in r["targets"] + _kind_targets(r) if t["guard"] and not t["error"]]
    if r["out_of_sync"] or held:
        out()
    if r["out_of_sync"]:
        others = any(t["state"] in ("needs sync", "missing", "not linked")
                     for t in _kind_targets(r))
        run = "skillshare sync --all" if others else "skillshare sync"
        out(f"{WARN} {plural(r['out_of_sync'], 'target')} not in sync — run '{run}'")
    if held:
        from skillshare.render_sync import held_hint  # (rare: not loaded for every status)

        held_hint(out, held)
    return 0


def _kind_targets(r: StatusResult) -> list[TargetState]:
    """The agents folders (named ``<target> (agents)`` in the lines that name them) and the
    extras' folders."""
    agents = r.get("agents")
    folders: list[TargetState] = [
        {**t, "name": t["name"].removesuffix(" (agents)") + " (agents)"}
        for t in (agents["targets"] if agents else [])]
    return folders + [t for e in r.get("extras") or [] for t in e["targets"]]


def render_diff(r: DiffResult, out: Out) -> int:
    from skillshare.render_sync import held_hint, target_names

    for t in r["targets"]:
        if t["error"]:
            out(f"{target_names(t)}: {FAIL} {t['error']}")
            continue
        if t["synced"] and not t["items"] and not t["guard"]:
            out(f"{target_names(t)}: fully synced")
            continue
        if out.lines:
            out()
        out.header(f"Diff: source ↔ {target_names(t)}")
        width = max(len(i["name"]) for i in t["items"]) if t["items"] else 0
        for item in t["items"]:
            name = item["name"] or out.path(t["path"])
            out(f"  {item['sign']} {name:<{max(width, 12)}}  ({item['reason']})")
            from skillshare import render_diff_files

            render_diff_files.files(item, out)
        if t["guard"]:
            out(f"  pruning would be held back: {t['guard']}")
    held = [t for t in r["targets"] if t["guard"] and not t["error"]]
    if held:
        out()
        held_hint(out, held)
    if not r["targets"]:
        out("No agents folders to compare (see `skillshare sync agents`)."
            if r.get("kind") == "agents" else "No targets configured.")
    return 0


# -- init / target / doctor / log --------------------------------------------------------------


def render_doctor(r: DoctorResult, out: Out) -> int:
    marks = {"pass": OK, "warning": WARN, "error": FAIL, "info": INFO}
    for check in r["checks"]:
        out(f"{marks[check['status']]} {check['name']}: {check['message']}")
        details = check.get("details", [])
        for detail in details[:20]:
            out(f"    {detail}")
        if len(details) > 20:
            out(f"    … and {len(details) - 20} more")
        if check.get("hint"):
            out(f"    hint: {check['hint']}")
    s = r["summary"]
    out()
    out(f"{s['pass']} passed, {plural(s['warning'], 'warning')}, {plural(s['error'], 'error')}")
    return 0 if r["ok"] else 1


# Each command's renderer: here, or "module:function" of a module imported only when that
# command's result is shown (every command pays for what it imports at start).
RENDERERS: dict[str, Callable[[Any, Out], int] | str] = {
    "status": render_status, "diff": render_diff, "target": "render_target:render_target",
    "doctor": render_doctor,
    "daemon": "render_daemon:render_daemon", "service": "render_daemon:render_service",
    "sync": "render_sync:render_sync", "list": "render_list:render_list",
    "init": "render_init:render_init", "log": "render_log:render_log",
    "backup": "render_backup:render_backup", "restore": "render_backup:render_restore",
    "collect": "render_kinds:render_collect", "install": "render_kinds:render_install",
    "update": "render_kinds:render_update", "check": "render_kinds:render_check",
    "push": "render_git:render_push", "pull": "render_git:render_pull",
    "audit": "render_audit:render_audit", "trash": "render_trash:render_trash",
    "uninstall": "render_trash:render_uninstall", "extras": "render_extras:render_extras",
    "commit": "render_new:render_commit", "new": "render_new:render_new",
    "enable": "render_new:render_toggle", "disable": "render_new:render_toggle",
    "analyze": "render_new:render_analyze", "version": "render_local:render_version",
    "help": "render_local:render_help", "completion": "render_local:render_completion",
    "tui": "render_local:render_tui", "ui": "render_ui:render_ui",
    "catalog": "render_catalog:render_catalog",
}


def renderer(cmd: str) -> Callable[[Any, Out], int]:
    found = RENDERERS[cmd]
    if isinstance(found, str):
        module, _, name = found.partition(":")
        found = getattr(importlib.import_module(f"skillshare.{module}"), name)
        assert callable(found)
    return found


def json_text(cmd: str, result: Mapping[str, Any], seconds: float | None = None) -> str:
    """What ``--json`` prints: the result, or the original's shape where it differs from
    ours (``list``: an array; ``log``: JSON lines; sync, uninstall, collect, update, extras
    list, doctor and diff: see :mod:`skillshare.json_original`)."""
    from skillshare import textout

    if cmd == "list":
        from skillshare import render_list

        return textout.json_text(render_list.json_document(result))  # type: ignore[arg-type]
    if cmd == "log":
        from skillshare import render_log

        return render_log.json_text(result)  # type: ignore[arg-type]
    from skillshare import __version__, json_original

    return textout.json_text(json_original.document(cmd, result, __version__, seconds))


def render(cmd: str, result: Mapping[str, Any], home: str) -> tuple[str, int]:
    out = Out(home)
    code = renderer(cmd)(result, out)
    return out.text(), code
