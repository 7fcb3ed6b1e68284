"""Risks across skills (README "The audit"): each of the four pairs with an example it must
report and a near miss it must not; a skill with both sides is not a pair."""

from __future__ import annotations

from skillshared.audit.crossskill import Capability, cross_skill_findings, names
from skillshared.audit.findings import Finding
from skillshared.audit.tiers import LABELS, TierProfile


def _skill(name: str, *tiers: str, rules: tuple[str, ...] = (), severity: str = "MEDIUM"
           ) -> Capability:
    counts = tuple(int(label in tiers) for label in LABELS)
    found = [Finding("a.sh", 1, r, "x", severity, "m", "e") for r in rules]
    return Capability.of(name, TierProfile(counts), found)


READER = _skill("reader", rules=("read-ssh-keys",))
SENDER = _skill("sender", "network")
BOTH = _skill("both", "network", rules=("credential-flow",))


def _ids(*skills: Capability) -> dict[str, str]:
    return {f.rule: f.severity for f in cross_skill_findings(list(skills))}


def test_exfiltration_needs_a_reader_and_another_sender() -> None:
    assert _ids(READER, SENDER) == {"cross-skill-exfiltration": "HIGH"}
    found = cross_skill_findings([READER, SENDER])[0]
    assert "reader" in found.message and "sender" in found.message
    assert (found.path, found.line, found.family) == (".", 0, "cross-skill")
    assert _ids(BOTH, _skill("plain")) == {}  # one skill with both: its own audit's business
    assert _ids(READER) == {}  # one skill is no pair


def test_privilege_beside_network() -> None:
    assert _ids(_skill("root", "privilege"), SENDER) == {
        "cross-skill-privilege-network": "MEDIUM"}
    assert _ids(_skill("root", "privilege", "network"), _skill("plain")) == {}


def test_stealth_beside_high_risk() -> None:
    hider = _skill("hider", "stealth")
    risky = _skill("risky", rules=("sudo",), severity="HIGH")
    assert _ids(hider, risky) == {"cross-skill-stealth": "HIGH"}
    alone = _skill("hider", "stealth", rules=("stealth-commands",), severity="CRITICAL")
    assert _ids(alone, _skill("plain")) == {}  # the same skill on both sides
    assert _ids(hider, _skill("calm", rules=("external-link",), severity="LOW")) == {}


def test_credentials_beside_an_interpreter() -> None:
    runner = _skill("runner", "interpreter")
    assert _ids(READER, runner) == {"cross-skill-cred-interpreter": "MEDIUM"}
    assert _ids(READER, _skill("runner", "interpreter", "network")) == {
        "cross-skill-exfiltration": "HIGH"}  # with network it is the sender


def test_names_are_sorted_and_cut_at_five() -> None:
    assert names(["f", "b", "a", "e", "d", "c", "g"]) == "a, b, c, d, e and 2 more"
