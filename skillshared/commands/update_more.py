"""What ``update`` does beyond fetching: ``--diff`` (the files each update changed) and
``--prune`` (an installed skill its repository no longer holds goes to the trash, its record
dropped; without ``--prune`` it is only reported as stale)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skillshared.catalog import places, skills
from skillshared.core.config import Config
from skillshared.core.config_records import SkillRecord
from skillshared.core.results_git import UpdateItem
from skillshared.git import gitops, installs
from skillshared.git.tracked import update_item
from skillshared.store import trash

STALE_HINT = "it was deleted or renamed upstream; run `skillshare update --prune` to move it " \
             "to the trash"


def hash_diff(before: Mapping[str, str], after: Mapping[str, str]) -> list[dict[str, Any]]:
    """The files added, deleted and modified between two sets of file hashes."""
    changes = [{"path": p, "change": "deleted"} for p in before if p not in after]
    changes += [{"path": p, "change": "added" if p not in before else "modified"}
                for p, h in after.items() if before.get(p) != h]
    return sorted(changes, key=lambda c: c["path"])


def repo_diff(folder: Path, before: str | None, after: str | None,
              env: Mapping[str, str]) -> list[dict[str, Any]]:
    """The files a fast-forward changed, with the lines added and deleted of each."""
    if not before or not after or before == after:
        return []
    kinds = {"A": "added", "D": "deleted"}
    status = gitops.run(["diff", "--name-status", "--no-renames", "-z", before, after],
                        cwd=str(folder), env=env).out.split("\0")
    numbers = gitops.run(["diff", "--numstat", "--no-renames", "-z", before, after],
                         cwd=str(folder), env=env).out.split("\0")
    lines: dict[str, tuple[int, int]] = {}
    for row in numbers:
        added, _, rest = row.partition("\t")
        deleted, _, path = rest.partition("\t")
        if path:
            lines[path] = (int(added) if added.isdigit() else 0,
                           int(deleted) if deleted.isdigit() else 0)
    changes = []
    for code, path in zip(status[0::2], status[1::2], strict=False):
        if path:
            plus, minus = lines.get(path, (0, 0))
            changes.append({"path": path, "change": kinds.get(code[:1], "modified"),
                            "added": plus, "deleted": minus})
    return changes


def stale(config: Config, record: SkillRecord, base: Mapping[str, Any], prune: bool,
          dry_run: bool) -> UpdateItem:
    """An installed skill its source no longer holds: reported (``stale``), or with
    ``prune`` moved to the trash and forgotten (``pruned``)."""
    message = f"{record.source} no longer holds it"
    if not prune:
        return update_item(base, status="stale", error=message, hint=STALE_HINT)
    if dry_run:
        return update_item(base, status="would prune", error=message)
    dest = places.place(config.source, record.rel, "recorded path")
    item = trash.put(config.scope.trash_dir, str(dest), skills.flat_name(record.rel),
                     "pruned by update (gone upstream)")
    installs.drop(config, [record.rel])
    return update_item(base, status="pruned", error=message, trashed=item)
