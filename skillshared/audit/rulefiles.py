"""The user's audit rule files, read in order after the shipped rules: ``<config
dir>/audit-rules.yaml``, then (in project mode) the project's ``.skillshare/audit-rules.yaml``;
each file in one format, this tool's or the original skillshare's
(:mod:`skillshared.audit.original`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshared.audit.original import View, apply
from skillshared.audit.original_ids import CHECK_ALIASES, CHECKS, is_original
from skillshared.audit.rules import RULES_FILE, Rule, merge, shipped_rules
from skillshared.core import yamlio
from skillshared.core.config import Config
from skillshared.core.errors import ConfigError
from skillshared.core.paths import Paths

MAX_RULES_BYTES = 1 << 20  # a larger user rule file is refused
ORIGINAL = "original"  # the formats, as reported
OURS = "skillshare"

# -- reading the files ------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleFile:
    path: Path
    format: str  # ORIGINAL or OURS
    entries: int

    def describe(self) -> str:
        form = "the original skillshare's format" if self.format == ORIGINAL else \
            "skillshare's format"
        return f"{self.path}: {form}, {self.entries} entries"


@dataclass
class RuleSet:
    rules: list[Rule]
    files: list[RuleFile]
    warnings: list[str]
    # the original's checks (made by the analyzers under its ids) the files turn off, and
    # the severities they give them
    checks_off: frozenset[str] = frozenset()
    check_severity: dict[str, str] = field(default_factory=dict)


_MISSING = object()


def _read(path: Path) -> Any:
    """A rule file parsed; _MISSING when there is none (an error for one that cannot be
    read)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_RULES_BYTES + 1)
    except FileNotFoundError:
        return _MISSING
    except OSError as exc:
        raise ConfigError(f"audit rules: cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_RULES_BYTES:
        raise ConfigError(f"audit rules: {path} is larger than {MAX_RULES_BYTES >> 20} MiB",
                          hint="a rule file holds rules, not data: cut it down")
    try:
        return yamlio.load(data.decode("utf-8"), str(path))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"audit rules: {path}: not UTF-8 text (byte {exc.start})") from None
    except yamlio.YamlError as exc:
        raise ConfigError(f"audit rules: {exc}") from None


def load_rule_set(extra: Iterable[Path] = ()) -> RuleSet:
    """The shipped rules, then each of ``extra`` that exists, in its format. A file that
    cannot be read, or a bad file of this tool's format, is an error naming every problem;
    the original's format gives warnings instead."""
    state, view = shipped_rules(), View()
    files: list[RuleFile] = []
    problems: list[str] = []
    warnings: list[str] = []
    for path in extra:
        doc = _read(path)
        if doc is _MISSING:
            continue
        if is_original(doc):
            files.append(RuleFile(path, ORIGINAL, apply(state, view, doc, str(path), warnings)))
        else:
            merge(state, doc, str(path), problems)
            entries = doc.get("rules") if isinstance(doc, Mapping) else None
            files.append(RuleFile(path, OURS, len(entries) if isinstance(entries, list) else 0))
    if problems:
        raise ConfigError("audit rules: the file has problems", details=problems,
                          hint="fix them, or move the file away to use the built-in rules")
    return RuleSet(state.active(), files, warnings, *_checks(view))


def _checks(view: View) -> tuple[frozenset[str], dict[str, str]]:
    """The checks ``view`` leaves off, and the severities it gives them (an alias such as
    ``content-integrity`` standing for each of its checks)."""
    def each(check: str) -> tuple[str, ...]:
        return CHECK_ALIASES.get(check, (check,))

    off = frozenset(one for check in CHECKS if check in view.off for one in each(check))
    severity = {one: level for check, level in view.severity.items() if check in CHECKS
                for one in each(check)}
    return off, severity


def user_rules_report(config_dir: Path, project_dir: Path | None) -> list[str]:
    """For ``doctor``: each user rule file (global, then the project's), whether it is
    there, its format and entries, then every warning or error, one line each."""
    paths = [config_dir / RULES_FILE]
    if project_dir is not None:
        paths.append(project_dir / ".skillshare" / RULES_FILE)
    lines = [f"{p}: not there" for p in paths if not p.exists()]
    try:
        found = load_rule_set(paths)
    except ConfigError as exc:
        return [*lines, f"error: {exc.message}", *exc.details]
    return [*lines, *(f.describe() for f in found.files),
            *(f"warning: {w}" for w in found.warnings)]


def rule_files(paths: Paths, config: Config) -> list[Path]:
    """The user's rule files: the global one, then (in project mode) the project's."""
    files = [paths.global_scope().config_file.parent / RULES_FILE]
    if config.scope.is_project:
        files.append(config.scope.config_file.parent / RULES_FILE)
    return files


def user_rules(paths: Paths, config: Config) -> list[Rule]:
    """The rules an install or update is audited with: the shipped ones and the user's."""
    return load_rule_set(rule_files(paths, config)).rules
