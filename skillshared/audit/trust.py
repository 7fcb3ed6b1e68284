"""Metadata trust: what a skill's SKILL.md says of who made it, against the repository it
was installed from (the original skillshare's ``metadata`` analyzer).

- ``publisher-mismatch`` (HIGH): the name or description claims a publisher ("by Acme
  Corp", "made by …", "created by …", "published by …", "maintained by …", "from …",
  ``@handle``) that is not the owner of the repository (one name inside the other counts as
  the same: "by Acme" from ``github.com/acme-corp/…`` is fine).
- ``authority-language`` (MEDIUM): the description calls the skill official, verified,
  trusted, authorized, endorsed or certified, and the repository's owner is not one of the
  well-known organisations.

A skill with no repository (made here, or copied from a folder) has none of these. Where
the original reads a claim into ordinary words, this reads fewer: a lead word must be a
whole word ("Ruby Gems" claims nothing); "sorted by Name", "group issues by Label", "powered
by X", "step by Step" and "written by Claude" are no claims; "from X" is one only after "a
skill", "the tool" and the like, with a company word (Corp, Inc, Labs…) or beside authority
language ("reads files from Google Drive", "load skills from GitHub" are not); an e-mail
address or npm scope is no ``@handle``; "unofficial", "untrusted", "not verified" are no
authority language. The frontmatter is read with YAML (a folded
description is read whole), and line by line when YAML cannot read it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from skillshared.audit.findings import Finding
from skillshared.core.yamlio import YamlError, load

FAMILY = "trust"
MISMATCH, AUTHORITY = "publisher-mismatch", "authority-language"
RULES = (MISMATCH, AUTHORITY)
SKILL_FILE = "SKILL.md"

# owners whose authority words are expected (the original's list)
WELL_KNOWN = frozenset({
    "anthropics", "openai", "google", "microsoft", "github", "gitlab", "vercel",
    "vercel-labs", "meta", "facebook", "aws", "amazon", "apple", "hashicorp", "docker",
    "kubernetes", "rust-lang", "golang", "python", "nodejs", "composiohq", "google-gemini"})

_SUFFIXES = ("Corp", "Inc", "Ltd", "LLC", "GmbH", "Team", "Labs", "AI", "HQ", "Co", "Group",
             "Foundation", "Technologies", "Software", "Systems", "Studio", "Studios")
_NAME = rf"[A-Z][a-z][\w-]*(?:[ \t]+(?:[A-Z][\w-]*|{'|'.join(_SUFFIXES)})\b)*"
_MAKERS = ("made", "created", "published", "maintained", "developed", "built", "written",
           "authored", "released", "provided", "offered", "brought to you")
_CLAIM = re.compile(
    rf"(?<![\w-])(?i:(?P<maker>{'|'.join(_MAKERS)})\s+by|(?P<lead>by|from))\s+(?P<who>{_NAME})"
    r"|(?<![\w.@/-])@(?P<handle>[A-Za-z][\w-]*)(?![\w-]*[/@]|[\w-]*\.[A-Za-z])")
_WORDS_BEFORE = re.compile(r"(?:([A-Za-z]+)\s+)?([A-Za-z]+)\W*$")
# "a|the <noun> from X": where the skill comes from ("imports files from X" is not)
_ITEMS = frozenset({
    "skill", "skills", "tool", "toolkit", "plugin", "extension", "integration", "helper",
    "assistant", "agent", "kit", "bundle", "collection", "pack", "formatter", "linter",
    "connector", "server", "library", "package", "cli", "version", "port", "fork"})
_DETERMINERS = frozenset({"a", "an", "the", "this", "our", "official"})
# words before a plain "by" that say how, not who ("sort by Name", "read by Claude")
_HOW = frozenset({
    "sort", "order", "group", "filter", "search", "split", "divide", "multiply", "replace",
    "organize", "organise", "rank", "index", "key", "page", "step", "side", "one", "day",
    "line", "row", "case", "read", "run", "use", "set", "stand", "pass", "drive",
    "power", "trigger", "follow", "call", "invoke", "match", "identify", "parse", "and"})
# agents and ordinary words that a claim names without naming a publisher
_NOT_PUBLISHERS = frozenset({
    "claude", "chatgpt", "codex", "copilot", "gemini", "cursor", "name", "date", "default",
    "category", "type", "size", "hand", "design", "example", "value", "user", "users"})
_NOT_HANDLES = frozenset({"mention", "mentions", "here", "channel", "everyone", "all",
                          "param", "returns", "return", "see", "todo", "file", "files"})
_AUTHORITY = re.compile(
    r"(?<!non-)(?<!non )(?<!not )(?<!not a )(?<!not an )(?<!n't )(?<!never )"
    r"\b(official(?:ly)?|verified|trusted|authori[sz]ed|endorsed|certified)\b", re.I)


def repo_owner(url: str | None) -> str:
    """The owner (user or organisation) of the repository at ``url``, in lower case:
    ``https://github.com/Acme/tools.git``, ``git@github.com:acme/tools``,
    ``github.com/acme/tools``, ``https://dev.azure.com/acme/project/_git/tools``; empty for
    a local repository (``file://``, a path) or an address without one."""
    text = (url or "").strip()
    if not text or text.startswith(("file:", "/", "~", ".")):
        return ""
    if "://" in text:
        path = urlsplit(text).path
    elif re.match(r"^[^/:@]+@[^/:]+:", text):  # user@host:owner/repo
        path = text.split(":", 1)[1]
    else:  # host.tld/owner/repo, or owner/repo on GitHub
        first, _, rest = text.partition("/")
        path = rest if "." in first else text
    return next((p for p in path.split("/") if p), "").lower() if "/" in path.strip("/") else ""


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def _same(claim: str, owner: str) -> bool:
    """Whether ``claim`` names ``owner``: one inside the other, whole or by the claim's
    first word."""
    mine, theirs = _norm(owner), _norm(claim)
    first = _norm(claim.split(maxsplit=1)[0]) if claim.split() else ""
    return bool(theirs) and (theirs in mine or mine in theirs
                             or (len(first) >= 3 and first in mine))


def _is_claim(match: re.Match[str], text: str, authority: bool) -> bool:
    if match.group("handle") is not None:
        return match.group("handle").lower() not in _NOT_HANDLES
    who = match.group("who")
    if who.split()[0].lower() in _NOT_PUBLISHERS:
        return False
    if match.group("maker"):
        return True
    before = _WORDS_BEFORE.search(text[max(0, match.start() - 80):match.start()])
    first, word = (before.group(1) or "", before.group(2)) if before else ("", "")
    word, first = word.lower(), first.lower()
    if match.group("lead").lower() == "by":
        # "sorted by Name", "powered by X", "step by Step": no claim of a maker
        return not (word.endswith(("ed", "en")) or word in _HOW or first in _HOW
                    or word == who.split()[0].lower())
    item = word.removesuffix("s") in _ITEMS and first in _DETERMINERS
    return item or authority or who.split()[-1] in _SUFFIXES


def claims(name: str, description: str) -> list[str]:
    """The publishers that a skill's name and description claim, in order."""
    text = f"{name}\n{description}"
    authority = _AUTHORITY.search(description) is not None
    found = [m.group("who") or m.group("handle") for m in _CLAIM.finditer(text)
             if _is_claim(m, text, authority)]
    return list(dict.fromkeys(w.strip() for w in found))


def authority_words(description: str) -> list[str]:
    """The authority words of a description, in lower case, each once."""
    return list(dict.fromkeys(m.group(1).lower() for m in _AUTHORITY.finditer(description)))


def _line_of(text: str, needle: str) -> int:
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 and needle else 0


_FRONT_END = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


def _name_description(text: str) -> tuple[str, str]:
    """A SKILL.md's name and description from its frontmatter; read line by line when
    YAML cannot read it (a broken frontmatter hides no claim)."""
    text = text.removeprefix("\ufeff")
    first, _, rest = text.partition("\n")
    end = _FRONT_END.search(rest)
    if first.rstrip() != "---" or end is None:
        return "", ""
    head = rest[:end.start()]
    try:
        doc = load(head, "frontmatter")
    except YamlError:
        doc = None
    if isinstance(doc, dict):
        name, description = doc.get("name"), doc.get("description")
        return (name if isinstance(name, str) else "",
                description if isinstance(description, str) else "")
    fields = dict.fromkeys(("name", "description"), "")
    for line in head.splitlines():
        key, sep, value = line.strip().partition(":")
        if sep and key in fields and not fields[key]:
            fields[key] = value.strip().strip("\"'")
    return fields["name"], fields["description"]


def trust_findings(skill_md: str | None, repo_url: str | None) -> list[Finding]:
    """The metadata trust findings of a skill whose SKILL.md reads ``skill_md`` (None: it
    has none) and that was installed from the repository at ``repo_url`` (None: a local
    skill, which has none)."""
    if not skill_md or not repo_url:
        return []
    name, description = _name_description(skill_md)
    owner = repo_owner(repo_url)
    found: list[Finding] = []
    wrong = [c for c in claims(name, description) if owner and not _same(c, owner)]
    if wrong:
        shown = ", ".join(f"'{c}'" for c in wrong)
        found.append(Finding(SKILL_FILE, _line_of(skill_md, wrong[0]), MISMATCH, FAMILY,
                             "HIGH", f"the skill says it comes from {shown}, but it was "
                             f"installed from a repository of '{owner}'", wrong[0]))
    words = authority_words(description)
    if words and owner not in WELL_KNOWN:
        where = f"a repository of '{owner}'" if owner else f"{repo_url}"
        found.append(Finding(SKILL_FILE, _line_of(skill_md, description[:40]), AUTHORITY,
                             FAMILY, "MEDIUM", f"the description calls the skill "
                             f"{', '.join(words)}, but it was installed from {where}, "
                             "not a well-known organisation's", words[0]))
    return found
