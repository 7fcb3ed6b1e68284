"""Where installs come from: repository addresses (``host/owner/repo`` shorthands, a folder
of a repository after ``//``), the names they give, branches, and the folder a source names
(a local folder, or a shallow clone removed afterwards)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from skillshared.catalog.places import inside, path_problem
from skillshared.core import progress
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.engine import fsops
from skillshared.git import gitauth, gitops, source_forms
from skillshared.git.source_forms import NO_HOSTS, Hosts, hosts_of

_HOST_PATH = re.compile(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}/[A-Za-z0-9._-]+/[A-Za-z0-9._/-]+$")
_OWNER_REPO = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*/[A-Za-z0-9._-]+(/[A-Za-z0-9._/-]*)?$")
_SCP = re.compile(r"^[^/:@]+@[^/:]+:")  # user@host:path
GITHUB = "github.com"


def expand_shorthand(raw: str) -> str:
    """``owner/repo[/sub/dir]`` (a first segment without a dot, so no host) is a GitHub
    repository, as the original tool reads it: ``github.com/owner/repo[/sub/dir]``. A path
    that exists here, a URL, ``user@host:path`` and ``./``, ``../``, ``/``, ``~`` paths are
    left as they are."""
    if (os.path.exists(raw) or raw.startswith((".", "/", "~"))
            or not _OWNER_REPO.match(raw) or "." in raw.split("/", 1)[0]):
        return raw
    return f"{GITHUB}/{raw}"


def hosts_for(config: Config, env: Mapping[str, str]) -> Hosts:
    """The GitLab and Azure DevOps servers ``config`` (``gitlab_hosts``, ``azure_hosts``)
    and ``env`` (``SKILLSHARE_GITLAB_HOSTS``, ``SKILLSHARE_AZURE_HOSTS``) name."""
    return hosts_of(config.document, env)


def resolve(raw: str, hosts: Hosts = NO_HOSTS) -> tuple[str, str | None]:
    """(the address git clones, the folder of it) that ``raw`` names, without touching the
    network: ``owner/repo/skills/pdf`` -> (``https://github.com/owner/repo``,
    ``skills/pdf``); ``repo.git//sub`` -> (``repo.git``, ``sub``);
    ``ado:org/project/repo/sub`` -> (``https://dev.azure.com/org/project/_git/repo``,
    ``sub``)."""
    address, subdir = split_shorthand(raw, hosts)
    return clone_url(address, hosts), subdir


def clone_url(raw: str, hosts: Hosts = NO_HOSTS) -> str:
    """The address git is given for the repository ``raw`` names (a folder of it left out):
    ``github.com/owner/repo`` becomes an https URL, ``ado:org/project/repo`` the Azure
    DevOps one; checked before git sees it (see :func:`gitops.check_url`)."""
    if not os.path.exists(raw):
        raw = split_shorthand(raw, hosts)[0]
    if _HOST_PATH.match(raw) and not os.path.exists(raw):
        return gitops.check_url(f"https://{raw}")
    return gitops.check_url(raw)


def split_shorthand(raw: str, hosts: Hosts = NO_HOSTS) -> tuple[str, str | None]:
    """``host/owner/repo/sub/dir`` -> (``host/owner/repo``, ``sub/dir``), the repository
    ending where its host says (see :mod:`source_forms`: GitLab's nested groups, Azure
    DevOps' ``_git``, web pages' ``tree/<branch>/``); a repository address with ``//``
    before a folder of it (``file:///srv/repo.git//skills/pdf``, the original tool's form)
    -> (``file:///srv/repo.git``, ``skills/pdf``); else (raw, None). The folder is checked
    (no ``..``, no ``.git``) before anything is cloned."""
    if os.path.exists(raw):
        return raw, None
    raw = expand_shorthand(raw)
    found = source_forms.azure(raw, hosts) or source_forms.host_path(raw, hosts)
    if found is not None:
        address, subdir = found
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


def by_name(root: Path, short: str) -> str:
    """``short`` when it is a folder of ``root``; else the one skill folder there with its
    last segment as name (the original's fuzzy folder: ``owner/repo/pdf`` finds
    ``skills/pdf``); ``short`` again when none has it. Two with that name are an error
    naming both."""
    if os.path.isdir(root / short):
        return short
    name = short.rsplit("/", 1)[-1]
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        if os.path.basename(folder) == name and "SKILL.md" in files:
            found.append(Path(os.path.relpath(folder, root)).as_posix())
    if len(found) > 1:
        raise UsageError(f"{short!r} could be any of {', '.join(found)}; nothing was "
                         "installed", hint="give the folder's whole path in the repository")
    return found[0] if found else short


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


def _track_parts(url: str) -> list[str]:
    """The path segments a tracked repo is named after, as the original names them: a
    hosted repository's whole path (``group/sub/repo``), Azure DevOps' org, project and
    repository (``_git`` and ``v3`` left out); a folder's (``file://``) last two."""
    parts = _url_path_parts(url)
    if "_git" in parts[1:-1]:
        at = parts.index("_git", 1)
        return [*parts[max(0, at - 2):at], parts[at + 1]]
    if url.lower().startswith(source_forms.AZURE_SSH):
        return parts[1:]
    hosted = re.match(r"^(https?|ssh|git)://", url, re.I) or _SCP.match(url)
    return parts if hosted else parts[-2:]


def repo_name(url: str, given: str | None) -> str:
    """``_owner-repo`` from the repository's path (``_group-sub-repo`` for nested groups,
    ``_org-project-repo`` for Azure DevOps), or ``--name`` (``_`` added); checked before
    anything is cloned."""
    if given is not None:
        name = given if given.startswith("_") else f"_{given}"
        if "/" in given or "\\" in given or ".." in given:
            raise UsageError(f"invalid --name {given!r}: it must not hold '/', '\\' or '..'")
    else:
        parts = _track_parts(url) or ["repo"]
        parts[-1] = parts[-1].removesuffix(".git")
        name = "_" + "-".join(p for p in parts if p)
    problem = path_problem(name)
    if problem:
        raise UsageError(f"invalid tracked repo name {name!r}: {problem}",
                         hint="choose one with --name")
    return name


_BRANCH = re.compile(r"^[A-Za-z0-9._][A-Za-z0-9._/-]*$")


def branch_problem(branch: str) -> str | None:
    """What makes ``branch`` unsafe to hand to git as a branch name."""
    if not _BRANCH.match(branch) or ".." in branch or branch.endswith(("/", ".lock")):
        return f"{branch!r} is not a branch name git would accept"
    return None


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
    hosts = hosts_for(config, env)
    address, short = split_shorthand(source, hosts)
    url = clone_url(address, hosts)
    inner = "/".join(p for p in (short, subdir) if p) or None
    temp = config.source / fsops.temp_name(fsops.TAG_NEW, "install")
    try:
        url, short = _clone(url, short, temp, env, branch, hosts)
        inner = "/".join(p for p in (short, subdir) if p) or None
        if short:
            inside(temp, short, "subfolder")  # checked before it is looked for
            short = by_name(temp, short)
            inner = "/".join(p for p in (short, subdir) if p)
        base = inside(temp, short, "subfolder") if short else temp
        folder = inside(temp, inner, "subfolder") if inner else temp
        if not base.is_dir():
            raise NotFoundError(f"{short} is not a folder of {url}")
        yield Fetched(base, folder, url, folder.name if inner else repo_basename(url), temp)
    finally:
        _remove_clone(temp)


def _remove_clone(temp: Path) -> None:
    from skillshared.git.tracked import remove_clone  # (it loads the audit: not for records)

    remove_clone(temp)


def _clone(url: str, short: str | None, temp: Path, env: Mapping[str, str],
           branch: str | None, hosts: Hosts) -> tuple[str, str | None]:
    """Clone ``url`` into ``temp``: (the address cloned, the folder of it meant). When a
    host path read as ``owner/repo`` then a folder is no repository there, the longer paths
    are tried in turn (a nested group on a server not known as GitLab), as the original
    does: ``host/a/b/c/d`` -> ``host/a/b`` + ``c/d``, ``host/a/b/c`` + ``d``, ``host/a/b/c/d``."""
    tried: list[str] = []
    for address, folder in source_forms.nested_candidates(url, short, hosts):
        _remove_clone(temp)
        progress.report("cloning", item=address)
        done = gitops.run(["clone", "--quiet", "--depth", "1", *branch_args(branch), "--",
                           address, str(temp)], env=env, timeout=gitops.NETWORK_TIMEOUT,
                          check=False)
        if done.code == 0:
            return address, folder
        tried.append(address)
        if not source_forms.not_there(done.err):
            break
    why = gitops.last_line(done.err) or f"exit {done.code}"
    also = f" (also tried {', '.join(tried[1:])})" if len(tried) > 1 else ""
    raise gitops.GitError(f"git clone failed: {why}{also}",
                          hint=gitauth.hint(done.err, env))


def branch_args(branch: str | None) -> list[str]:
    """``--branch=<branch>`` for a clone, checked first; nothing for the remote's default."""
    if branch is None:
        return []
    problem = branch_problem(branch)
    if problem:
        raise UsageError(f"invalid branch: {problem}")
    return [f"--branch={branch}"]
