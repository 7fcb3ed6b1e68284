"""What the daemon's log says of a reconcile pass, in words and names: the skills and targets
it changed (with counts and the first few names when long), each conflict (skill, target,
reason), and how much pruning the mass-delete guard held back where.

Everything is built from the reports the pass already has (no filesystem work), so naming
things costs the pass next to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from skillshared.core.results import SyncReport, TargetReport

SHOWN = 3  # names spelled out in a summary before "and N more"
LOGGED = 10  # names (and conflict events) a pass's log keeps at most

# An operation's action, as the log says it was done.
VERBS = {
    "link": "linked", "link_target": "linked", "replace_dir_with_link": "linked",
    "relink": "relinked", "relink_target": "relinked", "adopt": "adopted",
    "copy": "copied", "update_copy": "updated", "force_replace": "replaced",
    "force_replace_target": "replaced", "unlink": "pruned", "remove_copy": "pruned",
    "unlink_target": "unlinked", "clean_temp": "cleaned up",
}


def noun_of(target: str) -> tuple[str, str]:
    """What a target line of a pass holds (skills; agents: ``<target>@agents``; an extra's
    files: ``<extra>@<n>``), singular and plural."""
    if target.endswith("@agents"):
        return "agent", "agents"
    if "@" in target:
        return "file", "files"
    return "skill", "skills"


def counted(count: int, noun: tuple[str, str]) -> str:
    return f"{count:,} {noun[0] if count == 1 else noun[1]}"


def names_list(names: Sequence[str], total: int | None = None, shown: int = SHOWN) -> str:
    """``a, b, c`` or ``a, b, c and 7 more``."""
    total = len(names) if total is None else total
    head = ", ".join(names[:shown])
    more = total - min(len(names), shown)
    return f"{head} and {more:,} more" if more > 0 else head


@dataclass
class _Done:
    """One kind of change of a pass: the names it touched, in the targets it touched."""

    names: dict[str, None] = field(default_factory=dict)
    targets: dict[str, None] = field(default_factory=dict)

    def phrase(self, verb: str, noun: tuple[str, str]) -> str:
        names = list(self.names)
        return (f"{verb} {counted(len(names), noun)} ({names_list(names)}) in "
                f"{names_list(list(self.targets), shown=LOGGED)}")


@dataclass(frozen=True)
class PassWords:
    """A pass said in words (``summary``) and names (``fields``, added to its log event),
    with its conflicts as events of their own (``conflicts``: at most LOGGED)."""

    summary: str
    fields: dict[str, Any]
    conflicts: list[dict[str, str]]


def _targets(reports: Iterable[SyncReport]) -> list[TargetReport]:
    return [target for report in reports for target in report["targets"]]


def _group(targets: Sequence[TargetReport]) -> dict[tuple[str, tuple[str, str]], _Done]:
    done: dict[tuple[str, tuple[str, str]], _Done] = {}
    for target in targets:
        noun = noun_of(target["name"])
        for change in target["changes"]:
            verb = VERBS.get(change["action"], change["action"])
            item = done.setdefault((verb, noun), _Done())
            item.names[change["name"]] = None
            item.targets[target["name"]] = None
    return done


def _per_verb(done: Mapping[tuple[str, tuple[str, str]], _Done]) -> dict[str, int]:
    """How many names each kind of change touched (skills, agents and files together)."""
    counts: dict[str, int] = {}
    for (verb, _), item in done.items():
        counts[verb] = counts.get(verb, 0) + len(item.names)
    return counts


def conflict_words(target: str, name: str, reason: str) -> str:
    """``beta in codex: <reason>`` (the target folder itself when there is no name)."""
    where = f"{name} in {target}" if name else f"the folder of {target}"
    return f"{where}: {reason}"


def describe_pass(reports: Sequence[SyncReport], held_back: Sequence[str]) -> PassWords:
    targets = _targets(reports)
    done = _group(targets)
    phrases = [item.phrase(verb, noun) for (verb, noun), item in done.items()]
    unshown = sum(max(0, t["changed"] - len(t["changes"])) for t in targets)
    if unshown:
        phrases.append(f"and {unshown:,} more changes")
    conflicts = [{"skill": c["name"], "target": t["name"], "reason": c["reason"]}
                 for t in targets for c in t["conflicts"]]
    summary = "; ".join([*(phrases or ["nothing to do"]),
                         *_problems(targets, conflicts, held_back)])
    changed_names = list(dict.fromkeys(n for item in done.values() for n in item.names))
    fields: dict[str, Any] = {
        "summary": summary,
        "changed_skills": changed_names[:LOGGED] or None,
        "changed_targets": list(dict.fromkeys(t for item in done.values()
                                              for t in item.targets)) or None,
        "done": _per_verb(done) or None,
    }
    return PassWords(summary, fields, conflicts[:LOGGED])


def _problems(targets: Sequence[TargetReport], conflicts: Sequence[Mapping[str, str]],
              held_back: Sequence[str]) -> list[str]:
    """What went wrong in a pass: its conflicts, the targets that failed, pruning held
    back (how much, where)."""
    problems = []
    if conflicts:
        where = names_list([f"{c['skill']} in {c['target']}" if c["skill"]
                            else f"the folder of {c['target']}" for c in conflicts])
        problems.append(f"{counted(len(conflicts), ('conflict', 'conflicts'))} ({where})")
    errors = [t["name"] for t in targets if t["error"]]
    if errors:
        problems.append(f"failed in {names_list(errors, shown=LOGGED)}")
    if held_back:
        counts = {t["name"]: t["held"] for t in targets if t["guard"] and t["held"]}
        problems.append(held_words(held_back, counts))
    return problems


def held_words(targets: Sequence[str], held: Mapping[str, int]) -> str:
    """``held back pruning of 5 entries in claude (3), cursor (2)`` (how much, where it is
    known)."""
    where = ", ".join(f"{name} ({held[name]:,})" if name in held else name
                      for name in targets[:LOGGED])
    if len(targets) > LOGGED:
        where += f" and {len(targets) - LOGGED:,} more"
    much = f" of {counted(sum(held.values()), ('entry', 'entries'))}" if held else ""
    return f"held back pruning{much} in {where}"


def describe_hold(targets: Sequence[str], held: Mapping[str, int], why: str) -> str:
    """``held back pruning of 5 entries in claude (3), cursor (2): <why, or what to do>``."""
    return f"{held_words(targets, held)}: {why}"
