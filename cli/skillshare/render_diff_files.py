"""``diff --stat`` and ``--patch``: the files of a real folder in a target that differ from
the source's skill, and their content diff."""

from __future__ import annotations

from skillshare.textout import Out

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from skillshared.commands.results import DiffItem

SIGNS = {"add": "+", "delete": "-", "modify": "~"}


def files(item: DiffItem, out: Out) -> None:
    for f in item.get("files", []):
        if f["action"] == "modify":
            sizes = f"{f['target_size']} → {f['source_size']} bytes"
        else:
            sizes = f"{f['source_size'] if f['action'] == 'add' else f['target_size']} bytes"
        out(f"      {SIGNS[f['action']]} {f['path']} ({sizes})")
    if item.get("patch"):
        for line in item.get("patch", "").rstrip("\n").split("\n"):
            out.verbatim(f"      {line}")
