"""The file-level parts of ``diff --stat`` / ``--patch``."""

from __future__ import annotations

from typing import Literal, TypedDict


class FileChange(TypedDict):
    path: str  # relative to the skill's folder
    action: Literal["add", "modify", "delete"]  # what sync would do to the target's file
    source_size: int | None
    target_size: int | None
