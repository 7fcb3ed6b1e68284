"""What ``status``, ``diff`` and ``doctor`` show of the continuous audit (see
:mod:`skillshared.commands.audit_hold`): read from what the last look kept, never scanned
here, so they cost a small file read."""

from __future__ import annotations

import time
from collections.abc import Callable

from skillshared.catalog.skills import Discovery
from skillshared.commands.audit_hold import Assessment, flagged_items, held_reason, verdict
from skillshared.commands.results_audit_hold import FlaggedSkill
from skillshared.core.config import Config
from skillshared.store.audit_accepts import read_accepted, read_notable


def known(config: Config) -> Assessment:
    """The skills with findings at or above the threshold as last seen, held back or not by
    the acceptances as they are now."""
    return verdict(read_notable(config.scope), read_accepted(config.scope), (),
                   time.monotonic())


def held_back(config: Config, discovery: Discovery) -> Discovery:
    """``discovery`` without the skills the audit holds back (as a sync leaves them out)."""
    return known(config).hold_back(discovery)


def audit_findings(config: Config) -> list[FlaggedSkill]:
    """``status``: each skill with findings at or above the threshold, held back first."""
    found = known(config)
    return flagged_items((*found.held, *found.flagged))


def check_audit(add: Callable[..., None], config: Config) -> None:
    """``doctor``: a warning naming each skill with findings at or above the threshold
    (nothing when there is none)."""
    found = known(config)
    if not found.held and not found.flagged:
        return
    details = [f"{s.rel}: {held_reason(s)}" for s in found.held]
    details += [f"{s.rel}: {s.top} ({s.origin}; reported, not held back): "
                f"{', '.join(s.findings)}" for s in found.flagged]
    held = f", {len(found.held)} held back from the targets" if found.held else ""
    add("audit", "warning", f"{len(found.held) + len(found.flagged)} skills with findings at "
        f"or above {config.audit_threshold}{held}", details,
        "read them with `skillshare audit <skill>`; accept one from outside with "
        "`skillshare audit accept <skill>`" if found.held else
        "read them with `skillshare audit <skill>`")
