"""``list``: the text (compact, or ``--verbose``) and the original's JSON (an array)."""

from __future__ import annotations

from skillshare.render_sync import discovery_notes
from skillshare.textout import INFO, WARN, Out, plural

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from typing import Any

    from skillshared.commands.results_list import ListedAgents, ListedSkill, ListResult


def _origin(s: ListedSkill) -> str:
    if s["origin"] == "tracked":
        return f"tracked: {s['repo']}"
    if s["origin"] == "installed" and s["source"]:
        return f"installed: {s['source']}"
    return str(s["origin"])


def _verbose(s: ListedSkill, out: Out) -> None:
    out(f"  {s['name']}")
    if s["repo"]:
        out(f"    Tracked repo: {s['repo']}")
    if s["source"]:
        out(f"    Source:      {s['source']}")
        out(f"    Type:        {s.get('type', '')}")
        out(f"    Installed:   {s.get('installed_at') or '?'}")
    else:
        out("    Source:      (local - no metadata)")
    if s["description"]:
        out(f"    Description: {s['description']}")
    out()


def render_list(r: ListResult, out: Out) -> int:
    if r.get("kind") == "agent" and "agents" in r:  # `list agents`: the agents alone
        render_agents(r["agents"], out, first=True)
        return 0
    out.header(f"Skills in {out.path(r['source'])}" + ("" if r["exists"] else " (missing)"))
    width = max([len(s["name"]) for s in r["skills"]] + [4])
    for s in r["skills"]:
        if r.get("verbose"):
            _verbose(s, out)
            continue
        desc = f"  {s['description']}" if s["description"] else ""
        out(f"  {s['name']:<{width}}  {_origin(s)}{desc}")
    if not r.get("verbose"):
        out()
    filtered = r.get("pattern") or r.get("type_filter")
    if filtered:
        match = f" matching {r['pattern']!r}" if r.get("pattern") else ""
        kind = f" (type: {r['type_filter']})" if r.get("type_filter") else ""
        out(f"{len(r['skills'])} of {plural(r.get('total', len(r['skills'])), 'skill')}"
            f"{match}{kind}")
    else:
        out(plural(len(r["skills"]), "skill"))
    discovery_notes(out, r)
    if "agents" in r:
        render_agents(r["agents"], out)
    return 0


def render_agents(a: ListedAgents, out: Out, first: bool = False) -> None:
    if not first:
        out()
    out.header(f"Agents in {out.path(a['source'])}")
    width = max([len(agent["name"]) for agent in a["agents"]] + [4])
    for agent in a["agents"]:
        desc = f"  {agent['description']}" if agent["description"] else ""
        shown = f"  ({agent['file']})" if agent["file"] != agent["name"] + ".md" else ""
        out(f"  {agent['name']:<{width}}{shown}{desc}")
    out()
    out(plural(len(a["agents"]), "agent"))
    for bad in a["invalid"]:
        out(f"{WARN} {bad['path']}: not an agent: {bad['reason']}")
    if a["ignored"]:
        out(f"{INFO} {plural(len(a['ignored']), 'agent')} hidden by .agentignore: "
            + ", ".join(a["ignored"]))


def _skill_item(s: ListedSkill) -> dict[str, Any]:
    """One skill as the original's ``list --json`` writes it (``name``, ``relPath``, and
    ``source``, ``type``, ``installedAt``, ``repoName`` when known), then ours."""
    item: dict[str, Any] = {"name": s["name"], "relPath": s["path"]}
    known = {"source": s["source"], "type": s.get("type") if s["source"] else None,
             "installedAt": s.get("installed_at"), "repoName": s["repo"]}
    item.update((k, v) for k, v in known.items() if v)
    item.update(kind="skill", origin=s["origin"], description=s["description"],
                title=s["title"], targets=s["targets"], problem=s["problem"],
                recorded_in=s["recorded_in"])
    return item


def json_document(r: ListResult) -> list[dict[str, Any]]:
    """``list --json``: an array, as the original's; agents (``list agents``, ``--all``, or
    an agents source beside the skills) follow the skills with ``kind: agent``."""
    items = [_skill_item(s) for s in r["skills"]]
    if "agents" in r:
        items += [{"name": a["name"], "relPath": a["path"], "kind": "agent", "file": a["file"],
                   "description": a["description"]} for a in r["agents"]["agents"]]
    return items
