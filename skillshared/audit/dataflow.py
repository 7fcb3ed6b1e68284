"""Data flow across a skill's scripts: a credential file read (or the whole environment
taken) in one place and a network send in another place of the same skill — another line, or
another file — is a finding (the rule ``credential-flow``, fed the fact ``flow <source> ->
<sink>``). On one line the line rules already report it.

Scripts only (by suffix or a ``#!`` line): documentation names key files to explain them. A
key used to log in (``ssh -i``, ``IdentityFile``, ``--key``, ``ssh-add``) is not read to be
sent, and a single secret variable is not a source: an API client reads its token and sends
requests by design.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from skillshared.audit.intent import is_script

_HOME_FILE = (r"(?:\.ssh[/\\'\"\s,+]+(?:id_[\w-]*(?!\.pub)(?![\w.-])|identity\b)"
              r"|\.aws[/\\'\"\s,+]+credentials\b|[._]netrc\b|\.git-credentials\b|\.gnupg\b"
              r"|\.docker[/\\]config\.json|\.kube[/\\]config\b|\.config[/\\]gh[/\\]hosts\.yml"
              r"|\.npmrc\b|\.pypirc\b|\.vault-token\b|/etc/shadow\b|\.password-store\b"
              r"|application_default_credentials\.json|Login Data\b|logins\.json|key4\.db"
              r"|\.bash_history\b|\.zsh_history\b)")
_ENV_DUMP = (r"(?:dict|str|repr|json\.dumps)\(\s*os\.environ\s*\)|os\.environ\.(?:copy|items)"
             r"\(\)|JSON\.stringify\(\s*process\.env\s*\)|Object\.entries\(\s*process\.env\s*\)"
             r"|/proc/(?:self|\d+|\$\$)/environ\b|(?:^|[;&|(]|\$\()\s*(?:env|printenv)\s*(?:[>)]|$)"
             r"|\b(?:Get-ChildItem|gci)\s+env:(?!\w)")
SOURCE = re.compile(f"{_HOME_FILE}|{_ENV_DUMP}", re.I | re.M)
LOGIN = re.compile(r"\s-i\s*\S*$|IdentityFile|--key[=\s]|--cert[=\s]|--netrc-file|\bssh-add\b"
                   r"|\bssh-keygen\b|\bKUBECONFIG\b", re.I)
SINK = re.compile(
    r"\bcurl\b[^\n]*?(?:\s-[a-zA-Z]*[dFT]\b|--data|--form|--upload-file|-X\s*(?:POST|PUT))"
    r"|\bwget\b[^\n]*--(?:post|body)-(?:data|file)|(?<![\w.-])(?:nc|ncat|netcat|socat|telnet)"
    r"\s+\S|(?<![\w.-])(?:scp|sftp|rsync)\s|\b(?:requests|httpx|session|axios)\.(?:post|put"
    r"|patch)\s*\(|\burlopen\s*\([^\n]*data|\bfetch\s*\([^\n]*method\s*:\s*['\"](?:POST|PUT)"
    r"|\bInvoke-(?:WebRequest|RestMethod)\b[^\n]*-(?:Method\s+P(?:ost|ut)|Body|InFile)"
    r"|\.sendall?\s*\(|\.sendto\s*\(|\bgh\s+gist\s+create\b|\baws\s+s3\s+cp\b|\bsmtplib\b"
    r"|\bhttp\.request\s*\(", re.I)
_WORDS = ("ssh", "aws", "netrc", "credential", "gnupg", "docker", "kube", "hosts.yml", "npmrc",
          "pypirc", "vault", "shadow", "password", "login", "key4", "history", "environ",
          "env", "gci", "get-childitem")


@dataclass(frozen=True)
class Place:
    path: str
    line: int
    text: str


@dataclass
class Flows:
    """The sources and sinks seen in one skill's scripts."""

    sources: list[Place] = field(default_factory=list)
    sinks: list[Place] = field(default_factory=list)

    def add(self, rel: str, text: str) -> None:
        """Note the sources and sinks of a file (only a script's)."""
        if not is_script(rel, text):
            return
        folded = text.lower()
        if any(word in folded for word in _WORDS):
            self.sources += _places(rel, text, SOURCE, LOGIN)
        self.sinks += _places(rel, text, SINK, None)

    def fact(self) -> tuple[str, Place] | None:
        """``flow <source> -> <sink>`` and the sink, when a source and a sink are in
        different places (the first such pair)."""
        for source in self.sources:
            for sink in self.sinks:
                if (source.path, source.line) != (sink.path, sink.line):
                    return (f"flow {source.path}:{source.line} ({source.text}) -> "
                            f"{sink.path}:{sink.line} ({sink.text})", sink)
        return None


def _places(rel: str, text: str, pattern: re.Pattern[str], unless: re.Pattern[str] | None
            ) -> list[Place]:
    places = []
    for match in pattern.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        line = text[start:end if end >= 0 else len(text)]
        if line.lstrip().startswith(("#", "//")):
            continue
        if unless is not None and unless.search(line[:match.end() - start]):
            continue
        places.append(Place(rel, text.count("\n", 0, match.start()) + 1,
                            match.group().strip()[:60]))
    return places
