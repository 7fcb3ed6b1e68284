"""The context cost after a skills sync (tokens always loaded and on demand, per group of
targets) and the ``context_budget`` warnings; ``sync --quiet`` shows neither."""

from __future__ import annotations

from skillshare.textout import WARN, Out

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

WHAT = {"always_loaded": "Always-loaded", "on_demand": "On-demand"}


def short(tokens: int) -> str:
    return f"{tokens / 1000:.1f}K" if tokens >= 1000 else str(tokens)


def context_lines(r: Mapping[str, Any], out: Out) -> None:
    cost = r.get("context_cost")
    if not cost or r.get("quiet"):
        return
    for group in cost["groups"]:
        out(f"  Context: ~{short(group['always_loaded_tokens'])} always-loaded · "
            f"~{short(group['on_demand_tokens'])} on-demand ({', '.join(group['targets'])})")
    for w in cost["warnings"]:
        out(f"{WARN} {WHAT[w['kind']]} context is ~{w['tokens']:,} tokens (budget: "
            f"{w['budget']:,}) on {', '.join(w['targets'])}")
        out("   Top 3:")
        for top in w["top"]:
            out(f"     • {top['name']:<30}  ~{top['tokens']:,} tokens")
        out("   Raise or set context_budget in the config (0: no warning), or sync with "
            "--quiet.")
