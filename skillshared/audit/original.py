"""User audit rule files, in this tool's format or in the original Go skillshare's (v0.20).

Files are read in order: the shipped rules, the user's ``<config dir>/audit-rules.yaml``,
then a project's ``.skillshare/audit-rules.yaml``; each file is read in one format.

**Telling the formats apart.** A file is read in the original's format when it has no
top-level ``version``, no entry uses a field only this tool has (``family``, ``scan``,
``ignore_case``), and at least one entry does what only the original's format does: has a
``regex`` key, has no ``id`` (a group entry), names one of the original's built-in rule ids
(``destructive-commands-2``), or changes a rule without giving its ``pattern``
(``{id: x, severity: LOW}``). An empty file, or ``rules:`` with nothing under it (what the
original's ``audit rules init`` writes, all of it comments), holds no rules. Every other
file is read in this tool's format.

**The original's format** (its ``internal/audit/patterns.go``, ``rules_mutate.go`` and
``website/docs/reference/commands/audit-rules.md``): a list ``rules`` of entries with
``id``, ``severity`` (a name or CRIT/C/H/MED/M/L/I, any case), ``pattern`` (the name of a
group of rules, not a regular expression), ``message``, ``regex`` (an RE2 regular expression
matched against each line, case-sensitive unless it says ``(?i)``), ``exclude`` (a line that
also matches it is not reported) and ``enabled``. Empty strings (its ``audit rules``
commands write ``severity: ""`` and the like) count as absent. Entries without an ``id`` but
with a ``pattern`` act on the whole group and are applied first, then entries with an id:

- an id with a ``regex``: a rule of its own (family = its ``pattern``); when the id is one
  of the original's built-ins, the rule replaces it;
- an id without one: ``enabled`` turns that rule off or on again, ``severity`` changes it;
- a group entry: ``enabled: false`` turns the group off, ``severity`` changes all of it.

**The original's built-ins here.** Each of the original's built-in rule ids stands for the
rules of ours that look for the same thing (:data:`COUNTERPARTS`); several may share one
of ours (``fetch-with-pipe-0`` and ``-1``, curl and wget piped to a shell, are both our
``curl-pipe-shell``). One of our rules is off when every original rule it stands for is off
or replaced, and it never reports milder than any of them that is still on. Where the
original's rule has no counterpart here, or ours stays on (or keeps its severity) because it
stands for others too, a warning says so.

Nothing of the original's format stops the audit: what cannot be used (an unknown field, a
bad value, a regular expression Python cannot run, an id or group no rule here has) is a
warning naming the file and the key path (``rules[3].regex: ...``), and the rest applies.
A file that cannot be read at all (too large, not YAML, not a mapping, ``rules`` not a
list) is an error naming it, in both formats.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from skillshared.audit.findings import SHORT, rank
from skillshared.audit.original_ids import (
    CHECKS,
    COUNTERPARTS,
    GROUPS,
    OURS_ONLY,
    STANDS_FOR,
    listed,
)
from skillshared.audit.original_regex import go_regex, scan_for
from skillshared.audit.rules import Rule, RuleState, make_rule
from skillshared.core.config import SEVERITIES

_ORIGINAL_KEYS = ("id", "severity", "pattern", "message", "regex", "exclude", "enabled")

# -- one entry of the original's format -------------------------------------------------------


@dataclass
class _Entry:
    where: str
    id: str = ""
    severity: str = ""
    pattern: str = ""
    message: str = ""
    regex: str = ""
    exclude: str = ""
    enabled: bool | None = None


def _severity(value: str) -> str | None:
    upper = value.strip().upper()
    return upper if upper in SEVERITIES else SHORT.get(upper.lower())


def _entry(raw: Any, where: str, warnings: list[str]) -> _Entry | None:
    """An entry, its values checked; None when it cannot be used (a warning says why)."""
    if not isinstance(raw, Mapping):
        warnings.append(f"{where}: must be a mapping (left out)")
        return None
    entry = _Entry(where)
    for key, value in raw.items():
        at = f"{where}.{key}"
        if key not in _ORIGINAL_KEYS:
            ours = " (a field of this tool's format; a file is read in one format)" \
                if key in OURS_ONLY else ""
            warnings.append(f"{at}: not a field of the original's format: ignored{ours}")
        elif key == "enabled":
            if value is not None and not isinstance(value, bool):
                warnings.append(f"{at}: must be true or false (the entry is left out)")
                return None
            entry.enabled = value
        elif value is not None and not isinstance(value, str):
            warnings.append(f"{at}: must be text (the entry is left out)")
            return None
        else:
            setattr(entry, key, value or "")
    if entry.severity and _severity(entry.severity) is None:
        warnings.append(f"{where}.severity: must be one of {', '.join(SEVERITIES)} "
                        f"(or C, CRIT, H, M, MED, L, I), not {entry.severity!r} "
                        "(the entry is left out)")
        return None
    entry.severity = _severity(entry.severity) or ""
    return entry


def _custom_rule(entry: _Entry, warnings: list[str]) -> Rule | None:
    """The rule an entry with a ``regex`` defines; None (with a warning) when it cannot."""
    if not entry.severity:
        warnings.append(f"{entry.where}.severity: required for a rule with a regex "
                        "(the rule is left out)")
        return None
    try:
        pattern = go_regex(entry.regex)
    except ValueError as exc:
        warnings.append(f"{entry.where}.regex: {exc} (the rule is left out)")
        return None
    try:
        exclude = go_regex(entry.exclude) if entry.exclude else None
    except ValueError as exc:
        warnings.append(f"{entry.where}.exclude: {exc} (the rule is left out)")
        return None
    rule = make_rule(entry.id, entry.pattern or "custom", entry.severity, pattern.pattern,
                     entry.message, flags=pattern.flags & ~re.UNICODE,
                     scan=scan_for(entry.regex))
    return dataclasses.replace(rule, exclude=exclude)


# -- applying a file of the original's format -------------------------------------------------


@dataclass
class View:
    """The original's built-in rules (by its ids) as the files so far leave them."""

    off: set[str] = field(default_factory=set)
    replaced: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)
    turned_off: set[str] = field(default_factory=set)  # ours, turned off through this view


@dataclass
class _Layer:
    state: RuleState
    view: View
    warnings: list[str]
    touched: dict[str, list[_Entry]] = field(default_factory=dict)  # original id -> entries

    def note_touched(self, original_id: str, entry: _Entry) -> None:
        self.touched.setdefault(original_id, []).append(entry)
        if not COUNTERPARTS[original_id] and original_id not in CHECKS:
            self.warnings.append(f"{entry.where}.id: the original's rule `{original_id}` "
                                 "has no counterpart here: nothing to change")

    def set_rule(self, rule_id: str, *, enabled: bool | None, severity: str) -> None:
        if enabled is False:
            self.state.off.add(rule_id)
        elif enabled:
            self.state.off.discard(rule_id)
        if severity:
            rule = self.state.rules[rule_id]
            self.state.rules[rule_id] = dataclasses.replace(rule, severity=severity)


def _group(layer: _Layer, entry: _Entry) -> None:
    originals = GROUPS.get(entry.pattern, ())
    added = [rule_id for rule_id, rule in layer.state.rules.items()
             if rule_id not in layer.state.shipped and rule.family == entry.pattern]
    if not originals and not added:
        layer.warnings.append(f"{entry.where}.pattern: no rule of the original's or here is "
                              f"in the group `{entry.pattern}`: nothing to change")
        return
    for rule_id in added:
        layer.set_rule(rule_id, enabled=False if entry.enabled is False else None,
                       severity=entry.severity)
    for original_id in originals:
        if entry.enabled is False:
            layer.view.off.add(original_id)
        if entry.severity:
            layer.view.severity[original_id] = entry.severity
        layer.touched.setdefault(original_id, []).append(entry)
    if originals and not any(COUNTERPARTS[o] or o in CHECKS for o in originals):
        layer.warnings.append(f"{entry.where}.pattern: the original's group `{entry.pattern}` "
                              "has no counterpart here")


def _by_id(layer: _Layer, entry: _Entry) -> None:
    state, view = layer.state, layer.view
    if entry.regex and entry.enabled is not False:
        rule = _custom_rule(entry, layer.warnings)
        if rule is None:
            return
        state.rules[entry.id] = rule
        state.off.discard(entry.id)
        if entry.id in COUNTERPARTS:
            view.replaced.add(entry.id)
            layer.touched.setdefault(entry.id, []).append(entry)
    elif entry.id in state.rules:
        layer.set_rule(entry.id, enabled=entry.enabled, severity=entry.severity)
    elif entry.id in COUNTERPARTS:
        if entry.enabled is not None:
            (view.off.add if entry.enabled is False else view.off.discard)(entry.id)
        if entry.severity:
            view.severity[entry.id] = entry.severity
        layer.note_touched(entry.id, entry)
    else:
        layer.warnings.append(f"{entry.where}.id: `{entry.id}` is no rule of the original's "
                              "nor one here, and the entry has no regex: nothing to change")


def _settle(layer: _Layer) -> None:
    """Turn our counterparts of the touched original rules off or on, set their severity,
    and say where one of ours does not follow an entry (it stands for others too)."""
    state, view = layer.state, layer.view
    ours = {one for original_id in layer.touched for one in COUNTERPARTS[original_id]}
    for one in sorted(ours & set(state.rules)):
        live = [o for o in STANDS_FOR[one] if o not in view.off and o not in view.replaced]
        if not live:
            state.off.add(one)
            view.turned_off.add(one)
            continue
        if one in view.turned_off:
            state.off.discard(one)
            view.turned_off.discard(one)
        if any(o in view.severity for o in live):
            default = state.shipped[one].severity
            worst = min((view.severity.get(o, default) for o in live), key=rank)
            state.rules[one] = dataclasses.replace(state.rules[one], severity=worst)
        _notes(layer, one, live)


def _notes(layer: _Layer, one: str, live: list[str]) -> None:
    """A warning for each entry our rule ``one`` does not follow (it stands for others)."""
    by_entry: dict[int, tuple[_Entry, list[str]]] = {}
    for original_id, entries in layer.touched.items():
        if one in COUNTERPARTS[original_id]:
            for entry in entries:
                by_entry.setdefault(id(entry), (entry, []))[1].append(original_id)
    severity = layer.state.rules[one].severity
    for entry, originals in by_entry.values():
        others = [o for o in live if o not in originals]
        did = f"our `{one}` looks for what the original's {listed(originals)} did"
        if entry.enabled is False or entry.regex:  # ``live`` is why it stays on
            layer.warnings.append(f"{entry.where}: {did} and stays on: it also stands for "
                                  f"{listed(live)}")
        elif entry.severity and severity != entry.severity:
            layer.warnings.append(f"{entry.where}.severity: {did} and reports at {severity}: "
                                  f"it also stands for {listed(others)}")


def _place(warning: str) -> int:
    """Where in its file a warning points (the entry's index; -1 for the file itself)."""
    found = re.search(r": rules\[(\d+)\]", warning)
    return int(found.group(1)) if found else -1


def apply(state: RuleState, view: View, doc: Any, origin: str,
          warnings: list[str]) -> int:
    """Apply a file of the original's format (its warnings in the order of its entries);
    returns how many entries it has."""
    if doc is None:
        return 0
    mine: list[str] = [f"{origin}: {key}: not a field of the original's format: ignored"
                       for key in doc if key != "rules"]
    layer = _Layer(state, view, mine)
    entries = [_entry(raw, f"{origin}: rules[{index}]", mine)
               for index, raw in enumerate(doc.get("rules") or [])]
    usable = [e for e in entries if e is not None]
    for entry in usable:
        if not entry.id and (entry.regex or not entry.pattern):
            what = "a rule with a regex needs an id" if entry.regex else \
                "an entry needs an `id` (a rule) or a `pattern` (a group of rules)"
            mine.append(f"{entry.where}.id: missing: {what} (the entry is left out)")
        elif not entry.id:
            _group(layer, entry)
    for entry in usable:
        if entry.id:
            _by_id(layer, entry)
    _settle(layer)
    warnings.extend(sorted(mine, key=_place))
    return len(entries)

