"""The fields the original skillshare's ``install --json`` has, added to ours: ``source``
(as given), ``tracked``, ``dry_run``, ``skills`` (the names installed: agents' names for an
install of agents), ``failed``, ``into`` (with ``--into``) and ``duration``."""

from __future__ import annotations

import time
from typing import Any, cast


def add_original_fields(result: Any, raw: str, where: str | None, started: float) -> None:
    """``result`` (an install of a source) given the original's fields, in place."""
    doc = cast(dict[str, Any], result)
    if "items" in doc:  # an update (install <name> --update) or a recorded install
        return
    doc["source"] = raw
    doc["tracked"] = bool(doc.get("track"))
    if doc.get("kind") == "agents":
        doc["skills"] = [a["name"] for a in doc.get("agents", [])]
    doc["failed"] = []
    if where is not None:
        doc["into"] = where
    doc["duration"] = f"{time.monotonic() - started:.3f}s"
