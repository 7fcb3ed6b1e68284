"""``tui [on|off]``: the original tool's switch for its interactive screens, kept so a
switching user's scripts and habits work. This version has no interactive screens (its
output is always plain text), so the switch changes nothing but the ``tui:`` key of the
global config, which the original reads the same way: ``tui`` shows the setting, ``tui on``
and ``tui off`` write it."""

from __future__ import annotations

from typing import Literal, TypedDict

from skillshared.commands.request import Request
from skillshared.core.config_file import read_document
from skillshared.core.errors import UsageError
from skillshared.store import configedit

STATES = {"on": True, "off": False}


class TuiResult(TypedDict):
    tui: Literal["on", "off"]
    default: bool  # True: the config has no `tui:` key (the original's default: on)
    changed: bool
    dry_run: bool
    config: str


def cmd_tui(req: Request) -> TuiResult:
    wanted = req.text("state")
    if wanted is not None and wanted not in STATES:
        raise UsageError(f"unknown argument {wanted!r}: use `tui on` or `tui off`",
                         hint="`skillshare tui` shows the setting")
    scope = req.paths.global_scope()  # (one setting for every project, as in the original)
    doc = read_document(scope)
    current = doc.get("tui")
    new = None if wanted is None else STATES[wanted]
    dry_run = req.flag("dry_run")
    changed = new is not None and current is not new
    if changed and not dry_run:
        configedit.save(scope, {**doc, "tui": new})
    state = new if new is not None else current if isinstance(current, bool) else True
    return {"tui": "on" if state else "off", "default": wanted is None and current is None,
            "changed": changed, "dry_run": dry_run, "config": str(scope.config_file)}
