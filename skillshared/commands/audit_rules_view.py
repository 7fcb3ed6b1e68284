"""The audit rules as the user's rule files leave them, file by file: which rule is on,
its severity, where it is defined (built in, the user's file, the project's) and which
file changed it. The files are read as :func:`skillshared.audit.rulefiles.load_rule_set`
reads them (shipped rules first, then each file in its own format)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from skillshared.audit.original import View, apply
from skillshared.audit.original_ids import COUNTERPARTS, GROUPS, STANDS_FOR, is_original
from skillshared.audit.rules import RULES_FILE, Rule, RuleState, merge, shipped_rules
from skillshared.commands.results_audit_rules import RuleRow
from skillshared.core import yamlio
from skillshared.core.errors import ConfigError
from skillshared.store.rulefile_edit import RuleText

LAYERS = ("user", "project")  # the names of the user's files, in order


@dataclass(frozen=True)
class Layered:
    """The rule state after the shipped rules (``states[0]``) and after each file."""

    states: list[RuleState]
    warnings: list[str]
    # rules a file defines and turns off: id -> (the file's index, its entry)
    declared: dict[str, tuple[int, Mapping[str, Any]]] = field(default_factory=dict)

    @property
    def final(self) -> RuleState:
        return self.states[-1]

    def known(self) -> list[str]:
        """Every rule id a command may name: ours (of any layer) and the original's."""
        ids = {rid: None for state in self.states for rid in state.rules}
        ids.update(dict.fromkeys(self.declared))
        return [*ids, *(o for o in COUNTERPARTS if o not in ids)]

    def families(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for rid, rule in self.final.rules.items():
            found.setdefault(rule.family, []).append(rid)
        return found


def evaluate(files: Sequence[RuleText]) -> Layered:
    """The shipped rules, then each file that has content, in its format; a file of this
    tool's format with problems is an error naming them."""
    state, view = shipped_rules(), View()
    states = [_copy(state)]
    warnings: list[str] = []
    declared: dict[str, tuple[int, Mapping[str, Any]]] = {}
    for index, rt in enumerate(files):
        declared.update((e["id"], (index, e)) for e in rt.entries() if _defines(e))
        problems: list[str] = []
        if rt.doc is None and not rt.text.strip():
            pass
        elif is_original(rt.doc):
            apply(state, view, rt.doc, str(rt.path), warnings)
        else:
            merge(state, rt.doc, str(rt.path), problems)
        if problems:
            raise ConfigError("audit rules: the file has problems", details=problems,
                              hint="fix them, or move the file away to use the built-in "
                                   "rules")
        states.append(_copy(state))
    final = states[-1]
    return Layered(states, warnings, {k: v for k, v in declared.items()
                                      if k not in final.rules})


def _defines(entry: Any) -> bool:
    """Whether a file's entry defines a rule of its own (a regex, or our ``pattern``)."""
    return isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and \
        entry.get("id") not in COUNTERPARTS and ("regex" in entry or "pattern" in entry or
                                                 "family" in entry)


def _copy(state: RuleState) -> RuleState:
    return RuleState(dict(state.shipped), dict(state.rules), set(state.off))


def _look(state: RuleState, rid: str) -> tuple[Any, ...] | None:
    rule = state.rules.get(rid)
    if rule is None:
        return None
    return (rid in state.off, rule.severity, rule.pattern.pattern, rule.message)


def rows(layered: Layered, layer_names: Sequence[str]) -> list[RuleRow]:
    """One row per rule (the shipped ones first, then those the files add)."""
    final = layered.final
    found: list[RuleRow] = []
    for rid, rule in final.rules.items():
        defined = "built-in" if rid in final.shipped else next(
            name for name, state in zip(layer_names, layered.states[1:], strict=False)
            if rid in state.rules)
        changed = [name for name, before, after in zip(
            layer_names, layered.states, layered.states[1:], strict=False)
            if _look(before, rid) is not None and _look(before, rid) != _look(after, rid)]
        found.append(_row(rule, rid not in final.off, defined, changed))
    for rid, (index, entry) in layered.declared.items():
        regex = entry.get("regex", entry.get("pattern") if "regex" not in entry else "")
        found.append({"id": rid, "severity": str(entry.get("severity", "")).upper(),
                      "pattern": str(entry.get("pattern" if "regex" in entry else "family",
                                               "custom")),
                      "message": str(entry.get("message", "")), "enabled": False,
                      "defined": layer_names[index], "changed_in": [],
                      "original_ids": [], "regex": str(regex or ""),
                      "source": _source([layer_names[index]])})
    return found


def _row(rule: Rule, enabled: bool, defined: str, changed: list[str]) -> RuleRow:
    row: RuleRow = {"id": rule.id, "severity": rule.severity, "pattern": rule.family,
                    "message": rule.message, "enabled": enabled, "defined": defined,
                    "changed_in": changed, "original_ids": list(STANDS_FOR.get(rule.id, ())),
                    "regex": _regex(rule), "source": _source([defined, *changed])}
    if rule.exclude is not None:
        row["exclude"] = rule.exclude.pattern
    return row


def _regex(rule: Rule) -> str:
    raw = shipped_raw().get(rule.id)
    if raw is not None and raw.get("pattern") and rule.family == raw.get("family"):
        return str(raw["pattern"])
    return rule.pattern.pattern


def _source(layers: list[str]) -> str:
    """The original's ``source``: the last layer that sets the rule."""
    if "project" in layers:
        return "project"
    return "global" if "user" in layers else "builtin"


@cache
def shipped_raw() -> dict[str, dict[str, Any]]:
    """The built-in rules as the shipped file writes them, by id."""
    text = resources.files("skillshared").joinpath("data", RULES_FILE).read_text("utf-8")
    doc = yamlio.load(text, RULES_FILE)
    return {r["id"]: dict(r) for r in doc["rules"]}


def original_group(name: str) -> tuple[str, ...]:
    """The original's rule ids of its group ``name`` (none: no such group)."""
    return GROUPS.get(name, ())
