"""Where installed skills and tracked repos come from and where they go, and the records of
them, so ``install`` with no argument can re-create them on a new machine and ``update``
can fetch them again.

Every path a user, a record or a URL gives is checked before anything is cloned or
written: it stays a plain folder path inside the source and never reaches ``.git`` (in any
case), skillshare's reserved names, ``..``, or a link (see :func:`path_problem`,
:func:`place`, :func:`inside`).

- Global mode: ``<source>/.skillshare-installed.json`` (it travels with the source when it
  is pushed). Tracked repos are listed in the managed block of ``<source>/.gitignore``, so
  the source's own repository never commits their clones.
- Project mode: the ``skills:`` list of ``.skillshare/config.yaml`` (committed with the
  project); every installed skill and tracked repo is listed in the managed block of
  ``.skillshare/.gitignore``, so only the record is committed.
- Installs made by the original Go skillshare are recorded in its ``.metadata.json`` beside
  ours (``<source>/.metadata.json``; in a project ``.skillshare/skills/.metadata.json``). It
  is read in place and kept in its own format (see :func:`read_original`): an update or an
  uninstall of one of its installs changes or removes that entry there, and every other key
  and entry is kept, so a machine still on the original keeps working when the source
  travels through git.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from skillshared.catalog import skills
from skillshared.core.config import Config
from skillshared.core.config_file import read_document
from skillshared.core.config_records import SkillRecord, parse_skill_records
from skillshared.core.config_records import RECORDS_FILE
from skillshared.core.errors import NotFoundError, SkillshareError, UsageError
from skillshared.engine import fsops
from skillshared.git import gitops
from skillshared.git.tracked import remove_clone
from skillshared.store import configedit, project

_HOST_PATH = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}/[A-Za-z0-9._-]+/[A-Za-z0-9._/-]+$")


def clone_url(raw: str) -> str:
    """The address git is given: ``github.com/owner/repo`` becomes an https URL; anything
    else is checked as it is (see :func:`gitops.check_url`)."""
    if _HOST_PATH.match(raw) and not os.path.exists(raw):
        return gitops.check_url(f"https://{raw}")
    return gitops.check_url(raw)


def split_shorthand(raw: str) -> tuple[str, str | None]:
    """``host/owner/repo/sub/dir`` -> (``host/owner/repo``, ``sub/dir``); a repository
    address with ``//`` before a folder of it (``file:///srv/repo.git//skills/pdf``, the
    original tool's form) -> (``file:///srv/repo.git``, ``skills/pdf``); else (raw, None).
    The folder is checked (no ``..``, no ``.git``) before anything is cloned."""
    if os.path.exists(raw):
        return raw, None
    if _HOST_PATH.match(raw):
        parts = raw.rstrip("/").split("/")
        address, subdir = "/".join(parts[:3]), "/".join(parts[3:]) or None
    else:
        start = raw.find("://") + 3 if "://" in raw else 0
        at = raw.find("//", start + 1)
        if at < 0:
            return raw, None
        address, subdir = raw[:at], raw[at + 2:].rstrip("/") or None
    if subdir is not None:
        problem = path_problem(subdir, in_source=False)
        if problem:
            raise UsageError(f"invalid folder {subdir!r} in {raw!r}: {problem}")
    return address, subdir


def _url_path_parts(url: str) -> list[str]:
    """The path segments of a repository address (scheme, host and ``user@host:`` left
    out; trailing slashes ignored)."""
    path = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]*", "", url).split(":", 1)[-1]
    return [p for p in path.split("/") if p]


def repo_basename(url: str) -> str:
    """The repository's own name: its last path segment without ``.git``
    (``https://host/team/pdf-tools.git/`` -> ``pdf-tools``)."""
    parts = _url_path_parts(url)
    return parts[-1].removesuffix(".git") if parts else ""


def repo_name(url: str, given: str | None) -> str:
    """``_owner-repo`` from the URL's last two path segments, or ``--name`` (``_`` added);
    checked before anything is cloned."""
    if given is not None:
        name = given if given.startswith("_") else f"_{given}"
        if "/" in given or "\\" in given or ".." in given:
            raise UsageError(f"invalid --name {given!r}: it must not hold '/', '\\' or '..'")
    else:
        parts = _url_path_parts(url)[-2:] or ["repo"]
        parts[-1] = parts[-1].removesuffix(".git")
        name = "_" + "-".join(p for p in parts if p)
    problem = path_problem(name)
    if problem:
        raise UsageError(f"invalid tracked repo name {name!r}: {problem}",
                         hint="choose one with --name")
    return name


# -- paths inside the source --------------------------------------------------------------------


def path_problem(rel: str, in_source: bool = True) -> str | None:
    """What makes ``rel`` not a plain relative path of folders (``a/b``): an empty, ``.``
    or ``..`` segment, odd characters, a ``.git`` segment in any case (git's own data, on a
    filesystem that ignores case too), and inside the source (``in_source``) a name with
    skillshare's reserved prefix (its temp folders and records)."""
    if not rel or rel.startswith("/") or "\\" in rel:
        return "it must be a relative path (a/b)"
    for segment in rel.split("/"):
        problem = skills.segment_problem(segment)
        if problem:
            return problem
        folded = segment.casefold()
        if folded == ".git":
            return f"'{segment}' is where git keeps its own data"
        if in_source and folded.startswith(skills.RESERVED_PREFIX):
            return (f"names starting with '{skills.RESERVED_PREFIX}' are kept for "
                    "skillshare's own files")
    return None


def into(raw: str | None) -> str | None:
    """``--into``: a folder path inside the source, checked (``a/b``), or None."""
    if raw is None:
        return None
    rel = raw.rstrip("/") if raw.strip("/") else raw
    problem = path_problem(rel)
    if problem:
        raise UsageError(f"invalid --into {raw!r}: {problem}",
                         hint="give a folder inside the source, like team/frontend")
    return rel


def place(base: Path, rel: str, what: str) -> Path:
    """``base/rel`` for something about to be written there, checked on disk first: no part
    of it that exists may be a link (it could lead out of ``base``), and no part above the
    last may be a file or a git repository of its own (a tracked repo). A UsageError
    otherwise, before anything is written."""
    problem = path_problem(rel)
    if problem:
        raise UsageError(f"invalid {what} {rel!r}: {problem}")
    parts = rel.split("/")
    here = base
    for index, part in enumerate(parts):
        here = here / part
        try:
            mode = os.lstat(here).st_mode
        except FileNotFoundError:
            break
        if stat.S_ISLNK(mode):
            raise UsageError(f"invalid {what} {rel!r}: {here} is a link, and nothing is "
                             "written through a link in the source",
                             hint="choose a real folder of the source")
        if index == len(parts) - 1:
            break
        if not stat.S_ISDIR(mode):
            raise UsageError(f"invalid {what} {rel!r}: {here} is not a folder")
        if os.path.lexists(here / ".git"):
            raise UsageError(f"invalid {what} {rel!r}: {here} is a git repository of its own "
                             "(a tracked repo), and nothing is put inside one",
                             hint="choose a folder outside tracked repos")
    return base.joinpath(*parts)


def inside(root: Path, rel: str, what: str) -> Path:
    """``root/rel`` in a fetched repository or folder, refused when it is not a plain
    relative path or goes through a link (which could lead anywhere on this machine)."""
    problem = path_problem(rel, in_source=False)
    here = root
    for part in [] if problem else rel.split("/"):
        here = here / part
        if os.path.islink(here):
            problem = f"it goes through a link ({part})"
            break
    if problem:
        raise UsageError(f"invalid {what} {rel!r}: {problem}")
    return here



def merge_records(ours: str, theirs: str) -> str | None:
    """Two machines' records files brought together (the first pull of a source that had
    its own): every record of both, in the form :func:`save` writes; None when the two
    record different installs at the same path, or one cannot be read."""
    merged: dict[str, object] = {}
    for text in (ours, theirs):
        try:
            items = json.loads(text)["skills"]
        except (ValueError, KeyError, TypeError):
            return None
        if not isinstance(items, list):
            return None
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                return None
            rel = f"{item['into']}/{item['name']}" if item.get("into") else item["name"]
            if merged.setdefault(rel, item) != item:
                return None
    return json.dumps({"skills": [merged[k] for k in sorted(merged)]}, indent=2) + "\n"


def record_problems(records: Iterable[SkillRecord]) -> list[str]:
    """What makes recorded installs unsafe to act on: a name, ``into`` or ``subdir`` that
    would reach ``.git``, a reserved name, ``..`` or a path outside (a records file travels
    with the source and a project config with the project, so others may have written it)."""
    problems = []
    for record in records:
        checks = [("name", record.name, True), ("into", record.into, True),
                  ("subdir", record.subdir, False)]
        for key, value, in_source in checks:
            problem = None if value is None else path_problem(value, in_source)
            if problem is None and key == "name" and value is not None and "/" in value:
                problem = "it must be one folder name"
            if problem:
                problems.append(f"{record.rel}: {key} {value!r}: {problem}")
    return problems



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


def load_ours(config: Config) -> list[SkillRecord]:
    """Our own records of installs; a SkillshareError (before anything is done) when the
    record file is damaged or names a place no install may go."""
    if config.scope.is_project:
        unsafe = record_problems(config.skills)
        if unsafe:
            raise SkillshareError(f"{config.scope.config_file} records installs at places "
                                  "no install may go", details=unsafe,
                                  hint="fix the `skills:` list of that file")
        return list(config.skills)
    path = config.source / RECORDS_FILE
    hint = f"fix or remove {path}: it only records where installed skills came from"
    data = read_json(path, hint)
    if data is None:
        return []
    problems: list[str] = []
    if not isinstance(data, dict):
        problems.append("the top level must be an object with a 'skills' list")
        data = {}
    records = parse_skill_records(data.get("skills", []),
                                  lambda key, message: problems.append(f"{key}: {message}"))
    problems += record_problems(records)
    if problems:
        raise SkillshareError(f"{path} is damaged", hint=hint, details=problems)
    return list(records)


def load(config: Config) -> list[SkillRecord]:
    """Every recorded install: ours, and those of the original's ``.metadata.json`` that can
    be acted on (see :func:`read_original`). At a path both record, the original's record is
    used when ours names the same source (it came from the original's manifest), else ours."""
    ours = load_ours(config)
    original = read_original(config)
    if original is None:
        return ours
    by_rel = {r.rel: r for r in ours}
    for rel, entry in original.entries.items():
        mine = by_rel.get(rel)
        if entry.attention is None and (mine is None or mine.source == entry.shown):
            by_rel[rel] = entry.record
    return list(by_rel.values())


def origins(config: Config) -> dict[str, dict[str, Any]]:
    """Where each recorded install came from, by its path in the source: ``source`` (as
    the file that records it says), ``tracked``, and ``file`` (ours, or the original's
    ``.metadata.json``). A SkillshareError when a record file is damaged."""
    found = {r.rel: {"source": r.source, "tracked": r.tracked,
                     "file": str(config.scope.config_file if config.scope.is_project
                                 else config.source / RECORDS_FILE)}
             for r in load_ours(config)}
    original = read_original(config)
    for rel, entry in (original.entries if original else {}).items():
        if rel not in found or found[rel]["source"] == entry.shown:
            found[rel] = {"source": entry.shown, "tracked": entry.record.tracked,
                          "file": str(original.path) if original else ""}
    return found


def save(config: Config, records: Iterable[SkillRecord]) -> None:
    """Write our own records (the original's file is changed by :func:`put` and
    :func:`drop` only)."""
    docs = [r.to_doc() for r in sorted(records, key=lambda r: r.rel)]
    if config.scope.is_project:
        doc = read_document(config.scope)
        if docs:
            doc["skills"] = docs
        else:
            doc.pop("skills", None)
        configedit.save(config.scope, doc)  # it keeps the original's agent entries
        return
    path = config.source / RECORDS_FILE
    if docs or path.exists():
        fsops.atomic_write(path, (json.dumps({"skills": docs}, indent=2) + "\n").encode())


def put(config: Config, added: Iterable[SkillRecord],
        stamps: Mapping[str, Mapping[str, Any]] | None = None) -> None:
    """Record ``added`` (replacing records at the same paths) and list them in .gitignore.
    An install the original's file records from the same place stays recorded there, with
    ``stamps`` (its version and file hashes, by path) brought up to date; one from another
    place replaces the original's entry by a record of ours."""
    new = list(added)
    original = read_original(config)
    theirs = {r.rel for r in new if original is not None and original.same(r)}
    mine = [r for r in new if r.rel not in theirs]
    paths = {r.rel for r in mine}
    if mine:
        save(config, [*(r for r in load_ours(config) if r.rel not in paths), *mine])
    if original is not None:
        changed = original.remove(paths)
        changed = original.stamp({rel: (stamps or {}).get(rel, {}) for rel in theirs}) or changed
        if changed:
            original.write()
    ignore(config, new, ())


def restamp(config: Config, stamps: Mapping[str, Mapping[str, Any]]) -> None:
    """Bring the original's entries at these paths up to date (after an update), so its own
    ``check`` and integrity audit see what is installed now; others are left alone."""
    original = read_original(config)
    if original is not None and original.stamp(stamps):
        original.write()


def rehash_repo(config: Config, rel: str, folder: Path) -> None:
    """After a tracked repo's update: the original keeps the file hashes of a repo that is
    one skill (a SKILL.md at its root); when its entry has them, they are brought up to
    date, so its integrity audit does not take the update for tampering."""
    original = read_original(config)
    if (original is not None and original.has_hashes(rel)
            and (folder / skills.SKILL_FILE).is_file()):
        original.stamp({rel: {"file_hashes": file_hashes(folder)}})
        original.write()


def drop(config: Config, rels: Iterable[str]) -> None:
    """Forget the records at ``rels`` (paths in the source), and everything either file
    records inside them, and their .gitignore lines."""
    gone = set(rels)
    records = load_ours(config)
    if any(_under(r.rel, gone) for r in records):
        save(config, [r for r in records if not _under(r.rel, gone)])
    original = read_original(config)
    if original is not None and original.remove(gone):
        original.write()
    ignore(config, (), gone)


def _under(rel: str, roots: Iterable[str]) -> bool:
    return any(rel == root or rel.startswith(root + "/") for root in roots)


# -- the original tool's records (.metadata.json) ------------------------------------------------

ORIGINAL_FILE = ".metadata.json"
# Its entry fields, in the order the original writes them (internal/install/metadata.go).
_ORIGINAL_FIELDS = ("source", "kind", "type", "tracked", "group", "branch", "into",
                    "installed_at", "repo_url", "subdir", "version", "tree_hash", "file_hashes")
_LOCAL_PREFIXES = ("/", "~", "./", "../")
_BRANCH = re.compile(r"^[A-Za-z0-9._][A-Za-z0-9._/-]*$")


def branch_problem(branch: str) -> str | None:
    """What makes ``branch`` unsafe to hand to git as a branch name."""
    if not _BRANCH.match(branch) or ".." in branch or branch.endswith(("/", ".lock")):
        return f"{branch!r} is not a branch name git would accept"
    return None


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
        gone = [e for rel, e in self.entries.items() if _under(rel, roots)]
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


def original_records(config: Config) -> dict[str, Any]:
    """What ``doctor`` shows of the original tool's install records: the file, whether it is
    there, how many skills and tracked repos it records (and entries kept untouched, such as
    agents), those that need a step by the user, and the error when it cannot be read."""
    path = config.source / ORIGINAL_FILE
    report: dict[str, Any] = {"file": str(path), "exists": os.path.lexists(path),
                              "records": 0, "tracked": 0, "untouched": 0, "attention": [],
                              "error": None, "details": []}
    try:
        original = read_original(config)
    except SkillshareError as exc:
        return {**report, "error": exc.message, "details": exc.details, "hint": exc.hint}
    if original is None:
        return report
    entries = original.entries.values()
    return {**report, "records": len(original.entries),
            "tracked": sum(e.record.tracked for e in entries),
            "untouched": original.untouched,
            "attention": [{"name": e.rel, "problem": e.attention} for e in entries
                          if e.attention]}


def file_hashes(folder: Path) -> dict[str, str]:
    """``sha256:<hex>`` of every file in ``folder`` by its slash path (``.git`` and the
    original's own record files left out), as the original records them."""
    hashes: dict[str, str] = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(files):
            path = os.path.join(root, name)
            if name in (ORIGINAL_FILE, ".skillshare-meta.json") or not os.path.isfile(path):
                continue
            with open(path, "rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
            hashes[Path(os.path.relpath(path, folder)).as_posix()] = f"sha256:{digest}"
    return hashes


def stamp(fetched: Fetched, dest: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """What the original records of a copied skill just installed at ``dest`` from
    ``fetched``: when, the commit and the folder's tree (from a clone), its file hashes."""
    fields: dict[str, Any] = {
        "installed_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "file_hashes": file_hashes(dest)}
    if fetched.repo is not None:
        def rev(ref: str) -> str:
            return gitops.run(["rev-parse", ref], cwd=str(fetched.repo), env=env).out.strip()

        fields["version"] = rev("HEAD")
        inner = os.path.relpath(fetched.folder, fetched.repo)
        if inner != ".":
            fields["tree_hash"] = rev(f"HEAD:{Path(inner).as_posix()}")
    return fields


def _ignore_place(config: Config) -> tuple[Path, str] | None:
    """The folder whose ``.gitignore`` lists installs, and the source's path from there."""
    if not config.scope.is_project:
        return config.source, ""
    for base in (config.scope.config_file.parent, config.scope.project_root):
        assert base is not None
        rel = os.path.relpath(config.source, base)
        if rel != os.pardir and not rel.startswith(os.pardir + os.sep):
            return base, "" if rel == "." else Path(rel).as_posix() + "/"
    return None  # a source outside the project: not the project's repository's business


def ignore(config: Config, add: Iterable[SkillRecord], remove: Iterable[str]) -> None:
    """List ``add`` in the managed block of .gitignore (globally: tracked repos only) and
    take the paths ``remove`` out of it."""
    place = _ignore_place(config)
    if place is None:
        return
    folder, prefix = place
    wanted = [r for r in add if r.tracked or config.scope.is_project]
    unwanted = list(remove)
    if not (wanted or unwanted):
        return
    path = folder / ".gitignore"
    if not wanted and not path.exists():
        return
    project.ensure_gitignore(folder, [f"{prefix}{r.rel}/" for r in wanted],
                             [f"{prefix}{rel}/" for rel in unwanted])


class Fetched(NamedTuple):
    base: Path  # what the source names: a local folder, a clone, or a folder of a clone
    folder: Path  # the folder asked for: ``base``, or its ``subdir``
    url: str | None  # None for a local folder
    name: str  # the folder's natural name: its own, or the repository's for a clone's root
    repo: Path | None = None  # the clone's root (None for a local folder)


@contextmanager
def fetched(config: Config, source: str, env: Mapping[str, str],
            subdir: str | None = None, branch: str | None = None) -> Iterator[Fetched]:
    """The folder ``source`` (and ``subdir`` in it) names: a local folder as it is, or a
    shallow clone (of ``branch``, or the remote's default) in a temp folder of the source,
    removed afterwards. A subfolder that goes through a link is refused (it could lead
    anywhere on this machine)."""
    if os.path.isdir(source):
        root = Path(os.path.abspath(source))
        folder = inside(root, subdir, "subfolder") if subdir else root
        yield Fetched(root, folder, None, folder.name)
        return
    if source.startswith(("/", "./", "../", "~")):
        raise NotFoundError(f"no folder {source}", hint="give a skill's folder, or a repo URL")
    address, short = split_shorthand(source)
    url = clone_url(address)
    inner = "/".join(p for p in (short, subdir) if p) or None
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, "install")
    try:
        gitops.run(["clone", "--quiet", "--depth", "1", *branch_args(branch), "--", url,
                    str(temp)], env=env, timeout=gitops.NETWORK_TIMEOUT)
        base = inside(temp, short, "subfolder") if short else temp
        folder = inside(temp, inner, "subfolder") if inner else temp
        if not base.is_dir():
            raise NotFoundError(f"{short} is not a folder of {url}")
        yield Fetched(base, folder, url, folder.name if inner else repo_basename(url), temp)
    finally:
        remove_clone(temp)


def branch_args(branch: str | None) -> list[str]:
    """``--branch=<branch>`` for a clone, checked first; nothing for the remote's default."""
    if branch is None:
        return []
    problem = branch_problem(branch)
    if problem:
        raise UsageError(f"invalid branch: {problem}")
    return [f"--branch={branch}"]
