"""The audit rules as data: ``data/audit-rules.yaml`` (shipped) and rule files of this tool's
format merged onto them (a rule with a known id replaces it, ``enabled: false`` turns it
off, a new id adds one). User rule files of both formats are read by
:mod:`skillshared.audit.rulefiles`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from skillshared.audit.prefilter import led, parse, pattern_needs
from skillshared.core import yamlio
from skillshared.core.config import SEVERITIES
from skillshared.core.errors import ConfigError

RULES_FILE = "audit-rules.yaml"
SCANS = ("text", "raw", "squashed", "file")
_RULE_KEYS = {"id", "family", "severity", "pattern", "message", "ignore_case", "exclude",
              "enabled", "scan"}

TOO_LARGE = "too-large-to-scan"  # the rule of a file over MAX_FILE_BYTES


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    pattern: re.Pattern[str]
    message: str
    exclude: re.Pattern[str] | None = None
    scan: str = "text"  # one of SCANS
    # words (folded) one of which any match holds; None: no such words are known
    needs: tuple[frozenset[str], ...] | None = None


# -- rules ------------------------------------------------------------------------------------


def make_rule(rule_id: str, family: str, severity: str, pattern: str, message: str, *,
              flags: int = re.IGNORECASE, exclude: str | None = None,
              exclude_flags: int = re.IGNORECASE, scan: str = "text") -> Rule:
    """A rule from its parts (``severity`` one of SEVERITIES, ``scan`` one of SCANS); raises
    :class:`re.error` when ``pattern`` or ``exclude`` is not a regular expression."""
    tree = parse(pattern, flags)
    compiled = led(pattern, flags, tree) if scan != "file" else re.compile(pattern, flags)
    skip = re.compile(exclude, exclude_flags) if exclude is not None else None
    return Rule(rule_id, family, severity, compiled, message or rule_id, skip, scan,
                pattern_needs(tree))


def _compile(raw: Mapping[str, Any], where: str, problems: list[str]) -> Rule | None:
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(unknown)}")
    rule_id, severity = raw.get("id"), raw.get("severity")
    pattern, message = raw.get("pattern"), raw.get("message", "")
    scan = raw.get("scan", "text")
    if not isinstance(rule_id, str) or not rule_id:
        problems.append(f"{where}.id: must be a name")
        return None
    if not isinstance(severity, str) or severity.upper() not in SEVERITIES:
        problems.append(f"{where}.severity: must be one of {', '.join(SEVERITIES)}")
        return None
    if not isinstance(pattern, str) or not isinstance(message, str):
        problems.append(f"{where}: pattern and message must be text")
        return None
    if scan not in SCANS:
        problems.append(f"{where}.scan: must be one of {', '.join(SCANS)}")
        return None
    exclude = raw.get("exclude")
    try:
        return make_rule(rule_id, str(raw.get("family", "custom")), severity.upper(), pattern,
                         message, flags=re.IGNORECASE if raw.get("ignore_case", True) else 0,
                         exclude=exclude if isinstance(exclude, str) else None, scan=scan)
    except re.error as exc:
        problems.append(f"{where}.pattern: not a valid regular expression: {exc}")
        return None


@dataclass
class RuleState:
    """The rules as the rule files read so far leave them: every rule by id (the shipped
    ones first), and the ids turned off."""

    shipped: dict[str, Rule]
    rules: dict[str, Rule] = field(default_factory=dict)
    off: set[str] = field(default_factory=set)

    def active(self) -> list[Rule]:
        return [r for rule_id, r in self.rules.items() if rule_id not in self.off]


def merge(state: RuleState, doc: Any, origin: str, problems: list[str]) -> None:
    """Apply a rule file of this tool's format: a rule with a known id replaces it
    (``enabled: false`` turns it off), a new id adds one."""
    if not isinstance(doc, Mapping) or not isinstance(doc.get("rules"), list):
        problems.append(f"{origin}: must be a mapping with a list of `rules`")
        return
    for index, raw in enumerate(doc["rules"]):
        where = f"{origin}: rules[{index}]"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        if raw.get("enabled", True) is False and isinstance(raw.get("id"), str):
            state.off.add(raw["id"])
            continue
        rule = _compile(raw, where, problems)
        if rule is not None:
            state.rules[rule.id] = rule
            state.off.discard(rule.id)


_SHIPPED: list[dict[str, Rule]] = []  # the built-in rules, read once per process


def shipped_rules() -> RuleState:
    """The built-in rules (``data/audit-rules.yaml``), read and compiled once (an install
    audits each skill it brings in: 800 skills read the file 800 times before), in a state
    of its own for the caller to merge rule files into."""
    if not _SHIPPED:
        problems: list[str] = []
        state = RuleState({})
        builtin = resources.files("skillshared").joinpath("data", RULES_FILE).read_text(
            "utf-8")
        merge(state, yamlio.load(builtin, RULES_FILE), RULES_FILE, problems)
        if problems:  # pragma: no cover - the shipped file is tested
            raise ConfigError("the built-in audit rules are broken", details=problems)
        _SHIPPED[:] = [state.rules]
    rules = _SHIPPED[0]
    return RuleState(dict(rules), dict(rules))


def load_rules() -> list[Rule]:
    """The built-in rules (with the user's: :func:`skillshared.audit.rulefiles.load_rule_set`,
    which reads rule files of this tool's format and of the original skillshare's)."""
    return shipped_rules().active()

