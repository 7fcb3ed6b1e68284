"""The daemon's scheduled jobs besides the rescan: pull the source, update tracked repos,
back up the targets, clean up old backups and the trash. Each returns the words its status
shows (``last_summary``); a job that changed the source asks for a full pass."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from skillshared.commands import audit_hold
from skillshared.commands.request import Request
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths
from skillshared.core.results_daemon import ReconcilePass
from skillshared.daemon.debounce import Batch
from skillshared.daemon.reconciler import Reconciler
from skillshared.git import gitops, gitsync
from skillshared.store import backup_cleanup, backup_write, trash


class Jobs:
    def __init__(self, paths: Paths, reconciler: Reconciler,
                 reconcile: Callable[[Batch], ReconcilePass | None]) -> None:
        self.paths = paths
        self.reconciler = reconciler
        self._reconcile = reconcile

    def pull(self) -> str:
        """The scheduled pull: fetch and fast-forward the source, then a full pass. A dirty
        or diverged source is skipped, with the reason (it is the user's to sort out)."""
        config = self.reconciler.config
        if config is None:
            return "no config"
        try:
            pulled = gitsync.pull_source(config, self.paths.env)
        except gitops.GitError:
            raise
        except SkillshareError as exc:
            return f"skipped: {exc.message}"
        if pulled["before"] != pulled["after"]:
            audit_hold.note_pull(config, self.paths.env, pulled)
            batch = Batch()
            batch.want_full("pulled from the git remote")
            held = _held_back(self._reconcile(batch))
            return f"pulled {pulled['commits']} commits and synced{held}"
        return str(pulled["status"])

    def update(self) -> str:
        """The scheduled update of tracked repos: fast-forward only, audit-gated (a blocked
        update is rolled back), a repo with local changes left alone; then a full pass."""
        if self.reconciler.config is None:
            return "no config"
        from skillshared.commands import updatecmd

        result = updatecmd.cmd_update(Request(self.paths, {"all": True,
                                                              "kind": "repo"}))
        counts = Counter(r["status"] for r in result["items"])
        held = ""
        if counts["updated"]:
            batch = Batch()
            batch.want_full("tracked repos updated")
            held = _held_back(self._reconcile(batch))
        done = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return (done or "no repos") + held

    def backup(self) -> str:
        """The scheduled backup: every target that changed since its latest backup."""
        config = self.reconciler.config
        if config is None:
            return "no config"
        written = backup_write.write(config, config.targets)
        counts = Counter(r.status for r in written.results)
        if written.error or counts["failed"]:
            failed = [f"{r.target}: {r.error}" for r in written.results if r.status == "failed"]
            raise SkillshareError(f"backup failed: {written.error or '; '.join(failed)}")
        return (f"{counts['created']} backed up, {counts['unchanged']} unchanged, "
                f"{counts['missing'] + counts['empty']} empty or missing")

    def cleanup(self) -> str:
        """Backup retention and trash expiry."""
        config = self.reconciler.config
        if config is None:
            return "no config"
        result = backup_cleanup.cleanup(config)
        expired = trash.expire(config.scope.trash_dir, config.trash_retention_days,
                               kinds=trash.KINDS)
        return (f"{len(result['removed'])} old backups removed, {len(expired)} trash items "
                "expired")



def _held_back(record: Mapping[str, Any] | None) -> str:
    """What a job's summary adds when its pass held pruning back."""
    if record and record.get("held_back"):
        return f"; pruning held back on {', '.join(record['held_back'])}"
    return ""
