"""The checks every part of the config shares: one problem per bad value, with its key
path, and a warning per unknown key; the value's default stands in for a bad one."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skillshared.core.config_original import OriginalKeys
from skillshared.core.didyoumean import unknown_key
from skillshared.core.paths import Scope
from skillshared.core.patterns import PatternError, compile_glob


class Fields:
    """Problems and warnings gathered while a config document is read."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.original = OriginalKeys(scope, self.problem)
        # the agents source, which no target's agents folder may overlap (set from the
        # document before its targets are read)
        self.agents_dir = scope.config_file.parent / "agents"

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def _unknown(self, mapping: Mapping[Any, Any], known: set[str] | None, key: str) -> None:
        """Warn about keys of ``mapping`` outside ``known`` (None: every key is accepted)."""
        if known is None:
            return
        for extra in sorted(set(mapping) - known, key=str):
            self.warnings.append(unknown_key(f"{key}.{extra}", extra, known))

    def _choice(self, doc: Mapping[str, Any], key: str, allowed: tuple[str, ...],
                default: str, where: str | None = None) -> str:
        value = doc.get(key, default)
        if value is None or value == "":  # (the original tool's way to say "the default")
            return default
        if value not in allowed:
            self.problem(where or key, f"must be one of {', '.join(allowed)} (got {value!r})")
            return default
        return str(value)

    def _number(self, doc: Mapping[str, Any], key: str, default: float,
                minimum: float = 0) -> float:
        value = doc.get(key.rsplit(".", 1)[-1], default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
            self.problem(key, f"must be a number of at least {minimum:g} (got {value!r})")
            return default
        return value

    def _int(self, doc: Mapping[str, Any], key: str, default: int, minimum: int = 0) -> int:
        value = self._number(doc, key, default, minimum)
        if not isinstance(value, int):
            self.problem(key, f"must be a whole number (got {value!r})")
            return default
        return value

    def _strings(self, value: Any, key: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(key, "must be a list of text patterns")
            return []
        return list(value)

    def _path(self, value: Any, key: str) -> Path | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(key, "must be a path (text)")
            return None
        if "\0" in value:
            self.problem(key, "must not contain a NUL character")
            return None
        path = self.scope.expand(value.strip())
        try:
            os.fsencode(path)
        except UnicodeEncodeError:
            self.problem(key, f"{value!r} holds characters that file names cannot hold in this "
                         f"locale's encoding ({sys.getfilesystemencoding()}); run with a UTF-8 "
                         "locale (LANG=C.UTF-8)")
            return None
        return path

    def _globs(self, value: Any, key: str) -> tuple[str, ...]:
        patterns = self._strings(value, key)
        for index, pattern in enumerate(patterns):
            try:
                compile_glob(pattern)
            except PatternError as exc:
                self.problem(f"{key}[{index}]", str(exc))
        return tuple(p for p in patterns if p.strip())
