"""``audit --format sarif``: a SARIF 2.1.0 log that GitHub code scanning accepts.

One run; ``tool.driver.rules`` holds each rule that found something (id, name, short and
full description, help, default level, and ``properties``: ``security-severity`` as GitHub
reads it, tags with the category and family); each finding is a result with its rule, level,
message, one location and ``partialFingerprints`` (stable while the finding stays, wherever
its line moves). A location's ``uri`` is relative to what was scanned: the skills source
(``uriBaseId`` ``SRCROOT``) or the agents source (``AGENTSROOT``), both given as absolute
``file:`` URIs in ``originalUriBaseIds``; in a project, both are the project's root (the
repository a CI job checks out). A finding about a file as a whole has no region; one about a
skill as a whole points at its ``SKILL.md``, one across skills (``_cross-skill``) at the
skills source. The analyzers' finding ids (``tier-*``, ``dangling-link``, ...) are rules of
the log like the others.

Severities map as GitHub shows them: CRITICAL 9.5 and HIGH 8.0 are errors, MEDIUM 5.5 a
warning, LOW 2.0 and INFO 0.5 notes (GitHub reads over 9.0 as critical, so the original's
9.0 for CRITICAL shows as high there)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from skillshared import __version__
from skillshared.audit.findings import Finding
from skillshared.commands.audit_analyzers import CROSS_SKILL_NAME
from skillshared.commands.audit_document import Scanned
from skillshared.commands.audit_score import category, fingerprint

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"CRITICAL": ("error", "9.5"), "HIGH": ("error", "8.0"), "MEDIUM": ("warning", "5.5"),
          "LOW": ("note", "2.0"), "INFO": ("note", "0.5")}
BASES = {"skill": "SRCROOT", "agent": "AGENTSROOT"}
FINGERPRINT = "skillshare/v1"


def _title(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.replace("_", "-").split("-"))


def _rule(f: Finding) -> dict[str, Any]:
    level, score = LEVELS[f.severity]
    text = (f"{f.message} ({f.severity} finding of the {f.family} family; a finding at or "
            f"above the audit threshold fails `skillshare audit` and blocks installs)")
    return {"id": f.rule, "name": _title(f.rule),
            "shortDescription": {"text": f.message},
            "fullDescription": {"text": text},
            "help": {"text": text, "markdown": f"**{f.severity}** `{f.rule}`: {text}"},
            "defaultConfiguration": {"level": level},
            "properties": {"security-severity": score, "precision": "medium",
                           "tags": list(dict.fromkeys(("security", category(f), f.family)))}}


def _uri(item: Scanned, path: str, root: str, agents: str) -> str:
    """``path`` (relative to the skill, or to the agents source) relative to ``root``. A
    finding about a skill as a whole (``.``) points at its ``SKILL.md``; one across skills
    at the skills source."""
    folder = item.unit["path"] if item.kind == "skill" else agents
    rel = os.path.relpath(folder, root).replace(os.sep, "/")
    if path == ".":
        path = "" if item.unit["name"] == CROSS_SKILL_NAME else "SKILL.md"
    joined = (path or ".") if rel == "." else f"{rel}/{path}".rstrip("/")
    return quote(joined.encode("utf-8", "surrogateescape"), safe="/")


def _result(item: Scanned, f: Finding, index: int, roots: dict[str, str], agents: str
            ) -> dict[str, Any]:
    uri = _uri(item, f.path, roots[item.kind], agents)
    where: dict[str, Any] = {"artifactLocation": {"uri": uri,
                                                  "uriBaseId": BASES[item.kind]}}
    if f.line > 0:
        where["region"] = {"startLine": f.line}
    name = item.unit["name"]
    return {"ruleId": f.rule, "ruleIndex": index, "level": LEVELS[f.severity][0],
            "message": {"text": f"{f.message} (in {item.kind} {name}: {f.excerpt})"},
            "locations": [{"physicalLocation": where}],
            "partialFingerprints": {FINGERPRINT: fingerprint(f, name)},
            "properties": {"skill": name, "kind": item.kind, "severity": f.severity}}


def _base(folder: str) -> dict[str, Any]:
    return {"uri": Path(folder).absolute().as_uri() + "/"}


def sarif_log(items: list[Scanned], source: str, agents_source: str,
              project: str | None = None) -> dict[str, Any]:
    """The SARIF log of a run (``source``, ``agents_source``: the folders scanned). In a
    project (``project``: its root, the repository a CI job checks out) every ``uri`` is
    relative to the project's root, so code scanning finds the file in the repository."""
    index: dict[str, int] = {}
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    roots = {"skill": project or source, "agent": project or agents_source}
    for item in items:
        for f in item.findings:
            if f.rule not in index:
                index[f.rule] = len(rules)
                rules.append(_rule(f))
            results.append(_result(item, f, index[f.rule], roots, agents_source))
    driver = {"name": "skillshare", "version": __version__, "semanticVersion": __version__,
              "rules": rules}
    return {"$schema": SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": driver},
                      "originalUriBaseIds": {"SRCROOT": _base(roots["skill"]),
                                             "AGENTSROOT": _base(roots["agent"])},
                      "results": results, "columnKind": "unicodeCodePoints"}]}
