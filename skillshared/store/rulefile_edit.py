"""Edits of a user audit rule file (``audit-rules.yaml``) that keep every other line of it.

The file is a mapping with a list ``rules`` of entries. An edit changes one entry's keys,
removes one entry, or appends one, working on the text at the places the YAML parser marks:
comments, quoting, key order and every other entry stay as written. Each edit is checked by
parsing the result again: when the parsed document is not exactly what the edit means, the
edit is refused (nothing is written by this module; :func:`save` writes)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from skillshared.core import yamlio
from skillshared.core.errors import ConfigError
from skillshared.engine import fsops

HEADER = ("# Custom audit rules for skillshare (the original skillshare's format).\n"
          "# See `skillshare audit rules --help`.\n")
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.*/-]*")
_SPECIAL = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}

Value = str | bool


@dataclass(frozen=True)
class RuleText:
    """A rule file's text and what it parses to (``doc`` None: empty)."""

    path: Path
    text: str
    doc: Any

    def entries(self) -> list[Any]:
        rules = self.doc.get("rules") if isinstance(self.doc, Mapping) else None
        return list(rules) if isinstance(rules, list) else []


def read(path: Path, limit: int) -> RuleText:
    """The file at ``path`` (an empty text when there is none)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        return RuleText(path, "", None)
    except OSError as exc:
        raise ConfigError(f"audit rules: cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise ConfigError(f"audit rules: {path} is too large to edit")
    try:
        return parse(path, data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"audit rules: {path}: not UTF-8 text") from None


def parse(path: Path, text: str) -> RuleText:
    try:
        return RuleText(path, text, yamlio.load(text, str(path)))
    except yamlio.YamlError as exc:
        raise ConfigError(f"audit rules: {exc}") from None


def scalar(value: Value) -> str:
    """``value`` as a YAML scalar that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _PLAIN.fullmatch(value) and value.lower() not in _SPECIAL and \
            not re.fullmatch(r"[0-9._-]+", value):
        return value
    return json.dumps(value)


# -- where things are in the text ----------------------------------------------------------


def _compose(text: str) -> Any:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # pragma: no cover - parse() read it already
        raise ConfigError(f"audit rules: not YAML: {exc}") from None


def _rules_node(root: Any) -> tuple[Any, Any] | None:
    """The ``rules`` key and value nodes of the root mapping (None: no such key)."""
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "rules":
            return key, value
    return None


def _last_line(node: Any) -> int:
    """The last line (0-based) that ``node``'s text reaches."""
    if isinstance(node, yaml.ScalarNode) or node.flow_style or not node.value:
        end = node.end_mark
        return int(end.line if end.column > 0 else end.line - 1)
    last = node.value[-1]
    return _last_line(last[1] if isinstance(node, yaml.MappingNode) else last)


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    return lines


def _entry_nodes(text: str) -> list[Any]:
    found = _rules_node(_compose(text))
    if found is None or not isinstance(found[1], yaml.SequenceNode):
        return []
    return list(found[1].value)


def _unusable(path: Path, why: str) -> ConfigError:
    return ConfigError(f"audit rules: cannot edit {path}: {why}",
                       hint="edit the file by hand, or write its `rules` as a block list "
                            "(`- id: ...` lines)")


# -- the edits ------------------------------------------------------------------------------


def set_keys(rt: RuleText, index: int, changes: Mapping[str, Value]) -> RuleText:
    """Entry ``index`` with ``changes`` set (a key it has gets the new value in place)."""
    for key, value in changes.items():
        rt = _set_key(rt, index, key, value)
    return rt


def _set_key(rt: RuleText, index: int, key: str, value: Value) -> RuleText:
    node = _entry_nodes(rt.text)[index]
    if not isinstance(node, yaml.MappingNode):
        raise _unusable(rt.path, f"rules[{index}] is not a mapping")
    before = rt.entries()
    for k, v in node.value:
        if k.value == key:
            if not isinstance(v, yaml.ScalarNode):
                raise _unusable(rt.path, f"rules[{index}].{key} is not a single value")
            text = rt.text[:v.start_mark.index] + scalar(value) + rt.text[v.end_mark.index:]
            break
    else:
        if node.flow_style:
            raise _unusable(rt.path, f"rules[{index}] is written in flow style ({{...}})")
        lines = _lines(rt.text)
        at = _last_line(node) + 1
        lines.insert(at, " " * node.start_mark.column + f"{key}: {scalar(value)}\n")
        text = "".join(lines)
    expected = [{**e, key: value} if i == index else e for i, e in enumerate(before)]
    return _checked(rt, text, expected)


def remove_entry(rt: RuleText, index: int) -> RuleText:
    """The file without entry ``index`` (the lines it takes)."""
    node = _entry_nodes(rt.text)[index]
    lines = _lines(rt.text)
    first = node.start_mark.line
    if lines[first][:node.start_mark.column].strip() != "-":
        raise _unusable(rt.path, f"rules[{index}] does not start a line of its own")
    del lines[first:_last_line(node) + 1]
    expected = [e for i, e in enumerate(rt.entries()) if i != index]
    return _checked(rt, "".join(lines), expected)


def append_entry(rt: RuleText, entry: Mapping[str, Value]) -> RuleText:
    """The file with ``entry`` added at the end of its ``rules`` (made when missing)."""
    found = _rules_node(_compose(rt.text))
    lines = _lines(rt.text)
    if found is None:
        if rt.doc is not None and not isinstance(rt.doc, Mapping):
            raise _unusable(rt.path, "it is not a mapping")
        if rt.doc is not None and _compose(rt.text).flow_style:
            raise _unusable(rt.path, "it is written in flow style ({...})")
        head = [] if rt.text.strip() else [HEADER]
        text = "".join([*lines, *head, "rules:\n", _block(entry, 2)])
    else:
        key, value = found
        text = _append_to(rt, lines, key, value, entry)
    return _checked(rt, text, [*rt.entries(), dict(entry)])


def _append_to(rt: RuleText, lines: list[str], key: Any, value: Any,
               entry: Mapping[str, Value]) -> str:
    if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
        dash = value.start_mark.column
        at = _last_line(value) + 1
        return "".join([*lines[:at], _block(entry, dash), *lines[at:]])
    empty = (isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null")) or \
        (isinstance(value, yaml.SequenceNode) and not value.value)
    if not empty:
        raise _unusable(rt.path, "its `rules` is not a block list")
    line = key.start_mark.line
    if value.end_mark.line != line:
        raise _unusable(rt.path, "its `rules` key spans lines")
    indent = key.start_mark.column
    head = lines[line][:key.start_mark.column] + "rules:\n"
    return "".join([*lines[:line], head, _block(entry, indent + 2), *lines[line + 1:]])


def _block(entry: Mapping[str, Value], dash: int) -> str:
    rows = [f"{key}: {scalar(value)}\n" for key, value in entry.items()]
    return " " * dash + "- " + (" " * (dash + 2)).join(rows)


def _checked(rt: RuleText, text: str, expected: list[Any]) -> RuleText:
    """``text`` parsed, when it holds exactly ``expected`` as its rules and nothing else
    changed; else the edit is refused."""
    done = parse(rt.path, text)
    others = {k: v for k, v in (rt.doc or {}).items() if k != "rules"}
    now = {k: v for k, v in (done.doc or {}).items() if k != "rules"}
    if done.entries() != expected or others != now:
        raise _unusable(rt.path, "the edit would not read back as meant")
    return done


def save(rt: RuleText) -> None:
    """Write the file (its folder made when missing; a link stays a link)."""
    fsops.makedirs(rt.path.parent)
    fsops.save_user_file(rt.path, rt.text.encode("utf-8"))
