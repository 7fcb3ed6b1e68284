"""Text rendering of ``extras`` results."""

from __future__ import annotations

from skillshare.textout import ARROW, FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:

    from skillshared.commands.results_extras import (
        ExtraCollectResult,
        ExtraDescription,
        ExtraInitResult,
        ExtrasListResult,
        ExtrasResult,
        ExtrasSourceResult,
        ExtraUpdatedResult,
    )

_ICONS = {"synced": OK, "drift": WARN, "not synced": FAIL, "no source": FAIL,
          "left out": INFO}
_SYNC_HINT = "Run 'skillshare sync extras' to apply it to the targets"


def render_extras(r: ExtrasResult, out: Out) -> int:
    dry = " (dry run)" if r.get("dry_run") else ""
    if r["action"] == "list":
        return _list(r, out)
    if r["action"] == "source":
        return _source(r, out, dry)
    if r["action"] == "update":
        return _update(r, out, dry)
    if r["action"] == "collect":
        return _collect(r, out, dry)
    if r["action"] == "remove":
        out(f"{OK} Removed extra {r['name']} from the config{dry}")
        out(f"  its source {out.path(r['source'])} and the files in its targets stay")
        return 0
    extra = r["extra"]
    verb = "Replaced" if r["replaced"] else "Created"
    out(f"{OK} {verb} extra {extra['name']}{dry}")
    made = " (created)" if r["source_created"] else ""
    out(f"  source: {out.path(extra['source'])}{made}")
    _targets(extra, out)
    out("Put files in the source: the daemon syncs them as they change" if _daemon(r) else
        "Put files in the source, then run 'skillshare sync extras'")
    return 0


def _list(r: ExtrasListResult, out: Out) -> int:
    if not r["extras"]:
        out("No extras configured (create one: skillshare extras init <name> --target "
            "<path>)")
        return 0
    out.header("Extras")
    for extra in r["extras"]:
        files = plural(extra["files"], "file") if extra["source_exists"] else "no source"
        out(f"{ARROW} {extra['name']}  {out.path(extra['source'])}/ · {files}")
        _targets(extra, out)
        for refused in extra["refused"]:
            out(f"    {WARN} {refused['rel']}: {refused['reason']}")
        for warning in extra["warnings"]:
            out(f"    {WARN} {warning}")
        out()
    return 0


def _targets(extra: ExtraDescription, out: Out) -> None:
    for t in extra["targets"]:
        how = (f"extension: {t['extension']}" if "extension" in t else
               t["mode"] + (", flatten" if t["flatten"] else ""))
        status = "" if t["status"] == "synced" else f"  {t['status']}"
        out(f"  {_ICONS[t['status']]} {out.path(t['path'])}  {how}{status}")


def _source(r: ExtrasSourceResult, out: Out, dry: str) -> int:
    if r["previous"] is None:
        out(f"extras_source: {out.path(r['extras_source'])}"
            f"{' (default)' if r['default'] else ''}")
        return 0
    if not r["changed"]:
        out(f"The extras source is already {out.path(r['extras_source'])}")
        return 0
    out(f"{OK} Set extras_source: {out.path(r['previous'])} -> "
        f"{out.path(r['extras_source'])}{dry}")
    out("  extras without a source of their own now read <this folder>/<name>; "
        "files are not moved")
    return 0


def _update(r: ExtraUpdatedResult, out: Out, dry: str) -> int:
    if not r["changes"]:
        out(f"Extra {r['name']}: nothing to change")
        return 0
    for change in r["changes"]:
        out(f"{OK} {r['name']}: {change}{dry}")
    verb = "would remove" if r["dry_run"] else "removed"
    if r["pruned"]:
        out(f"  {verb} {plural(len(r['pruned']), 'synced entry', 'synced entries')}")
    for kept in r["kept"]:
        out(f"  {INFO} kept {out.path(kept['path'])}: {kept['why']}")
    out("The daemon applies it within a moment" if _daemon(r) else _SYNC_HINT)
    return 0


def _daemon(r: ExtraInitResult | ExtraUpdatedResult) -> bool:
    """Whether a daemon brings the targets in line by itself (not in a dry run)."""
    return bool(r.get("daemon_syncs")) and not r["dry_run"]


def _collect(r: ExtraCollectResult, out: Out, dry: str) -> int:
    for item in r["collected"]:
        linked = " (now a link to it)" if item["linked"] else ""
        out(f"  {OK} {out.path(item['path'])} -> {out.path(item['source'])}{linked}")
    for problem in r["conflicts"]:
        out(f"  {WARN} {out.path(problem['path'])}: {problem['why']}")
    for problem in r["skipped"]:
        out(f"  {INFO} skipped {out.path(problem['path'])}: {problem['why']}")
    for problem in r["failed"]:
        out(f"  {FAIL} {out.path(problem['path'])}: {problem['why']}")
    count = len(r["collected"])
    if count:
        verb = "Would collect" if r["dry_run"] else "Collected"
        out(f"{OK} {verb} {plural(count, 'file')} from {out.path(r['target'])} into "
            f"extra {r['name']}{dry}")
    else:
        out(f"No local files to collect from {out.path(r['target'])}")
    return 1 if r["failed"] else 0
