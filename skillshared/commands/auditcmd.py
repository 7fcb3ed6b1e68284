"""``audit [name] [-T LEVEL]``: scan the source's skills (or one skill, or one tracked repo)
with the audit rules; exit 1 when a finding is at or above the threshold.

The result names the user rule files read (``rule_files``: path and format, this tool's or
the original skillshare's) and lists the ``warnings`` about what of them could not be used
(see :mod:`skillshared.audit.original`)."""

from __future__ import annotations

import os
from collections import Counter
from typing import TYPE_CHECKING

from skillshared.audit.findings import blocking, threshold
from skillshared.audit.rulefiles import load_rule_set, rule_files
from skillshared.audit.scan import scan_tree
from skillshared.catalog import skills
from skillshared.commands.results_install import AuditedSkill, AuditResult
from skillshared.core.config import SEVERITIES, Config
from skillshared.core.errors import NotFoundError

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def _units(config: Config, name: str | None) -> list[tuple[str, str]]:
    """What to scan, as (name, folder): every skill, one skill (by flat name or path), or a
    tracked repo (its whole folder)."""
    discovery = skills.discover(config.source)
    units = [(s.flat_name, s.path) for s in discovery.skills]
    if name is None:
        return units
    for flat, path in units:
        if name in (flat, os.path.relpath(path, config.source)):
            return [(flat, path)]
    repo = config.source / name
    if name.startswith("_") and "/" not in name and repo.is_dir():
        return [(name, str(repo))]
    raise NotFoundError(f"no skill or tracked repo named '{name}' in {config.source}",
                        hint="see `skillshare list`")


def cmd_audit(req: Request) -> AuditResult:
    config = req.config()
    level = threshold(req.text("threshold"), config.audit_threshold)
    loaded = load_rule_set(rule_files(req.paths, config))
    rules = loaded.rules
    units = _units(config, req.text("name"))
    folders = {path for _, path in units}
    results: list[AuditedSkill] = []
    files = 0
    counts: Counter[str] = Counter()
    for flat, path in units:
        inner = {f for f in folders if f != path and f.startswith(path + os.sep)}
        findings, scanned = scan_tree(path, rules, skip=inner)
        files += scanned
        counts.update(f.severity for f in findings)
        results.append({"name": flat, "path": path, "files": scanned,
                        "findings": [f.to_dict() for f in findings],
                        "blocked": bool(blocking(findings, level))})
    blocked = [r["name"] for r in results if r["blocked"]]
    return {"scope": config.scope.name, "threshold": level, "rules": len(rules),
            "scanned": len(results), "files": files,
            "counts": {s: counts[s] for s in SEVERITIES}, "skills": results,
            "blocked": blocked, "summary": {"failed": len(blocked)},
            "rule_files": [{"path": str(f.path), "format": f.format, "entries": f.entries}
                           for f in loaded.files],
            "warnings": loaded.warnings}
