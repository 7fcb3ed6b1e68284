"""The continuous audit in the daemon's pass (see :mod:`skillshared.commands.audit_hold`).

Before a pass plans, the skills it looks at that came from outside (installed, tracked,
pulled) are scanned when they changed, and those with a finding at or above the threshold
are left out of what it links until the user accepts them. Right after the pass, the user's
own skills that it looked at are scanned the same way: reported, never held back. Each scan
that finds something at or above the threshold is logged (``audit_findings``: the skill,
its origin, its top severity, the rule ids and file:line of each finding, whether it is held
back); a skill held back is logged once more when it is let through (``audit_released``).
What the last look knew is kept on disk for ``status`` and ``doctor``.

A look that fails (a broken rule file, say) is logged and changes nothing: the skills held
back stay held, and the pass goes on.
"""

from __future__ import annotations

from collections.abc import Iterable

from skillshared.catalog.skills import Discovery
from skillshared.commands.audit_hold import LOCAL, OUTSIDE, Assessment, Assessor, accept_hint
from skillshared.core.config import Config
from skillshared.core.paths import Paths
from skillshared.daemon import logs


class AuditWatch:
    def __init__(self, paths: Paths) -> None:
        self.paths = paths
        self.assessor = Assessor()
        self.last: Assessment | None = None
        self.ms = 0.0  # what the looks of the last pass cost
        self.log = logs.get("audit")

    def before(self, config: Config, discovery: Discovery, names: Iterable[str] | None
               ) -> Discovery:
        """``discovery`` without the skills held back; ``names``: the skills the pass
        looks at (None: every one)."""
        self.ms = 0.0
        found = self._look(config, discovery, names, OUTSIDE)
        if found is None:
            return self.shown(discovery)
        before = self.last.held if self.last else ()
        released = sorted(s.name for s in before
                          if s.rel in found.seen and not found.seen[s.rel].held)
        gone = sorted(s.name for s in before if s.rel not in found.seen)
        if released:
            self.log.info("audit_released", skills=released,
                          summary=f"let through after the audit: {', '.join(released)}")
        if gone:
            self.log.info("audit_gone", skills=gone,
                          summary=f"no longer held back, gone from the source: "
                                  f"{', '.join(gone)}")
        self.last = found
        return found.hold_back(discovery)

    def shown(self, discovery: Discovery) -> Discovery:
        """``discovery`` as the last look leaves it to the targets (the held skills out)."""
        return self.last.hold_back(discovery) if self.last else discovery

    def after(self, config: Config, discovery: Discovery, names: Iterable[str] | None
              ) -> None:
        """Scan the user's own skills that the pass looked at, and report what is found."""
        found = self._look(config, discovery, names, frozenset({LOCAL}))
        if found is not None:
            self.last = found

    def _look(self, config: Config, discovery: Discovery, names: Iterable[str] | None,
              origins: frozenset[str]) -> Assessment | None:
        try:
            found = self.assessor.assess(self.paths, config, discovery,
                                         None if names is None else list(names), origins)
        except Exception as exc:  # the pass goes on; what was held stays held
            self.log.error("audit_failed", error=str(exc), exc_info=exc)
            return None
        self.ms += found.ms
        for rel in found.scanned:
            seen = found.seen.get(rel)
            if seen is None or seen.top is None:
                continue
            rules = sorted({f.split()[-1] for f in seen.findings})
            held = " (held back from the targets)" if seen.held else ""
            self.log.warning("audit_findings", skill=seen.name, path=rel, origin=seen.origin,
                top=seen.top, held=seen.held, rules=rules,
                at=[f.split()[1] for f in seen.findings],
                hint=accept_hint(seen.name) if seen.held else None,
                summary=f"{seen.name}{held}: {seen.top} findings ({', '.join(rules)})")
        return found
