"""Text rendering of the agent parts of `collect`, `install`, `update` and `check`; a result
without agents goes to the skills' renderer as it is."""

from __future__ import annotations

from skillshare import render_backup
from skillshare.textout import FAIL, INFO, OK, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from skillshared.commands.results import CollectResult
    from skillshared.commands.results_agents import CollectAgentsResult


def render_collect(r: CollectResult | CollectAgentsResult, out: Out) -> int:
    if "kind" not in r:
        return render_backup.RENDERERS["collect"](r, out)
    return _collect_agents(r, out)


def _collect_agents(r: CollectAgentsResult, out: Out) -> int:
    for name in r["without"]:
        out(f"{INFO} {name}: no agents folder, passed over")
    if not (r["collected"] or r["same"] or r["skipped"] or r["failed"]):
        out(f"No local agents found in {', '.join(r['targets']) or 'any target'}")
        return 0
    out.header("Collecting agents" + (" (dry run)" if r["dry_run"] else ""))
    verb = "would be copied" if r["dry_run"] else "copied"
    for item in r["collected"]:
        again = " (its old version went to the trash)" if item.get("trashed") else (
            " (replacing the source's version)" if item["replaces"] else "")
        linked = ", linked" if item.get("linked") else ""
        out(f"{OK} {item['target']}/{item['name']} {verb} to {out.path(item['to'])}"
            f"{linked}{again}")
    for same in r["same"]:
        out(f"= {same['target']}/{same['name']}: the agents source already has it")
    for skipped in r["skipped"]:
        where = f"{skipped['target']}/{skipped['name']}" if skipped["name"] else skipped[
            "target"]
        out(f"! {where} skipped: {skipped.get('reason', '')}")
    for failed in r["failed"]:
        out(f"{FAIL} {failed['target']}/{failed['name']}: {failed.get('error', '')}")
    out(f"Collect {'preview' if r['dry_run'] else 'complete'}: "
        f"{plural(len(r['collected']), 'agent')} collected, {len(r['same'])} already in the "
        f"source, {len(r['skipped'])} skipped, {len(r['failed'])} failed")
    if r["collected"] and not r["dry_run"]:
        out("Run 'skillshare sync' to distribute them to the other targets")
    return 1 if r["failed"] else 0


RENDERERS: dict[str, Callable[[Any, Out], int]] = {
    "collect": render_collect,
}
