"""``doctor``: every check a user needs to trust the setup, each pass / warning / error / info."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from skillshared.audit import rulefiles
from skillshared.catalog import skills
from skillshared.commands import audit_views, kindviews, views
from skillshared.commands.doctor_overlaps import check_overlaps
from skillshared.commands.results import CheckStatus, DoctorCheck, DoctorResult, TargetState
from skillshared.core import config_file
from skillshared.core.config import Config, TargetConfig
from skillshared.core.errors import ConfigError
from skillshared.engine import naming, observe
from skillshared.git import gitroot, gitstate, installs_original
from skillshared.store.backup_format import list_backups
from skillshared.store.backup_manifest import latest, looks_intact
from skillshared.store.original_state import original_state

if TYPE_CHECKING:
    from skillshared.commands.request import Request

INOTIFY_LIMIT = Path("/proc/sys/fs/inotify/max_user_watches")


class Checks:
    def __init__(self, scope: str) -> None:
        self.scope = scope
        self.items: list[DoctorCheck] = []

    def add(self, name: str, status: CheckStatus, message: str,
            details: list[str] | None = None, hint: str | None = None) -> None:
        item: DoctorCheck = {"name": name, "status": status, "message": message}
        if details:
            item["details"] = details
        if hint:
            item["hint"] = hint
        self.items.append(item)

    def result(self) -> DoctorResult:
        def count(status: CheckStatus) -> int:
            return sum(1 for c in self.items if c["status"] == status)

        errors = count("error")
        return {"scope": self.scope, "checks": self.items,
                "summary": {"total": len(self.items), "pass": count("pass"),
                            "warning": count("warning"), "error": errors,
                            "info": count("info")},
                "ok": errors == 0}


def count_watch_dirs(root: Path) -> int:
    count = 0
    for _, dirs, _ in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        count += 1
    return count


def watches_needed(config: Config) -> int:
    """About how many inotify watches the daemon places: every folder of the skills source,
    of the agents source and of each extra's source, one per target folder (skills, agents,
    an extra's), and the config's folder."""
    sources = [config.source, config.agents, *(e.source for e in config.extras)]
    folders = len(config.targets) + sum(1 for t in config.targets if t.agents is not None)
    folders += sum(len(e.targets) for e in config.extras)
    return sum(count_watch_dirs(s) for s in sources) + folders + 2


def _check_kinds(checks: Checks, config: Config) -> None:
    """The agents folders of targets and the extras' target folders, as targets are; an
    extra whose source cannot be read; agents files refused."""
    plans = kindviews.plan_kinds(config)
    for each in plans:
        if each.problem:
            checks.add(f"extra {each.name}", "warning", each.problem,
                       hint="create the folder, or fix the extra's `source:`")
        rejected = each.discovery.rejected
        if rejected:
            what = "agent files" if each.kind == "agents" else f"files of extra {each.name}"
            checks.add(each.kind, "warning", f"{len(rejected)} {what} not synced",
                       [f"{r.rel_path}: {r.reason}" for r in rejected])
    agents = kindviews.agents_state(plans, views.target_state)
    for state in (agents["targets"] if agents else []):
        _check_target(checks, state)
    for extra in kindviews.extras_state(plans, views.target_state):
        for state in extra["targets"]:
            _check_target(checks, state)


def check_inotify(checks: Checks, needed: int) -> None:
    try:
        limit = int(INOTIFY_LIMIT.read_text().strip())
    except (OSError, ValueError):
        checks.add("inotify", "info", "no inotify watch limit to check on this system")
        return
    message = f"the daemon needs about {needed} watches; the limit is {limit}"
    if needed > limit:
        checks.add("inotify", "error", message,
                   hint="raise it: sysctl fs.inotify.max_user_watches=<more>")
    elif needed > limit * 0.8:
        checks.add("inotify", "warning", message, hint="consider raising "
                   "fs.inotify.max_user_watches")
    else:
        checks.add("inotify", "pass", message)


def check_daemon(checks: Checks, req: Request) -> None:
    state = req.daemon() if req.daemon else views.daemon_state(req.paths)
    if state["running"]:
        checks.add("daemon", "pass", f"daemon answers on {state['socket']}")
        problem = state["last_error"] if "watch" in state else None
        if problem:
            checks.add("daemon-errors", "warning", f"last daemon error ({problem['at']}): "
                       f"{problem['message']}", hint="see `skillshare daemon logs`")
    elif state["stale_socket"]:
        checks.add("daemon", "warning", f"stale socket {state['socket']} (no daemon answers)",
                   hint="start the daemon: skillshare daemon start")
    else:
        checks.add("daemon", "info", "daemon not running; commands run in-process")


def cmd_doctor(req: Request) -> DoctorResult:
    scope = req.scope()
    checks = Checks(scope.name)
    try:
        config = config_file.load(scope)
    except ConfigError as exc:
        checks.add("config", "error", exc.message, exc.details, exc.hint)
        return checks.result()
    checks.add("config", "pass", f"{scope.config_file} is valid")
    unused = {u.key for u in config.unused}
    for warning in config.warnings:
        if warning.split(":", 1)[0] not in unused:  # shown by check_original
            checks.add("config", "warning", warning)
    if not config.source.is_dir():
        checks.add("source", "error", f"source folder does not exist: {config.source}",
                   hint="create it or fix `source:` in the config")
        return checks.result()
    found = skills.discover(config.source)  # (a skill the audit holds back is one of them)
    discovery, runs = views.plan_all(config, discovery=audit_views.held_back(config, found))
    checks.add("source", "pass", f"{_count(len(found.skills), 'skill')} in {config.source}")
    if discovery.rejected:
        checks.add("skills", "warning", f"{len(discovery.rejected)} skill folders are not synced",
                   [f"{r.rel_path}: {r.reason}" for r in discovery.rejected])
    if discovery.problems:
        checks.add("frontmatter", "warning",
                   f"{len(discovery.problems)} skills have frontmatter problems",
                   [f"{r.rel_path}: {r.reason}" for r in discovery.problems])
    if discovery.ignored:
        checks.add("skillignore", "info", f"{len(discovery.ignored)} skills hidden by "
                   ".skillignore", list(discovery.ignored))
    audit_views.check_audit(checks.add, config)
    if not config.targets:
        checks.add("targets", "warning", "no targets configured",
                   hint="skillshare target add <name> [path]")
    for run in runs:
        _check_target(checks, views.target_state(run))
    check_overlaps(checks.add, config, runs)
    _check_kinds(checks, config)
    if not scope.is_project:
        check_inotify(checks, watches_needed(config))
    check_daemon(checks, req)
    git = gitstate.state(gitroot.repo_root(config), req.paths.env)
    if git is None:
        checks.add("git", "info", f"{gitroot.what(config).removeprefix('the ')} is not a git "
                   "repository (push/pull unavailable)",
                   hint="skillshare init --remote <url> (on a new setup) or git init")
    elif "error" in git:
        checks.add("git", "warning", git["error"])
    else:
        dirty = f", {git['changes']} uncommitted changes" if git["dirty"] else ""
        checks.add("git", "pass", f"git branch {git['branch'] or '?'}{dirty}")
    if not scope.is_project:
        check_backups(checks, config)
    check_original(checks, config, req)
    return checks.result()


def check_original(checks: Checks, config: Config, req: Request) -> None:
    """What doctor finds of the original skillshare's (Go) state, and whether it needs a
    step by the user: keys not used yet, install records, copy targets, rule files."""
    for entry in config.unused:
        if entry.step:
            checks.add("config", "warning", f"{entry.key}: not used by this version; "
                       f"{entry.instead}", hint=entry.step)
    quiet = [f"{u.key}: {u.instead}" for u in config.unused if not u.step]
    if quiet:
        checks.add("config", "info", f"{_count(len(quiet), 'key')} kept in the file but not "
                   "used by this version", quiet)
    _check_original_records(checks, config)
    _check_original_backups(checks, config)
    for target in config.targets:
        _check_original_manifest(checks, target)
    rules = rulefiles.user_rules_report(req.paths.global_scope().config_file.parent,
                                        config.scope.project_root)
    found = [line for line in rules if not line.endswith(": not there")]
    if any(line.startswith("error: ") for line in found):
        checks.add("audit rules", "error", "a user audit rules file cannot be read", found,
                   hint="fix the file named above; `skillshare audit` stops until then")
    elif any(line.startswith("warning: ") for line in found):
        checks.add("audit rules", "warning", "parts of a user audit rules file are not used",
                   found)
    elif found:
        checks.add("audit rules", "pass", "user audit rules load", found)


def _check_original_records(checks: Checks, config: Config) -> None:
    report = installs_original.original_records(config)
    if report["error"]:
        checks.add("install records", "error", report["error"], report["details"],
                   report.get("hint"))
    elif report["records"] or report["untouched"]:
        kept = f"; {report['untouched']} other entries kept as they are" \
            if report["untouched"] else ""
        checks.add("install records", "pass", f"{_count(report['records'], 'install')} "
                   f"({report['tracked']} tracked) read from {report['file']}{kept}")
    if report["attention"]:
        checks.add("install records", "warning", f"{_count(len(report['attention']), 'install')}"
                   " recorded by skillshare (Go) cannot be updated as recorded",
                   [f"{a['name']}: {a['problem']}" for a in report["attention"]])


def _count(number: int, word: str, many: str | None = None) -> str:
    return f"{number} {word if number == 1 else many or word + 's'}"


def _check_original_backups(checks: Checks, config: Config) -> None:
    state = original_state(config.scope)
    if state["backups"]:
        agents = f"; {_count(state['agent_parts'], 'agent part')} kept" \
            if state["agent_parts"] else ""
        message = (f"{_count(state['backups'], 'backup')} made by skillshare (Go), "
                   f"{state['backups_readable']} readable by `skillshare restore`{agents}")
        if state["backups"] > state["backups_readable"]:
            checks.add("backups", "warning", message,
                       hint="see `skillshare backup --verify` for what is wrong in the others")
        else:
            checks.add("backups", "pass", message)
    if state["trash_items"] or state["trash_agents"]:
        agents = f" ({_count(state['trash_agents'], 'agent')} kept as they are)" \
            if state["trash_agents"] else ""
        checks.add("trash", "info", f"{_count(state['trash_items'], 'item')} trashed by "
                   f"skillshare (Go), restorable{agents}", hint="skillshare trash list")


def _check_original_manifest(checks: Checks, target: TargetConfig) -> None:
    found = observe.original_manifest(str(target.path))
    name = f"target {target.name}"
    if found is None:
        return
    if found["problem"]:
        checks.add(name, "warning", "the manifest skillshare (Go) left is damaged: "
                   f"{found['problem']}", hint="copies that differ from the source are kept "
                   "as yours; `skillshare sync --force` replaces them (after a backup)")
        return
    made = f"made by skillshare (Go): {_count(found['copies'], 'copy', 'copies')}"
    if target.mode == "copy":
        next_sync = ("the next sync takes the unedited copies as managed and rewrites its "
                     "manifest")
    else:
        next_sync = "the next sync removes its manifest (links need none)"
    checks.add(name, "info", f"{made}, {_count(found['links'], 'link')}; {next_sync}")


def check_backups(checks: Checks, config: Config) -> None:
    """The latest backup of each target is there and looks intact (sizes and times of its
    files; `backup --verify` reads them all)."""
    backups_dir = config.scope.backups_dir
    backups = list_backups(backups_dir)
    if not backups:
        return
    damaged = []
    for target in config.targets:
        found = latest(backups_dir, target.name)
        if found is not None and not looks_intact(backups_dir, found[0], target.name, found[1]):
            damaged.append(f"{found[0].name}/{target.name}")
    if damaged:
        checks.add("backups", "warning", f"latest backup damaged: {', '.join(damaged)}",
                   hint="see `skillshare backup --verify`; `skillshare backup` makes a new one")
    else:
        checks.add("backups", "info", f"{_count(len(backups), 'backup')}, latest "
                   f"{backups[0].name}")


def _check_target(checks: Checks, state: TargetState) -> None:
    name = f"target {state['name']}"
    if state["also"]:
        checks.add(name, "warning", f"shares its folder with {', '.join(state['also'])}",
                   hint="remove one of them (`skillshare target remove <name>`)")
    if state["error"]:
        checks.add(name, "error", state["error"])
        return
    if state["guard"]:
        held = state["held"]
        checks.add(name, "warning", f"pruning held back ({held} "
                   f"{'entry' if held == 1 else 'entries'} kept): {state['guard']}",
                   hint=state["guard_hint"])
    skipped = [c for c in state["conflicts"] if c["reason"].startswith(naming.NOT_SYNCED)]
    blocking = [c for c in state["conflicts"] if c not in skipped]
    if blocking:
        checks.add(name, "warning", f"{len(blocking)} entries block skills",
                   [f"{c['name'] or state['path']}: {c['reason']}" for c in blocking],
                   hint="move them away, or `skillshare sync --force` to back up and replace")
    if skipped:
        checks.add(name, "warning", f"{len(skipped)} skills not synced (target_naming: "
                   "standard)", [f"{c['name']}: {c['reason']}" for c in skipped],
                   hint="give each SKILL.md a valid name: its folder's name, unique in the "
                        "target; or use target_naming: flat")
    if state["state"] == "missing":
        checks.add(name, "warning", f"{state['path']} does not exist yet",
                   hint="skillshare sync creates it")
    elif state["pending"] or state["state"] in ("needs sync", "not linked"):
        count = state["pending"]
        pending = f"{count} change{'' if count == 1 else 's'}" if count else "changes"
        checks.add(name, "warning", f"{pending} pending "
                   f"({state['synced']}/{state['expected']} synced)",
                   hint="skillshare sync")
    elif not blocking and not state["guard"]:
        checks.add(name, "pass", f"{state['mode']}: {state['synced']}/{state['expected']} synced")
