"""The validator: a parsed config document -> frozen values, or every problem with its key
path (the original tool's keys are checked by :mod:`skillshared.core.config_original`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skillshared.core.config import (
    DEFAULT_IGNORE,
    MODES,
    SEVERITIES,
    BackupPolicy,
    Config,
    DaemonConfig,
)
from skillshared.core.config_extras import parse_extras
from skillshared.core.config_original import configured_source, handled_keys
from skillshared.core.config_records import (
    RECORDS_FILE,
    SkillRecord,
    is_skill_entry,
    parse_skill_records,
)
from skillshared.core.config_targets import TargetFields
from skillshared.core.didyoumean import unknown_key
from skillshared.core.limits import Limits
from skillshared.core.patterns import PatternError, check_ignore_pattern

_TOP_KEYS = {"source", "sources", "mode", "targets", "ignore", "audit", "backup", "trash",
             "daemon", "skills", "log", "limits"}
_SECTION_KEYS = {
    "sources": {"skills", "agents", "extras"},
    "audit": {"block_threshold", "profile", "dedupe_mode", "enabled_analyzers"},
    "backup": {"keep", "max_age_days", "max_total_mb"},
    "trash": {"retention_days"},
    "log": {"max_entries"},
    "limits": {"skill_max_mb", "skill_max_files"},
}
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> float | None:
    """``off`` (or YAML false) -> None; ``30s``/``5m``/``6h``/``1d`` -> seconds."""
    if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
        return None
    if isinstance(value, str):
        match = _DURATION_RE.match(value)
        if match and float(match.group(1)) > 0:
            return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    raise ValueError("must be 'off' or a positive number with s, m, h or d (e.g. 30m)")


class Validator(TargetFields):
    """Reads a whole document, noting every problem (see :func:`config_file.from_document`)."""

    def build(self, doc: Mapping[str, Any]) -> Config:
        foreign = handled_keys(self.scope)
        for key in doc:
            if not isinstance(key, str):
                self.problem(str(key), "keys must be text")
            elif key not in _TOP_KEYS and key not in foreign:
                self.warnings.append(unknown_key(key, key, _TOP_KEYS | foreign))
        source = self._source(doc)
        self.original.check(doc, source)
        mode = self._choice(doc, "mode", MODES, "merge")
        agents_source = self._agents_source(doc)
        self.agents_dir = agents_source or self.scope.config_file.parent / "agents"
        targets = self._targets(doc.get("targets"), source, mode)
        extras, extras_source = parse_extras(self, doc, source, targets)
        ignore = self._strings(doc.get("ignore", list(DEFAULT_IGNORE)), "ignore")
        for index, pattern in enumerate(ignore):
            try:
                check_ignore_pattern(pattern)
            except PatternError as exc:
                self.problem(f"ignore[{index}]", str(exc))
        threshold = self._audit_threshold(self._section(doc, "audit"))
        backup = self._section(doc, "backup")
        trash = self._section(doc, "trash")
        log = self._section(doc, "log")
        limits = self._section(doc, "limits")
        return Config(
            scope=self.scope,
            source=source,
            mode=mode,
            targets=targets,
            ignore=tuple(ignore),
            audit_threshold=threshold,
            backup=BackupPolicy(
                keep=self._int(backup, "backup.keep", 10, minimum=1),
                max_age_days=self._int(backup, "backup.max_age_days", 30),
                max_total_mb=float(self._number(backup, "backup.max_total_mb", 500)),
            ),
            trash_retention_days=self._int(trash, "trash.retention_days", 7),
            log_max_entries=self._int(log, "log.max_entries", 1000),
            limits=Limits(self._int(limits, "limits.skill_max_mb", Limits.max_mb, minimum=1),
                          self._int(limits, "limits.skill_max_files", Limits.max_files,
                                    minimum=1)),
            daemon=self._daemon(self._section(doc, "daemon")),
            skills=self._records(doc.get("skills")),
            agents_source=agents_source,
            extras=extras,
            extras_source=extras_source,
            warnings=tuple(self.warnings + self.original.warnings),
            unused=tuple(self.original.unused),
            document=doc,
        )

    def _audit_threshold(self, audit: Mapping[str, Any]) -> str:
        """``block_threshold`` (any case, spaces around it allowed), else the threshold of
        the original tool's ``profile``, else CRITICAL."""
        profile = self.original.audit(audit)
        threshold = audit.get("block_threshold")
        if threshold is None or (isinstance(threshold, str) and not threshold.strip()):
            return profile or "CRITICAL"
        if not isinstance(threshold, str) or threshold.strip().upper() not in SEVERITIES:
            self.problem("audit.block_threshold", f"must be one of {', '.join(SEVERITIES)}")
            return "CRITICAL"
        return threshold.strip().upper()

    def _records(self, value: Any) -> tuple[SkillRecord, ...]:
        records = parse_skill_records(value, self.problem)
        entries = value if isinstance(value, list) else []
        agents = [i for i, item in enumerate(entries) if not is_skill_entry(item)]
        if agents:
            self.original.note("skills", f"{len(agents)} entries record agents (kind: agent),"
                               " which this version does not install")
        if records and not self.scope.is_project:
            self.original.note(
                "skills", "this version reads install records from the source's "
                f"{RECORDS_FILE}, not from these entries",
                "run `skillshare install <source>` for each of these skills not in the "
                "source yet")
        return records

    def _section(self, doc: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = doc.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, "must be a mapping")
            return {}
        self._unknown(value, _SECTION_KEYS.get(key), key)
        return value

    def _source(self, doc: Mapping[str, Any]) -> Path:
        sources = self._section(doc, "sources")
        raw, key = (sources["skills"], "sources.skills") if "skills" in sources else (
            doc.get("source"), "source")
        if raw is None:
            return self.scope.default_source
        return self._path(raw, key) or self.scope.default_source

    def _agents_source(self, doc: Mapping[str, Any]) -> Path | None:
        """Where agents are kept, as ``sources.agents`` or the older ``agents_source`` say (in
        global mode only, as the original has it; their values are checked with the original
        tool's keys)."""
        raw = None if self.scope.is_project else configured_source(doc, "agents")
        return self.scope.expand(raw) if raw is not None else None

    def _daemon(self, section: Mapping[str, Any]) -> DaemonConfig:
        defaults = DaemonConfig()
        values: dict[str, Any] = {}
        for name in ("rescan_interval", "pull_interval", "update_interval", "backup_interval",
                     "cleanup_interval"):
            if name in section:
                try:
                    values[name] = parse_duration(section[name])
                except ValueError as exc:
                    self.problem(f"daemon.{name}", str(exc))
        values["debounce_ms"] = self._int(section, "daemon.debounce_ms", defaults.debounce_ms,
                                          minimum=1)
        watch = section.get("watch_targets", True)
        if not isinstance(watch, bool):
            self.problem("daemon.watch_targets", "must be true or false")
            watch = True
        values["watch_targets"] = watch
        self._unknown(section, set(DaemonConfig.__dataclass_fields__), "daemon")
        return DaemonConfig(**values)
