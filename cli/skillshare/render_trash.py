"""Text rendering of `trash` and `uninstall` results (skills and agents)."""

from __future__ import annotations

import time

from skillshare import summarise
from skillshare.textout import INFO, OK, Out, ago, plural, size

TYPE_CHECKING = False
if TYPE_CHECKING:

    from skillshared.commands.results_kinds import (
        TrashKindsList,
        TrashKindsResult,
        UninstallKindsResult,
    )


def render_trash(r: TrashKindsResult, out: Out) -> int:
    if r["action"] == "list":
        return _trash_list(r, out)
    dry = " (dry run)" if r["dry_run"] else ""
    agents = r.get("kind") == "agent"
    if r["action"] == "empty":
        what = ("the trash of agents" if agents else "the trashes of skills and agents"
                if r.get("kind") == "all" else "the trash")
        if not r["items"]:
            out(f"{what[0].upper()}{what[1:]} is already empty")
        else:
            verb = "would delete" if r["dry_run"] else "permanently deleted"
            out(f"{OK} Emptied {what}{dry}: {plural(len(r['items']), 'item')} {verb}")
        return 0
    item = r["item"]
    if r["action"] == "delete":
        out(f"{OK} Permanently deleted {'agent ' if agents else ''}{item['entry']}{dry}")
        return 0
    out(f"{OK} Restored {'agent ' if agents else ''}{item['name']} to {out.path(r['to'])}{dry}")
    out("The daemon links it within a moment" if r.get("daemon_syncs") and not r["dry_run"] else
        f"Run 'skillshare sync{' agents' if agents else ''}' to distribute it")
    return 0


def _trash_list(r: TrashKindsList, out: Out) -> int:
    agents, both = r.get("kind") == "agent", r.get("kind") == "all"
    if not r["items"]:
        out("The trash of agents is empty" if agents else "Trash is empty")
        _other_kind(r, out)
        return 0
    out.header("Trash (agents)" if agents else "Trash (skills and agents)" if both
               else "Trash")
    now = time.time()
    for item in r["items"]:
        when = _epoch(item["trashed_at"], now)
        origin = f"  from {out.path(item['origin'])}" if item["origin"] else (
            "  (trashed by the original skillshare)" if item["made_by"] == "original"
            else "")
        agent = item.get("kind") == "agent"
        shown = f"{item['name']}  ({item.get('file')}, " if agent else f"{item['entry']}  ("
        badge = ("[A] " if agent else "[S] ") if both else ""
        out(f"  {badge}{shown}{size(item['bytes'])}, {ago(now - when)} ago){origin}")
    out(f"{plural(len(r['items']), 'item')}, {size(r['bytes'])} total")
    if r["retention_days"] is not None:
        out(f"Items are deleted for good after {plural(r['retention_days'], 'day')}")
    _other_kind(r, out)
    return 0


def _epoch(stamp: str, now: float) -> float:
    """The seconds since the epoch of a result's time (``now`` when it cannot be read)."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).timestamp()
    except ValueError:
        return now


def _other_kind(r: TrashKindsList, out: Out) -> None:
    """Listing skills: say what the trash of agents holds."""
    if r.get("kind") in ("agent", "all"):
        return
    agents, kept = r.get("agents", r["agents_kept"]), r["agents_kept"]
    if not agents:
        return
    original = (f" ({plural(kept, 'agent')} trashed by the original skillshare kept there)"
                if kept else "")
    out(f"{INFO} {plural(agents, 'agent')} in the trash of agents{original}: see "
        "`skillshare trash agents`")


def _uninstalled(r: UninstallKindsResult, out: Out) -> None:
    """Each skill, repo or agent moved to the trash, each record forgotten (past
    :data:`summarise.LONG`: counted, with the first names; one with uncommitted changes always
    on its own line)."""
    verb = "Would move" if r["dry_run"] else "Moved"
    listing = summarise.Listing(out, r)
    for item in r["removed"]:
        extra = f" ({item['uncommitted']} uncommitted changes kept there)" if (
            item["uncommitted"]) else ""
        what = "agent " if item.get("kind") == "agent" else ""
        line = f"{OK} {verb} {what}{item['name']} to the trash{extra}"
        noun = ("agent" if what else "tracked repo" if item["name"].startswith("_")
                else "skill")
        if extra:
            listing.notable(line)
        else:
            listing.plain(item["name"], [line], f"{OK} {verb} ", noun, " to the trash")
    forget = "Would forget" if r["dry_run"] else "Forgot"
    for rel in r["forgotten"]:
        listing.plain(rel, [f"{OK} {forget} the record of {rel} (it was not in the source)"],
                      f"{OK} {forget} the records of ", "install", " (not in the source)")
    listing.write()


def render_uninstall(r: UninstallKindsResult, out: Out) -> int:
    _uninstalled(r, out)
    if r["removed"]:
        out("The daemon removes its links from the targets within a moment"
            if r.get("daemon_syncs") and not r["dry_run"] else
            "Run 'skillshare sync' to remove its links from the targets")
    return 0
