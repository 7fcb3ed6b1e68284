"""Text rendering of `push` and `pull` results."""

from __future__ import annotations

from skillshare.textout import INFO, OK, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Result = dict[str, Any]


def render_push(r: Result, out: Out) -> int:
    changes = r["changes"]
    if r["dry_run"]:
        if changes:
            out(f"Would commit {plural(len(changes), 'change')} as \"{r['message']}\":")
            for line in changes[:20]:
                out(f"    {line}")
        else:
            out("No changes to commit")
        out(f"Would push {r['branch']} to {r['remote']}")
        return 0
    if r["committed"]:
        out(f"{OK} Committed {plural(len(changes), 'change')}: {r['message']}")
    else:
        out(f"{INFO} No changes to commit")
    out(f"{OK} Pushed {r['branch']} to {r['remote']}")
    return 0


def render_pull(r: Result, out: Out) -> int:
    if "collected" in r:  # the old form: pull <target>
        from skillshare.render_backup import render_collect

        return render_collect(r, out)
    pull = r["pull"]
    status = pull["status"]
    if status in ("fast-forwarded", "would fast-forward"):
        out(f"{OK} {status.capitalize()} {pull['branch']} by "
            f"{plural(pull['commits'], 'commit')} from {pull['upstream']}")
    else:
        out(f"{INFO} {pull['branch']}: {status} ({pull['upstream']})")
    if r["sync"] is None:
        return 0
    from skillshare.render import render_sync

    out()
    return render_sync(r["sync"], out)


RENDERERS: dict[str, Callable[[Result, Out], int]] = {
    "push": render_push, "pull": render_pull,
}
