"""SKILL.md frontmatter: ``name``, ``description`` and ``targets``. Plain ``key: text`` lines
(most skills) are read without YAML; anything else goes through YAML's safe loader, and a
problem is reported with the skill, which is synced anyway."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from skillshared.catalog.kinds import SKILL_FILE

FRONTMATTER_MAX_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Frontmatter:
    name: str | None = None
    description: str | None = None
    targets: tuple[str, ...] | None = None
    problem: str | None = None


NO_FRONTMATTER = Frontmatter()


def parse_frontmatter(data: bytes) -> Frontmatter:
    """Read ``name``, ``description`` and ``targets`` from the start of a SKILL.md."""
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")  # editors' BOM
    if not text.startswith("---"):
        return Frontmatter()
    first, _, rest = text.partition("\n")
    if first.rstrip() != "---":
        return Frontmatter()
    end = re.search(r"^---[ \t]*\r?$", rest, re.MULTILINE)
    if end is None:
        if len(data) > FRONTMATTER_MAX_BYTES:
            return Frontmatter(problem=f"frontmatter is longer than {FRONTMATTER_MAX_BYTES} bytes")
        return Frontmatter(problem="frontmatter has no closing '---' line")
    body = rest[: end.start()]
    doc = simple_frontmatter(body)
    if doc is not None:
        return _frontmatter_fields(doc)
    import yaml  # (only for frontmatter the fast path does not read)

    try:
        doc = yaml.load(body, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f" (line {mark.line + 2})" if mark else ""
        return Frontmatter(problem=f"frontmatter is not valid YAML{line}: {exc.problem}")
    except (yaml.YAMLError, RecursionError):
        return Frontmatter(problem="frontmatter is not valid YAML")
    if doc is None:
        return Frontmatter()
    if not isinstance(doc, dict):
        return Frontmatter(problem="frontmatter must be a mapping of keys to values")
    return _frontmatter_fields(doc)


_LINE_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*?))? *")
_PLAIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9 ._/(),'+=;?-]*")
_LIST_RE = re.compile(r"\[ *([A-Za-z][A-Za-z0-9_.-]*(?: *, *[A-Za-z][A-Za-z0-9_.-]*)*) *\]")
_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})


def simple_frontmatter(body: str) -> dict[str, Any] | None:
    """Parse frontmatter made only of ``key: plain text`` and ``key: [a, b]`` lines without
    YAML (a fast path: most skills look like that). None when it is anything else; the result
    is then what YAML gives, which a test checks."""
    doc: dict[str, Any] = {}
    for raw in body.split("\n"):
        line = raw.rstrip("\r")
        if "\t" in line:
            return None
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE_RE.fullmatch(line)
        if match is None:
            return None
        key, value = match.group(1), match.group(2)
        if not value:
            doc[key] = None
        elif _PLAIN_RE.fullmatch(value) and value.lower() not in _YAML_WORDS:
            doc[key] = value
        elif (items := _LIST_RE.fullmatch(value)) is not None:
            words = [w.strip() for w in items.group(1).split(",")]
            if any(w.lower() in _YAML_WORDS for w in words):
                return None
            doc[key] = words
        else:
            return None
    return doc


def _frontmatter_fields(doc: dict[Any, Any]) -> Frontmatter:
    problems = []
    name, description = doc.get("name"), doc.get("description")
    if name is not None and not isinstance(name, str):
        problems.append("'name' must be text")
        name = None
    if description is not None and not isinstance(description, str):
        problems.append("'description' must be text")
        description = None
    metadata = doc.get("metadata")
    raw_targets = doc.get("targets")
    if isinstance(metadata, dict) and metadata.get("targets") is not None:
        raw_targets = metadata["targets"]
    targets: tuple[str, ...] | None = None
    if isinstance(raw_targets, str) and raw_targets.strip():
        raw_targets = [t.strip() for t in raw_targets.split(",") if t.strip()]
    if raw_targets is not None:
        if isinstance(raw_targets, list) and raw_targets and all(
            isinstance(t, str) and t for t in raw_targets
        ):
            targets = tuple(raw_targets)
        else:
            problems.append("'targets' must be a non-empty list of target names; ignored")
    return Frontmatter(name, description, targets, "; ".join(problems) or None)


def read_frontmatter(path: str) -> Frontmatter:
    try:
        with open(path, "rb") as handle:
            data = handle.read(FRONTMATTER_MAX_BYTES + 1)
    except OSError as exc:
        return Frontmatter(problem=f"cannot read {SKILL_FILE}: {exc.strerror}")
    return parse_frontmatter(data)
