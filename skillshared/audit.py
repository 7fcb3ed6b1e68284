"""The security audit (SPEC §8): rules as data, a scan of a skill's text files, findings.

Rules come from ``data/audit-rules.yaml`` (shipped), then the user's
``<config dir>/audit-rules.yaml``, then a project's ``.skillshare/audit-rules.yaml``: a rule
with a known id replaces it (``enabled: false`` turns it off), a new id adds one. Each rule's
pattern is matched against each line of each text file (binaries, ``.git`` and files over
1 MiB are skipped; links are not followed).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from skillshared import yamlio
from skillshared.config import SEVERITIES
from skillshared.errors import ConfigError, UsageError

MAX_FILE_BYTES = 1 << 20
RULES_FILE = "audit-rules.yaml"
SHORT = {"c": "CRITICAL", "crit": "CRITICAL", "h": "HIGH", "m": "MEDIUM", "med": "MEDIUM",
         "l": "LOW", "i": "INFO"}
_RULE_KEYS = {"id", "family", "severity", "pattern", "message", "ignore_case", "exclude",
              "enabled"}


def rank(severity: str) -> int:
    """CRITICAL 0 … INFO 4 (lower is worse)."""
    return SEVERITIES.index(severity)


def threshold(raw: str | None, default: str) -> str:
    """A severity from ``-T`` (a name in any case, or c, crit, h, m, med, l, i)."""
    if raw is None:
        return default
    value = SHORT.get(raw.lower(), raw.upper())
    if value not in SEVERITIES:
        raise UsageError(f"invalid threshold {raw!r}: must be one of "
                         f"{', '.join(s.lower() for s in SEVERITIES)} (or c, h, m, l, i)")
    return value


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    pattern: re.Pattern[str]
    message: str
    exclude: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Finding:
    path: str  # relative to what was scanned
    line: int
    rule: str
    family: str
    severity: str
    message: str
    excerpt: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _compile(raw: Mapping[str, Any], where: str, problems: list[str]) -> Rule | None:
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        problems.append(f"{where}: unknown keys {', '.join(unknown)}")
    rule_id, severity = raw.get("id"), raw.get("severity")
    pattern, message = raw.get("pattern"), raw.get("message", "")
    if not isinstance(rule_id, str) or not rule_id:
        problems.append(f"{where}.id: must be a name")
        return None
    if not isinstance(severity, str) or severity.upper() not in SEVERITIES:
        problems.append(f"{where}.severity: must be one of {', '.join(SEVERITIES)}")
        return None
    if not isinstance(pattern, str) or not isinstance(message, str):
        problems.append(f"{where}: pattern and message must be text")
        return None
    flags = re.IGNORECASE if raw.get("ignore_case", True) else 0
    try:
        compiled = re.compile(pattern, flags)
        exclude = raw.get("exclude")
        skip = re.compile(exclude, re.IGNORECASE) if isinstance(exclude, str) else None
    except re.error as exc:
        problems.append(f"{where}.pattern: not a valid regular expression: {exc}")
        return None
    return Rule(rule_id, str(raw.get("family", "custom")), severity.upper(), compiled,
                message or rule_id, skip)


def _merge(rules: dict[str, Rule | None], doc: Any, origin: str, problems: list[str]) -> None:
    if not isinstance(doc, Mapping) or not isinstance(doc.get("rules"), list):
        problems.append(f"{origin}: must be a mapping with a list of `rules`")
        return
    for index, raw in enumerate(doc["rules"]):
        where = f"{origin}: rules[{index}]"
        if not isinstance(raw, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        if raw.get("enabled", True) is False and isinstance(raw.get("id"), str):
            rules[raw["id"]] = None
            continue
        rule = _compile(raw, where, problems)
        if rule is not None:
            rules[rule.id] = rule


def load_rules(extra: Iterable[Path] = ()) -> list[Rule]:
    """The built-in rules, then each of ``extra`` (user files) that exists, merged by id.
    A bad user file is an error naming every problem in it."""
    problems: list[str] = []
    rules: dict[str, Rule | None] = {}
    builtin = resources.files("skillshared").joinpath("data", RULES_FILE).read_text("utf-8")
    _merge(rules, yamlio.load(builtin, RULES_FILE), RULES_FILE, problems)
    if problems:  # pragma: no cover - the shipped file is tested
        raise ConfigError("the built-in audit rules are broken", details=problems)
    for path in extra:
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
        try:
            doc = yamlio.load(text, str(path))
        except yamlio.YamlError as exc:
            raise ConfigError(f"audit rules: {exc}") from None
        _merge(rules, doc, str(path), problems)
    if problems:
        raise ConfigError("audit rules: the file has problems", details=problems,
                          hint="fix them, or move the file away to use the built-in rules")
    return [r for r in rules.values() if r is not None]


TOO_LARGE = "too-large-to-scan"  # the finding of a text file over MAX_FILE_BYTES


def _text_lines(path: str) -> Iterator[tuple[int, str]] | str | None:
    """The lines of a text file; None for a binary one (a NUL byte, or not UTF-8);
    :data:`TOO_LARGE` for one over :data:`MAX_FILE_BYTES` (nothing more of it is read)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    if len(data) > MAX_FILE_BYTES:
        return TOO_LARGE
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return enumerate(text.splitlines(), 1)


def scan_file(path: str, rel: str, rules: Sequence[Rule]) -> list[Finding]:
    lines = _text_lines(path)
    if lines is None:
        return []
    if isinstance(lines, str):  # instructions could hide past what is read: say so
        return [Finding(rel, 0, TOO_LARGE, "audit", "HIGH",
                        f"a text file over {MAX_FILE_BYTES >> 20} MiB is not scanned; read it "
                        "before you trust this skill", "")]
    found = []
    for number, line in lines:
        for rule in rules:
            match = rule.pattern.search(line)
            if match is None or (rule.exclude is not None and rule.exclude.search(line)):
                continue
            found.append(Finding(rel, number, rule.id, rule.family, rule.severity,
                                 rule.message, _excerpt(line, match)))
    return found


def _excerpt(line: str, match: re.Match[str]) -> str:
    """Around the match, at most 120 characters, invisible characters shown as \\uXXXX."""
    start = max(0, match.start() - 40)
    text = line[start:start + 120]
    return "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in text).strip()


def scan_tree(root: str, rules: Sequence[Rule], skip: AbstractSet[str] = frozenset()
              ) -> tuple[list[Finding], int]:
    """Every finding in the files under ``root`` (``.git`` and the folders in ``skip`` left
    out, links not followed), most severe first; and how many files were scanned."""
    found: list[Finding] = []
    files = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git" and os.path.join(folder, d) not in skip
                         and not os.path.islink(os.path.join(folder, d)))
        for name in sorted(names):
            path = os.path.join(folder, name)
            try:
                if not stat.S_ISREG(os.lstat(path).st_mode):
                    continue
            except OSError:
                continue
            files += 1
            found += scan_file(path, os.path.relpath(path, root), rules)
    found.sort(key=lambda f: (rank(f.severity), f.path, f.line, f.rule))
    return found, files


def blocking(findings: Iterable[Finding], level: str) -> list[Finding]:
    """The findings at or above ``level``."""
    return [f for f in findings if rank(f.severity) <= rank(level)]
