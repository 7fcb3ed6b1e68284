"""What the install records tell the audit of each skill: the repository it was installed
from (for the metadata trust check, :mod:`skillshared.audit.trust`) and the hashes of its
files recorded when it was installed or last updated (for the integrity check,
:mod:`skillshared.audit.integrity`).

- A copied skill: its record (ours, or the original skillshare's ``.metadata.json``) and
  the file hashes stamped at its install or update.
- A skill inside a tracked repo: the repo's address, and the hashes stamped of the repo's
  files at its clone or update, those under the skill's folder. They are used only while
  the repo is still at the commit they were taken at: a repo pulled outside skillshare
  changed for a reason the records do not know, so it has no hashes until its next
  ``update``.
- A skill inside another installed skill: the same repository; its files are compared as
  part of the outer skill's (each file once).
- A skill no install made: none (no findings from either check)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillshared.audit.findings import Finding
from skillshared.audit.integrity import integrity_findings
from skillshared.audit.trust import trust_findings
from skillshared.catalog import skills
from skillshared.catalog.kinds import SKILL_FILE
from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.git import gitstate, installs, sources
from skillshared.git.installs_original import read_original


@dataclass(frozen=True)
class SkillFacts:
    install: str  # the recorded install holding the skill (its path in the source)
    repo_url: str | None  # the repository it was installed from; None: a local folder
    file_hashes: Mapping[str, str] | None  # by path in the skill's folder; None: none


@dataclass(frozen=True)
class _Install:
    rel: str
    repo_url: str | None
    tracked: bool
    hashes: Mapping[str, str] | None


def repo_url(source: str, env: Mapping[str, str], config: Config) -> str | None:
    """The repository address a recorded source names (``acme/tools/x`` ->
    ``https://github.com/acme/tools``); None for a local folder."""
    if source.startswith(("/", "~")) or os.path.isabs(source):
        return None
    try:
        return sources.clone_url(source, sources.hosts_for(config, env))
    except SkillshareError:
        return source


def _installs(config: Config, env: Mapping[str, str]) -> list[_Install]:
    found = installs.origins(config)
    stamps = installs.stamps(config)
    original = read_original(config)
    entries = original.entries if original is not None else {}
    result = []
    for rel, origin in found.items():
        source = origin["source"]
        entry = entries.get(rel)
        if entry is not None and origin["source"] == entry.shown and original is not None:
            source = original.doc["entries"][entry.key].get("repo_url") or source
        hashes = stamps.get(rel, {}).get("file_hashes")
        if origin["tracked"] and hashes and not _at_stamp(config, rel, stamps[rel], env):
            hashes = None
        result.append(_Install(rel, repo_url(source, env, config), origin["tracked"], hashes))
    return result


def _at_stamp(config: Config, rel: str, stamp: Mapping[str, Any],
              env: Mapping[str, str]) -> bool:
    """Whether the tracked repo at ``rel`` is at the commit its stamp was taken at."""
    version = stamp.get("version")
    return not version or gitstate.head(config.source / rel, env) == version


def _prefixes(rel: str) -> list[str]:
    """``a/b/c`` -> ``a/b/c``, ``a/b``, ``a``."""
    parts = rel.split("/")
    return ["/".join(parts[:n]) for n in range(len(parts), 0, -1)]


def _subset(hashes: Mapping[str, str], inner: str) -> dict[str, str]:
    """The hashes of the files under ``inner`` (a folder path in the install; "" for all),
    by their path in that folder."""
    if not inner:
        return dict(hashes)
    prefix = inner + "/"
    return {k[len(prefix):]: v for k, v in hashes.items() if k.startswith(prefix)}


def skill_facts(config: Config, env: Mapping[str, str] | None = None
                ) -> dict[str, SkillFacts]:
    """The facts of every installed skill of the source and every skill inside an install,
    by the skill's path in the source (``review``, ``_team/web/lint``). Empty when a record
    file cannot be read (the commands that act on the records report that)."""
    env = os.environ if env is None else env
    try:
        made = {i.rel: i for i in _installs(config, env)}
    except SkillshareError:
        return {}
    found = {s.rel_path for s in skills.discover(config.source, frontmatter=False).skills}
    facts: dict[str, SkillFacts] = {}
    for rel in found | made.keys():
        holder = next((made[p] for p in _prefixes(rel) if p in made), None)
        if holder is None:
            continue
        inner = rel[len(holder.rel) + 1:]
        # a skill inside another skill of the install is compared as part of that one
        outer = any(p in found for p in _prefixes(rel)[1:] if len(p) >= len(holder.rel))
        own = holder.hashes if holder.rel == rel or (holder.tracked and not outer) else None
        facts[rel] = SkillFacts(holder.rel, holder.repo_url,
                                None if own is None else _subset(own, inner))
    return facts


def facts_of(facts: Mapping[str, SkillFacts], source: Path | str, folder: str
             ) -> SkillFacts | None:
    """The facts of the skill in ``folder`` (a path in the source ``source``), or None."""
    rel = os.path.relpath(folder, source)
    return None if rel.startswith(os.pardir) else facts.get(Path(rel).as_posix())


_MEMO: dict[str, tuple[Config, dict[str, SkillFacts]]] = {}  # the last audit's facts
SKILL_MD_BYTES = 256 << 10  # what of a SKILL.md the trust check reads (its frontmatter)


def facts_for(config: Config, folder: str | Path) -> SkillFacts | None:
    """The facts of the skill in ``folder``, from the records as they were when this
    ``config`` first asked (one audit reads them once; every command loads its own
    config)."""
    memo = _MEMO.get("last")
    if memo is None or memo[0] is not config:
        memo = _MEMO["last"] = (config, skill_facts(config))
    return facts_of(memo[1], config.source, str(folder))


def _skill_md(folder: str | Path) -> str | None:
    try:
        with open(os.path.join(folder, SKILL_FILE), "rb") as handle:
            return handle.read(SKILL_MD_BYTES).decode("utf-8", "replace")
    except OSError:
        return None


def record_findings(config: Config, folder: str | Path, *, integrity: bool,
                    metadata: bool) -> list[Finding]:
    """The ``integrity`` and ``metadata`` (trust) findings of the skill in ``folder``, as
    asked for; none for a skill no install made."""
    facts = facts_for(config, folder) if integrity or metadata else None
    if facts is None:
        return []
    found = integrity_findings(folder, facts.file_hashes) if integrity else []
    if metadata and facts.repo_url:
        found += trust_findings(_skill_md(folder), facts.repo_url)
    return found
