"""Where a repository address ends and a folder of it begins, host by host, as the original
tool reads them:

- Azure DevOps: ``ado:org/project/repo[/folder]``,
  ``https://dev.azure.com/org/project/_git/repo[/folder]``, the older
  ``https://org.visualstudio.com/project/_git/repo`` (read as the dev.azure.com address),
  ``git@ssh.dev.azure.com:v3/org/project/repo[//folder]``, and ``…/_git/repo`` on the
  servers ``azure_hosts`` lists;
- GitLab: on a host whose name holds ``gitlab`` or ``jihulab``, or one ``gitlab_hosts``
  lists, the whole path is the repository (groups nest), unless a ``.git`` or a web page's
  ``/-/tree/<branch>/`` marks where it ends;
- Bitbucket web pages (``/src/<branch>/folder``); any other host: ``owner/repo``, then the
  folder (``tree/<branch>/`` and ``blob/<branch>/…/SKILL.md`` of a web page left out).

Nothing here touches the network or the disk; the folder found is checked by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote

from skillshared.core.config_original import host_problem
from skillshared.core.errors import UsageError

AZURE = "dev.azure.com"
AZURE_SSH = "git@ssh.dev.azure.com:v3/"
HOST_ENV = {"gitlab": "SKILLSHARE_GITLAB_HOSTS", "azure": "SKILLSHARE_AZURE_HOSTS"}
_URL = re.compile(r"^(?P<scheme>https?)://(?:[^/@?#]*@)?(?P<netloc>(?P<host>[^/:@?#]+)"
                  r"(?::\d+)?)(?:/(?P<path>[^?#]*))?(?P<query>\?[^#]*)?(?:#.*)?$", re.I)
_SHORT = re.compile(r"^(?P<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,})/(?P<path>[A-Za-z0-9._-]+/"
                    r"[A-Za-z0-9._/-]+)$")
_SEGMENT = re.compile(r"^[A-Za-z0-9._~%-]+$")
_SSH_FORM = "git@ssh.dev.azure.com:v3/<org>/<project>/<repo>[//<folder>]"


class Split(NamedTuple):
    address: str  # what git clones (a host path without a scheme is made https later)
    subdir: str | None  # the folder of it that is meant; None: the whole repository


@dataclass(frozen=True)
class Hosts:
    """The host names the config (and the environment) say are GitLab or Azure DevOps
    servers, in lower case."""

    gitlab: frozenset[str] = frozenset()
    azure: frozenset[str] = frozenset()

    def is_gitlab(self, host: str) -> bool:
        host = host.lower()
        return "gitlab" in host or "jihulab" in host or host in self.gitlab

    def is_azure(self, host: str) -> bool:
        return host.lower() in self.azure


NO_HOSTS = Hosts()


def hosts_of(document: Mapping[str, Any], env: Mapping[str, str]) -> Hosts:
    """``gitlab_hosts`` and ``azure_hosts`` of a config document, with the comma-separated
    lists of ``SKILLSHARE_GITLAB_HOSTS`` and ``SKILLSHARE_AZURE_HOSTS`` added (an entry that
    is not a bare host name is left out; the config's are reported when it is loaded)."""
    found: dict[str, frozenset[str]] = {}
    for kind, variable in HOST_ENV.items():
        listed = document.get(f"{kind}_hosts")
        names = list(listed) if isinstance(listed, list) else []
        names += env.get(variable, "").split(",")
        found[kind] = frozenset(_bare_hosts(names))
    return Hosts(gitlab=found["gitlab"], azure=found["azure"])


def _bare_hosts(names: Iterable[object]) -> Iterable[str]:
    for name in names:
        if isinstance(name, str) and name.strip() and host_problem(name.strip()) is None:
            yield name.strip().lower()


# -- Azure DevOps -----------------------------------------------------------------------------

def azure(raw: str, hosts: Hosts) -> Split | None:
    """The Azure DevOps repository (and folder) ``raw`` names; None when it is no Azure
    DevOps address. A broken one is a UsageError saying which form is expected."""
    if raw.startswith("ado:"):
        return _ado_shorthand(raw)
    if raw.lower().startswith(AZURE_SSH):
        return _azure_ssh(raw)
    match = _URL.match(raw)
    if match is None or match["path"] is None:
        return None
    parts = match["path"].split("/")
    host = match["host"].lower()
    if "_git" not in parts[1:]:
        return None
    at = parts.index("_git", 1)
    if host == AZURE:
        base = f"https://{AZURE}/{'/'.join(parts[:at])}"
    elif host.endswith(".visualstudio.com") and at == 1:
        base = f"https://{AZURE}/{host.split('.', 1)[0]}/{parts[0]}"
    elif hosts.is_azure(host):
        base = f"{match['scheme'].lower()}://{match['netloc']}/{'/'.join(parts[:at])}"
    else:
        return None
    repo = parts[at + 1].removesuffix(".git") if len(parts) > at + 1 else ""
    if not repo or not all(parts[:at]):
        raise UsageError(f"invalid Azure DevOps address {raw!r}: it names no repository",
                         hint=f"use https://{host}/<org>/<project>/_git/<repo>[/<folder>]")
    subdir = "/".join(p for p in parts[at + 2:] if p) or _query_path(match["query"])
    return Split(f"{base}/_git/{repo}", subdir)


def _ado_shorthand(raw: str) -> Split:
    parts = raw[4:].split("/", 3)
    if len(parts) < 3 or not all(_SEGMENT.match(p) for p in parts[:3]):
        raise UsageError(f"invalid Azure DevOps shorthand {raw!r}",
                         hint="use ado:<org>/<project>/<repo>[/<folder>]")
    org, project, repo = parts[0], parts[1], parts[2].removesuffix(".git")
    subdir = parts[3].strip("/") if len(parts) > 3 else ""
    return Split(f"https://{AZURE}/{org}/{project}/_git/{repo}", subdir or None)


def _azure_ssh(raw: str) -> Split:
    path, _, subdir = raw[len(AZURE_SSH):].partition("//")
    parts = path.rstrip("/").split("/")
    if len(parts) != 3 or not all(_SEGMENT.match(p) for p in parts):
        raise UsageError(f"invalid Azure DevOps SSH address {raw!r}", hint=f"use {_SSH_FORM}")
    org, project, repo = parts[0], parts[1], parts[2].removesuffix(".git")
    return Split(f"{AZURE_SSH}{org}/{project}/{repo}", subdir.strip("/") or None)


def _query_path(query: str | None) -> str | None:
    """The folder of a web page's ``?path=/skills/pdf`` (Azure DevOps file browser)."""
    if not query:
        return None
    paths = parse_qs(query[1:]).get("path", [])
    return unquote(paths[0]).strip("/") or None if paths else None


# -- other hosts ------------------------------------------------------------------------------

def host_path(raw: str, hosts: Hosts) -> Split | None:
    """``host/owner/repo[/folder]`` or ``http(s)://host/path``, split where the repository
    ends on that host; None for any other form (and for a path holding ``//``, whose own
    split says where the folder begins)."""
    match = _URL.match(raw)
    if match is not None:
        if match["path"] is None or "//" in match["path"]:
            return None
        base, host, path = raw[:match.start("path") - 1], match["host"], match["path"]
    elif (short := _SHORT.match(raw)) is not None:
        base, host, path = short["host"], short["host"], short["path"]
    else:
        return None
    parts = path.rstrip("/").split("/")
    if parts and parts[-1] == "." and len(parts) > 1:
        parts.pop()
    end = repo_end(parts, host, hosts)
    return Split(f"{base}/{'/'.join(parts[:end])}", web_folder(parts[end:], host))


def repo_end(parts: list[str], host: str, hosts: Hosts) -> int:
    """How many of the path's segments name the repository on ``host``."""
    for index, part in enumerate(parts):
        if part.endswith(".git") and part != ".git":
            return index + 1  # ``.git`` ends it, on any host (group/sub/repo.git)
    if "-" in parts[1:]:
        return parts.index("-", 1)  # a GitLab web page: …/repo/-/tree/<branch>/folder
    if "bitbucket" in host.lower() and "src" in parts[1:]:
        return parts.index("src", 1)
    if hosts.is_gitlab(host):
        return len(parts)  # groups nest: the whole path is the repository
    return min(2, len(parts))


def web_folder(rest: list[str], host: str) -> str | None:
    """The folder that what follows the repository names: a web page's
    ``-/tree/<branch>/dir``, ``-/blob/<branch>/dir/SKILL.md``, ``tree/<branch>/dir``,
    Bitbucket's ``src/<branch>/dir`` name ``dir`` (the branch is not taken from it:
    ``--branch`` says that)."""
    if rest[:1] == ["-"]:
        rest = rest[1:]
    page = rest[0] if len(rest) >= 2 else None
    if page in ("tree", "blob") or (page == "src" and "bitbucket" in host.lower()):
        rest = rest[2:]
        if rest and page != "tree" and rest[-1].lower() == "skill.md":
            rest = rest[:-1]
    folder = "/".join(rest)
    return None if folder in ("", ".") else folder


def nested_candidates(url: str, subdir: str | None, hosts: Hosts
                      ) -> Iterator[tuple[str, str | None]]:
    """(address, folder) to clone in turn: ``url`` and ``subdir`` as read, then, for an
    http(s) repository read as ``owner/repo`` (no ``.git``, no GitLab or Azure DevOps
    host), the paths one folder longer each."""
    yield url, subdir
    match = _URL.match(url)
    if (subdir is None or match is None or url.endswith(".git") or "/_git/" in url
            or hosts.is_gitlab(match["host"]) or (match["path"] or "").count("/") != 1):
        return
    parts = subdir.split("/")
    for end in range(1, len(parts) + 1):
        yield f"{url}/{'/'.join(parts[:end])}", "/".join(parts[end:]) or None


_NOT_THERE = ("does not appear to be a git repository", "returned error: 404",
              "not a valid git repo")


def not_there(err: str) -> bool:
    """Whether git's error says there is no repository at the address (not a missing
    branch, a refused login or a network failure)."""
    text = err.lower()
    if "remote branch" in text:
        return False
    return any(m in text for m in _NOT_THERE) or ("repository" in text and "not found" in text)
