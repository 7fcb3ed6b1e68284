"""Intent: where a HIGH finding is something that will be *done* rather than read, it is
reported CRITICAL (and so blocks at the default threshold). The counterpart of
:mod:`skillshared.audit.context`, which lowers what documentation only mentions.

- **Run by a script.** A script is run whole on one permission: the user sees
  ``bash scripts/setup.sh``, never its lines. Fetch-and-run, persistence, destruction,
  privilege (``sudo`` itself aside: it asks for a password), exfiltration, changes to an
  agent's files, hidden characters and stealth in a script are CRITICAL.
- **Fetched and run from an unknown host, or as root.** Outside scripts, a download piped
  to a shell is CRITICAL unless every address on its line is a well-known installer's
  (:data:`INSTALLERS`), and always when it is piped to ``sudo``.
- **Hidden.** Characters that hide (zero-width, bidi overrides, variation selectors) inside
  a word, in a run, or in a file's name are CRITICAL: they have no use but to show one
  thing and mean another.
- **A link to this machine's own files.** A link whose target is an absolute path (out of
  the skill by construction) is CRITICAL.

Only HIGH becomes CRITICAL, one level and never more; a rule a user set lower is left alone.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from skillshared.audit.findings import Finding
from skillshared.audit.normalise import split_lines

SCRIPTS = (".sh", ".bash", ".zsh", ".ksh", ".fish", ".command", ".py", ".pyw", ".js", ".mjs",
           ".cjs", ".ts", ".mts", ".cts", ".ps1", ".psm1", ".bat", ".cmd", ".vbs", ".rb",
           ".pl", ".php", ".lua", ".applescript")
RUN = frozenset({"fetch-and-run", "persistence", "destructive", "privilege", "exfiltration",
                 "agent-config", "invisible-unicode", "stealth"})
NOT_RAISED_IN_SCRIPTS = frozenset({"sudo"})
HIDING = frozenset({"invisible-unicode"})
# hosts of the installers that tell users to pipe them to a shell (and their subdomains)
INSTALLERS = frozenset({
    "bun.sh", "sh.rustup.rs", "astral.sh", "deno.land", "deno.com", "get.docker.com",
    "install.python-poetry.org", "get.pnpm.io", "fnm.vercel.app", "get.volta.sh",
    "get.sdkman.io", "ollama.com", "claude.ai", "starship.rs", "nixos.org",
    "install.determinate.systems", "get.helm.sh", "sh.brew.sh", "brew.sh", "mise.run",
    "pixi.sh", "get.jetify.com", "tailscale.com", "fly.io", "cli.doppler.com",
    "raw.githubusercontent.com/homebrew", "raw.githubusercontent.com/nvm-sh"})
URL = re.compile(r"\bhttps?://[^\s'\"`)<>|;]+", re.I)
AS_ROOT = re.compile(r"\|\s*(?:sudo|doas)\b", re.I)
# a hiding character between two letters (a word split so that a filter misses it), or a
# run of variation selectors (bytes smuggled after a visible character)
IN_A_WORD = re.compile(
    "[A-Za-z][\u200b\u200d\u2060-\u2064\ufeff\u180e\u034f\u202a-\u202e\u2066-\u2069"
    "\ufe00-\ufe0f\U000e0100-\U000e01ef]+[A-Za-z]"
    "|[\ufe00-\ufe0f\U000e0100-\U000e01ef]{2,}")

SCRIPT_NOTE = " (in a script: run whole, its lines not shown to the user; one level higher)"
HOST_NOTE = " (from {}; one level higher)"
HIDDEN_NOTE = " (inside a word or in a run: one level higher)"
NAME_NOTE = " (in a file's name: one level higher)"
LINK_NOTE = " (to an absolute path, a file of this machine: one level higher)"


def is_script(rel: str, text: str | None) -> bool:
    """A file run as a program: by its name, or by a ``#!`` first line."""
    return rel.lower().endswith(SCRIPTS) or (text is not None and text.startswith("#!"))


def _raised(finding: Finding, note: str) -> Finding:
    return dataclasses.replace(finding, severity="CRITICAL", message=finding.message + note)


def raise_in_name(found: list[Finding], start: int) -> None:
    """The hiding characters in a file's name (``found[start:]``)."""
    for i in range(start, len(found)):
        if found[i].severity == "HIGH" and found[i].family in HIDING:
            found[i] = _raised(found[i], NAME_NOTE)


def raise_link(found: list[Finding], start: int, target: str) -> None:
    """A link out of the skill (``found[start:]``) whose target is an absolute path."""
    if not (target.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:[\\/]", target)):
        return
    for i in range(start, len(found)):
        if found[i].severity == "HIGH" and found[i].family == "links":
            found[i] = _raised(found[i], LINK_NOTE)


def raise_intent(found: list[Finding], start: int, text: str, first_line: int | None,
                 script: bool) -> None:
    """Raise the findings ``found[start:]`` of ``text`` (its first line numbered
    ``first_line``; None: no line numbers) that show intent."""
    lines: Sequence[str] | None = None
    for i in range(start, len(found)):
        finding = found[i]
        if finding.severity != "HIGH":
            continue
        if script and finding.family in RUN and finding.rule not in NOT_RAISED_IN_SCRIPTS:
            found[i] = _raised(finding, SCRIPT_NOTE)
            continue
        if first_line is None or finding.line < first_line:
            continue
        if lines is None:
            lines = split_lines(text)
        index = finding.line - first_line
        line = lines[index] if index < len(lines) else ""
        if finding.family in HIDING and IN_A_WORD.search(line):
            found[i] = _raised(finding, HIDDEN_NOTE)
        elif finding.family == "fetch-and-run":
            why = _unknown_source(line)
            if why is not None:
                found[i] = _raised(finding, HOST_NOTE.format(why))


def _unknown_source(line: str) -> str | None:
    """Why a fetch-and-run line is not a known installer's (None: it is one)."""
    if AS_ROOT.search(line):
        return "piped to a root shell"
    urls = URL.findall(line)
    if not urls:
        return "an address not written out"
    for url in urls:
        host = _host(url)
        if host is None:
            return "an address that cannot be read"
        if not _known(host, urlsplit(url).path.lower()):
            return f"{host}, not a well-known installer's host"
    return None


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _known(host: str, path: str) -> bool:
    for known in INSTALLERS:
        name, _, prefix = known.partition("/")
        if (host == name or host.endswith("." + name)) and (
                not prefix or path.startswith("/" + prefix + "/")):
            return True
    return False
