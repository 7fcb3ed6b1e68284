"""Discovery for the read-only views through the persisted catalog (listings and frontmatter
kept in the state folder's ``cache``, each with the identity it was read with): a warm
``list`` or ``status`` stats instead of reading. Writing the catalog never makes a view fail
(a read-only or full disk only makes the next run slower)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from skillshared.catalog import skills
from skillshared.catalog.stored import StoredCatalog, cache_file
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Scope

CACHE_FOLDER = "cache"


def discover(state_dir: Path | None, source: Path) -> skills.Discovery:
    """:func:`skills.discover` of ``source``, reading only what changed since the catalog
    kept in ``state_dir`` was written (and writing it anew when something did); None: no
    catalog (the daemon keeps its answers in memory)."""
    if state_dir is None:
        return skills.discover(source)
    real = os.path.realpath(source)
    stored = StoredCatalog(cache_file(state_dir / CACHE_FOLDER, real), real)
    discovery = skills.discover(source, stored=stored)
    if discovery.exists:
        with contextlib.suppress(OSError, SkillshareError):  # (it only saves time)
            stored.save(_write)
    return discovery


def keep_config(scope: Scope) -> None:
    """Keep the parse of ``scope``'s config when it was parsed from YAML just now (the next
    command reading the same text skips YAML)."""
    from skillshared.core import config_parsed

    entry = config_parsed.pending(scope)
    if entry is not None:
        with contextlib.suppress(OSError, SkillshareError):
            _write(*entry)


def _write(path: Path, data: bytes) -> None:
    from skillshared.engine import fsops

    fsops.makedirs(path.parent)
    fsops.atomic_write(path, data)
