"""The audit's analyzers beyond the rule scan, in one place: those run for each skill
(:func:`skill_findings`) and the one run over all skills of an audit (:func:`bundle_findings`).

Per skill: ``tier`` (the risky mixes of command tiers: :mod:`skillshared.audit.tiers`),
``structure`` (local links that lead nowhere, and too little of the skill readable as text:
:mod:`skillshared.audit.structure`), ``integrity`` (the files against the hashes recorded at
install: :mod:`skillshared.audit.integrity`), ``metadata`` (who SKILL.md says made the skill,
against the repository it came from: :mod:`skillshared.audit.trust`). The skill's tier
profile and analyzability are measured whatever is asked for (the profile only when
``tier`` or ``cross-skill`` runs). An agent (one file) gets its tier profile,
analyzability and tier findings (:func:`agent_findings`). Over all skills: ``cross-skill``
(:mod:`skillshared.audit.crossskill`).

A further per-skill analyzer is one more call in :func:`skill_findings`, its finding ids in
:data:`ANALYZER_OF` and its id in :data:`BUILT`. Only ``audit`` runs these (not the install
gate, not the daemon's continuous audit)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

from skillshared.audit import crossskill, integrity, structure, tiers, trust
from skillshared.audit.crossskill import Capability
from skillshared.audit.findings import Finding
from skillshared.audit.skillwalk import SkillFacts, walk_file, walk_skill
from skillshared.core.config import Config
from skillshared.git.audit_facts import record_findings

TIER, STRUCTURE, CROSS_SKILL = "tier", "structure", "cross-skill"
INTEGRITY, METADATA = "integrity", "metadata"
# the analyzers made here
BUILT = frozenset({TIER, STRUCTURE, CROSS_SKILL, INTEGRITY, METADATA})
ANALYZER_OF: dict[str, str] = {  # each finding id made here: the analyzer that made it
    **dict.fromkeys(tiers.IDS, TIER), **dict.fromkeys(crossskill.IDS, CROSS_SKILL),
    "dangling-link": STRUCTURE, "low-analyzability": STRUCTURE,
    **dict.fromkeys(integrity.RULES, INTEGRITY), **dict.fromkeys(trust.RULES, METADATA)}
CROSS_SKILL_NAME = crossskill.NAME


@dataclass(frozen=True)
class SkillExtras:
    """What the analyzers found of one skill, and what they measured."""
    findings: tuple[Finding, ...]
    facts: SkillFacts


def _tiers(facts: SkillFacts, found: Sequence[Finding]) -> list[Finding]:
    stealth = any(f.rule == "stealth-commands" for f in found)
    return tiers.combination_findings(facts.profile, stealth_reported=stealth)


def _structure(facts: SkillFacts) -> list[Finding]:
    low = structure.low_analyzability(facts.analyzability)
    return [*facts.links, *([low] if low is not None else [])]


def skill_findings(folder: str | Path, name: str, config: Config, *,
                   analyzers: Collection[str], found: Sequence[Finding] = (),
                   skip: AbstractSet[str] = frozenset(),
                   off: AbstractSet[str] = frozenset()) -> SkillExtras:
    """The findings of the per-skill analyzers among ``analyzers`` for the skill ``name`` at
    ``folder`` (``found``: what the rule scan found there; ``skip``: folders of skills nested
    in it; ``off``: finding ids the user turned off). ``config`` is for the analyzers that
    read the install records."""
    del name  # (for the analyzers that need it)
    facts = walk_skill(str(folder), skip, tiers=TIER in analyzers or CROSS_SKILL in analyzers,
                       links=STRUCTURE in analyzers)
    out: list[Finding] = []
    if TIER in analyzers:
        out += _tiers(facts, found)
    if STRUCTURE in analyzers:
        out += _structure(facts)
    # integrity, metadata: the files and SKILL.md against the install records
    out += record_findings(config, folder, integrity=INTEGRITY in analyzers,
                           metadata=METADATA in analyzers)
    # further per-skill analyzers: out += <analyzer>(folder, name, config, ...)
    return SkillExtras(tuple(f for f in out if f.rule not in off), facts)


def agent_findings(path: str, rel: str, *, analyzers: Collection[str],
                   found: Sequence[Finding] = (), off: AbstractSet[str] = frozenset()
                   ) -> SkillExtras:
    """The tier profile, analyzability and tier findings of one agent file (``rel``: its
    path in the agents source), as the original gives a file it audits alone."""
    facts = walk_file(path, rel)
    out = _tiers(facts, found) if TIER in analyzers else []
    return SkillExtras(tuple(f for f in out if f.rule not in off), facts)


def bundle_findings(skills: Sequence[tuple[str, SkillFacts, Sequence[Finding]]], *,
                    analyzers: Collection[str], off: AbstractSet[str] = frozenset()
                    ) -> list[Finding]:
    """The findings over all skills of one audit (each: its name, what the analyzers
    measured of it, and all of its findings), reported as the skill ``_cross-skill``."""
    if CROSS_SKILL not in analyzers:
        return []
    able = [Capability.of(name, facts.profile, found) for name, facts, found in skills]
    return [f for f in crossskill.cross_skill_findings(able) if f.rule not in off]
