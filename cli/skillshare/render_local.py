"""Text of ``tui`` and of the commands the command line answers itself: ``version``,
``help`` and ``completion`` (kept apart from their modules, which only those commands
import)."""

from __future__ import annotations

from skillshare.textout import OK, Out

TYPE_CHECKING = False  # typing is not imported at run time: this runs on every command
if TYPE_CHECKING:
    from typing import Any


def render_version(result: dict[str, Any], out: Out) -> int:
    out(f"{result['name']} v{result['version']}")
    return 0


def render_help(result: dict[str, Any], out: Out) -> int:
    out(str(result["text"]).rstrip("\n"))
    return 0


def render_tui(result: dict[str, Any], out: Out) -> int:
    state = result["tui"]
    if result["changed"] or result["dry_run"]:
        verb = "would be " if result["dry_run"] and result["changed"] else ""
        out(f"{OK} TUI {verb}{'enabled' if state == 'on' else 'disabled'}")
    else:
        out(f"TUI: {state}{' (default)' if result['default'] else ''}")
    out("  (kept for the original's scripts: this version's output is always plain text)")
    return 0


def render_completion(result: dict[str, Any], out: Out) -> int:
    if result["shell"] is None:
        out(str(result["usage"]).rstrip("\n"))
        return 0
    if not result["installed"]:
        out.verbatim(str(result["script"]).rstrip("\n"))
        return 0
    out(f"{OK} Completion script installed to {result['path']}")
    out(f"  To use it: {result['activate']}")
    return 0
