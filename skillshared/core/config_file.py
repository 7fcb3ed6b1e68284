"""Loading a config: the file read (capped, UTF-8, YAML) and its document validated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skillshared.core import config_parsed
from skillshared.core.config import Config
from skillshared.core.config_check import Validator
from skillshared.core.errors import ConfigError
from skillshared.core.paths import Scope

MAX_CONFIG_BYTES = 1 << 20


def read_document(scope: Scope) -> dict[str, Any]:
    """Read and parse the config file of ``scope`` (no validation)."""
    path = scope.config_file
    init_hint = "run `skillshare init -p`" if scope.is_project else "run `skillshare init`"
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"config not found: {path}", hint=init_hint) from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a folder, not a file: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config {path} is larger than {MAX_CONFIG_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config {path} is not UTF-8 text (byte {exc.start})") from None
    data = config_parsed.kept(scope, text)
    if data is not None:
        return data  # (this very text was parsed before: no YAML)
    from skillshared.core import yamlio

    try:
        data = yamlio.load(text, str(path))
    except yamlio.YamlError as exc:
        raise ConfigError(f"cannot parse config: {exc}", hint="fix the YAML syntax") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"config {path}: the top level must be a mapping of keys to values")
    config_parsed.parsed(scope, text, data)
    return data


def load(scope: Scope) -> Config:
    return from_document(scope, read_document(scope))


def from_document(scope: Scope, doc: Mapping[str, Any]) -> Config:
    """Normalise and validate a parsed document; raise ConfigError listing every problem."""
    v = Validator(scope)
    config = v.build(doc)
    if v.problems:
        count = len(v.problems)
        noun = "problem" if count == 1 else "problems"
        raise ConfigError(
            f"invalid config {scope.config_file} ({count} {noun})",
            hint="fix the listed keys and run the command again",
            details=v.problems,
        )
    return config
