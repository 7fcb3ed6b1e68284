"""``--json`` in the original's shapes: one pure function per command maps our result to the
original's document. Every field of the original comes first, in its shape; then every field
of ours whose name the original does not use; a field of ours whose name the original uses for
something else moves to a new name (see ``MOVED``). Nothing heavy is imported here: this runs in
the command-line process."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

    Doc = dict[str, Any]
    Result = Mapping[str, Any]

# Where a field of ours went because the original uses its name for another shape.
MOVED: dict[str, dict[str, str]] = {
    "sync": {"targets": "results", "extras": "extras_sync",
             "context_cost.warnings": "context_cost.budget_warnings"},
    "uninstall": {"removed": "removed_items"},
    "collect": {"skipped": "skipped_items", "failed": "failed_items"},
    "update": {"items[].status": "items[].state"},
    "diff": {"targets[].items[].action": "targets[].items[].operation"},
}


def go_duration(seconds: float) -> str:
    """A duration as the original prints one (Go's, to the millisecond): ``0s``, ``12ms``,
    ``1.5s``, ``2m3.004s``, ``1h0m0s``."""
    ms = max(int(seconds * 1000), 0)
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    whole, frac = divmod(rest, 1000)
    text = f"{whole}.{frac:03d}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{hours}h{minutes}m{text}"
    return f"{minutes}m{text}" if minutes else text


def _duration(r: Result) -> str:
    """The result's own duration (``duration_ms`` or a ``duration`` of seconds), in the
    original's format; ``0s`` when nothing timed it."""
    if isinstance(r.get("duration_ms"), (int, float)):
        return go_duration(float(r["duration_ms"]) / 1000)
    text = r.get("duration")
    if isinstance(text, str) and text.endswith("s") and not text.endswith("ms"):
        try:
            return go_duration(float(text[:-1]))
        except ValueError:
            return text
    return text if isinstance(text, str) else "0s"


def _ours(doc: Doc, r: Result, moved: Mapping[str, str] | None = None) -> Doc:
    """Add our fields the original does not have (``moved``: ours whose name it uses, under
    their new name)."""
    for key, value in r.items():
        if moved and key in moved:
            doc[moved[key]] = value
        elif key not in doc:
            doc[key] = value
    return doc


# -- sync ---------------------------------------------------------------------------------------


def _detail(t: Result) -> Doc:
    detail: Doc = {"name": t["name"], "mode": t["mode"],
                   "linked": t.get("linked", 0) + t.get("new", 0), "local": t.get("local", 0),
                   "updated": t.get("updated", 0), "pruned": t.get("pruned", 0)}
    if t.get("error"):
        detail["error"] = t["error"]
    return detail


def _context_cost(cost: Result) -> Doc:
    """The original's context_cost: its warnings are one per target (ours, one per group of
    targets, are kept as ``budget_warnings``)."""
    warnings = [{"type": w["kind"], "target": target, "actual": w["tokens"],
                 "budget": w["budget"], "top_offenders": list(w.get("top", []))}
                for w in cost.get("warnings", []) for target in w.get("targets", [])]
    doc: Doc = {"groups": list(cost.get("groups", [])), "warnings": warnings,
                "budget_warnings": cost.get("warnings", [])}
    return _ours(doc, cost)


def _details(t: Result) -> list[Doc]:
    """A target's detail, then one per target sharing its folder (``also``): the original
    syncs that folder again for each, finding its links in place and nothing to update."""
    first = _detail(t)
    again = [{**first, "name": name, "updated": 0, "pruned": 0} for name in t.get("also", [])]
    return [first, *again]


def _skills_pass(r: Result) -> Doc:
    """The original's fields of a pass over the skills' (or agents') targets."""
    details = [d for t in r.get("targets", []) for d in _details(t)]
    ignored = list(r.get("ignored", []))
    doc: Doc = {"targets": len(details)}
    for key in ("linked", "local", "updated", "pruned"):
        doc[key] = sum(d[key] for d in details)
    doc.update(ignored_count=len(ignored), ignored_skills=ignored,
               dry_run=bool(r.get("dry_run")), duration=_duration(r), details=details)
    if r.get("context_cost"):
        doc["context_cost"] = _context_cost(r["context_cost"])
    return doc


def _extra_target(t: Result, problem: str | None) -> Doc:
    target: Doc = {"path": t["path"], "mode": t["mode"],
                   "synced": t.get("linked", 0) + t.get("new", 0) + t.get("updated", 0),
                   "skipped": t.get("local", 0), "pruned": t.get("pruned", 0)}
    if t.get("error") or problem:
        target["error"] = t.get("error") or problem
    return target


def _extra_entries(passes: Iterable[Result]) -> list[Doc]:
    """The original's ``extras`` of sync: per extra, its target folders' counts (our
    per-extra fields follow)."""
    entries = []
    for p in passes:
        report = p.get("sync") or {}
        targets = [_extra_target(t, p.get("problem")) for t in report.get("targets", [])]
        for target in targets:
            if p.get("warnings"):
                target["warnings"] = list(p["warnings"])
        entries.append(_ours({"name": p["name"], "targets": targets}, p))
    return entries


def sync(r: Result) -> Doc:
    if r.get("kind") == "extras":
        doc: Doc = {"extras": _extra_entries(r.get("extras", [])), "duration": _duration(r)}
        return _ours(doc, r)
    if r.get("kind") == "all":
        skills = r.get("skills") or {}
        doc_all = _skills_pass(skills)
        doc_all["dry_run"] = bool(r.get("dry_run"))
        doc_all["extras"] = _extra_entries((r.get("extras") or {}).get("extras", []))
        return _ours(doc_all, r, {"extras": "extras_sync"})
    return _ours(_skills_pass(r), r, {"targets": "results"})


# -- uninstall, collect, update ----------------------------------------------------------------


def uninstall(r: Result) -> Doc:
    """``failed`` is always empty and ``skipped`` 0: ours refuses the whole command rather than
    removing some of the names."""
    doc: Doc = {"removed": [item["name"] for item in r.get("removed", [])], "failed": [],
                "skipped": 0, "dry_run": bool(r.get("dry_run")), "duration": _duration(r)}
    return _ours(doc, r, {"removed": "removed_items"})


def collect(r: Result) -> Doc:
    failed: dict[str, str] = {}
    for f in r.get("failed", []):
        key = f["name"] if f["name"] not in failed else f"{f['target']}/{f['name']}"
        failed[key] = f.get("error", "")
    doc: Doc = {"pulled": [c["name"] for c in r.get("collected", [])],
                "skipped": [s["name"] for s in [*r.get("same", []), *r.get("skipped", [])]],
                "failed": failed, "dry_run": bool(r.get("dry_run")), "duration": _duration(r)}
    return _ours(doc, r, {"skipped": "skipped_items", "failed": "failed_items"})


_UPDATE_STATUS = {"updated": "updated", "installed": "updated", "blocked": "security_blocked",
                  "rolled back": "security_blocked",
                  "failed": "failed", "error": "failed"}


def _update_item(item: Result) -> Doc:
    doc: Doc = {"name": item["name"], "type": item.get("kind", "skill"),
                "status": _UPDATE_STATUS.get(item.get("status", ""), "skipped")}
    if item.get("error"):
        doc["error"] = item["error"]
    doc["state"] = item.get("status")
    return _ours(doc, item)


def update(r: Result) -> Doc:
    """The original's counts and items (of the skills and tracked repos: ours keeps the
    agents' under ``agents``, as they are)."""
    items = [_update_item(i) for i in r.get("items", [])]
    states = [i["state"] for i in items]
    doc: Doc = {"updated": sum(1 for i in items if i["status"] == "updated"),
                "skipped": sum(1 for i in items if i["status"] == "skipped"),
                "security_failed": sum(1 for i in items if i["status"] == "security_blocked"),
                "pruned": sum(1 for s in states if s == "pruned"),
                "dry_run": bool(r.get("dry_run")), "duration": _duration(r), "items": items}
    missing = [i for i in items if i["state"] == "missing" and i["type"] == "repo"]
    if missing:
        doc["missing_tracked_repos"] = {
            "names": [i["name"] for i in missing],
            "hint": missing[0].get("hint") or "run `skillshare install` to re-create them"}
    return _ours(doc, r)


# -- extras list, doctor, diff ----------------------------------------------------------------


def extras(r: Result) -> Doc | list[Doc]:
    """``extras list``: the original's array of extras (our fields in each entry); any other
    ``extras`` action is ours as it is."""
    if r.get("action") != "list":
        return dict(r)
    return [_ours({"name": e["name"], "source_dir": e["source"],
                   "source_type": e["source_type"], "file_count": e["files"],
                   "source_exists": e["source_exists"],
                   "targets": [dict(t) for t in e["targets"]]}, e)
            for e in r.get("extras", [])]


def _check(c: Result) -> Doc:
    doc: Doc = {"name": c["name"], "status": c["status"], "message": c["message"]}
    if c.get("details"):
        doc["details"] = list(c["details"])
    if c.get("hint"):
        doc["suggestions"] = [c["hint"]]
    return _ours(doc, c)


def doctor(r: Result, version: str = "") -> Doc:
    checks = [_check(c) for c in r.get("checks", [])]

    def count(status: str) -> int:
        return sum(1 for c in checks if c["status"] == status)

    summary = {"total": len(checks), "pass": count("pass"), "warnings": count("warning"),
               "errors": count("error"), "info": count("info")}
    doc: Doc = {"checks": checks, "summary": _ours(summary, r.get("summary") or {}),
                "version": {"current": version, "update_available": False}}
    return _ours(doc, r)


_DIFF_ACTION = {"+": "add", "-": "remove", "←": "remove"}


def _diff_item(item: Result) -> Doc:
    doc: Doc = {"action": _DIFF_ACTION.get(item["sign"], "modify"), "name": item["name"],
                "kind": item.get("kind", "skill"), "reason": item["reason"],
                "is_sync": item["action"] not in ("local", "held"),
                "operation": item["action"]}
    return _ours(doc, item)


def _diff_target(t: Result) -> Doc:
    doc: Doc = {"name": t["name"], "mode": t["mode"], "synced": t["synced"]}
    if t.get("error"):
        doc["error"] = t["error"]
    doc.update(items=[_diff_item(i) for i in t.get("items", [])],
               include=list(t.get("include") or []), exclude=list(t.get("exclude") or []))
    doc = _ours(doc, t)
    if doc.get("error") is None:  # the original's is a string, left out when there is none
        doc.pop("error", None)
    return doc


def diff(r: Result) -> Doc:
    doc: Doc = {"targets": [_diff_target(t) for t in r.get("targets", [])],
                "duration": _duration(r)}
    return _ours(doc, r)


SHAPES: dict[str, Callable[[Result], Doc | list[Doc]]] = {
    "sync": sync, "uninstall": uninstall, "collect": collect, "update": update,
    "extras": extras, "diff": diff,
}


def document(cmd: str, result: Result, version: str = "", seconds: float | None = None
             ) -> Doc | list[Doc] | Result:
    """What ``--json`` prints for ``cmd``: the original's document, or ours as it is for a
    command whose shape already is the original's. ``seconds``: how long the command took,
    as the caller measured it (the ``duration`` of a result that did not time itself)."""
    if (seconds is not None and cmd in SHAPES and "duration_ms" not in result
            and "duration" not in result):
        result = {**result, "duration_ms": round(seconds * 1000)}
    if cmd == "doctor":
        return doctor(result, version)
    shape = SHAPES.get(cmd)
    return shape(result) if shape else result
