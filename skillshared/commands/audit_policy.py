"""What an ``audit`` run is asked for beyond its names: the output format, the profile, the
threshold, the deduplication and the analyzers, each checked before anything is scanned (a
bad value is a usage error).

Profiles are the original's presets: ``default`` (CRITICAL, global dedupe), ``strict``
(HIGH, global), ``permissive`` (CRITICAL, legacy). ``-T`` wins over the profile, and an
explicit ``--profile`` wins over ``audit.block_threshold`` of the config (the original lets
the config's threshold win over a profile given on the command line, so ``--profile strict``
could quietly block nothing more).

Analyzers: the original's ids are accepted. Each rule belongs to one: ``dataflow`` the rules
fed by the data-flow pass (a credential read in one place and sent in another of a skill:
``credential-flow``), ``structure`` the other rules about what a file is rather than what it
says (links leading out of the skill, programs, archives, encodings: ``scan: file``),
``static`` the rules matched against the files' text. ``tier``, ``structure`` (dangling links,
analyzability) and ``cross-skill`` also run code of their own
(:mod:`skillshared.commands.audit_analyzers`, which names the finding ids each makes). An id
with neither rules nor code here says so when named (``analyzers_missing``) rather than being
ignored. With no ``--analyzer``, the config's ``audit.enabled_analyzers`` chooses.

Dedupe: ``global`` keeps one finding per rule, file, line and matched text (the worst, when
a user rule file gives one twice); ``legacy`` keeps every finding as the scan reports it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skillshared.audit.findings import Finding, rank, threshold
from skillshared.core.config import Config
from skillshared.core.errors import UsageError

if TYPE_CHECKING:
    from skillshared.audit.rules import Rule

FORMATS = ("text", "json", "sarif", "markdown")
PROFILES = {"default": ("CRITICAL", "global"), "strict": ("HIGH", "global"),
            "permissive": ("CRITICAL", "legacy")}
DEDUPES = ("global", "legacy")
# the original's analyzer ids, in its order
ANALYZERS = ("static", "dataflow", "tier", "integrity", "metadata", "structure", "cross-skill")
DATAFLOW_RULES = frozenset({"credential-flow"})


def rule_analyzer(rule_id: str, scan: str) -> str:
    """The original's analyzer id a rule of ours belongs to."""
    from skillshared.commands.audit_analyzers import ANALYZER_OF  # (not for `status`)
    if rule_id in DATAFLOW_RULES:
        return "dataflow"
    if rule_id in ANALYZER_OF:
        return ANALYZER_OF[rule_id]
    return "structure" if scan == "file" else "static"


@dataclass(frozen=True)
class Policy:
    format: str
    profile: str
    threshold: str
    dedupe: str
    analyzers: tuple[str, ...]  # asked for (all, when none was named)
    all_analyzers: bool


def _choice(raw: str | None, options: Iterable[str], flag: str, default: str) -> str:
    if raw is None:
        return default
    value, known = raw.strip().lower(), list(options)
    if value not in known:
        raise UsageError(f"invalid {flag} {raw!r}: must be one of {', '.join(known)}")
    return value


def _analyzers(raw: list[str]) -> tuple[str, ...]:
    chosen: list[str] = []
    for item in raw:
        for word in filter(None, (w.strip().lower() for w in item.split(","))):
            if word not in ANALYZERS:
                raise UsageError(f"invalid --analyzer {word!r}: must be one of "
                                 f"{', '.join(ANALYZERS)}")
            chosen.append(word)
    return tuple(dict.fromkeys(chosen))


@dataclass(frozen=True)
class Defaults:
    """What the config says (the command line wins over each): ``audit.block_threshold``
    (with ``audit.profile``'s threshold already in it when it is not set), the profile, the
    dedupe mode and the analyzers. A value the config check already warned about is not
    used."""
    threshold: str = "CRITICAL"
    profile: str | None = None
    dedupe: str | None = None
    analyzers: tuple[str, ...] = ()


def resolve(fmt: str | None, profile: str | None, level: str | None, dedupe: str | None,
            analyzers: list[str], config: Defaults) -> Policy:
    """The policy from the command line's values (None: not given) over the config's;
    raises :class:`UsageError` naming a bad value of the command line."""
    out = _choice(fmt, FORMATS, "--format", "text")
    name = _choice(profile, PROFILES, "--profile", config.profile if config.profile in
                   PROFILES else "default")
    preset_level, preset_dedupe = PROFILES[name]
    base = preset_level if profile is not None else config.threshold
    mode = config.dedupe if config.dedupe in DEDUPES else preset_dedupe
    chosen = _analyzers(analyzers) or tuple(a for a in config.analyzers if a in ANALYZERS)
    every = not chosen
    named = chosen or tuple(ANALYZERS)
    return Policy(out, name, threshold(level, base),
                  _choice(dedupe, DEDUPES, "--dedupe", mode), named, every)


def select_rules(rules: list[Rule], policy: Policy) -> list[Rule]:
    """The rules the chosen analyzers run."""
    if policy.all_analyzers:
        return rules
    return [r for r in rules if rule_analyzer(r.id, r.scan) in policy.analyzers]


def analyzers_here(rules: list[Rule]) -> list[str]:
    """The analyzer ids some of ``rules`` belong to, or that run code of their own here, in
    the original's order."""
    from skillshared.commands.audit_analyzers import BUILT
    found = {rule_analyzer(r.id, r.scan) for r in rules} | BUILT
    return [a for a in ANALYZERS if a in found]


def missing(policy: Policy, rules: list[Rule]) -> list[str]:
    """The analyzers asked for by name that have neither rules nor code here (nothing is
    checked for them)."""
    here = set(analyzers_here(rules))
    return [] if policy.all_analyzers else [a for a in policy.analyzers if a not in here]


_SPACES = re.compile(r"\s+")


def dedupe(findings: list[Finding], mode: str) -> list[Finding]:
    """``global``: one finding per (rule, file, line, matched text with its white space
    squeezed), the worst one, in the order first seen; ``legacy``: as they are."""
    if mode != "global":
        return findings
    kept: dict[tuple[str, str, int, str], Finding] = {}
    for f in findings:
        key = (f.rule, f.path, f.line, _SPACES.sub(" ", f.excerpt.strip()))
        if key not in kept or rank(f.severity) < rank(kept[key].severity):
            kept[key] = f
    return list(kept.values())


def config_defaults(config: Config) -> Defaults:
    """The config's threshold (its ``audit.profile``'s when it sets none), profile,
    ``audit.dedupe_mode`` and ``audit.enabled_analyzers`` (values the config check warned
    about are passed on and left unused by :func:`resolve`)."""
    section = config.document.get("audit")
    section = section if isinstance(section, dict) else {}
    wanted = section.get("enabled_analyzers")
    names = tuple(str(a) for a in wanted) if isinstance(wanted, list) else ()
    profile, dedupe = section.get("profile"), section.get("dedupe_mode")
    return Defaults(config.audit_threshold, str(profile) if profile else None,
                    str(dedupe).lower() if dedupe else None, names)
