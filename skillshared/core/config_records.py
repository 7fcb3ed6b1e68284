"""Install records (``skills:`` lists): the skills and tracked repos installed from
elsewhere, so ``install`` with no argument can re-create them and ``update`` fetch them again.
The original tool's forms are read too (``group:``, a name with slashes, ``kind:``) and kept
as they are written while a record is unchanged."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skillshared.core.config_original import RECORD_KINDS

RECORDS_FILE = ".skillshare-installed.json"  # in the source: installs and tracked repos


@dataclass(frozen=True)
class SkillRecord:
    """An installed skill or tracked repo: where it came from, so ``install`` with no
    argument can re-create it and ``update`` can fetch it again."""

    name: str  # its folder in the source (in ``into``, when set)
    source: str  # as the user gave it (a local folder as an absolute path)
    tracked: bool = False
    into: str | None = None  # a folder inside the source
    subdir: str | None = None  # the skill's folder inside what ``source`` names
    branch: str | None = None  # the branch it follows (None: the remote's default)
    # The entry as it was read (the original tool's ``group:``, a ``name`` with slashes,
    # its ``kind``...): written back as it is while the record is unchanged.
    original: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def rel(self) -> str:
        """Its path relative to the source."""
        return f"{self.into}/{self.name}" if self.into else self.name

    def to_doc(self) -> dict[str, Any]:
        before = self.original
        if before is not None and _record_from(before) == self:
            return copy.deepcopy(dict(before))
        doc: dict[str, Any] = copy.deepcopy(dict(before or {}))
        # The folder above: in the form the entry had (the original tool reads no ``into``).
        place = "group" if "group" in doc else "name" if "/" in str(doc.get("name")) else "into"
        doc.pop("into", None)
        doc.pop("group", None)
        doc["name"] = self.rel if place == "name" else self.name
        if self.into and place != "name":
            doc[place] = self.into
        doc["source"] = self.source
        for key, value in (("tracked", self.tracked), ("subdir", self.subdir),
                           ("branch", self.branch)):
            if value:
                doc[key] = value
            else:
                doc.pop(key, None)
        return doc


_RECORD_KEYS = ("name", "source", "tracked", "into", "subdir", "branch", "group", "kind")


def _record_from(item: Mapping[str, Any]) -> SkillRecord:
    """The record of a checked ``skills:`` entry (``group`` or a name with slashes: the
    original tool's ways to say ``into``)."""
    folder = item.get("into") or item.get("group")
    rel = f"{folder}/{item['name']}" if folder else item["name"]
    into, _, name = rel.rpartition("/")
    return SkillRecord(name, item["source"], item.get("tracked") or False, into or None,
                       item.get("subdir") or None, item.get("branch") or None)


def is_skill_entry(item: Any) -> bool:
    """Whether a ``skills:`` entry records a skill (the original tool also records agents
    there, with ``kind: agent``)."""
    return not isinstance(item, dict) or item.get("kind") in (None, "", "skill")


def parse_skill_records(value: Any, problem: Callable[[str, str], None],
                        key: str = "skills") -> tuple[SkillRecord, ...]:
    """The records of a ``skills:`` list; each bad entry is reported with its key path.
    Entries of another kind (the original tool's agents) are checked and left out."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problem(key, "must be a list of {name, source, tracked}")
        return ()
    records: dict[str, SkillRecord] = {}
    for index, item in enumerate(value):
        where = f"{key}[{index}]"
        wrong = _record_problem(item)
        if wrong is not None:
            problem(f"{where}{wrong[0]}", wrong[1])
            continue
        if not is_skill_entry(item):
            continue
        record = dataclasses.replace(_record_from(item), original=item)
        if record.rel in records:
            problem(f"{where}.name", f"'{record.rel}' is recorded twice")
        records[record.rel] = record
    return tuple(records.values())


def _record_problem(item: Any) -> tuple[str, str] | None:
    """(key suffix, message) for what is wrong with one ``skills:`` entry."""
    if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item[k]
                                              for k in ("name", "source")):
        return "", "must be a mapping with text 'name' and 'source'"
    unknown = sorted(str(k) for k in item if k not in _RECORD_KEYS)
    if unknown:
        return f".{unknown[0]}", f"unknown key (known: {', '.join(_RECORD_KEYS)})"
    for text_key in ("branch", "kind"):
        if not isinstance(item.get(text_key, ""), str | None):
            return f".{text_key}", "must be text"
    if item.get("kind") not in (None, *RECORD_KINDS):
        return ".kind", f"must be one of skill, agent (got {item['kind']!r})"
    if not isinstance(item.get("tracked", False), bool | None):
        return ".tracked", "must be true or false"
    for field_name in ("name", "into", "group", "subdir"):
        value = item.get(field_name)
        if value is None:
            continue
        wrong = "must be text" if not isinstance(value, str) else _path_problem(value)
        if wrong:
            return f".{field_name}", wrong
    if item.get("into") and item.get("group") and item["into"] != item["group"]:
        return ".group", f"differs from 'into' ({item['into']!r}); keep one of them"
    if item.get("tracked") and not item["name"].rpartition("/")[2].startswith("_"):
        return ".name", "a tracked repo's name starts with '_'"
    return None


_SEGMENT_RE = re.compile(r"^[A-Za-z0-9._-]+$")


def _path_problem(path: str) -> str | None:
    """What makes ``path`` not a plain relative folder path (the segments the README's
    "How sync works" allows)."""
    for segment in path.split("/"):
        if segment in ("", ".", "..") or segment.startswith("-") or not _SEGMENT_RE.match(
                segment):
            return f"'{segment}' is not a valid folder name"
        if segment.lower() == ".git" or segment.startswith(".skillshare-"):
            return f"'{segment}' is reserved (git's folder, or skillshare's own entries)"
    return None
