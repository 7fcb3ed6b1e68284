"""The original tool's config files (skillshare v0.20, Go), written as it writes them.

Followed from its source:

- global ``config.yaml``: ``internal/config/config.go`` (``Config`` and its field order,
  ``Save``: the schema line first, 2-space indentation, sequences indented under their key,
  map keys such as target names sorted; ``migrateTargetConfigs``: the flat target form that
  ``init`` writes becomes the nested ``skills:`` form on the next load) and
  ``cmd/skillshare/init.go`` (``performFreshInit``: ``sources: {skills, agents}``, ``mode``,
  ``targets``, ``ignore``, ``audit.block_threshold``);
- project ``.skillshare/config.yaml``: ``internal/config/project.go`` (``ProjectConfig``,
  ``ProjectTargetEntry.MarshalYAML``: a target with no settings is a plain name) and
  ``cmd/skillshare/init_project.go`` (targets, ``ignore``, ``audit``);
- the keys later commands add (``target_naming``, ``git_root``, ``extras``, ``audit.profile``,
  ``hub``...): ``schemas/config.schema.json``, ``schemas/project-config.schema.json`` and
  ``website/docs/reference/targets/configuration.md``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SCHEMA_BASE = "https://raw.githubusercontent.com/runkids/skillshare/main/schemas/"
GLOBAL_SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_BASE}config.schema.json"
PROJECT_SCHEMA_LINE = f"# yaml-language-server: $schema={SCHEMA_BASE}project-config.schema.json"

# The order of ``Config``'s fields (``skills`` is the legacy list of installs, which versions
# before 0.16.2 kept after ``targets``).
GLOBAL_ORDER = ("source", "agents_source", "extras_source", "sources", "git_root", "mode",
                "target_naming", "targets", "skills", "extras", "ignore", "audit", "hub", "log",
                "context_budget", "tui", "gitlab_hosts", "azure_hosts",
                "preserve_tilde_on_save")
# The order of ``ProjectConfig``'s fields.
PROJECT_ORDER = ("sources", "targets", "skills", "target_naming", "extras", "ignore", "audit",
                 "context_budget", "hub", "gitlab_hosts", "azure_hosts")
DEFAULT_IGNORE = [".DS_Store", ".git/", "__pycache__/"]


def write_global_config(config_dir: Path, source: Path, targets: dict[str, Path],
                        *, flat: bool = False, forms: dict[str, Any] | None = None,
                        **extra: Any) -> Path:
    """``<config_dir>/config.yaml`` as ``skillshare init`` and a later load leave it:
    each target in the nested form ``{skills: {path}}`` (``flat``: the flat ``{path}`` that
    ``init`` itself writes); ``forms``: more targets written as given (hand-made forms).
    ``extra`` adds or replaces top-level keys."""
    doc: dict[str, Any] = {
        "sources": {"skills": str(source), "agents": str(source.parent / "agents")},
        "mode": "merge",
        "targets": {name: ({"path": str(path)} if flat else {"skills": {"path": str(path)}})
                    for name, path in sorted(targets.items())} | (forms or {}),
        "ignore": list(DEFAULT_IGNORE),
        "audit": {"block_threshold": "CRITICAL"},
    }
    doc.update(extra)
    path = config_dir / "config.yaml"
    config_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(GLOBAL_SCHEMA_LINE + "\n" + dump(_ordered(doc, GLOBAL_ORDER)))
    return path


def write_project_config(project: Path, targets: list[Any] | None = None,
                         **extra: Any) -> Path:
    """``<project>/.skillshare/config.yaml`` as ``skillshare init -p`` leaves it (targets by
    name: a built-in target with no settings is a plain name); ``targets`` entries may be
    mappings (``{name, skills: {...}, agents: {...}}`` or the legacy flat fields);
    ``extra`` adds or replaces top-level keys."""
    doc: dict[str, Any] = {
        "targets": list(targets if targets is not None else ["claude"]),
        "ignore": list(DEFAULT_IGNORE),
        "audit": {"block_threshold": "CRITICAL"},
    }
    doc.update(extra)
    path = project / ".skillshare/config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PROJECT_SCHEMA_LINE + "\n" + dump(_ordered(doc, PROJECT_ORDER)))
    return path


def every_global_key(home: Path, source: Path) -> dict[str, Any]:
    """Values for every key of the original's global config not written by ``init`` (as the
    schema and the configuration reference show them), for ``write_global_config``."""
    return {
        "agents_source": str(home / "my-agents"),
        "extras_source": str(home / "my-extras"),
        "git_root": "root",
        "target_naming": "standard",
        "extras": [
            {"name": "rules", "targets": [{"path": str(home / ".claude/rules")},
                                          {"path": str(home / ".cursor/rules"),
                                           "mode": "copy"}]},
            {"name": "commands", "source": str(home / "shared/commands"),
             "targets": [{"path": str(home / ".claude/commands"), "flatten": True}]},
        ],
        "audit": {"block_threshold": "high", "profile": "strict", "dedupe_mode": "global",
                  "enabled_analyzers": ["static", "dataflow"]},
        "hub": {"default": "official",
                "hubs": [{"label": "official", "url": "https://skillshare.runkids.cc/api/hub",
                          "builtin": True}]},
        "log": {"max_entries": 500},
        "context_budget": {"warn_always_loaded_tokens": 8000, "warn_on_demand_tokens": 90000},
        "tui": False,
        "gitlab_hosts": ["git.company.com"],
        "azure_hosts": ["AzureDevOps.mycompany.com"],
        "preserve_tilde_on_save": True,
    }


def _ordered(doc: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    known = {k: doc[k] for k in order if k in doc}
    return {**known, **{k: v for k, v in doc.items() if k not in known}}


# -- the YAML the Go library writes (yaml.v3 with an indent of 2) ------------------------------

_PLAIN = re.compile(r"^[A-Za-z0-9_./~$@+-][A-Za-z0-9_./~$@+ *:-]*$")
_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "~", ""}


def dump(value: Any, indent: int = 0) -> str:
    """``value`` (mappings, lists, text, numbers, booleans) in yaml.v3's block style."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:\n{dump(item, indent + 2)}")
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}\n")
    else:
        for item in value:
            if isinstance(item, dict) and item:
                lines.append(f"{pad}- {dump(item, indent + 2)[indent + 2:]}")
            else:
                lines.append(f"{pad}- {_scalar(item)}\n")
    return "".join(lines)


def _scalar(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    text = str(value)
    if text.lower() in _SPECIAL or not _PLAIN.match(text) or text.endswith((" ", ":")) or \
            ": " in text or re.fullmatch(r"[-+]?\d[\d_.]*", text):
        return json.dumps(text)
    return text
