"""The managed block of a ``.gitignore`` (``.skillshare/.gitignore`` in a project, the
source's own in global mode): lines between the markers are ours, every other line is the
user's and is kept as it is."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from skillshared.engine import fsops

BEGIN = "# BEGIN SKILLSHARE MANAGED - DO NOT EDIT"
END = "# END SKILLSHARE MANAGED"
DEFAULT_ENTRIES = ("logs/", "trash/", "backups/")


def render_gitignore(existing: str, entries: Iterable[str], remove: Iterable[str] = ()) -> str:
    """``existing`` with ``entries`` added to its managed block and ``remove`` taken out of
    it (user lines kept)."""
    lines = existing.splitlines()
    before: list[str] = []
    after: list[str] = []
    managed: list[str] = []
    state = "before"
    for line in lines:
        if state != "inside" and line.strip().startswith("# BEGIN SKILLSHARE MANAGED"):
            state = "inside"
        elif state == "inside" and line.strip() == END:
            state = "after"
        elif state == "inside":
            managed.append(line)
        else:
            (before if state == "before" else after).append(line)
    gone = {r.rstrip("/") for r in remove}
    kept: dict[str, str] = {}  # "x" and "x/" count as one entry
    for entry in [*managed, *entries]:
        if entry.rstrip("/") not in gone:
            kept.setdefault(entry.rstrip("/") or entry, entry)
    wanted = list(kept.values())
    block = [BEGIN, *wanted, END]
    while before and not before[-1].strip():
        before.pop()
    out = [*before, *([""] if before else []), *block, *after]
    return "\n".join(out) + "\n"


def ensure_gitignore(folder: Path, entries: Iterable[str] = DEFAULT_ENTRIES,
                     remove: Iterable[str] = ()) -> Path:
    path = folder / ".gitignore"
    try:
        existing = path.read_text("utf-8")
    except FileNotFoundError:
        existing = ""
    text = render_gitignore(existing, entries, remove)
    if text != existing:
        fsops.save_user_file(path, text.encode("utf-8"))
    return path
