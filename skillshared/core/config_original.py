"""Keys of the original skillshare's config (Go, v0.20) that this version keeps but does not
use (``extras`` and ``extras_source`` it uses: :mod:`skillshared.core.config_extras` reads
them): each is checked as far as the original checks it (so a typo is still caught) and
reported as an :class:`Unused` entry, with the step a user switching over needs, if any.

Forms followed: ``internal/config/config.go`` (``Config``, ``TargetConfig``,
``ResourceTargetConfig``, ``HubConfig``, the host checks of ``Load``),
``internal/config/project.go`` (``ProjectConfig``), ``internal/config/config_validate.go``
(target naming and ``git_root`` values), ``internal/audit/policy.go`` (audit profiles) and
``schemas/config.schema.json`` / ``schemas/project-config.schema.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from skillshared.core.didyoumean import unknown_key
from skillshared.core.paths import Scope

TARGET_NAMINGS = ("flat", "standard")
GIT_ROOTS = ("skills", "agents", "extras", "root")
# An audit profile's block threshold when ``block_threshold`` is not set.
AUDIT_PROFILES = {"default": "CRITICAL", "strict": "HIGH", "permissive": "CRITICAL"}
DEDUPE_MODES = ("legacy", "global")
ANALYZERS = ("static", "dataflow", "tier", "integrity", "metadata", "structure", "cross-skill")
RECORD_KINDS = ("", "skill", "agent")

# Keys of the original in both scopes, and in the global config only.
SHARED_KEYS = frozenset({"target_naming", "extras", "context_budget", "hub", "gitlab_hosts",
                         "azure_hosts"})
GLOBAL_KEYS = frozenset({"git_root", "agents_source", "extras_source", "preserve_tilde_on_save",
                         "tui"})
AUDIT_KEYS = frozenset({"profile", "dedupe_mode", "enabled_analyzers"})
AGENT_TARGET_KEYS = frozenset({"path", "mode", "target_naming", "include", "exclude"})
# Read and checked by :mod:`skillshared.core.config_extras` (extras are synced).
EXTRAS_KEYS = frozenset({"extras", "extras_source"})

_KEPT = "not used by this version (kept in the file)"


class Unused(NamedTuple):
    """A key this version keeps but does not use: its path, what this version does instead,
    and the step a user needs to take (None: nothing to do)."""

    key: str
    instead: str
    step: str | None = None


Problem = Callable[[str, str], None]


def handled_keys(scope: Scope) -> frozenset[str]:
    """The original's top-level keys this module checks in ``scope``."""
    return SHARED_KEYS if scope.is_project else SHARED_KEYS | GLOBAL_KEYS


def naming_problem(value: Any) -> str | None:
    if value is None or value == "" or value in TARGET_NAMINGS:
        return None
    return f"must be one of {', '.join(TARGET_NAMINGS)} (got {value!r})"


class OriginalKeys:
    """Checks the original's keys of one document; ``unused`` and ``warnings`` collect what
    is kept but not used."""

    def __init__(self, scope: Scope, problem: Problem) -> None:
        self.scope = scope
        self.problem = problem
        self.unused: list[Unused] = []
        self.warnings: list[str] = []
        self.naming = "flat"  # the top-level ``target_naming`` (every target's default)

    def note(self, key: str, instead: str, step: str | None = None,
             warning: str | None = None) -> None:
        self.unused.append(Unused(key, instead, step))
        self.warnings.append(warning or f"{key}: {_KEPT}")

    def warn_unknown(self, mapping: Mapping[Any, Any], known: frozenset[str], key: str) -> None:
        for extra in sorted(set(mapping) - known, key=str):
            self.warnings.append(unknown_key(f"{key}.{extra}", extra, known))

    # -- top level --------------------------------------------------------------------------
    def check(self, doc: Mapping[str, Any], source: Path) -> None:
        for key in sorted(handled_keys(self.scope) & set(doc), key=list(doc).index):
            value = doc[key]
            if key in EXTRAS_KEYS:
                continue  # (read by skillshared.core.config_extras)
            if key == "git_root":
                self.git_root(value, doc, source)
            elif key in ("gitlab_hosts", "azure_hosts"):
                self.hosts(value, key)
            else:
                getattr(self, key)(value, key)
        sources = doc.get("sources")
        if isinstance(sources, dict):
            if "agents" in sources and self.text(sources["agents"], "sources.agents") and (
                    self.scope.is_project):
                self.note("sources.agents", "a project's agents are always in "
                          ".skillshare/agents", f"move the agents in {sources['agents']} into "
                          ".skillshare/agents to have them synced")
            if "extras" in sources:
                self.text(sources["extras"], "sources.extras")

    def text(self, value: Any, key: str, required: bool = False) -> bool:
        """Whether ``value`` is text (None passes unless ``required``); reports it if not."""
        if value is None and not required:
            return False
        if not isinstance(value, str):
            self.problem(key, "must be text")
            return False
        return True

    def flag(self, value: Any, key: str) -> bool:
        if value is not None and not isinstance(value, bool):
            self.problem(key, "must be true or false")
            return False
        return value is not None

    def mapping(self, value: Any, key: str) -> Mapping[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(key, "must be a mapping")
            return None
        return value

    def texts(self, value: Any, key: str) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of text")
            return None
        return value

    def target_naming(self, value: Any, key: str) -> str | None:
        """Check a ``target_naming`` value (used: see ``TargetConfig.naming``); the value, or
        None when it is not set or wrong. The top-level one is every target's default."""
        wrong = naming_problem(value)
        if wrong:
            self.problem(key, wrong)
            return None
        if value in (None, ""):
            return None
        if key == "target_naming":
            self.naming = str(value)
        return str(value)

    def git_root(self, value: Any, doc: Mapping[str, Any], source: Path) -> None:
        """Check ``git_root`` (used by push, pull and commit: see ``git_root_dir``)."""
        if value not in (None, "", *GIT_ROOTS):
            self.problem("git_root", f"must be one of {', '.join(GIT_ROOTS)} (got {value!r})")

    def agents_source(self, value: Any, key: str) -> None:
        self.text(value, key)  # (the agents source: read by config_check)

    def context_budget(self, value: Any, key: str) -> None:
        section = self.mapping(value, key)
        if section is None:
            return
        known = frozenset({"warn_always_loaded_tokens", "warn_on_demand_tokens"})
        self.warn_unknown(section, known, key)
        for name in sorted(known & set(section)):
            number = section[name]
            if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
                self.problem(f"{key}.{name}", f"must be a whole number (got {number!r})")
            elif isinstance(number, int) and number < 0:
                self.problem(f"{key}.{name}", f"must be 0 (off) or more (got {number})")

    def preserve_tilde_on_save(self, value: Any, key: str) -> None:
        if self.flag(value, key):
            self.note(key, "paths are saved as written; new paths under the home folder "
                      "are written as ~/...")

    def tui(self, value: Any, key: str) -> None:
        if self.flag(value, key):
            self.note(key, "this version has no interactive screens; output is plain text")

    def hub(self, value: Any, key: str) -> None:
        section = self.mapping(value, key)
        if section is None:
            return
        self.warn_unknown(section, frozenset({"default", "hubs"}), key)
        self.text(section.get("default"), f"{key}.default")
        hubs = section.get("hubs")
        if hubs is not None and not isinstance(hubs, list):
            self.problem(f"{key}.hubs", "must be a list of {label, url}")
        for index, item in enumerate(hubs if isinstance(hubs, list) else []):
            where = f"{key}.hubs[{index}]"
            entry = self.mapping(item, where)
            if entry is not None:
                self.text(entry.get("label"), f"{where}.label")
                self.text(entry.get("url"), f"{where}.url")
                self.flag(entry.get("builtin"), f"{where}.builtin")
        self.note(key, "this version has no hub search")

    def hosts(self, value: Any, key: str) -> None:
        """``gitlab_hosts``/``azure_hosts``: bare host names (install reads them, see
        skillshared.git.source_forms)."""
        hosts = self.texts(value, key)
        if hosts is None:
            return
        for index, raw in enumerate(hosts):
            wrong = host_problem(raw.strip())
            if wrong:
                self.problem(f"{key}[{index}]", wrong)

    # -- nested keys ------------------------------------------------------------------------
    def audit(self, section: Mapping[str, Any]) -> str | None:
        """Check the original's audit keys; the profile's block threshold (None: none set)."""
        profile = section.get("profile")
        threshold = None
        if self.text(profile, "audit.profile"):
            threshold = AUDIT_PROFILES.get(str(profile))
            if threshold is None:
                self.warnings.append(f"audit.profile: {profile!r} is not one of "
                                     f"{', '.join(AUDIT_PROFILES)}; 'default' is used")
        dedupe = section.get("dedupe_mode")
        if self.text(dedupe, "audit.dedupe_mode") and dedupe not in DEDUPE_MODES:
            self.warnings.append(f"audit.dedupe_mode: {dedupe!r} is not one of "
                                 f"{', '.join(DEDUPE_MODES)}")
        analyzers = self.texts(section.get("enabled_analyzers"), "audit.enabled_analyzers")
        if analyzers is not None:
            for index, name in enumerate(analyzers):
                if name not in ANALYZERS:
                    self.warnings.append(f"audit.enabled_analyzers[{index}]: unknown analyzer "
                                         f"{name!r} (known: {', '.join(ANALYZERS)})")
        return threshold

    def target_agents(self, value: Any, key: str) -> None:
        """A target's ``agents:`` section (its place is read by config_targets): the keys
        this version does not use are reported."""
        section = self.mapping(value, key)
        if section is None:
            return
        self.warn_unknown(section, AGENT_TARGET_KEYS, key)
        for name in ("path", "mode", "target_naming"):
            self.text(section.get(name), f"{key}.{name}")
        for name in ("include", "exclude"):
            self.texts(section.get(name), f"{key}.{name}")
        naming = section.get("target_naming")
        if naming not in (None, "", "flat"):
            self.note(f"{key}.target_naming", "agents are synced by their flat names "
                      "(dir__file.md), as target_naming: flat has it")


def git_root_dir(scope: Scope, doc: Mapping[str, Any], source: Path) -> Path:
    """The folder whose repository push, pull and commit work on: ``git_root`` names it
    (global mode only): ``skills`` (the default) the skills source, ``agents`` and
    ``extras`` those sources, ``root`` the folder of the config file, which holds them all."""
    value = None if scope.is_project else doc.get("git_root")
    if value not in GIT_ROOTS or value == "skills":
        return source
    base = scope.config_file.parent
    if value == "root":
        return base
    raw = configured_source(doc, str(value))
    if raw is not None:
        return scope.expand(raw)
    return base / "agents" if value == "agents" else source.parent / "extras"


def configured_source(doc: Mapping[str, Any], kind: str) -> str | None:
    """The folder of ``kind`` (agents, extras) as ``sources.<kind>``, else the older
    ``<kind>_source``, says it (None when neither is usable text)."""
    sources = doc.get("sources")
    raw = (sources.get(kind) if isinstance(sources, dict) else None) or doc.get(f"{kind}_source")
    if not isinstance(raw, str) or not raw.strip() or "\0" in raw:
        return None
    return raw.strip()


def host_problem(host: str) -> str | None:
    """Why ``host`` is not a bare host name (the original's check of ``gitlab_hosts``)."""
    if not host:
        return "empty entry"
    if "://" in host:
        return f"{host!r} must be a host name, not a URL (remove the scheme)"
    if "/" in host:
        return f"{host!r} must be a host name without a path"
    if ":" in host:
        return f"{host!r} must be a host name without a port"
    return None


def merge_target_fields(flat: Mapping[str, Any], nested: Mapping[str, Any]) -> dict[str, Any]:
    """A target's fields from its flat form and its ``skills:`` form: a nested value wins
    unless it is empty (the original's merge of mixed forms)."""
    fields = dict(flat)
    for key, value in nested.items():
        if value in (None, "", []) and fields.get(key) not in (None, "", []):
            continue
        fields[key] = value
    return fields


BUDGET_DEFAULTS = (10_000, 100_000)  # warn_always_loaded_tokens, warn_on_demand_tokens


def context_budget(document: Mapping[str, Any]) -> tuple[int, int]:
    """The ``context_budget`` thresholds (always loaded, on demand) of a checked document:
    the defaults where a value is not given; 0 turns a warning off."""
    section = document.get("context_budget")
    if not isinstance(section, Mapping):
        return BUDGET_DEFAULTS
    found = []
    for key, default in zip(("warn_always_loaded_tokens", "warn_on_demand_tokens"),
                            BUDGET_DEFAULTS, strict=True):
        value = section.get(key)
        found.append(value if isinstance(value, int) and not isinstance(value, bool)
                     and value >= 0 else default)
    return found[0], found[1]
