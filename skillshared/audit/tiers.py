"""Command tiers: what kind of action each shell command of a skill takes, counted per tier
(its tier profile), and the findings a risky mix of tiers makes.

T0 read-only (``cat``, ``ls``, ``grep``), T1 mutating (``mkdir``, ``cp``, ``git``), T2
destructive (``rm``, ``dd``, ``kill``), T3 network (``curl``, ``ssh``, ``nc``), T4 privilege
(``sudo``, ``chown``, ``systemctl``), T5 stealth (``shred``, ``history -c``, ``unset
HISTFILE``), T6 interpreter (``python``, ``node``, ``pwsh``). The commands of a line are the
first word of each piece between ``|``, ``&``, ``;``, ``$(``, ``(``, ``)`` and backquotes
(after variable assignments, ``env`` and shell keywords such as ``if`` or ``then``); comments
and here-document bodies are left out.

Stricter about what is not a risk than the original skillshare: ``rm`` of a relative path or a
temporary folder is cleaning up (T1, not T2; a path in a variable other than a temporary
folder's counts as destructive), and a network command whose every address is
this machine (``localhost``, ``127.0.0.1``) is not a network command."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from skillshared.audit.findings import Finding

READ_ONLY, MUTATING, DESTRUCTIVE, NETWORK, PRIVILEGE, STEALTH, INTERPRETER = range(7)
LABELS = ("read-only", "mutating", "destructive", "network", "privilege", "stealth",
          "interpreter")

_BY_TIER = {
    READ_ONLY: "cat head tail less more bat ls dir tree find locate which whereis file stat wc "
               "du df grep rg ag awk sort uniq cut tr diff echo printf env printenv id whoami "
               "uname hostname date pwd realpath basename dirname readlink test true false type "
               "sha256sum md5sum sha1sum jq yq xargs",
    MUTATING: "mkdir cp mv touch ln install sed tee patch chmod tar zip unzip gzip gunzip git "
              "npm yarn pnpm pip pip3 go cargo make cmake rustc gcc clang javac mvn gradle",
    DESTRUCTIVE: "rm rmdir dd mkfs kill killall pkill truncate wipefs fdisk parted reboot "
                 "shutdown halt init",
    NETWORK: "curl wget fetch ssh scp sftp rsync nc ncat netcat socat nmap ping traceroute dig "
             "nslookup host telnet ftp aria2c axel netstat ss iptables",
    PRIVILEGE: "sudo su doas chown chgrp mount umount systemctl service useradd usermod "
               "userdel groupadd groupmod groupdel visudo passwd crontab at modprobe insmod "
               "rmmod",
    STEALTH: "shred",
    INTERPRETER: "python python3 node ruby perl lua php bun deno npx tsx pwsh powershell",
}
COMMANDS = {name: tier for tier, names in _BY_TIER.items() for name in names.split()}
KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for",
                      "in", "case", "esac", "!", "{", "}", "[[", "time", "nohup", "exec",
                      "command", "builtin"})
STEALTH_LINE = re.compile(r"\bhistory\s+-[cd]|\bunset\s+HIST(?:FILE|SIZE)\b"
                          r"|\bexport\s+HISTFILE\s*=\s*/dev/null\b"
                          r"|\bexport\s+HISTSIZE\s*=\s*0\b")
_SPLIT = re.compile(r"\$\(|[|&;()`]")
_COMMENT = re.compile(r"(?:^|\s)#")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w-]*)\1")
_URL_HOST = re.compile(r"\b[a-z][a-z0-9+.-]*://(?:[^@/\s'\"]*@)?(\[[^\]]*\]|[^/:\s'\"?#]+)",
                       re.I)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "0.0.0.0"})
_TEMP = re.compile(r"^(?:/tmp/|/var/tmp/|\$\{?\w*(?:tmp|temp)\w*\b)", re.I)
_FAR = re.compile(r"^(?:/|~|\$|\.\.(?:/|$)|\.?/?\*|\.$|\./$)")


@dataclass(frozen=True)
class Place:
    """Where a command of a tier was first seen (the file relative to the skill)."""
    path: str
    line: int
    text: str


@dataclass(frozen=True)
class TierProfile:
    """How many commands of each tier (T0-T6) a skill runs, and where each tier first
    appears."""
    counts: tuple[int, ...] = (0,) * 7
    first: tuple[Place | None, ...] = (None,) * 7

    @property
    def total(self) -> int:
        return sum(self.counts)

    def has(self, tier: int) -> bool:
        return self.counts[tier] > 0

    def describe(self) -> str:
        """``destructive:2 network:3`` (``none`` when no command was counted)."""
        return " ".join(f"{LABELS[t]}:{n}" for t, n in enumerate(self.counts) if n) or "none"

    def to_dict(self) -> dict[str, object]:
        return {"counts": list(self.counts), "total": self.total}


class ProfileBuilder:
    """Counts the commands of a skill's files, one line at a time."""

    def __init__(self) -> None:
        self.counts = [0] * 7
        self.first: list[Place | None] = [None] * 7

    def add(self, tier: int, place: Place) -> None:
        self.counts[tier] += 1
        if self.first[tier] is None:
            self.first[tier] = place

    def line(self, text: str, path: str, number: int) -> None:
        place = Place(path, number, text.strip()[:200])
        if STEALTH_LINE.search(text):
            self.add(STEALTH, place)
        for tier in line_tiers(text):
            self.add(tier, place)

    def profile(self) -> TierProfile:
        return TierProfile(tuple(self.counts), tuple(self.first))


def classify(word: str) -> int | None:
    """The tier of a command name (``/usr/bin/curl``, ``python3.11``); None: not known."""
    base = word.rsplit("/", 1)[-1]
    if base in COMMANDS:
        return COMMANDS[base]
    stem = base.rsplit(".", 1)[0] if "." in base[1:] else base
    return COMMANDS.get(stem)


def segments(line: str) -> list[list[str]]:
    """The words of each command of a shell line, starting at the command's name."""
    match = _COMMENT.search(line)
    if match is not None:
        line = line[:match.start()]
    out = []
    for piece in _SPLIT.split(line):
        words = piece.split()
        while words and ("=" in words[0] or words[0] in KEYWORDS):
            words = words[1:]
        if words and words[0].rsplit("/", 1)[-1] == "env" and len(words) > 1:
            words = words[1:]
            while words and ("=" in words[0] or words[0].startswith("-")):
                words = words[1:]
        if words and words[0] not in (".", "-"):
            out.append(words)
    return out


def _cleanup(words: list[str]) -> bool:
    """``rm``/``rmdir`` of relative paths or temporary folders only."""
    operands = [w.strip("'\"") for w in words[1:] if not w.startswith("-")]
    operands = [o for o in operands if o]
    return bool(operands) and all(not _FAR.match(o) or _TEMP.match(o) for o in operands)


def _local_only(piece: str) -> bool:
    hosts = [h.lower() for h in _URL_HOST.findall(piece)]
    return bool(hosts) and all(h in _LOCAL_HOSTS for h in hosts)


def line_tiers(line: str) -> list[int]:
    """The tier of each known command of a line (each command name once)."""
    seen: set[str] = set()
    tiers = []
    for words in segments(line):
        name = words[0].rsplit("/", 1)[-1]
        tier = classify(name)
        if tier is None or name in seen:
            continue
        seen.add(name)
        if tier == DESTRUCTIVE and name in ("rm", "rmdir") and _cleanup(words):
            tier = MUTATING
        elif tier == NETWORK and _local_only(" ".join(words)):
            continue
        tiers.append(tier)
    return tiers


def script_lines(lines: Iterable[str]) -> Iterable[tuple[int, str]]:
    """The numbered lines of a shell script that hold commands (here-document bodies left
    out; ``\\`` continuations joined, numbered by their first line)."""
    ending: str | None = None
    held, start = "", 0
    for number, line in enumerate(lines, 1):
        if ending is not None:
            if line.strip() == ending:
                ending = None
            continue
        if not held:
            start = number
        if line.endswith("\\"):
            held += line[:-1] + " "
            continue
        whole, held = held + line, ""
        marker = _HEREDOC.search(whole)
        if marker is not None:
            ending = marker.group(2)
        yield start, whole


# -- which lines of a skill's files are commands ----------------------------------------------

SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".ksh", ".fish", ".command")
_SHEBANG = re.compile(r"#!\s*\S*/(?:env\s+(?:-\S+\s+)*)?(?:ba|da|z|k|fi)?sh\b")
SHELL_FENCES = frozenset({"", "sh", "bash", "shell", "zsh", "ksh", "fish", "console", "terminal",
                          "shell-session", "shellsession", "text", "txt", "plaintext", "pwsh",
                          "powershell", "ps1", "cmd", "bat"})
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([^\s`{]*)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s")


def is_shell_script(rel: str, head: str) -> bool:
    """A shell script: by its name, or by its ``#!`` line."""
    return rel.lower().endswith(SHELL_SUFFIXES) or bool(_SHEBANG.match(head))


def markdown_lines(lines: list[str], warns: re.Pattern[str]) -> Iterable[tuple[int, str]]:
    """The numbered lines of a document's fenced code blocks of shell (or no language),
    leaving out a block whose section heading or lead-in line warns against what it shows
    (``warns``: the words that say so; "## Don't", "Never run these:")."""
    heading = prose = ""
    fence, keep = "", False
    body: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        opened = _FENCE.match(line)
        if fence:
            if opened is not None and opened.group(1).startswith(fence) and not opened.group(2):
                if keep:
                    yield from script_lines_numbered(body)
                fence, body = "", []
            elif keep:
                body.append((number, line))
            continue
        if opened is not None:
            fence = opened.group(1)[:3]
            lang = opened.group(2).lower()
            keep = lang in SHELL_FENCES and not (warns.search(heading) or warns.search(prose))
        elif _HEADING.match(line):
            heading, prose = line, ""
        elif line.strip():
            prose = line
    if fence and keep:  # a block left open runs to the end of the file
        yield from script_lines_numbered(body)


def script_lines_numbered(body: list[tuple[int, str]]) -> Iterable[tuple[int, str]]:
    """:func:`script_lines` of a block whose lines carry their numbers in the file."""
    if not body:
        return
    offset = body[0][0] - 1
    for number, text in script_lines(line for _, line in body):
        yield number + offset, text


# -- findings ----------------------------------------------------------------------------------

FAMILY = "tier"
IDS = ("tier-stealth", "tier-destructive-network", "tier-network-heavy", "tier-interpreter",
       "tier-interpreter-network")
NETWORK_HEAVY = 5  # more network commands than this is "heavy"


def _finding(rule: str, severity: str, message: str, where: Place | None) -> Finding:
    place = where or Place(".", 0, "")
    return Finding(place.path, place.line, rule, FAMILY, severity, message, place.text)


def combination_findings(p: TierProfile, stealth_reported: bool = False) -> list[Finding]:
    """The findings of a profile's risky mixes (``stealth_reported``: the rule scan already
    reported the stealth commands, line by line: no ``tier-stealth`` on top)."""
    c, f = p.counts, p.first
    out = []
    if p.has(STEALTH) and not stealth_reported:
        out.append(_finding("tier-stealth", "CRITICAL", f"commands that hide what was done "
                            f"(clearing shell history, shredding files): {c[STEALTH]}",
                            f[STEALTH]))
    if p.has(DESTRUCTIVE) and p.has(NETWORK):
        out.append(_finding("tier-destructive-network", "HIGH", f"destructive and network "
                            f"commands together ({c[DESTRUCTIVE]} destructive, {c[NETWORK]} "
                            f"network; first network command at {_at(f[NETWORK])}): a risk of "
                            "sending data off and destroying the traces", f[DESTRUCTIVE]))
    if c[NETWORK] > NETWORK_HEAVY:
        out.append(_finding("tier-network-heavy", "MEDIUM", f"many network commands "
                            f"({c[NETWORK]})", f[NETWORK]))
    if p.has(INTERPRETER):
        out.append(_finding("tier-interpreter", "INFO", f"interpreter commands "
                            f"({c[INTERPRETER]}): they can run any code", f[INTERPRETER]))
    if p.has(INTERPRETER) and p.has(NETWORK):
        out.append(_finding("tier-interpreter-network", "MEDIUM", f"interpreter and network "
                            f"commands together ({c[INTERPRETER]} interpreter, {c[NETWORK]} "
                            f"network; first network command at {_at(f[NETWORK])}): the "
                            "interpreter can make any request", f[INTERPRETER]))
    return out


def _at(place: Place | None) -> str:
    return f"{place.path}:{place.line}" if place is not None else "?"
