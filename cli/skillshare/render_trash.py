"""Text rendering of `trash` and `uninstall` results."""

from __future__ import annotations

import time

from skillshare.textout import INFO, OK, Out, ago, plural, size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.commands.results_backup import TrashListResult, TrashResult
    from skillshared.commands.results_install import UninstallResult


def render_trash(r: TrashResult, out: Out) -> int:
    if r["action"] == "list":
        return _trash_list(r, out)
    dry = " (dry run)" if r["dry_run"] else ""
    if r["action"] == "empty":
        if not r["items"]:
            out("Trash is already empty")
        else:
            verb = "would delete" if r["dry_run"] else "permanently deleted"
            out(f"{OK} Emptied the trash{dry}: {plural(len(r['items']), 'item')} {verb}")
        return 0
    item = r["item"]
    if r["action"] == "delete":
        out(f"{OK} Permanently deleted {item['entry']}{dry}")
        return 0
    out(f"{OK} Restored {item['name']} to {out.path(r['to'])}{dry}")
    out("Run 'skillshare sync' to distribute it")
    return 0


def _trash_list(r: TrashListResult, out: Out) -> int:
    if not r["items"]:
        out("Trash is empty")
        _agents_kept(r, out)
        return 0
    out.header("Trash")
    now = time.time()
    for item in r["items"]:
        when = item["trashed_ts"]
        origin = f"  from {out.path(item['origin'])}" if item["origin"] else (
            "  (trashed by the original skillshare)" if item["made_by"] == "original"
            else "")
        out(f"  {item['entry']}  ({size(item['bytes'])}, {ago(now - when)} ago){origin}")
    out(f"{plural(len(r['items']), 'item')}, {size(r['bytes'])} total")
    if r["retention_days"] is not None:
        out(f"Items are deleted for good after {plural(r['retention_days'], 'day')}")
    _agents_kept(r, out)
    return 0


def _agents_kept(r: TrashListResult, out: Out) -> None:
    if r["agents_kept"]:
        out(f"{INFO} {plural(r['agents_kept'], 'agent')} trashed by the original skillshare "
            f"kept in {out.path(r['dir'] + '/agents')} (agents are not handled yet)")


def render_uninstall(r: UninstallResult, out: Out) -> int:
    verb = "Would move" if r["dry_run"] else "Moved"
    for item in r["removed"]:
        extra = f" ({item['uncommitted']} uncommitted changes kept there)" if (
            item["uncommitted"]) else ""
        out(f"{OK} {verb} {item['name']} to the trash{extra}")
    for rel in r["forgotten"]:
        out(f"{OK} {'Would forget' if r['dry_run'] else 'Forgot'} the record of {rel} (it was "
            "not in the source)")
    if r["removed"]:
        out("Run 'skillshare sync' to remove its links from the targets")
    return 0


RENDERERS: dict[str, Callable[[Any, Out], int]] = {
    "trash": render_trash, "uninstall": render_uninstall,
}
