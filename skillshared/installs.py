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
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from skillshared import configedit, fsops, gitops, project, skills
from skillshared.config import Config, SkillRecord, parse_skill_records, read_document
from skillshared.errors import NotFoundError, SkillshareError, UsageError
from skillshared.tracked import remove_clone

RECORDS_FILE = ".skillshare-installed.json"

_HOST_PATH = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}/[A-Za-z0-9._-]+/[A-Za-z0-9._/-]+$")


def clone_url(raw: str) -> str:
    """The address git is given: ``github.com/owner/repo`` becomes an https URL; anything
    else is checked as it is (see :func:`gitops.check_url`)."""
    if _HOST_PATH.match(raw) and not os.path.exists(raw):
        return gitops.check_url(f"https://{raw}")
    return gitops.check_url(raw)


def split_shorthand(raw: str) -> tuple[str, str | None]:
    """``host/owner/repo/sub/dir`` -> (``host/owner/repo``, ``sub/dir``); else (raw, None).
    The folder is checked (no ``..``, no ``.git``) before anything is cloned."""
    if _HOST_PATH.match(raw) and not os.path.exists(raw):
        parts = raw.rstrip("/").split("/")
        subdir = "/".join(parts[3:]) or None
        if subdir is not None:
            problem = path_problem(subdir, in_source=False)
            if problem:
                raise UsageError(f"invalid folder {subdir!r} in {raw!r}: {problem}")
        return "/".join(parts[:3]), subdir
    return raw, None


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



def load(config: Config) -> list[SkillRecord]:
    """The recorded installs; a SkillshareError (before anything is done) when the record
    file is damaged or names a place no install may go."""
    if config.scope.is_project:
        unsafe = record_problems(config.skills)
        if unsafe:
            raise SkillshareError(f"{config.scope.config_file} records installs at places "
                                  "no install may go", details=unsafe,
                                  hint="fix the `skills:` list of that file")
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
    problems += record_problems(records)
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


class Fetched(NamedTuple):
    base: Path  # what the source names: a local folder, a clone, or a folder of a clone
    folder: Path  # the folder asked for: ``base``, or its ``subdir``
    url: str | None  # None for a local folder
    name: str  # the folder's natural name: its own, or the repository's for a clone's root


@contextmanager
def fetched(config: Config, source: str, env: Mapping[str, str],
            subdir: str | None = None) -> Iterator[Fetched]:
    """The folder ``source`` (and ``subdir`` in it) names: a local folder as it is, or a
    shallow clone in a temp folder of the source, removed afterwards. A subfolder that goes
    through a link is refused (it could lead anywhere on this machine)."""
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
        gitops.run(["clone", "--quiet", "--depth", "1", "--", url, str(temp)], env=env,
                   timeout=gitops.NETWORK_TIMEOUT)
        base = inside(temp, short, "subfolder") if short else temp
        folder = inside(temp, inner, "subfolder") if inner else temp
        if not base.is_dir():
            raise NotFoundError(f"{short} is not a folder of {url}")
        yield Fetched(base, folder, url, folder.name if inner else repo_basename(url))
    finally:
        remove_clone(temp)
