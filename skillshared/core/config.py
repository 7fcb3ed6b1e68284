"""Config: load -> normalise -> validate (every problem, with its key path) -> frozen values."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillshared.core import targets as builtin
from skillshared.core import yamlio
from skillshared.core.config_original import OriginalKeys, Unused, handled_keys, merge_target_fields
from skillshared.core.config_records import (
    RECORDS_FILE,
    SkillRecord,
    is_skill_entry,
    parse_skill_records,
)
from skillshared.core.errors import ConfigError
from skillshared.core.limits import Limits
from skillshared.core.paths import Scope
from skillshared.core.patterns import IgnoreRules, PatternError, check_ignore_pattern, compile_glob

# The install records are part of this module's API.
__all__ = ["Config", "SkillRecord", "TargetConfig", "is_skill_entry", "load",
           "parse_skill_records", "read_document"]

MODES = ("merge", "symlink", "copy")
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")
MAX_CONFIG_BYTES = 1 << 20
DEFAULT_IGNORE = (".DS_Store", ".git/", "__pycache__/")

_TOP_KEYS = {"source", "sources", "mode", "targets", "ignore", "audit", "backup", "trash",
             "daemon", "skills", "log", "limits"}
_TARGET_KEYS = {"path", "mode", "include", "exclude"}
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


@dataclass(frozen=True)
class TargetConfig:
    name: str
    path: Path
    mode: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    mode_explicit: bool = False
    builtin: str | None = None

    @property
    def has_filters(self) -> bool:
        return bool(self.include or self.exclude)


@dataclass(frozen=True)
class BackupPolicy:
    keep: int = 10
    max_age_days: int = 30
    max_total_mb: float = 500.0


@dataclass(frozen=True)
class DaemonConfig:
    debounce_ms: int = 50
    rescan_interval: float | None = 3600.0
    pull_interval: float | None = None
    update_interval: float | None = None
    backup_interval: float | None = 86400.0
    cleanup_interval: float | None = 86400.0
    watch_targets: bool = True


@dataclass(frozen=True)
class Config:
    scope: Scope
    source: Path
    mode: str = "merge"
    targets: tuple[TargetConfig, ...] = ()
    ignore: tuple[str, ...] = DEFAULT_IGNORE
    audit_threshold: str = "CRITICAL"
    backup: BackupPolicy = BackupPolicy()
    trash_retention_days: int = 7
    log_max_entries: int = 1000
    limits: Limits = field(default_factory=Limits)
    daemon: DaemonConfig = DaemonConfig()
    skills: tuple[SkillRecord, ...] = ()
    warnings: tuple[str, ...] = ()
    # Keys the original tool writes that this version keeps but does not use (doctor).
    unused: tuple[Unused, ...] = ()
    document: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def target(self, name: str) -> TargetConfig | None:
        for target in self.targets:
            if target.name == name:
                return target
        wanted = builtin.lookup(name)
        if wanted is None:
            return None
        return next((t for t in self.targets if builtin.lookup(t.name) is wanted), None)

    def copy_ignore(self) -> IgnoreRules:
        """What copies leave out: the ``ignore`` patterns, and special files (FIFOs,
        sockets, devices), which a copy cannot hold."""
        return _copy_rules((*DEFAULT_IGNORE, *self.ignore))


@functools.lru_cache(maxsize=8)
def _copy_rules(patterns: tuple[str, ...]) -> IgnoreRules:
    """The compiled rules of ``patterns`` (each pass asks; they change with the config)."""
    return IgnoreRules.parse(patterns, specials=False)


# -- loading ----------------------------------------------------------------------------


def read_document(scope: Scope) -> dict[str, Any]:
    """Read and parse the config file of ``scope`` (no validation)."""
    path = scope.config_file
    init_hint = "run `skillshare init -p`" if scope.is_project else "run `skillshare init`"
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"config not found: {path}", hint=init_hint) from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a folder, not a file: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config {path} is not UTF-8 text (byte {exc.start})") from None
    try:
        data = yamlio.load(text, str(path))
    except yamlio.YamlError as exc:
        raise ConfigError(f"cannot parse config: {exc}", hint="fix the YAML syntax") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config {path}: the top level must be a mapping of keys to values")
    return data


def load(scope: Scope) -> Config:
    return from_document(scope, read_document(scope))


def from_document(scope: Scope, doc: Mapping[str, Any]) -> Config:
    """Normalise and validate a parsed document; raise ConfigError listing every problem."""
    v = _Validator(scope)
    config = v.build(doc)
    if v.problems:
        count = len(v.problems)
        noun = "problem" if count == 1 else "problems"
        raise ConfigError(
            f"invalid config {scope.config_file} ({count} {noun})",
            hint="fix the listed keys and run the command again",
            details=v.problems,
        )
    return config


def parse_duration(value: Any) -> float | None:
    """``off`` (or YAML false) -> None; ``30s``/``5m``/``6h``/``1d`` -> seconds."""
    if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
        return None
    if isinstance(value, str):
        match = _DURATION_RE.match(value)
        if match and float(match.group(1)) > 0:
            return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    raise ValueError("must be 'off' or a positive number with s, m, h or d (e.g. 30m)")


class _Validator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.original = OriginalKeys(scope, self.problem)

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def build(self, doc: Mapping[str, Any]) -> Config:
        foreign = handled_keys(self.scope)
        for key in doc:
            if not isinstance(key, str):
                self.problem(str(key), "keys must be text")
            elif key not in _TOP_KEYS and key not in foreign:
                self.warnings.append(f"{key}: unknown key (kept in the file)")
        source = self._source(doc)
        self.original.check(doc, source)
        mode = self._choice(doc, "mode", MODES, "merge")
        targets = self._targets(doc.get("targets"), source, mode)
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

    # -- helpers -------------------------------------------------------------------------
    def _section(self, doc: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = doc.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(key, "must be a mapping")
            return {}
        self._unknown(value, _SECTION_KEYS.get(key), key)
        return value

    def _unknown(self, mapping: Mapping[Any, Any], known: set[str] | None, key: str) -> None:
        """Warn about keys of ``mapping`` outside ``known`` (None: every key is accepted)."""
        if known is None:
            return
        for extra in sorted(set(mapping) - known, key=str):
            self.warnings.append(f"{key}.{extra}: unknown key (kept in the file)")

    def _choice(self, doc: Mapping[str, Any], key: str, allowed: tuple[str, ...],
                default: str, where: str | None = None) -> str:
        value = doc.get(key, default)
        if value is None or value == "":  # (the original tool's way to say "the default")
            return default
        if value not in allowed:
            self.problem(where or key, f"must be one of {', '.join(allowed)} (got {value!r})")
            return default
        return str(value)

    def _number(self, doc: Mapping[str, Any], key: str, default: float,
                minimum: float = 0) -> float:
        value = doc.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            self.problem(key, f"must be a number of at least {minimum:g} (got {value!r})")
            return default
        return value

    def _int(self, doc: Mapping[str, Any], key: str, default: int, minimum: int = 0) -> int:
        value = self._number(doc, key, default, minimum)
        if not isinstance(value, int):
            self.problem(key, f"must be a whole number (got {value!r})")
            return default
        return value

    def _strings(self, value: Any, key: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of text patterns")
            return []
        return list(value)

    def _path(self, value: Any, key: str) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "must be a path (text)")
            return None
        if "\0" in value:
            self.problem(key, "must not contain a NUL character")
            return None
        path = self.scope.expand(value.strip())
        try:
            os.fsencode(path)
        except UnicodeEncodeError:
            self.problem(key, f"{value!r} holds characters that file names cannot hold in this "
                         f"locale's encoding ({sys.getfilesystemencoding()}); run with a UTF-8 "
                         "locale (LANG=C.UTF-8)")
            return None
        return path

    def _source(self, doc: Mapping[str, Any]) -> Path:
        sources = self._section(doc, "sources")
        raw, key = (sources["skills"], "sources.skills") if "skills" in sources else (
            doc.get("source"), "source")
        if raw is None:
            return self.scope.default_source
        return self._path(raw, key) or self.scope.default_source

    def _targets(self, value: Any, source: Path, mode: str) -> tuple[TargetConfig, ...]:
        if value is None:
            return ()
        entries: list[tuple[str, Any, str]] = []
        if isinstance(value, dict):
            for k, v in value.items():
                if isinstance(k, str):
                    entries.append((k, v, f"targets.{k}"))
                else:
                    self.problem(f"targets.{k}", "a target name must be text")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                key = f"targets[{index}]"
                if isinstance(item, str):
                    entries.append((item, None, key))
                elif isinstance(item, dict) and isinstance(item.get("name"), str):
                    body = {k: v for k, v in item.items() if k != "name"}
                    entries.append((item["name"], body, key))
                else:
                    self.problem(key, "must be a target name or a mapping with 'name'")
        else:
            self.problem("targets", "must be a mapping of target names (or a list in a project)")
            return ()
        result: list[TargetConfig] = []
        seen: set[str] = set()
        for name, body, key in entries:
            target = self._target(name, body, key, source, mode)
            if target is None:
                continue
            if name in seen:
                self.problem(key, f"target '{name}' is listed twice")
                continue
            seen.add(name)
            result.append(target)
        return tuple(result)

    def _target(self, name: str, body: Any, key: str, source: Path,
                default_mode: str) -> TargetConfig | None:
        problem = builtin.name_problem(name)
        if problem:
            self.problem(key, f"invalid target name '{name}': {problem}")
            return None
        if body is None:
            body = {}
        if not isinstance(body, dict):
            self.problem(key, "must be a mapping (path, mode, include, exclude)")
            return None
        fields = self._target_fields(body, key)
        known = builtin.lookup(name)
        path: Path | None
        if fields.get("path") not in (None, ""):
            path = self._path(fields["path"], f"{key}.path")
        elif known is not None:
            default = known.project_path if self.scope.is_project else known.global_path
            path = self.scope.expand(default)
        else:
            self.problem(f"{key}.path", f"required: '{name}' is not a built-in target name")
            path = None
        explicit = fields.get("mode") is not None
        mode = self._choice(fields, "mode", MODES, default_mode, f"{key}.mode")
        include = self._globs(fields.get("include"), f"{key}.include")
        exclude = self._globs(fields.get("exclude"), f"{key}.exclude")
        if path is None:
            return None
        place = _place_problem(path, self.scope.home)
        if place is not None:
            self.problem(f"{key}.path", f"{path} cannot be a target: {place}")
            return None
        if _overlaps(path, source):
            self.problem(f"{key}.path", f"{path} overlaps the source folder {source}; "
                         "a target must be outside the source and not contain it")
            return None
        return TargetConfig(name, path, mode, include, exclude, explicit,
                            known.name if known else None)

    def _target_fields(self, body: Mapping[str, Any], key: str) -> dict[str, Any]:
        """A target's path/mode/include/exclude from the flat form, the nested ``skills:``
        form or both (a nested value wins unless empty); the original tool's
        ``skills.target_naming`` and ``agents:`` are checked and kept."""
        fields = {k: v for k, v in body.items() if k not in ("skills", "agents")}
        nested = body.get("skills")
        if isinstance(nested, dict):
            nested = dict(nested)
            if "target_naming" in nested:
                self.original.target_naming(nested.pop("target_naming"),
                                            f"{key}.skills.target_naming")
            fields = merge_target_fields(fields, nested)
        elif nested is not None:
            self.problem(f"{key}.skills", "must be a mapping (path, mode, include, exclude)")
        if "agents" in body:
            self.original.target_agents(body["agents"], f"{key}.agents")
        self._unknown(fields, _TARGET_KEYS, key)
        return fields

    def _globs(self, value: Any, key: str) -> tuple[str, ...]:
        patterns = self._strings(value, key)
        for index, pattern in enumerate(patterns):
            try:
                compile_glob(pattern)
            except PatternError as exc:
                self.problem(f"{key}[{index}]", str(exc))
        return tuple(p for p in patterns if p.strip())

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


def _place_problem(path: Path, home: Path) -> str | None:
    """Why no target may be at ``path`` (the root, the home folder or a folder holding it, a
    system folder), as written or with the links above it resolved."""
    real_home = os.path.realpath(home)
    resolved = os.path.join(os.path.realpath(path.parent), path.name)
    for at, where in ((str(path), str(home)), (resolved, real_home)):
        problem = builtin.place_problem(os.path.normpath(at), os.path.normpath(where))
        if problem is not None:
            return problem
    return None


def _overlaps(target: Path, source: Path) -> bool:
    """Whether a target folder is, is inside, or contains the source. The target's last
    component is not resolved: in symlink mode it is (rightly) a link to the source."""
    sa = os.path.join(os.path.realpath(target.parent), target.name)
    sb = os.path.realpath(source)
    return sa == sb or sa.startswith(sb + os.sep) or sb.startswith(sa + os.sep)
