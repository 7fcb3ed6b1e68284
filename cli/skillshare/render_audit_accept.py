"""Text rendering of ``audit accept`` (accept, ``--revoke``, ``--list``)."""

from __future__ import annotations

from skillshare.textout import FAIL, INFO, OK, WARN, Out, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from skillshared.commands.results_audit_hold import AuditAcceptResult, FlaggedSkill


def audit_section(items: list[FlaggedSkill], out: Out) -> None:
    """``status``: the skills with findings at or above the threshold, as the last sync or
    daemon pass saw them."""
    out()
    out("Security Audit (findings at or above the threshold):")
    for item in items:
        first = item["findings"][0] if item["findings"] else ""
        if item["held"]:
            out(f"  {FAIL} {item['name']:<16}  {item['top']:<8}  {item['origin']}: held back "
                f"— run '{item['hint']}'")
        else:
            out(f"  {WARN} {item['name']:<16}  {item['top']:<8}  {item['origin']}: reported "
                f"({first})")


def render_audit_accept(r: AuditAcceptResult, out: Out) -> int:
    action = r["accept"]
    if action == "list":
        if not r["items"]:
            out(f"{INFO} no skill accepted ({out.path(r['file'])})")
        for item in r["items"]:
            state = "as accepted" if item["current"] else (
                "changed since: scanned again" if item["name"] else "no longer in the source")
            out(f"{OK} {item['name'] or item['path']} ({item['path']}): {item['top']} "
                f"{', '.join(item['rules'])}; accepted {item['at']}, {state}")
    for item in r["items"] if action != "list" else []:
        verb = "accepted" if action == "accept" else "acceptance revoked"
        out(f"{OK} {item['name'] or item['path']}: {verb} ({item['top']}: "
            f"{', '.join(item['rules'])})")
    if r["synced"]:
        verb = "linked in" if action == "accept" else "taken out of"
        out(f"{INFO} {plural(len(r['synced']), 'skill')} {verb} the targets: "
            f"{', '.join(r['synced'])}")
    for held in r["held"]:
        out(f"{WARN} {held['name']} held back by the audit ({held['origin']}; {held['top']}): "
            f"`{held['hint']}`")
    return 0
