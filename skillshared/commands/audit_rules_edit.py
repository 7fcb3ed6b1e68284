"""What ``audit rules disable|enable|severity`` writes into one rule file, in its format,
and what it then finds still not as asked (a rule of ours that also stands for rules of the
original's that stay on, a rule turned off in an earlier file, ...)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from skillshared.audit.original_ids import COUNTERPARTS, GROUPS
from skillshared.audit.rulefiles import ORIGINAL
from skillshared.audit.rules import RuleState
from skillshared.commands.audit_rules_view import Layered, evaluate, shipped_raw
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.store import rulefile_edit as edit
from skillshared.store.rulefile_edit import RuleText

VERBS = {"disable": "disabled", "enable": "enabled", "severity": "severity"}


@dataclass(frozen=True)
class Plan:
    action: str  # disable, enable or severity
    ids: list[str]
    pattern: str | None
    severity: str | None
    fmt: str  # the target file's format
    index: int  # the target file among the user's rule files


@dataclass
class Done:
    rt: RuleText
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_plan(plan: Plan, texts: list[RuleText], layered: Layered) -> Done:
    members, group = _members(plan, layered)
    done = Done(texts[plan.index])
    if group:
        done.rt = _group_edit(done.rt, plan)
        done.lines.append(_line(plan, f"all rules in {plan.pattern}"))
        if plan.action == "enable":
            for rid in (*GROUPS.get(plan.pattern or "", ()), *members):
                done.rt = _id_edit(done.rt, plan, rid)
    else:
        for rid in members:
            done.rt = _id_edit(done.rt, plan, rid)
            done.lines.append(_line(plan, rid))
    after = _state(texts, plan.index, done.rt)
    for rid in members:
        if rid in after.rules and _unmet(plan, after, rid):
            done.rt = _id_edit(done.rt, plan, rid, force=True)
    final = evaluate([*texts[:plan.index], done.rt, *texts[plan.index + 1:]])
    done.notes = [_still(plan, rid) for rid in members
                  if rid in final.final.rules and _unmet(plan, final.final, rid)]
    mine = str(done.rt.path)
    before = {_unplaced(w) for w in layered.warnings}
    done.notes += [w for w in final.warnings if mine in w and _unplaced(w) not in before]
    return done


def _unplaced(warning: str) -> str:
    """A warning without the index of its entry (an edit may move entries)."""
    return re.sub(r"rules\[\d+\]", "rules[]", warning)


def _line(plan: Plan, what: str) -> str:
    if plan.action == "severity":
        return f"{what} -> {plan.severity}"
    return f"{VERBS[plan.action]} {what}"


def _still(plan: Plan, rid: str) -> str:
    if plan.action == "severity":
        return f"{rid} still reports at another severity (see the warnings)"
    return f"{rid} is still {'on' if plan.action == 'disable' else 'off'} " \
           "(another rule file, or a rule of the original's it also stands for)"


def _members(plan: Plan, layered: Layered) -> tuple[list[str], bool]:
    """The rules an edit is about (ours; or the original's ids as named), and whether a
    group entry of the original's format is written."""
    if not plan.pattern:
        if plan.fmt != ORIGINAL:
            theirs = [i for i in plan.ids if i in COUNTERPARTS and i not in
                      layered.final.rules]
            if theirs:
                raise UsageError(_theirs(theirs))
        return plan.ids, False
    family = layered.families().get(plan.pattern, [])
    added = any(r not in layered.final.shipped for r in family)
    group = plan.fmt == ORIGINAL and (plan.pattern in GROUPS or added)
    if not family and not group:
        if plan.pattern in GROUPS:
            raise UsageError(f"audit rules: `{plan.pattern}` is a group of the original's; "
                             "this file is in skillshare's format: name our rules, or a "
                             "group of ours (see `skillshare audit rules`)")
        raise NotFoundError(f"audit rules: no group {plan.pattern!r}",
                            hint="see the groups with `skillshare audit rules`")
    return family, group


def _theirs(ids: list[str]) -> str:
    ours = sorted({o for i in ids for o in COUNTERPARTS[i]})
    use = f": use ours ({', '.join(ours)})" if ours else " (it has no counterpart here)"
    return (f"audit rules: {', '.join(ids)} {'is an id' if len(ids) == 1 else 'are ids'} of "
            f"the original's; this file is in skillshare's format{use}")


def _state(texts: list[RuleText], index: int, rt: RuleText) -> RuleState:
    return evaluate([*texts[:index], rt, *texts[index + 1:]]).final


def _unmet(plan: Plan, state: RuleState, rid: str) -> bool:
    if plan.action == "disable":
        return rid not in state.off
    if plan.action == "enable":
        return rid in state.off
    return state.rules[rid].severity != plan.severity


# -- one entry --------------------------------------------------------------------------------


def _where(rt: RuleText, key: str, value: str, group: bool = False) -> list[int]:
    return [i for i, e in enumerate(rt.entries()) if isinstance(e, Mapping) and
            e.get(key) == value and (not group or not e.get("id"))]


def _id_edit(rt: RuleText, plan: Plan, rid: str, force: bool = False) -> RuleText:
    found = _where(rt, "id", rid)
    if plan.action == "disable":
        return edit.set_keys(rt, found[-1], {"enabled": False}) if found else \
            edit.append_entry(rt, {"id": rid, "enabled": False})
    if plan.action == "enable":
        return _enable(rt, plan, rid, found, force)
    assert plan.severity is not None
    if plan.fmt == ORIGINAL:
        return edit.set_keys(rt, found[-1], {"severity": plan.severity}) if found else \
            edit.append_entry(rt, {"id": rid, "severity": plan.severity})
    full = [i for i in found if "pattern" in rt.entries()[i]]
    if full:
        return edit.set_keys(rt, full[-1], {"severity": plan.severity})
    if found:
        raise UsageError(f"audit rules: {rid} is turned off in {rt.path}: enable it first")
    return _append_definition(rt, rid, {"severity": plan.severity})


def _enable(rt: RuleText, plan: Plan, rid: str, found: list[int], force: bool) -> RuleText:
    if force:
        if plan.fmt == ORIGINAL:
            return edit.set_keys(rt, found[-1], {"enabled": True}) if found else \
                edit.append_entry(rt, {"id": rid, "enabled": True})
        return _append_definition(rt, rid, {}) if rid in shipped_raw() else rt
    for index in reversed(found):
        entry = rt.entries()[index]
        if entry.get("enabled") is not False:
            continue
        rt = edit.remove_entry(rt, index) if set(entry) <= {"id", "enabled"} else \
            edit.set_keys(rt, index, {"enabled": True})
    return rt


def _append_definition(rt: RuleText, rid: str, changes: dict[str, str]) -> RuleText:
    """A built-in rule written out whole (this tool's format changes a rule so)."""
    raw = shipped_raw().get(rid)
    if raw is None:
        raise UsageError(f"audit rules: {rid} is not a built-in rule: change it where it is "
                         "defined")
    entry = {k: v for k, v in raw.items() if k != "enabled" and isinstance(v, str | bool)}
    return edit.append_entry(rt, {**entry, **changes})


def _group_edit(rt: RuleText, plan: Plan) -> RuleText:
    pattern = plan.pattern or ""
    found = _where(rt, "pattern", pattern, group=True)
    if plan.action == "disable":
        return edit.set_keys(rt, found[-1], {"enabled": False}) if found else \
            edit.append_entry(rt, {"pattern": pattern, "enabled": False})
    if plan.action == "severity":
        assert plan.severity is not None
        return edit.set_keys(rt, found[-1], {"severity": plan.severity}) if found else \
            edit.append_entry(rt, {"pattern": pattern, "severity": plan.severity})
    for index in reversed(found):
        entry = rt.entries()[index]
        if entry.get("enabled") is False:
            rt = edit.remove_entry(rt, index) if set(entry) <= {"pattern", "enabled"} else \
                edit.set_keys(rt, index, {"enabled": True})
    return rt
