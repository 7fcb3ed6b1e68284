"""What the original skillshare (Go) left in a scope's backups and trash, for ``doctor``."""

from __future__ import annotations

from skillshared.core.paths import Scope
from skillshared.store import backup_original, trash
from skillshared.store.backup_format import list_backups


def original_state(scope: Scope) -> dict[str, int]:
    """What the original skillshare (Go) left in ``scope``'s backups and trash: its backups
    (``backups``: folders of its form; ``backups_readable``: those whose every part is
    folders and files only), their agent parts, and its trash items (``trash_items``:
    skills, restorable; ``trash_agents``: agents, kept)."""
    found = [b for b in list_backups(scope.backups_dir) if backup_original.looks_original(b)]
    readable = [b for b in found if backup_original.is_backup(b) and not any(
        backup_original.read_part(b, p, read=False)[1] for p in backup_original.parts(b)[0])]
    agents = sum(backup_original.is_agents(p) for b in found
                 for p in backup_original.parts(b)[0])
    items = trash.items(scope.trash_dir, tidy=False)
    return {"backups": len(found), "backups_readable": len(readable), "agent_parts": agents,
            "trash_items": sum(i.original for i in items),
            "trash_agents": trash.agent_items(scope.trash_dir)}
