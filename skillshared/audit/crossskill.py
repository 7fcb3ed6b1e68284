"""Risks across skills: two skills, each harmless enough alone, that together make a chain
(one reads credentials, another can send them off). Run once over the skills of an audit; the
findings are reported under the name ``_cross-skill``.

What each skill can do comes from its audit: its tier profile (network, privilege, stealth,
interpreter commands) and its findings (credential reads: the rules that read or send key
and secret files, and the data-flow rule; anything at HIGH or worse). A pair counts only when
each skill lacks what the other brings (a skill that both reads credentials and has network
commands is the per-skill audit's business):

- ``cross-skill-exfiltration`` HIGH: one reads credentials, another (without) has network;
- ``cross-skill-privilege-network`` MEDIUM: one has privilege commands, another network;
- ``cross-skill-stealth`` HIGH: a skill with stealth commands beside one with a finding at
  HIGH or worse (not the same skill alone);
- ``cross-skill-cred-interpreter`` MEDIUM: one reads credentials, another (without network)
  has interpreter commands.

One finding per id, naming the skills on each side (five at most, then how many more)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from skillshared.audit.findings import Finding, rank
from skillshared.audit.tiers import INTERPRETER, NETWORK, PRIVILEGE, STEALTH, TierProfile

NAME = "_cross-skill"
FAMILY = "cross-skill"
IDS = ("cross-skill-exfiltration", "cross-skill-privilege-network", "cross-skill-stealth",
       "cross-skill-cred-interpreter")
CREDENTIAL_READS = frozenset({"read-ssh-keys", "read-secret-files", "credential-file-sent",
                              "link-to-credentials", "credential-flow"})
MOST_NAMES = 5


@dataclass(frozen=True)
class Capability:
    """What one skill can do, as its audit found."""
    name: str
    credentials: bool
    network: bool
    privilege: bool
    stealth: bool
    interpreter: bool
    high: bool

    @classmethod
    def of(cls, name: str, profile: TierProfile, findings: Iterable[Finding]) -> Capability:
        found = list(findings)
        return cls(name, any(f.rule in CREDENTIAL_READS for f in found), profile.has(NETWORK),
                   profile.has(PRIVILEGE), profile.has(STEALTH), profile.has(INTERPRETER),
                   any(rank(f.severity) <= rank("HIGH") for f in found))


def names(found: Sequence[str]) -> str:
    ordered = sorted(found)
    more = len(ordered) - MOST_NAMES
    return ", ".join(ordered[:MOST_NAMES]) + (f" and {more} more" if more > 0 else "")


def _finding(rule: str, severity: str, message: str, sides: tuple[list[str], list[str]]
             ) -> Finding:
    return Finding(".", 0, rule, FAMILY, severity, message,
                   f"{names(sides[0])} x {names(sides[1])}")


def cross_skill_findings(skills: Sequence[Capability]) -> list[Finding]:
    """The findings over all ``skills`` of one audit (none for fewer than two)."""
    if len(skills) < 2:
        return []
    creds = [s.name for s in skills if s.credentials and not s.network]
    sends = [s.name for s in skills if s.network and not s.credentials]
    privileged = [s.name for s in skills if s.privilege and not s.network]
    online = [s.name for s in skills if s.network and not s.privilege]
    stealthy = [s.name for s in skills if s.stealth]
    risky = [s.name for s in skills if s.high]
    running = [s.name for s in skills if s.interpreter and not s.network]
    out = []
    if creds and sends:
        out.append(_finding("cross-skill-exfiltration", "HIGH", f"credentials read by "
                            f"{names(creds)} could be sent off by {names(sends)} (network "
                            "commands)", (creds, sends)))
    if privileged and online:
        out.append(_finding("cross-skill-privilege-network", "MEDIUM", f"privilege commands "
                            f"in {names(privileged)} beside network commands in "
                            f"{names(online)}", (privileged, online)))
    if stealthy and risky and not (len(stealthy) == len(risky) == 1 and stealthy == risky):
        out.append(_finding("cross-skill-stealth", "HIGH", f"a skill that hides its traces "
                            f"({names(stealthy)}) beside a high-risk one ({names(risky)})",
                            (stealthy, risky)))
    if creds and running:
        out.append(_finding("cross-skill-cred-interpreter", "MEDIUM", f"credentials read by "
                            f"{names(creds)} could be processed by the interpreters of "
                            f"{names(running)}", (creds, running)))
    return out
