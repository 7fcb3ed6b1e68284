"""The records of what was installed, so ``install`` with no argument can re-create it on a
new machine and ``update`` can fetch it again, and the managed ``.gitignore`` lines.

Where installs come from is in :mod:`skillshared.git.sources`; every path a user, a record
or a URL gives is checked before anything is cloned or written
(:mod:`skillshared.catalog.places`).

- Global mode: ``<source>/.skillshare-installed.json`` (it travels with the source when it
  is pushed). Tracked repos are listed in the managed block of ``<source>/.gitignore``, so
  the source's own repository never commits their clones.
- Project mode: the ``skills:`` list of ``.skillshare/config.yaml`` (committed with the
  project); every installed skill and tracked repo is listed in the managed block of
  ``.skillshare/.gitignore``, so only the record is committed.
- Installs made by the original Go skillshare are recorded in its ``.metadata.json`` beside
  ours (:mod:`skillshared.git.installs_original`): an update or an uninstall of one of its
  installs changes or removes that entry there.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillshared.catalog.kinds import SKILLS
from skillshared.catalog.places import path_problem
from skillshared.core.config import Config
from skillshared.core.config_file import read_document
from skillshared.core.config_records import RECORDS_FILE, SkillRecord, parse_skill_records
from skillshared.core.errors import SkillshareError
from skillshared.core.results_git import Origin
from skillshared.git.installs_original import read_json, read_original, under

if TYPE_CHECKING:
    from skillshared.git.sources import Fetched


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


def origins(config: Config) -> dict[str, Origin]:
    """Where each recorded install came from, by its path in the source: ``source`` (as
    the file that records it says), ``tracked``, and ``file`` (ours, or the original's
    ``.metadata.json``). A SkillshareError when a record file is damaged."""
    found: dict[str, Origin] = {r.rel: {"source": r.source, "tracked": r.tracked,
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
    from skillshared.engine import fsops
    from skillshared.store import configedit

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
    from skillshared.git import install_versions

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
    install_versions.stamp(config, {r.rel: {**({"branch": r.branch} if r.branch else {}),
                                            **(stamps or {}).get(r.rel, {})} for r in new})


def restamp(config: Config, stamps: Mapping[str, Mapping[str, Any]]) -> None:
    """Bring the original's entries at these paths up to date (after an update), so its own
    ``check`` and integrity audit see what is installed now; others are left alone."""
    from skillshared.git import install_versions

    original = read_original(config)
    if original is not None and original.stamp(stamps):
        original.write()
    install_versions.stamp(config, stamps)


def rehash_repo(config: Config, rel: str, folder: Path) -> None:
    """After a tracked repo's update: the original keeps the file hashes of a repo that is
    one skill (a SKILL.md at its root); when its entry has them, they are brought up to
    date, so its integrity audit does not take the update for tampering."""
    original = read_original(config)
    if (original is not None and original.has_hashes(rel)
            and SKILLS.is_unit(folder)):
        original.stamp({rel: {"file_hashes": file_hashes(folder)}})
        original.write()


def drop(config: Config, rels: Iterable[str]) -> None:
    """Forget the records at ``rels`` (paths in the source), and everything either file
    records inside them, and their .gitignore lines."""
    from skillshared.git import install_versions

    gone = set(rels)
    records = load_ours(config)
    if any(under(r.rel, gone) for r in records):
        save(config, [r for r in records if not under(r.rel, gone)])
    original = read_original(config)
    if original is not None and original.remove(gone):
        original.write()
    ignore(config, (), gone)
    install_versions.forget(config, gone)


def file_hashes(folder: Path) -> dict[str, str]:
    """``sha256:<hex>`` of every file in ``folder`` by its slash path (``.git`` and the
    original's own record files left out), as the original records them and the audit's
    integrity check compares them."""
    from skillshared.audit import integrity  # (loaded by what installs: not by `list`)

    return integrity.file_hashes(folder)


def stamp(fetched: Fetched, dest: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """What the original records of a copied skill just installed at ``dest`` from
    ``fetched``: when, the commit and the folder's tree (from a clone), its file hashes."""
    from skillshared.git import gitops

    fields: dict[str, Any] = {
        "installed_at": now(),
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
    from skillshared.store import gitignore

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
    gitignore.ensure_gitignore(folder, [f"{prefix}{r.rel}/" for r in wanted],
                             [f"{prefix}{rel}/" for rel in unwanted])


def stamps(config: Config) -> dict[str, dict[str, Any]]:
    """The commit (``version``), tree hash, branch and install time recorded of each
    install, by its path in the source: ours (:mod:`install_versions`), else the original's
    ``.metadata.json``."""
    from skillshared.git import install_versions

    found: dict[str, dict[str, Any]] = {}
    original = read_original(config)
    for rel, e in (original.entries if original is not None else {}).items():
        entry = original.doc["entries"][e.key] if original is not None else {}
        found[rel] = {k: entry[k] for k in install_versions.KEPT if k in entry}
    for rel, fields in install_versions.read(config).items():
        found[rel] = {**found.get(rel, {}), **fields}
    return found


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def repo_stamp(folder: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """What is recorded of a tracked repo just cloned or updated: its commit, its branch,
    the hashes of its files (the audit compares each skill in it with them, while the repo
    is at that commit)."""
    from skillshared.git import gitops

    def git(*args: str) -> str:
        return gitops.run(args, cwd=str(folder), env=env, check=False).out.strip()

    return {"version": git("rev-parse", "HEAD"), "installed_at": now(),
            "branch": git("symbolic-ref", "--short", "-q", "HEAD"),
            "file_hashes": file_hashes(folder)}
