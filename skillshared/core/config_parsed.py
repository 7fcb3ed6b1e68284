"""A kept parse of the global config: its document as JSON beside the exact text it was
parsed from (in the state folder's ``cache``), so that a command finding the same text
skips YAML altogether (its import and its parse). The text is compared whole: any edit,
however small, is parsed again. A kept parse that is damaged or from another version is
ignored. Only plain data is kept (mappings with text keys, lists, text, numbers, booleans,
null): a document with dates or other YAML types is always parsed. This module only reads;
a command writes what :func:`pending` gives through the engine's atomic write."""

from __future__ import annotations

import json
import math
import zlib
from pathlib import Path
from typing import Any

from skillshared import __version__
from skillshared.core.paths import Scope

VERSION = f"1/{__version__}"
_parsed: dict[str, str] = {}  # config path -> the JSON to keep of its last YAML parse


def cache_file(scope: Scope) -> Path | None:
    """Where the parse of ``scope``'s config is kept (None: a project's is not kept, as
    nothing of ours is written into a project for a read)."""
    if scope.is_project:
        return None
    tag = zlib.crc32(str(scope.config_file).encode("utf-8", "surrogateescape"))
    return scope.log_dir.parent / "cache" / f"config-{tag:08x}.json"


def kept(scope: Scope, text: str) -> dict[str, Any] | None:
    """The document kept for exactly ``text`` (None: none, or not for this text)."""
    file = cache_file(scope)
    if file is None:
        return None
    try:
        with open(file, "rb") as handle:
            doc = json.loads(handle.read())
        if (doc["version"], doc["path"], doc["text"]) == (VERSION, str(scope.config_file),
                                                          text):
            found = doc["doc"]
            return found if isinstance(found, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def parsed(scope: Scope, text: str, doc: dict[str, Any]) -> None:
    """Note a YAML parse of ``text`` (kept by the next :func:`pending` when plain data)."""
    if cache_file(scope) is not None and _plain(doc):
        _parsed[str(scope.config_file)] = json.dumps(
            {"version": VERSION, "path": str(scope.config_file), "text": text, "doc": doc},
            ensure_ascii=False)


def pending(scope: Scope) -> tuple[Path, bytes] | None:
    """What to write so that the next load skips YAML: the last parse of ``scope``'s config
    that is not kept yet (once)."""
    file = cache_file(scope)
    entry = _parsed.pop(str(scope.config_file), None)
    if file is None or entry is None:
        return None
    return file, entry.encode("utf-8")


def _plain(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, str | bool | int)
