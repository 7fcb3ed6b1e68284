"""Where installed skills and tracked repos came from, so ``install`` with no argument can
re-create them on a new machine and ``update`` can fetch them again.

- Global mode: ``<source>/.skillshare-installed.json`` (it travels with the source when it
  is pushed). Tracked repos are listed in the managed block of ``<source>/.gitignore``, so
  the source's own repository never commits their clones.
- Project mode: the ``skills:`` list of ``.skillshare/config.yaml`` (committed with the
  project); every installed skill and tracked repo is listed in the managed block of
  ``.skillshare/.gitignore``, so only the record is committed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from skillshared import configedit, fsops, gitops, project
from skillshared.config import Config, SkillRecord, parse_skill_records, read_document
from skillshared.errors import NotFoundError, SkillshareError
from skillshared.tracked import clone_url, remove_clone, split_shorthand

RECORDS_FILE = ".skillshare-installed.json"


def load(config: Config) -> list[SkillRecord]:
    if config.scope.is_project:
        return list(config.skills)
    path = config.source / RECORDS_FILE
    hint = f"fix or remove {path}: it only records where installed skills came from"
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    except ValueError as exc:
        raise SkillshareError(f"{path} is not valid JSON ({exc})", hint=hint) from None
    problems: list[str] = []
    if not isinstance(data, dict):
        problems.append("the top level must be an object with a 'skills' list")
        data = {}
    records = parse_skill_records(data.get("skills", []),
                                  lambda key, message: problems.append(f"{key}: {message}"))
    if problems:
        raise SkillshareError(f"{path} is damaged", hint=hint, details=problems)
    return list(records)


def save(config: Config, records: Iterable[SkillRecord]) -> None:
    docs = [r.to_doc() for r in sorted(records, key=lambda r: r.rel)]
    if config.scope.is_project:
        doc = read_document(config.scope)
        if docs:
            doc["skills"] = docs
        else:
            doc.pop("skills", None)
        configedit.save(config.scope, doc)
        return
    path = config.source / RECORDS_FILE
    if docs or path.exists():
        fsops.atomic_write(path, (json.dumps({"skills": docs}, indent=2) + "\n").encode())


def put(config: Config, added: Iterable[SkillRecord]) -> None:
    """Record ``added`` (replacing records at the same paths) and list them in .gitignore."""
    new = list(added)
    paths = {r.rel for r in new}
    save(config, [*(r for r in load(config) if r.rel not in paths), *new])
    ignore(config, new, ())


def drop(config: Config, rels: Iterable[str]) -> None:
    """Forget the records at ``rels`` (paths in the source) and their .gitignore lines."""
    gone = set(rels)
    records = load(config)
    if any(r.rel in gone for r in records):
        save(config, [r for r in records if r.rel not in gone])
    ignore(config, (), gone)


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


@contextmanager
def fetched(config: Config, source: str, env: Mapping[str, str]
            ) -> Iterator[tuple[Path, str | None]]:
    """The folder ``source`` names, and its URL (None for a local folder): a local folder as
    it is, or a shallow clone in a temp folder of the source, removed afterwards."""
    if os.path.isdir(source):
        yield Path(os.path.abspath(source)), None
        return
    if source.startswith(("/", "./", "../", "~")):
        raise NotFoundError(f"no folder {source}", hint="give a skill's folder, or a repo URL")
    base, subdir = split_shorthand(source)
    url = clone_url(base)
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, "install")
    try:
        gitops.run(["clone", "--quiet", "--depth", "1", "--", url, str(temp)], env=env,
                   timeout=gitops.NETWORK_TIMEOUT)
        folder = temp / subdir if subdir else temp
        if not folder.is_dir():
            raise NotFoundError(f"{subdir} is not a folder of {url}")
        yield folder, url
    finally:
        remove_clone(temp)
