"""The most one skill may hold (config ``limits:``), for everything that copies, hashes or
saves a skill whole."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """The most one skill may hold to be copied, hashed or saved whole (config ``limits:``):
    ``max_mb`` megabytes of file content, ``max_files`` entries (files, folders, links)."""

    max_mb: int = 100
    max_files: int = 10_000
