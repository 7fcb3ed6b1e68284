"""The records of installed agents, kept as the original skillshare keeps them: the
``.metadata.json`` of the agents source (``<agents>/.metadata.json``; in a project
``.skillshare/agents/.metadata.json``), one entry per agent keyed by its path without ``.md``
(``team/tutor``), with ``kind: agent``, where it came from (``source``; ``repo_url`` and
``subdir``, the file's path in the repository; ``type: local`` for a folder on this machine),
the commit (``version``), the branch, and the file's hash (``file_hashes``). A tracked repo
of agents is recorded as ``_name`` with ``tracked: true``. Every other key and entry of the
file is kept as it is.

In a project, each installed agent (and tracked repo of agents) is also listed in the
managed block of ``.skillshare/.gitignore``, so only the record is committed; globally only
tracked repos are, in the agents source's own ``.gitignore``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skillshared.catalog.agents import name_problem
from skillshared.catalog.places import path_problem
from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.engine import fsops
from skillshared.git.installs_original import ORIGINAL_FILE, read_json
from skillshared.git.sources import branch_problem
from skillshared.store import gitignore

KIND = "agent"


@dataclass(frozen=True)
class AgentRecord:
    """An installed agent (``rel``: its file in the agents source, ``team/tutor.md``), or a
    tracked repo of agents (``rel``: ``_name``, ``tracked``)."""

    rel: str
    source: str  # as shown: where it came from (a local file's absolute path)
    repo_url: str | None = None  # the repository to fetch again (None: a local file)
    subdir: str | None = None  # the file's path in that repository
    branch: str | None = None
    version: str | None = None  # the commit it was installed from
    file_hash: str | None = None  # ``sha256:<hex>`` of the file as installed
    tracked: bool = False

    @property
    def key(self) -> str:
        return self.rel if self.tracked else self.rel.removesuffix(".md")

    def entry(self) -> dict[str, Any]:
        """Its entry in the original's form (the fields it writes, in its order)."""
        group = os.path.dirname(self.key)
        fields: dict[str, Any] = {
            "source": self.source, "kind": KIND,
            "type": "local" if self.repo_url is None and not self.tracked else None,
            "tracked": self.tracked or None, "group": group or None, "branch": self.branch,
            "installed_at": datetime.now(UTC).isoformat(timespec="seconds").replace(
                "+00:00", "Z"),
            "repo_url": self.repo_url, "subdir": self.subdir, "version": self.version,
            "file_hashes": ({os.path.basename(self.rel): self.file_hash}
                            if self.file_hash else None)}
        return {k: v for k, v in fields.items() if v is not None}


def records_path(config: Config) -> Path:
    return config.agents / ORIGINAL_FILE


def _hint(path: Path) -> str:
    return f"fix {path} (the records of installed agents), or move it away to forget them"


def _read_doc(config: Config) -> dict[str, Any]:
    path = records_path(config)
    if os.path.islink(path):
        raise SkillshareError(f"{path} is a link; install records are only read from a real "
                              "file", hint=_hint(path))
    doc = read_json(path, _hint(path))
    if doc is None:
        return {"version": 1, "entries": {}}
    if not isinstance(doc, dict) or not isinstance(doc.setdefault("entries", {}), dict):
        raise SkillshareError(f"{path} is damaged", hint=_hint(path),
                              details=["the top level must be an object with 'entries'"])
    return doc


def load(config: Config) -> dict[str, AgentRecord]:
    """Every recorded agent install by its path in the agents source; a SkillshareError
    naming each bad entry (before anything is done) when the file is damaged."""
    doc = _read_doc(config)
    found: dict[str, AgentRecord] = {}
    problems: list[str] = []
    for key, item in doc["entries"].items():
        record = _record(key, item, problems)
        if record is not None:
            found[record.rel] = record
    if problems:
        path = records_path(config)
        raise SkillshareError(f"{path} is damaged", hint=_hint(path), details=problems)
    return found


def _text(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value else None


def _record(key: str, item: Any, problems: list[str]) -> AgentRecord | None:
    where = f"entries[{json.dumps(key)}]"
    if not isinstance(item, dict) or not isinstance(item.get("source"), str):
        problems.append(f"{where}: must be an object with a text 'source'")
        return None
    if item.get("kind") not in (None, "", KIND):
        return None  # another kind's entry: kept as it is
    group = _text(item, "group")
    rel_key = f"{group}/{key}" if group and not key.startswith(group + "/") else key
    tracked = item.get("tracked") is True
    rel = rel_key if tracked else f"{rel_key}.md"
    problem = (path_problem(rel_key) if tracked else name_problem(rel)
               or path_problem(rel_key))
    subdir = _text(item, "subdir")
    if problem is None and subdir is not None:
        problem = path_problem(subdir, in_source=False)
    branch = _text(item, "branch")
    if problem is None and branch is not None:
        problem = branch_problem(branch)
    source: str = item["source"]
    if problem:
        problems.append(f"{where}: {problem}")
        return None
    hashes = item.get("file_hashes")
    file_hash = hashes.get(os.path.basename(rel)) if isinstance(hashes, dict) else None
    return AgentRecord(rel, source, _text(item, "repo_url"), subdir, branch,
                       _text(item, "version"), file_hash if isinstance(file_hash, str)
                       else None, tracked)


def fetch_problem(record: AgentRecord) -> str | None:
    """Why an agent cannot be fetched again from where its record says (a record travels
    with the source or the project, so others may have written it): a local source must be
    the absolute path of a .md file."""
    if record.tracked or record.repo_url is not None:
        return None
    if os.path.isabs(record.source) and record.source.endswith(".md"):
        return None
    return (f"it is recorded as coming from {record.source!r}, without a repository address "
            "or the absolute path of a .md file; install it again to record where it comes "
            "from")


def put(config: Config, added: Iterable[AgentRecord]) -> None:
    """Record ``added`` (replacing the entries at their paths) and list them in .gitignore."""
    new = list(added)
    if not new:
        return
    doc = _read_doc(config)
    entries = doc["entries"]
    for record in new:
        entry = record.entry()
        before = entries.get(record.key)
        if isinstance(before, dict) and _same(before, entry):
            continue  # the same install: its entry (and when it was made) stays
        _forget(entries, record.rel)
        entries[record.key] = entry
    doc["entries"] = dict(sorted(entries.items()))
    _write(config, doc)
    _ignore(config, [r for r in new if r.tracked or config.scope.is_project], ())


def _same(before: Mapping[str, Any], entry: Mapping[str, Any]) -> bool:
    """Whether two entries record the same install (when it was made aside)."""
    def strip(doc: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if k != "installed_at"}
    return strip(before) == strip(entry)


def drop(config: Config, rels: Iterable[str]) -> None:
    """Forget the records at ``rels`` (paths in the agents source) and their .gitignore
    lines."""
    gone = list(rels)
    doc = _read_doc(config)
    if any(_forget(doc["entries"], rel) for rel in gone):
        _write(config, doc)
    _ignore(config, (), gone)


def _forget(entries: dict[str, Any], rel: str) -> bool:
    """Take the entry of ``rel`` out of ``entries`` (under its key, or the original's
    short key with a group); whether there was one."""
    key = rel.removesuffix(".md")
    found = False
    for name in [k for k in entries if k in (key, rel)
                 or (isinstance(entries[k], dict) and entries[k].get("group")
                     and f"{entries[k]['group']}/{k}" in (key, rel))]:
        del entries[name]
        found = True
    return found


def _write(config: Config, doc: Mapping[str, Any]) -> None:
    fsops.makedirs(config.agents)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    fsops.atomic_write(records_path(config), text.encode())


def _ignore(config: Config, add: Iterable[AgentRecord], remove: Iterable[str]) -> None:
    """The managed block of .gitignore: a project's ``.skillshare/.gitignore`` (every
    install), else the agents source's own (tracked repos)."""
    wanted, unwanted = list(add), list(remove)
    if config.scope.is_project:
        folder = config.scope.config_file.parent
        rel = os.path.relpath(config.agents, folder)
        if rel == os.pardir or rel.startswith(os.pardir + os.sep):
            return  # an agents source outside the project
        prefix = "" if rel == "." else Path(rel).as_posix() + "/"
    else:
        folder, prefix = config.agents, ""
        unwanted = [r for r in unwanted if r.startswith("_")]
    if not (wanted or unwanted):
        return
    if not wanted and not (folder / ".gitignore").exists():
        return

    def line(rel: str, tracked: bool) -> str:
        return f"{prefix}{rel}/" if tracked else f"{prefix}{rel}"

    gitignore.ensure_gitignore(folder, [line(r.rel, r.tracked) for r in wanted],
                               [line(r, r.startswith("_")) for r in unwanted])
