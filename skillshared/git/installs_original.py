"""The install records of the original Go skillshare: its ``.metadata.json``
(``<source>/.metadata.json``; in a project ``.skillshare/skills/.metadata.json``), read in
place and kept in its own format. An update or an uninstall of one of its installs changes
or removes that entry there, and every other key and entry is kept, so a machine still on
the original keeps working when the source travels through git."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillshared.catalog.places import path_problem
from skillshared.core.config import Config
from skillshared.core.config_records import SkillRecord
from skillshared.core.errors import SkillshareError
from skillshared.core.results_git import OriginalRecords

ORIGINAL_FILE = ".metadata.json"
# Its entry fields, in the order the original writes them (internal/install/metadata.go).
_ORIGINAL_FIELDS = ("source", "kind", "type", "tracked", "group", "branch", "into",
                    "installed_at", "repo_url", "subdir", "version", "tree_hash", "file_hashes")
_LOCAL_PREFIXES = ("/", "~", "./", "../")


MAX_RECORDS_BYTES = 64 << 20


def read_json(path: Path, hint: str) -> Any:
    """The JSON document of a record file; None when there is none. A SkillshareError
    naming the file when it cannot be read, is larger than any record file, or is not JSON."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_RECORDS_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SkillshareError(f"cannot read {path}: {exc.strerror}", hint=hint) from None
    if len(raw) > MAX_RECORDS_BYTES:
        raise SkillshareError(f"{path} is larger than {MAX_RECORDS_BYTES >> 20} MiB, more "
                              "than any record of installs", hint=hint)
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise SkillshareError(f"{path} is not valid JSON ({exc})", hint=hint) from None


@dataclass(frozen=True)
class OriginalEntry:
    """One skill or tracked repo that the original's ``.metadata.json`` records."""

    key: str  # its key in the file
    rel: str  # its path in the source (an old-style bare key is under its ``group``)
    record: SkillRecord  # where to fetch it again: repo_url + subdir + branch, or a folder
    shown: str  # its source as the original recorded it
    attention: str | None  # why it cannot be updated or re-created as it is


@dataclass
class OriginalFile:
    """The original's ``.metadata.json`` as read: the whole document (every key and entry
    kept as it is), and the entries that are skills or tracked repos."""

    path: Path
    doc: dict[str, Any]
    entries: dict[str, OriginalEntry]  # by path in the source
    untouched: int  # entries that are not skills (agents) or record no source

    def same(self, record: SkillRecord) -> bool:
        """Whether the entry at ``record``'s path records an install from the same place."""
        entry = self.entries.get(record.rel)
        return entry is not None and (entry.record.source, entry.record.subdir,
                                      entry.record.tracked) == (
            record.source, record.subdir, record.tracked)

    def remove(self, rels: Iterable[str]) -> bool:
        roots = set(rels)
        gone = [e for rel, e in self.entries.items() if under(rel, roots)]
        for entry in gone:
            del self.doc["entries"][entry.key]
            del self.entries[entry.rel]
        return bool(gone)

    def stamp(self, stamps: Mapping[str, Mapping[str, Any]]) -> bool:
        changed = False
        for rel, fields in stamps.items():
            entry = self.entries.get(rel)
            if entry is None or not fields:
                continue
            item = {**self.doc["entries"][entry.key], **fields}
            self.doc["entries"][entry.key] = {
                **{k: item[k] for k in _ORIGINAL_FIELDS if k in item},
                **{k: v for k, v in item.items() if k not in _ORIGINAL_FIELDS}}
            changed = True
        return changed

    def has_hashes(self, rel: str) -> bool:
        entry = self.entries.get(rel)
        return entry is not None and "file_hashes" in self.doc["entries"][entry.key]

    def write(self) -> None:
        """Write it back in its own form (2-space JSON, a newline at the end), atomically."""
        from skillshared.engine import fsops

        text = json.dumps(self.doc, indent=2, ensure_ascii=False) + "\n"
        fsops.atomic_write(self.path, text.encode())


def read_original(config: Config) -> OriginalFile | None:
    """The original's ``.metadata.json`` of this source, or None when there is none. A
    SkillshareError naming the file and every problem (with its key path) when it cannot be
    read, is not in the original's format, or records a path no install may go."""
    path = config.source / ORIGINAL_FILE
    hint = (f"fix {path} (the original skillshare's install records), or move it away to "
            "forget those records")
    if os.path.islink(path):
        raise SkillshareError(f"{path} is a link; the original's install records are only "
                              "read from a real file", hint=hint)
    doc = read_json(path, hint)
    if doc is None:
        return None
    problems: list[str] = []
    original = _parse_original(path, doc, problems)
    if problems or original is None:
        raise SkillshareError(f"{path} is damaged", hint=hint, details=problems)
    return original


def _parse_original(path: Path, doc: Any, problems: list[str]) -> OriginalFile | None:
    if not isinstance(doc, dict):
        problems.append("the top level must be an object with 'version' and 'entries'")
        return None
    version = doc.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version > 1:
        problems.append(f"version: {version!r} is not a version this tool reads (1)")
    items = doc.setdefault("entries", {})
    if not isinstance(items, dict):
        problems.append("entries: must be an object of paths to entries")
        return None
    original = OriginalFile(path, doc, {}, 0)
    for key, item in items.items():
        where = f"entries[{json.dumps(key)}]"
        entry = _original_entry(key, item, where, problems)
        if entry is None:
            original.untouched += 1
        elif entry.rel in original.entries:
            problems.append(f"{where}: {entry.rel!r} is recorded twice (under "
                            f"{json.dumps(original.entries[entry.rel].key)} too)")
        else:
            original.entries[entry.rel] = entry
    return original


def _field_problem(item: Mapping[str, Any]) -> tuple[str, str] | None:
    for name in _ORIGINAL_FIELDS:
        value = item.get(name)
        if value is None:
            continue
        if name == "tracked":
            if not isinstance(value, bool):
                return name, "must be true or false"
        elif name == "file_hashes":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in
                                                      value.values()):
                return name, "must be an object of file paths to 'sha256:…' text"
        elif not isinstance(value, str):
            return name, "must be text"
    return None


def _original_entry(key: str, item: Any, where: str,
                    problems: list[str]) -> OriginalEntry | None:
    """The entry at ``key``, checked; None for one kept untouched (an agent, another kind,
    or no source) and for a bad one (its problems are added)."""
    from skillshared.git.sources import branch_problem

    if not isinstance(item, dict):
        problems.append(f"{where}: must be an object")
        return None
    wrong = _field_problem(item)
    if wrong is not None:
        problems.append(f"{where}.{wrong[0]}: {wrong[1]}")
        return None
    if (item.get("kind") or "skill") != "skill" or not item.get("source"):
        return None
    group = item.get("group") or ""
    rel = f"{group}/{key}" if group and not key.startswith(group + "/") else key
    checks = [("", key, True), (".group", group, True), (".into", item.get("into"), True),
              (".subdir", item.get("subdir"), False)]
    if rel != key:
        checks.append((f" (its path {rel!r})", rel, True))
    for suffix, value, in_source in checks:
        problem = path_problem(value, in_source) if value else None
        if problem:
            problems.append(f"{where}{suffix}: {problem}")
            return None
    branch = item.get("branch")
    problem = branch_problem(branch) if branch else None
    if problem:
        problems.append(f"{where}.branch: {problem}")
        return None
    return _original_record(key, rel, item)


def _original_record(key: str, rel: str, item: Mapping[str, Any]) -> OriginalEntry:
    """Where an entry's install is fetched from again: a tracked repo from its repo_url (or
    source); a copied skill from repo_url + subdir, or from the folder it was copied from."""
    into, _, name = rel.rpartition("/")
    shown: str = item["source"]
    tracked = item.get("tracked") is True
    subdir = (item.get("subdir") or "").strip("/") or None
    fetch = item.get("repo_url") or shown
    attention = None
    if tracked:
        subdir = None
        if not name.startswith("_"):
            attention = ("it is recorded as a tracked repo, but its folder name does not "
                         "start with '_'")
    elif item.get("type") == "local" or shown.startswith(_LOCAL_PREFIXES):
        subdir = None
        fetch = os.path.expanduser(shown)
        if not os.path.isabs(fetch):
            attention = (f"it was copied from {shown!r}, a path relative to wherever the "
                         "original was run; install it again from its full path")
    elif not item.get("repo_url"):
        subdir = None  # the source itself names the folder (host/owner/repo/sub, repo//sub)
    record = SkillRecord(name, fetch, tracked, into or None, subdir, item.get("branch") or None)
    return OriginalEntry(key, rel, record, shown, attention)


def merge_original(ours: str, theirs: str) -> str | None:
    """Two machines' ``.metadata.json`` brought together (a pull of a source both changed):
    every entry of both, in the form :meth:`OriginalFile.write` gives; None when the two
    differ on an entry or on another key, or one cannot be read."""
    try:
        mine, other = json.loads(ours), json.loads(theirs)
        entries = {**other["entries"], **mine["entries"]}
    except (ValueError, KeyError, TypeError):
        return None
    rest = [{k: v for k, v in doc.items() if k != "entries"} for doc in (mine, other)]
    if rest[0] != rest[1] or any(other["entries"][k] != v for k, v in mine["entries"].items()
                                 if k in other["entries"]):
        return None
    doc = {**mine, "entries": dict(sorted(entries.items()))}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def original_records(config: Config) -> OriginalRecords:
    """What ``doctor`` shows of the original tool's install records: the file, whether it is
    there, how many skills and tracked repos it records (and entries kept untouched, such as
    agents), those that need a step by the user, and the error when it cannot be read."""
    path = config.source / ORIGINAL_FILE
    report: OriginalRecords = {"file": str(path), "exists": os.path.lexists(path),
                               "records": 0, "tracked": 0, "untouched": 0, "attention": [],
                               "error": None, "details": []}
    try:
        original = read_original(config)
    except SkillshareError as exc:
        report["error"], report["details"], report["hint"] = exc.message, exc.details, exc.hint
        return report
    if original is None:
        return report
    entries = original.entries.values()
    report["records"] = len(original.entries)
    report["tracked"] = sum(e.record.tracked for e in entries)
    report["untouched"] = original.untouched
    report["attention"] = [{"name": e.rel, "problem": e.attention} for e in entries
                           if e.attention]
    return report


def under(rel: str, roots: Iterable[str]) -> bool:
    """Whether ``rel`` is one of ``roots`` or inside one (paths in the source)."""
    return any(rel == root or rel.startswith(root + "/") for root in roots)
