"""The daemon's live state: the config in force, the last discovery, and the reconcile pass
that the worker runs for each batch of hints (README, "The daemon": sync without --force and without
backups, on the affected skills and targets)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from skillshared.catalog import skills
from skillshared.catalog.rediscover import rediscover
from skillshared.catalog.skills import Discovery
from skillshared.commands import restore
from skillshared.core import config_file, timefmt
from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths
from skillshared.core.results import SyncReport
from skillshared.core.results_daemon import (
    ConfigError,
    ErrorAt,
    HeldTarget,
    ReconcilePass,
    TargetChange,
    TargetConflict,
)
from skillshared.daemon import kinds, logs, logtext
from skillshared.daemon.audit_watch import AuditWatch
from skillshared.daemon.debounce import Batch
from skillshared.daemon.process import give_back_memory
from skillshared.daemon.roots import (
    AGENT_TARGET,
    AGENTS,
    CONFIG,
    EXTRA,
    EXTRA_TARGET,
    SOURCE,
    TARGET,
    Root,
)
from skillshared.engine import reconcile, reports
from skillshared.engine.groups import build_groups
from skillshared.engine.observe import DigestCache

MAX_SHOWN_CHANGES = 50


def _target_root(kind: str, path: Path, mode: str, name: str) -> Root:
    """A target folder's root: its entries (flat), or in symlink mode the link itself."""
    entry = path.name if mode == "symlink" else None
    return Root(kind, str(path), entry=entry, target=name)


def now_iso() -> str:
    """Now, as every time in the daemon's status is written (:mod:`skillshared.core.timefmt`)."""
    return timefmt.now()


class Reconciler:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.scope = paths.global_scope()
        self.config: Config | None = None
        self.config_error: ConfigError | None = None
        self.discovery: Discovery | None = None
        self.last: ReconcilePass | None = None
        self.last_change: ReconcilePass | None = None  # the last pass that changed something
        self.last_error: ErrorAt | None = None
        self.passes = 0
        self.generation = 0  # bumped whenever a new config comes into force
        # Targets whose pruning the mass-delete guard holds back, by name (see _held_after).
        self.held: dict[str, HeldTarget] = {}
        self._cache: tuple[Config, DigestCache] | None = None
        self.log = logs.get("reconcile")
        self.audit = AuditWatch(paths)

    # -- config ---------------------------------------------------------------------------
    def load_config(self) -> bool:
        """Read the config file; True when the config in force changed. An invalid file is
        refused: the previous config stays in force and the error is kept for `status`."""
        try:
            new = config_file.load(self.scope)
        except SkillshareError as exc:
            self.config_error = {"at": now_iso(), "message": exc.message, "hint": exc.hint,
                                 "details": exc.details}
            self.log.error("config_refused", error=exc.message, details=exc.details,
                           kept="previous config" if self.config else "no config")
            return False
        self.config_error = None
        if new == self.config:
            return False
        self.log.info("config_loaded", file=str(self.scope.config_file),
                      targets=[t.name for t in new.targets], source=str(new.source))
        self.config = new
        self.discovery = None
        self.generation += 1
        return True

    def roots(self) -> list[Root]:
        config_file = str(self.scope.config_file)
        roots = [Root(CONFIG, config_file, entry=os.path.basename(config_file))]
        config = self.config
        if config is None:
            return roots
        roots.append(Root(SOURCE, str(config.source), recursive=True))
        roots.append(Root(AGENTS, str(config.agents), recursive=True))
        roots += [Root(EXTRA, str(e.source), recursive=True, target=e.name)
                  for e in config.extras]
        if config.daemon.watch_targets:
            for target in config.targets:
                roots.append(_target_root(TARGET, target.path, target.mode, target.name))
                if target.agents is not None:
                    roots.append(_target_root(AGENT_TARGET, target.agents.path,
                                              target.agents.mode, target.name))
            roots += [_target_root(EXTRA_TARGET, t.path, t.mode, e.name)
                      for e in config.extras for t in e.targets]
        return roots

    def optional_folders(self) -> set[str]:
        """The watched folders of agents and extras (sources and targets): most users have
        none of them, so their absence is normal."""
        return {r.folder() for r in self.roots() if r.kind in (AGENTS, AGENT_TARGET, EXTRA,
                                                                 EXTRA_TARGET)}

    # -- reconcile ------------------------------------------------------------------------
    def run(self, batch: Batch) -> ReconcilePass | None:
        started = time.monotonic()
        if (batch.config or self.config is None) and self.load_config():
            batch.want_full("config changed")
        config = self.config
        if config is None:
            return None
        try:
            full = batch.full or self.discovery is None
            if full:
                for item in restore.recover(config):
                    self.log.warning("interrupted_work_finished", **item,
                                     summary=f"{item['target']}: {item['action']}")
                discovery = skills.discover(config.source)
                reports = [reconcile.sync(config, self.audit.before(config, discovery, None),
                                          max_changes=MAX_SHOWN_CHANGES)]
                self.audit.after(config, discovery, None)
                looked_at, looked = len(discovery.skills), list[str]()
            else:
                reports, discovery, looked = self._partial(config, batch)
                looked_at = len(looked)
            others = kinds.passes(config, full=full, agents=batch.agents, extras=batch.extras,
                                  max_changes=MAX_SHOWN_CHANGES)
        except Exception as exc:  # logged and shown in status; the daemon carries on
            self.discovery = None  # start from the disk next time
            self.last_error = {"at": now_iso(), "message": f"reconcile failed: {exc}"}
            self.log.exception("reconcile_failed", error=str(exc))
            return None
        self.discovery = discovery
        guarded = self._held_after(config, self.audit.shown(discovery), reports, full)
        guarded += sorted(t["name"] for r in others for t in r["targets"] if t["guard"])
        done = self._record(batch, full, reports + others, looked_at, looked, started,
                            guarded)
        if full:
            give_back_memory()
        return done

    # -- pruning held back ----------------------------------------------------------------
    def _held_after(self, config: Config, discovery: Discovery, reports: list[SyncReport],
                    full: bool) -> list[str]:
        """Bring ``self.held`` up to date after a pass; returns the targets whose pruning this
        pass held back. A target is looked at again in full (a dry plan: nothing changes)
        when this pass held its pruning back (to count what is kept), and after every pass
        while it stays held, unless a full pass went through without holding it back: a
        partial pass sees only some names, and the skills may have come back, or a forced
        sync may have pruned them, in the meantime."""
        known = {t.name for t in config.targets}
        seen = {t["name"]: t for report in reports for t in report["targets"]}
        guarded = sorted(name for name, t in seen.items() if t["guard"])
        held = {name: h for name, h in self.held.items() if name in known}
        for name in seen.keys() & held.keys():
            if full and not seen[name]["guard"]:
                del held[name]  # a full pass that did not hold back pruned what it had to
        again = sorted(set(guarded) | held.keys())
        if again:
            try:
                found = self._look_again(config, discovery, again)
            except Exception as exc:  # the pass itself is done; what is held stays as known
                self.log.warning("pruning_held_unknown", targets=again, error=repr(exc),
                                 exc_info=exc)
            else:
                for name in again:
                    if name in found:
                        found[name]["since"] = held.get(name, found[name])["since"]
                        held[name] = found[name]
                    else:
                        held.pop(name, None)
        cleared = sorted(self.held.keys() - held.keys())
        self.held = held
        if cleared:
            self.log.info("pruning_no_longer_held", targets=cleared,
                          summary=f"pruning no longer held back in {', '.join(cleared)}")
        if guarded:
            kept = {name: held[name]["held"] for name in guarded if name in held}
            hints = sorted({h["hint"] for name, h in held.items()
                            if name in guarded and h["hint"] is not None})
            why = "; ".join(sorted({seen[n]["guard"] or "" for n in guarded}))
            self.log.warning("pruning_held", targets=guarded, held=kept,
                             entries=sum(kept.values()), guard=why, hint="; ".join(hints) or None,
                             summary=logtext.describe_hold(guarded, kept, "; ".join(hints) or why))
        return guarded

    def _look_again(self, config: Config, discovery: Discovery,
                    names: list[str]) -> dict[str, HeldTarget]:
        """A dry plan of the targets ``names`` (with the targets sharing their folders)."""
        if self._cache is None or self._cache[0] is not config:
            self._cache = (config, DigestCache(config.copy_ignore(), config.limits))
        cache = self._cache[1]
        found: dict[str, HeldTarget] = {}
        for group in build_groups(config, discovery):
            if not any(t.name in names for t in group.targets):
                continue
            run = reconcile.plan_group(group, config, cache, force=False)
            if run.plan.guard:
                found[group.name] = {
                    "target": group.name, "also": [t.name for t in group.targets[1:]],
                    "held": len(run.plan.held), "guard": run.plan.guard,
                    "hint": reports.guard_hint(run.plan.guard), "since": now_iso()}
        return found

    def _partial(self, config: Config, batch: Batch
                 ) -> tuple[list[SyncReport], Discovery, list[str]]:
        assert self.discovery is not None
        discovery, affected = rediscover(self.discovery, batch.source)
        names = set(affected)
        whole = set()
        for target, entries in batch.targets.items():
            if "" in entries:
                whole.add(target)
            names |= entries - {""}
        known = {t.name for t in config.targets}
        reports = []
        shown = self.audit.before(config, discovery, names)
        if whole & known:
            reports.append(reconcile.sync(config, shown, only=sorted(whole & known),
                                          max_changes=MAX_SHOWN_CHANGES))
        if names:
            reports.append(reconcile.sync(config, shown, names=sorted(names),
                                          max_changes=MAX_SHOWN_CHANGES))
        self.audit.after(config, discovery, names)
        return reports, discovery, sorted(names)

    def _record(self, batch: Batch, full: bool, reports: list[SyncReport], looked_at: int,
                looked: list[str], started: float, guarded: list[str]) -> ReconcilePass:
        """``looked_at``: how many skills the pass looked at; ``looked``: which (a partial
        pass's; a full pass names none)."""
        changes: list[TargetChange] = []
        conflicts: list[TargetConflict] = []
        errors, changed, conflicted = [], 0, 0
        for report in reports:
            for target in report["targets"]:
                name = target["name"]
                changed += target["changed"]
                conflicted += len(target["conflicts"])
                changes += ({"target": name, **c}
                            for c in target["changes"][:MAX_SHOWN_CHANGES - len(changes)])
                conflicts += ({"target": name, **c}
                              for c in target["conflicts"][:MAX_SHOWN_CHANGES - len(conflicts)])
                if target["error"]:
                    errors.append(f"{name}: {target['error']}")
        ms = round((time.monotonic() - started) * 1000, 2)
        self.passes += 1
        self.last = {
            "at": now_iso(), "kind": "full" if full else "partial", "ms": ms,
            "skills": looked_at, "looked": looked[:MAX_SHOWN_CHANGES],
            "targets": len({t["name"] for r in reports
                                                 for t in r["targets"]}),
            "reasons": sorted(batch.reasons), "changed": changed,
            "changes": changes, "conflicts": conflicts, "conflicted": conflicted,
            "errors": errors,
            "held_back": guarded,
            "held": [self.held[name] for name in sorted(self.held)],
        }
        if changed:
            self.last_change = self.last
        if errors:
            self.last_error = {"at": self.last["at"], "message": "; ".join(errors)}
        words = logtext.describe_pass(reports, guarded)
        log = self.log.warning if errors or conflicted or guarded else self.log.info
        log("reconcile", kind=self.last["kind"], ms=ms, skills=looked_at,
            targets=self.last["targets"], changed=changed, conflicts=conflicted,
            errors=errors or None, reasons=self.last["reasons"] or None,
            held_back=guarded or None, audit_ms=self.audit.ms, **words.fields)
        for conflict in words.conflicts:
            self.log.warning("conflict", **conflict, summary=logtext.conflict_words(
                conflict["target"], conflict["skill"], conflict["reason"]))
        return self.last
