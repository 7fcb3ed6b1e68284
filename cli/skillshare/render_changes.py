"""What a run did, in words: the changes a pass made in a target (linked, copied, updated,
pruned ...) counted for the target's line ("3 linked, 1 pruned", "would link 3",
"nothing to do"), and one line per change for ``-v`` (and for a dry run).

``-v`` and ``-q`` only change the text: the command puts them in its result (as
``verbose`` and ``quiet``), so the text is the same whether the daemon or this process ran
it; :class:`Voice` reads them back."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from skillshared.core.results import Change

# An action of the engine -> the word it is counted under (done, would do) and its mark.
WORDS: dict[str, tuple[str, str, str]] = {
    "link": ("linked", "link", "+"),
    "link_target": ("linked", "link", "+"),
    "replace_dir_with_link": ("linked", "link", "+"),
    "copy": ("copied", "copy", "+"),
    "relink": ("updated", "update", "~"),
    "relink_target": ("updated", "update", "~"),
    "adopt": ("updated", "update", "~"),
    "update_copy": ("updated", "update", "~"),
    "force_replace": ("replaced", "replace", "~"),
    "force_replace_target": ("replaced", "replace", "~"),
    "unlink": ("pruned", "prune", "-"),
    "remove_copy": ("pruned", "prune", "-"),
    "unlink_target": ("unlinked", "unlink", "-"),
    "clean_temp": ("cleaned up", "clean up", "~"),
}
ORDER = ("linked", "copied", "updated", "replaced", "pruned", "unlinked", "cleaned up")

# A change of the target folder itself (symlink mode), as the target's line says it:
# (done, would do).
FOLDER = {
    "link_target": ("linked to the source", "link it to the source"),
    "relink_target": ("relinked to the source", "relink it to the source"),
    "replace_dir_with_link": ("linked to the source", "link it to the source"),
    "force_replace_target": ("replaced by a link to the source",
                             "replace it by a link to the source"),
    "unlink_target": ("its link to the source removed", "remove its link to the source"),
}

# What a change was, where its word alone does not say it (``-v``).
NOTES = {
    "adopt": "its copy became a link",
    "relink": "the link pointed elsewhere",
    "link_target": "the folder links to the source",
    "relink_target": "the folder links to the source",
    "replace_dir_with_link": "the folder links to the source",
    "unlink_target": "the folder's link to the source removed",
    "force_replace": "what was in the way is backed up",
    "force_replace_target": "what was in the way is backed up",
    "clean_temp": "left by an interrupted run",
}


class Voice:
    """How much a command's text says: ``verbose`` (``-v``: every change) or ``quiet``
    (``-q``: only problems), as its result carries them."""

    __slots__ = ("quiet", "verbose")

    def __init__(self, verbose: bool = False, quiet: bool = False) -> None:
        self.verbose = verbose
        self.quiet = quiet

    @classmethod
    def of(cls, result: Mapping[str, Any]) -> Voice:
        return cls(bool(result.get("verbose")), bool(result.get("quiet")))


def _word(action: str, dry_run: bool) -> tuple[str, str]:
    done, would, mark = WORDS.get(action, (action, action, "~"))
    return (would if dry_run else done), mark


def counted(changes: Sequence[Change], changed: int, dry_run: bool,
            stuck: bool = False) -> str:
    """``3 linked, 1 pruned`` (``would link 3, prune 1``), or ``nothing to do`` (``stuck``:
    something is left undone, so ``nothing changed``); ``changed`` counts every change
    even where ``changes`` holds only the first ones."""
    counts: dict[str, int] = {}
    folder = [FOLDER[c["action"]][dry_run] for c in changes
              if not c["name"] and c["action"] in FOLDER]
    for change in changes:
        if change["name"] or change["action"] not in FOLDER:
            word = WORDS.get(change["action"], (change["action"],))[0]
            counts[word] = counts.get(word, 0) + 1
    more = changed - len(changes)
    if more > 0:
        counts["other changes"] = more
    if not counts and not folder:
        return nothing(dry_run, stuck)
    words = sorted(counts, key=lambda w: ORDER.index(w) if w in ORDER else len(ORDER))
    if not dry_run:
        return ", ".join([*(f"{counts[w]} {w}" for w in words), *folder])
    would = {done: verb for done, verb, _ in WORDS.values()}
    said = ", ".join([*(f"{would.get(w, w)} {counts[w]}" for w in words), *folder])
    return "would " + said


def nothing(dry_run: bool, stuck: bool) -> str:
    """What a run that changed nothing says."""
    if not stuck:
        return "nothing to do"
    return "nothing would change" if dry_run else "nothing changed"


def change_lines(changes: Sequence[Change], changed: int, dry_run: bool, folder: str,
                 indent: str = "    ") -> list[str]:
    """One line per change (``+ linked alpha``; a dry run: ``+ link alpha``); ``folder``
    names a change of the target folder itself."""
    lines = []
    for change in changes:
        word, mark = _word(change["action"], dry_run)
        note = NOTES.get(change["action"])
        lines.append(f"{indent}{mark} {word} {change['name'] or folder}"
                     + (f" ({note})" if note else ""))
    if changed > len(changes):
        lines.append(f"{indent}… and {changed - len(changes)} more")
    return lines


# -- update: what each item's status says this run did ----------------------------------------

DONE = ("updated", "installed", "pruned")  # an update that changed something
FINE = (*DONE, "up to date", "would update", "would prune")  # not a problem (-q: not shown)


def update_summary(items: Sequence[Mapping[str, Any]], dry_run: bool) -> str:
    """The closing line of ``update``: how many of each status, or nothing to update."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item["status"]] = counts.get(item["status"], 0) + 1
    said = ", ".join(f"{n} {status}" for status, n in counts.items())
    if dry_run:
        return f"Update preview: {said}"
    if not any(status in DONE for status in counts):
        return f"Nothing to update: {said}" if said else "Nothing to update"
    return f"Update complete: {said}"


def commits(item: Mapping[str, Any]) -> str | None:
    """``-v``: where an update moved a tracked repo (``abc1234 → def5678``)."""
    before, after = item.get("before"), item.get("after")
    if not before or not after or before == after:
        return None
    return f"    {before[:7]} → {after[:7]}"
