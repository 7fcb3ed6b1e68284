"""What this machine installed of each recorded install: the commit (``version``), the
tree hash of the skill's folder in it, the branch, the time and the hashes of the files
installed (``file_hashes``, which the audit compares with the files on disk), as the
original skillshare records them, for every install (``check`` shows them).

They live in ``installed-versions.json`` in the mode's log folder, beside the operations
log: never in the records that travel with the source or the project
(``.skillshare-installed.json``, the ``skills:`` list), which change only when what is
installed changes, not on every update, so two machines never conflict over them. A
damaged file is started again (it only describes what is on disk); the original's
``.metadata.json``, when there is one, is stamped too (see ``installs``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.engine import fsops
from skillshared.git.installs_original import read_json, under

FILE = "installed-versions.json"
KEPT = ("version", "tree_hash", "branch", "installed_at", "file_hashes")


def path(config: Config) -> Path:
    return config.scope.log_dir / FILE


def read(config: Config) -> dict[str, dict[str, Any]]:
    """The stamps by path in the source (empty when the file is missing or damaged)."""
    try:
        doc = read_json(path(config), "")
    except SkillshareError:
        return {}
    items = doc.get("installs") if isinstance(doc, dict) else None
    if not isinstance(items, dict):
        return {}
    return {rel: {k: v for k, v in item.items() if k in KEPT and _valid(k, v)}
            for rel, item in items.items() if isinstance(rel, str) and isinstance(item, dict)}


def _valid(key: str, value: Any) -> bool:
    if key == "file_hashes":
        return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in value.items())
    return isinstance(value, str)


def _write(config: Config, items: Mapping[str, Mapping[str, Any]]) -> None:
    fsops.makedirs(config.scope.log_dir)
    text = json.dumps({"installs": {k: dict(items[k]) for k in sorted(items)}}, indent=2)
    fsops.atomic_write(path(config), (text + "\n").encode())


def stamp(config: Config, stamps: Mapping[str, Mapping[str, Any]]) -> None:
    """Record these installs' stamps (only the fields in ``KEPT``; a new stamp of an
    install replaces its old one, and an update keeps the branch it had)."""
    fresh = {rel: {k: v for k, v in fields.items() if k in KEPT and v}
             for rel, fields in stamps.items()}
    if not any(fresh.values()):
        return
    items = read(config)
    for rel, fields in fresh.items():
        if fields:
            items[rel] = {**({"branch": items[rel]["branch"]} if "branch" in items.get(rel, {})
                             else {}), **fields}
    _write(config, items)


def forget(config: Config, rels: Iterable[str]) -> None:
    """Drop the stamps of these installs (and of everything inside them)."""
    gone = set(rels)
    items = read(config)
    kept = {rel: item for rel, item in items.items() if not under(rel, gone)}
    if len(kept) != len(items):
        _write(config, kept)
