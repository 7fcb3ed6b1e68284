"""Text of ``target``: the list, one target's details (skills and agents), an edit of its
settings, an added target and removed ones."""

from __future__ import annotations

from skillshare.render_sync import target_line
from skillshare.textout import ARROW, FAIL, OK, WARN, Out, plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Sequence

    from skillshared.commands.results import (
        TargetDescription,
        TargetInfoResult,
        TargetListResult,
        TargetRemovedResult,
        TargetResult,
        TargetUpdatedResult,
    )


def _filters(include: Sequence[str], exclude: Sequence[str]) -> str:
    parts = []
    if include:
        parts.append(f"include: {', '.join(include)}")
    if exclude:
        parts.append(f"exclude: {', '.join(exclude)}")
    return "  ".join(parts)


def _agent_filters(t: TargetDescription) -> str:
    if t.get("agentMode") == "symlink":
        return "filters not used in symlink mode"
    return _filters(t.get("agentInclude", []), t.get("agentExclude", []))


def render_target(r: TargetResult, out: Out) -> int:
    if "targets" in r:
        return _render_list(r, out)
    if "removed" in r:
        return _render_removed(r, out)
    if "action" in r:
        if r["action"] == "added":
            dry = " (dry run)" if r["dry_run"] else ""
            out(f"{OK} Added target {r['name']} {ARROW} {out.path(r['path'])} ({r['mode']}){dry}")
            for warning in r.get("warnings", []):
                out(f"  {WARN} {out.paths_in(warning)}")
            out("  Nothing was written (dry run)" if r["dry_run"] else
                "  The daemon links its skills within a moment" if r.get("daemon_syncs") else
                "  Run 'skillshare sync' to distribute skills to it")
            return 0
        return _render_updated(r, out)
    return _render_info(r, out)


def _render_list(r: TargetListResult, out: Out) -> int:
    out("Targets" if r["targets"] else
        "No targets. Add one: skillshare target add <name> [path]")
    width = max([len(t["name"]) for t in r["targets"]] + [6])
    for t in r["targets"]:
        naming = "" if t["mode"] == "symlink" else f"  naming: {t.get('targetNaming', 'flat')}"
        out(f"  {t['name']:<{width}}  {t['mode']:<7}  {out.path(t['path'])}{naming}  "
            f"{_filters(t['include'], t['exclude'])}".rstrip())
        if "agentPath" in t:
            sync = f"  ({t['agentSync']})" if t.get("agentSync") else ""
            out(f"  {'':<{width}}  agents:  {t.get('agentMode', '')}  "
                f"{out.path(t['agentPath'])}{sync}  {_agent_filters(t)}".rstrip())
    return 0


def _render_updated(r: TargetUpdatedResult, out: Out) -> int:
    dry = " (dry run)" if r["dry_run"] else ""
    if not r["changes"]:
        out(f"{r['name']}: nothing to change")
    for change in r["changes"]:
        out(f"{OK} {r['name']}: {change}{dry}")
    for warning in r.get("warnings", []):
        out(f"  {WARN} {out.paths_in(warning)}")
    if r["changes"]:
        out("  Nothing was written (dry run)" if r["dry_run"] else
            "  The daemon applies it within a moment" if r.get("daemon_syncs") else
            "  Run 'skillshare sync' to apply")
    return 0


def _render_info(r: TargetInfoResult, out: Out) -> int:
    state = r["state"]
    out(f"Target: {r['name']}")
    out(f"  Path:    {out.path(r['path'])}")
    out(f"  Mode:    {r['mode']}" + (" (default)" if r["mode_source"] == "default" else ""))
    if r["mode"] != "symlink":
        out(f"  Naming:  {r.get('targetNaming', 'flat')}")
    out(f"  Status:  {target_line(state)}" + (f"; failed: {state['error']}" if state["error"]
                                              else ""))
    if state["guard"]:
        out(f"  {WARN} pruning held back: {state['guard']}")
    out(f"  Include: {', '.join(r['include']) or '-'}")
    out(f"  Exclude: {', '.join(r['exclude']) or '-'}")
    if "agentPath" in r:
        out("  Agents:")
        out(f"    Path:    {out.path(r['agentPath'])}")
        out(f"    Mode:    {r.get('agentMode', '')}")
        if r.get("agentSync"):
            out(f"    Status:  {r.get('agentSync')}")
        if r.get("agentMode") == "symlink":
            out("    Filters: not used in symlink mode")
        else:
            out(f"    Include: {', '.join(r.get('agentInclude', [])) or '-'}")
            out(f"    Exclude: {', '.join(r.get('agentExclude', [])) or '-'}")
    return 0


def _render_removed(r: TargetRemovedResult, out: Out) -> int:
    dry = " (dry run)" if r["dry_run"] else ""
    for item in r["removed"]:
        if item["shared"]:
            what = "its folder stays as it is (another target uses it)"
        elif item["whole_folder"]:
            what = "the folder link became a real copy of the source"
        else:
            what = f"{plural(item['converted'], 'link')} turned into real copies"
        if item["removed_links"]:
            what += f", {plural(item['removed_links'], 'broken link')} removed"
        backup = item["backup"]
        where = f"; backup: {out.path(backup)}" if backup else ""
        out(f"{OK} Removed target {item['name']}{dry}: {what}{where}")
        for kept in item.get("kept_links", ()):  # (absent from an older daemon)
            out(f"  {WARN} {kept['name']}: kept as a link (the skill {kept['why']})")
    for failure in r["failed"]:
        out(f"{FAIL} {failure['name']}: {failure['error']} (kept in the config)")
    return 1 if r["failed"] else 0
