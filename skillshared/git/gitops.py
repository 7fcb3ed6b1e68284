"""Git, run safely (README: "Reliability").

Every git command here runs as a child process in a session of its own, with no terminal
and no way to ask for a password (``GIT_TERMINAL_PROMPT=0``, batch-mode SSH, no askpass
helpers), with ``ext::`` and ``fd::`` transports refused, and with a time limit after which
the whole process group (git and its ssh / remote helpers) is killed. URLs are checked before
git sees them, so one that is really an option (``--upload-pack=…``) never reaches it.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from skillshared.core.errors import SkillshareError, UsageError
from skillshared.git import gitauth

NETWORK_TIMEOUT = 120.0  # seconds for a fetch, clone, push or ls-remote
LOCAL_TIMEOUT = 30.0  # seconds for a local command (status, commit, rev-parse)
SAFE_CONFIG = ("-c", "protocol.ext.allow=never", "-c", "protocol.fd.allow=never",
               "-c", "core.askPass=", "-c", "credential.interactive=never")
_SCP_LIKE = re.compile(r"^[A-Za-z0-9._~-]+@[A-Za-z0-9.-]+:(?!//)[A-Za-z0-9._~/-]+$")
_URL = re.compile(r"^(https?|ssh|git|file)://[^\s]+$")


class GitError(SkillshareError):
    code = "git"


class GitTimeout(GitError):
    code = "git_timeout"


# Variables that would point git at another repository than the folder it runs in (set, for
# one, while a git hook runs): they are never passed on.
_ELSEWHERE = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY",
              "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
              "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM")


def quiet_env(base: Mapping[str, str], cwd: str | None = None) -> dict[str, str]:
    """The environment for git: nothing may wait for a person, and a command run in ``cwd``
    works on the repository of that very folder: git never looks for one in the folders
    above it (a tracked repo whose ``.git`` is damaged must not turn into the source's)."""
    env = {k: v for k, v in base.items()
           if not k.startswith(("GIT_ASKPASS", "SSH_ASKPASS")) and k not in _ELSEWHERE}
    env.update(GIT_TERMINAL_PROMPT="0", GCM_INTERACTIVE="never", LC_ALL="C",
               GIT_SSH_COMMAND="ssh -o BatchMode=yes -o ConnectTimeout=15",
               SSH_ASKPASS_REQUIRE="never", GIT_ASKPASS="", SSH_ASKPASS="")
    if cwd is not None:
        env["GIT_CEILING_DIRECTORIES"] = os.path.dirname(os.path.abspath(cwd))
    return env


def check_url(url: str) -> str:
    """``url`` if it is a repository address git may be given; else a UsageError (nothing
    has run). Accepted: https://, http://, ssh://, git://, file://, ``user@host:path``, and
    local paths."""
    problem = None
    if not url or url != url.strip() or any(ord(c) < 32 or c == "\x7f" for c in url):
        problem = "it is empty, or holds spaces at the ends or control characters"
    elif url.startswith("-"):
        problem = "it starts with '-', so git would read it as an option"
    elif "::" in url.split("/", 1)[0] or url.lower().startswith(("ext:", "fd:")):
        problem = "remote helper transports (such as ext::) are not allowed"
    elif "://" in url and not _URL.match(url):
        problem = "only https, http, ssh, git and file URLs are allowed"
    elif "://" not in url and "@" in url.split("/", 1)[0] and not _SCP_LIKE.match(url):
        problem = "it is not a valid user@host:path address"
    if problem:
        raise UsageError(f"invalid repository address {url!r}: {problem}",
                         hint="use https://host/owner/repo, git@host:owner/repo.git, "
                              "file:///path or a local folder")
    return url


@dataclass(frozen=True)
class Result:
    args: tuple[str, ...]
    code: int
    out: str
    err: str


def run(args: Sequence[str], *, cwd: str | None = None, env: Mapping[str, str],
        timeout: float = LOCAL_TIMEOUT, check: bool = True) -> Result:
    """Run ``git <args>``; a GitError when it fails (``check``), a GitTimeout (after killing
    its whole process group) when it runs past ``timeout`` seconds."""
    argv = ["git", *SAFE_CONFIG, *gitauth.helper_args(env), *args]
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=quiet_env(env, cwd), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True, text=True, errors="replace")
    except FileNotFoundError:
        raise GitError("git is not installed", hint="install git to use this command") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise GitTimeout(f"git {args[0]} did not finish within {timeout:g} s and was stopped",
                         hint="check the network and the remote; nothing was changed "
                              "by the stopped command") from None
    except BaseException:
        _kill_group(proc)
        raise
    err = gitauth.redact(err, env)  # a token never shows in a message
    result = Result(tuple(args), proc.returncode, out, err)
    if check and proc.returncode != 0:
        raise GitError(f"git {args[0]} failed: {last_line(err) or f'exit {proc.returncode}'}",
                       hint=gitauth.hint(err, env))
    return result


def _kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def would_overwrite(err: str) -> list[str]:
    """The files git names when it refuses to overwrite files it does not track (a
    checkout or merge run with ``--no-overwrite-ignore`` also refuses for ignored ones)."""
    if "would be overwritten" not in err:
        return []
    return [line.strip() for line in err.splitlines() if line.startswith("\t")]


# A checkout or merge never overwrites a file git does not track: by default git replaces
# ignored files (a tracked repo's clone, a user's notes) without a word.
NO_OVERWRITE = "--no-overwrite-ignore"


def bring_in(folder: str, env: Mapping[str, str], goal: str, branch: str,
             unborn: bool) -> None:
    """Move the checked-out ``branch`` to ``goal``: a fast-forward, or (a branch with no
    commits yet) a checkout of it. Never a merge commit, and never over a file git does not
    track: then a SkillshareError names those files, and nothing has changed."""
    args = (["checkout", "--quiet", NO_OVERWRITE, "-B", branch, goal] if unborn
            else ["merge", "--ff-only", "--quiet", NO_OVERWRITE, goal])
    result = run(args, cwd=folder, env=env, check=False)
    if result.code == 0:
        return
    files = would_overwrite(result.err)
    if files:
        many = "s" if len(files) != 1 else ""
        raise SkillshareError(f"what came from the remote would overwrite {len(files)} "
                              f"file{many} here that git does not track; nothing was changed",
                              hint="move them out of the way (or add them to git), then run "
                                   "it again", details=files[:20])
    raise GitError(f"git {args[0]} failed: {last_line(result.err) or f'exit {result.code}'}")


def unborn_again(folder: str, env: Mapping[str, str], branch: str) -> None:
    """Undo the first checkout of ``branch`` (see :func:`bring_in`): the files it brought
    are removed and the branch has no commits again; files git does not track stay."""
    run(["rm", "-r", "-q", "-f", "--ignore-unmatch", "--", "."], cwd=folder, env=env)
    run(["update-ref", "-d", f"refs/heads/{branch}"], cwd=folder, env=env)
