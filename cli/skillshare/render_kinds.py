"""Text rendering of the agent parts of `collect`, `install`, `update` and `check`; a result
without agents goes to the skills' renderer as it is."""

from __future__ import annotations

from skillshare import render_backup, render_changes, render_git, summarise
from skillshare.textout import FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from skillshared.commands.results import CollectResult
    from skillshared.commands.results_agents import (
        CollectAgentsResult,
        InstallAgentsResult,
        InstalledAgent,
    )
    from skillshared.commands.results_install import (
        CheckResult,
        InstallRecordedResult,
        UpdateResult,
    )


def render_collect(r: CollectResult | CollectAgentsResult, out: Out) -> int:
    if "kind" not in r:
        return render_backup.RENDERERS["collect"](r, out)
    return _collect_agents(r, out)


def _collect_agents(r: CollectAgentsResult, out: Out) -> int:
    say = Out(out.home) if r.get("quiet") else out  # (-q: only what was skipped or failed)
    for name in r["without"]:
        say(f"{INFO} {name}: no agents folder, passed over")
    if not (r["collected"] or r["same"] or r["skipped"] or r["failed"]):
        say(f"No local agents found in {', '.join(r['targets']) or 'any target'}")
        return 0
    say.header("Collecting agents" + (" (dry run)" if r["dry_run"] else ""))
    render_backup.collected(r, "agent", "the agents source", out)
    render_backup.collect_tail(r, r.get("passes", []),
                               plural(len(r["collected"]), "agent") + " collected",
                               "skillshare sync agents", out)
    return 1 if r["failed"] else 0


def render_install(r: Any, out: Out) -> int:
    """``r``: an InstallAgentsResult (with ``kind``), else an InstallResult."""
    if "kind" in r:
        return _agents_only(r, out)
    if "recorded" in r and r.get("agents"):
        return _recorded_agents(r, out)
    code = render_git.RENDERERS["install"](r, out)
    _agents_installed(_beside_skills(r), r["dry_run"], out, bool(r.get("verbose")))
    return code


def _agents_only(r: InstallAgentsResult, out: Out) -> int:
    if r["track"]:
        return _agent_repo(r, out)
    if not r["agents"]:
        return 0
    _agents_installed(r["agents"], r["dry_run"], out, bool(r.get("verbose")))
    if not r["dry_run"]:
        render_git.distribute(r, out)
    return 0


def _recorded_agents(r: InstallRecordedResult, out: Out) -> int:
    """``install`` with no argument, when agents are recorded too."""
    if r["items"]:
        render_git.RENDERERS["install"](r, out)
        out()
        out.header("Agents")
    marks = {"installed": OK, "would install": INFO, "present": OK}
    listing = summarise.Listing(out, r)
    for item in r.get("agents", []):
        status = item["status"]
        line = (f"{marks.get(status, FAIL)} {item['name']}: {status}"
                + (f": {item['error']}" if item.get("error") else ""))
        if status in marks and not item.get("error"):
            listing.plain(item["name"], [line], f"{marks[status]} ", None, f" {status}")
        else:
            listing.notable(line)
    listing.write()
    return 1 if r["summary"]["failed"] else 0


def _beside_skills(r: Mapping[str, Any]) -> list[InstalledAgent]:
    """The agents an install of skills brought too (the source's agents/ folder)."""
    found = r.get("agents")
    return found if isinstance(found, list) and r.get("track") is False else []


def _agents_installed(agents: list[InstalledAgent], dry_run: bool, out: Out,
                      verbose: bool = False) -> None:
    verb = "Would install agent" if dry_run else "Installed agent"
    listing = summarise.Listing(out, {"verbose": verbose})
    for item in agents:
        again = " (the old one went to the trash)" if item["trashed"] else ""
        found = item["audit"]
        note = f"; {plural(len(found['findings']), 'finding')} below the threshold" if (
            found and found["findings"] and not found["blocked"]) else ""
        if found and found["blocked"]:
            note = "; installed despite findings at or above the threshold (--force)"
        line = f"{OK} {verb} {item['name']} in {out.path(item['path'])}{again}{note}"
        if note:
            listing.notable(line)
            continue
        where = out.path(item["path"].rpartition("/")[0])
        head = f"{OK} {'Would install' if dry_run else 'Installed'} "
        listing.plain(item["name"], [line], head, "agent", f" in {where}"
                      + (" (each old one went to the trash)" if again else ""))
    listing.write()


def _agent_repo(r: InstallAgentsResult, out: Out) -> int:
    path = out.path(r.get("path"))
    if r["dry_run"]:
        out(f"Would clone {r['url']} into {path} and audit it (blocking at {r['threshold']})")
        return 0
    found = r.get("audit")
    audited = "not audited (--skip-audit)" if found is None else (
        f"audited {plural(found['files'], 'file')}, {plural(len(found['findings']), 'finding')}")
    out(f"{OK} Installed a tracked repo of agents ({plural(len(r['agents']), 'agent')}) in "
        f"{path}; {audited}")
    if found and found["blocked"]:
        out(f"{WARN} installed despite findings at or above {r['threshold']} (--force)")
    summarise.name_lines(out, [item["name"] for item in r["agents"]], r)
    return 0


def render_update(r: UpdateResult, out: Out) -> int:
    agents = r.get("agents")
    if agents is None:
        return render_git.RENDERERS["update"](r, out)
    code = 0
    quiet = bool(r.get("quiet"))
    say = Out(out.home) if quiet else out  # (-q: only the problems)
    if r["items"]:
        code = render_git.RENDERERS["update"](r, out)
        say()
        say.header("Agents")
    if not agents:
        say("No installed agents or tracked repos of agents to update")
    listing = summarise.Listing(out, r)
    for item in agents:
        if not (quiet and item["status"] in render_changes.FINE):
            render_git.update_item(item, bool(r.get("verbose")), listing, trashed=True)
    listing.write()
    if r["items"] or agents:
        say(render_changes.update_summary([*r["items"], *agents], r["dry_run"]))
    return 1 if r["summary"]["failed"] else code


def render_check(r: CheckResult, out: Out) -> int:
    agents = r.get("agents")
    if agents is None:
        return render_git.RENDERERS["check"](r, out)
    if r["items"]:
        render_git.RENDERERS["check"]({**r, "behind": []}, out)
        out()
        out.header("Agents")
    if not agents:
        out("No agents found")
    marks = {"up to date": OK, "local": INFO, "behind": WARN, "update available": WARN,
             "modified": WARN, "stale": WARN, "missing": WARN}
    listing = summarise.Listing(out, r)
    for item in agents:
        status = item["status"]
        origin = f" ({item['source']})" if item.get("source") else ""
        error = f": {item['error']}" if item.get("error") else ""
        line = f"{marks.get(status, FAIL)} {item['name']}: {status}{origin}{error}"
        if status in ("up to date", "local") and not error:
            listing.plain(item["name"], [line], f"{marks[status]} ", None, f" {status}")
        else:
            listing.notable(line)
    listing.write()
    if r["behind"]:
        out("Run 'skillshare update --all' to bring them up to date")
    return 1 if r["summary"]["failed"] else 0
