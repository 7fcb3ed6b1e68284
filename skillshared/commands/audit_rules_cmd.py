"""``audit rules [list|disable|enable|severity] ...``: list the audit rules, turn rules or
groups of rules off and on, and change their severity, in the user's rule file
(``<config dir>/audit-rules.yaml``) or with ``-p`` the project's
(``.skillshare/audit-rules.yaml``).

A file of the original skillshare's format (or a new one) is written in that format
(``{id: X, enabled: false}``, ``{pattern: P, severity: LOW}``); a file of this tool's format
gets the same edit in this tool's format. Every other line of the file stays as written. A
rule is named by its id (this tool's, or the original's: ``destructive-commands-2``) or a
glob; a name no rule has is an error and the file is left as it was."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.audit.findings import SHORT, rank
from skillshared.audit.original_ids import COUNTERPARTS, is_original
from skillshared.audit.rulefiles import MAX_RULES_BYTES, ORIGINAL, OURS
from skillshared.audit.rules import RULES_FILE
from skillshared.commands.audit_rules_edit import Plan, run_plan
from skillshared.commands.audit_rules_view import (
    LAYERS,
    Layered,
    evaluate,
    original_group,
    rows,
)
from skillshared.commands.results_audit_rules import (
    AuditRulesEditResult,
    AuditRulesListResult,
    PatternRow,
    RuleRow,
)
from skillshared.core.config import SEVERITIES
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.store import rulefile_edit
from skillshared.store.rulefile_edit import RuleText

if TYPE_CHECKING:
    from skillshared.commands.request import Request

ACTIONS = ("list", "disable", "enable", "severity", "init", "reset")
WORDS = "rule_args"  # the words after `rules` on the command line


def cmd_audit_rules(req: Request) -> AuditRulesListResult | AuditRulesEditResult | Any:
    words = req.texts(WORDS)
    action = words[0] if words and words[0] in ACTIONS else "list"
    words = words[1:] if words and words[0] == action else words
    fmt = req.text("format") or "text"
    if fmt not in ("text", "json"):
        raise UsageError(f"audit rules: --format {fmt!r}: text or json")
    if action in ("init", "reset"):
        return _init_or_reset(req, action, words)
    paths = _rule_paths(req)
    texts = [rulefile_edit.read(p, MAX_RULES_BYTES) for p in paths]
    layered = evaluate(texts)
    if action == "list":
        if words:
            raise UsageError(f"audit rules: unknown action {words[0]!r}: one of "
                             f"{', '.join(ACTIONS)}")
        return {**_list(req, texts, layered), "format": fmt}
    return {**_edit(req, action, words, texts, layered), "format": fmt}


def _init_or_reset(req: Request, action: str, words: list[str]) -> Any:
    if words:
        raise UsageError(f"audit rules {action}: takes no names (got {words[0]!r})")
    if action == "init":  # as `audit --init-rules`
        from skillshared.commands.audit_init_rules import init_rules

        return init_rules(req.scope())
    path = _rule_paths(req)[-1]
    raise UsageError(f"audit rules reset: not done: it would delete {path}, a file you "
                     "wrote; move it away yourself, or undo single changes with "
                     "`audit rules enable` and `audit rules severity`")


def _rule_paths(req: Request) -> list[Path]:
    """The user's rule file, then (in project mode) the project's: as the audit reads them
    (no config is needed to list or edit them)."""
    scope = req.scope()
    found = [req.paths.global_scope().config_file.parent / RULES_FILE]
    if scope.is_project:
        found.append(scope.config_file.parent / RULES_FILE)
    return found


# -- the list -----------------------------------------------------------------------------------


def severity_of(raw: str, what: str) -> str:
    value = SHORT.get(raw.lower(), raw.upper())
    if value not in SEVERITIES:
        raise UsageError(f"audit rules: {what} {raw!r} is no severity: one of "
                         f"{', '.join(s.lower() for s in SEVERITIES)} (or c, h, m, l, i)")
    return value


def _list(req: Request, texts: list[RuleText], layered: Layered) -> AuditRulesListResult:
    every = rows(layered, LAYERS[:len(texts)])
    shown = _filtered(req, every)
    return {"rules_action": "list", "rules": shown, "patterns": _patterns(shown),
            "total": len(every),
            "files": [{"scope": name, "path": str(rt.path), "exists": rt.path.exists()}
                      for name, rt in zip(LAYERS, texts, strict=False)],
            "warnings": layered.warnings}


def _filtered(req: Request, every: list[RuleRow]) -> list[RuleRow]:
    pattern, severity = req.text("pattern"), req.text("severity")
    least = severity_of(severity, "--severity") if severity else None
    shown = []
    for row in every:
        if pattern and pattern != row["pattern"] and \
                not set(row["original_ids"]) & set(original_group(pattern)):
            continue
        if least and rank(row["severity"]) > rank(least):
            continue
        if req.flag("disabled") and row["enabled"]:
            continue
        shown.append(row)
    return shown


def _patterns(shown: list[RuleRow]) -> list[PatternRow]:
    """The groups (most severe first, then by name), as the original sums them up."""
    found: dict[str, PatternRow] = {}
    for row in shown:
        group = found.setdefault(row["pattern"], {"pattern": row["pattern"], "total": 0,
                                                  "enabled": 0, "disabled": 0,
                                                  "maxSeverity": row["severity"]})
        group["total"] += 1
        group["enabled" if row["enabled"] else "disabled"] += 1
        if row["severity"] in SEVERITIES and rank(row["severity"]) < rank(group["maxSeverity"]):
            group["maxSeverity"] = row["severity"]
    return sorted(found.values(), key=lambda g: (_rank(g["maxSeverity"]), g["pattern"]))


def _rank(severity: str) -> int:
    return rank(severity) if severity in SEVERITIES else len(SEVERITIES)


# -- the edits --------------------------------------------------------------------------------


def _edit(req: Request, action: str, words: list[str], texts: list[RuleText],
          layered: Layered) -> AuditRulesEditResult:
    pattern = req.text("pattern")
    severity = None
    if action == "severity":
        if not words:
            raise UsageError("audit rules severity: give the level last: "
                             "`audit rules severity ID... LEVEL` or "
                             "`audit rules severity --pattern NAME LEVEL`")
        severity = severity_of(words[-1], "level")
        words = words[:-1]
    if bool(words) == bool(pattern):
        raise UsageError(f"audit rules {action}: name rules (ids or globs) or a group "
                         "(--pattern NAME), not both" if words else
                         f"audit rules {action}: name rules (ids or globs) or --pattern NAME")
    index = len(texts) - 1 if req.scope().is_project else 0
    target = texts[index]
    fmt = writing_format(target.doc)
    plan = Plan(action, resolve(words, layered), pattern, severity, fmt, index)
    done = run_plan(plan, texts, layered)
    if done.rt.text != target.text:
        rulefile_edit.save(done.rt)
    return {"rules_action": action, "file": str(target.path), "file_format": fmt,
            "changed": done.rt.text != target.text, "ids": plan.ids, "pattern": pattern,
            "severity": severity, "done": done.lines, "notes": done.notes}


def writing_format(doc: Any) -> str:
    """The format an edit writes: the file's; the original's for a new file and for one
    that reads the same in both (nothing but ``{id: X, enabled: false}`` entries)."""
    if doc is None or is_original(doc):
        return ORIGINAL
    entries = doc.get("rules") if isinstance(doc, Mapping) else None
    plain = isinstance(entries, list) and "version" not in doc and all(
        isinstance(e, Mapping) and set(e) <= {"id", "enabled"} for e in entries)
    return ORIGINAL if plain else OURS


def resolve(words: list[str], layered: Layered) -> list[str]:
    """The rule ids ``words`` name (globs match this tool's ids, or when none of them, the
    original's); an error naming every word no rule has."""
    known = layered.known()
    ours = [rid for rid in known if rid not in COUNTERPARTS or
            any(rid in s.rules for s in layered.states)]
    found: list[str] = []
    unknown: list[str] = []
    for word in words:
        if any(c in word for c in "*?["):
            hits = [r for r in ours if fnmatchcase(r, word)] or \
                [r for r in known if fnmatchcase(r, word)]
        else:
            hits = [word] if word in known else []
        if not hits:
            unknown.append(word)
        found.extend(h for h in hits if h not in found)
    if unknown:
        near = [m for w in unknown for m in difflib.get_close_matches(w, known, 2)]
        also = f"; did you mean {', '.join(near)}?" if near else ""
        raise NotFoundError(f"audit rules: no rule {', '.join(map(repr, unknown))}{also}",
                            hint="see the ids with `skillshare audit rules`")
    return found
