"""The continuous audit: each skill of the source is scanned when it changed (by its
signature), and one that came from outside with a finding at or above the threshold
(``audit.block_threshold``) is held back from the targets until the user accepts it.

Where a skill came from (its ``origin``):

- ``tracked``: it lies in a tracked repo (a top folder ``_name``);
- ``installed``: it lies in a folder recorded as installed (``install``, kept up to date by
  ``update``);
- ``pulled``: a pull from the source's git remote changed it, and it still has a finding at
  or above the threshold (a clean scan makes it the user's own again);
- ``local``: anything else: the user's own edits, reported (``status``, ``doctor``, the
  daemon log) and never held back.

An acceptance (:mod:`skillshared.store.audit_accepts`) names the content digest of the skill
as it was accepted: a later change is scanned again, and held back again if its findings
still reach the threshold. Held skills are left out of the discovery a pass plans with, as
folders that are not synced, with the command that accepts them.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from skillshared.audit.findings import Finding, blocking, rank
from skillshared.audit.rulefiles import load_rule_set, rule_files
from skillshared.audit.rules import RULES_FILE, Rule
from skillshared.audit.scan import scan_tree
from skillshared.catalog.kinds import SKILL_FILE
from skillshared.catalog.skills import Discovery, Skill, flat_name
from skillshared.catalog.walker import Rejected
from skillshared.commands.results_audit_hold import FlaggedSkill
from skillshared.core import progress
from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths, Scope
from skillshared.core.results_git import PullReport
from skillshared.engine import trees
from skillshared.git import gitops, installs
from skillshared.store.audit_accepts import (
    Acceptance,
    Seen,
    notable,
    read_accepted,
    read_notable,
    read_seen,
    stamps,
    write_notable,
    write_scanned,
)

LOCAL, INSTALLED, TRACKED, PULLED = "local", "installed", "tracked", "pulled"
OUTSIDE = frozenset({INSTALLED, TRACKED, PULLED})
SHOWN = 10  # findings kept per skill


def accept_hint(name: str) -> str:
    return f"skillshare audit accept {name}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def flagged_items(items: Iterable[Seen]) -> list[FlaggedSkill]:
    """Skills with findings at or above the threshold, as results show them."""
    return [{"name": s.name, "path": s.rel, "origin": s.origin, "top": s.top or "",
             "findings": list(s.findings), "held": s.held,
             "hint": accept_hint(s.name) if s.held else None} for s in items]


def held_reason(seen: Seen) -> str:
    """Why a skill is not synced, as sync, status and doctor show it."""
    rules = ", ".join(sorted({f.split()[-1] for f in seen.findings}))
    return (f"held back by the security audit ({seen.origin}; {seen.top}: {rules}); "
            f"accept it with `{accept_hint(seen.name)}`")


@dataclass(frozen=True)
class Assessment:
    """After a look at some skills: every skill known (by path in the source), those this
    look scanned, those held back, the others with findings at or above the threshold
    (the user's own, and accepted ones from outside), and what the look cost."""

    seen: Mapping[str, Seen]
    scanned: tuple[str, ...]
    held: tuple[Seen, ...]
    flagged: tuple[Seen, ...]
    ms: float

    def hold_back(self, discovery: Discovery) -> Discovery:
        """``discovery`` without the held skills, which it lists as not synced instead."""
        if not self.held:
            return discovery
        gone = {s.rel for s in self.held}
        kept = tuple(s for s in discovery.skills if s.rel_path not in gone)
        rejected = discovery.rejected + tuple(Rejected(s.rel, held_reason(s))
                                              for s in self.held)
        return replace(discovery, skills=kept, rejected=rejected,
                       by_name={s.flat_name: s for s in kept}, index=None)


def _forget(seen: dict[str, Seen], discovery: Discovery, gone: set[str] | None) -> list[str]:
    """Drop from ``seen`` the skills no longer in ``discovery`` (``gone``: only those of these
    flat names, the ones a partial look was told of; None: every one); returns their paths.
    A skill deleted or moved away is then neither held nor flagged any more."""
    if gone is not None and not gone:
        return []
    present = {s.rel_path for s in discovery.skills}
    dropped = [rel for rel, item in seen.items()
               if rel not in present and (gone is None or item.name in gone)]
    for rel in dropped:
        del seen[rel]
    return dropped


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class Assessor:
    """Keeps the rules, the acceptances and what was seen between looks (a daemon keeps one
    for its life; a command makes one)."""

    def __init__(self) -> None:
        self._rules: tuple[object, list[Rule]] | None = None
        self._print: tuple[object, str] | None = None  # (the rule files' stamps, fingerprint)
        self._seen: tuple[tuple[Scope, object], dict[str, Seen]] | None = None
        self._notable: dict[str, Seen] = {}  # the notable part of what was seen
        self._saved: dict[str, Seen] = {}  # ... as last written
        self._dirty = False  # signatures not written yet

    def _key(self, paths: Paths, config: Config) -> tuple[object, list[Path]]:
        files = rule_files(paths, config)
        return (tuple((f, _stamp(f)) for f in files), config.audit_threshold), files

    def fingerprint(self, paths: Paths, config: Config) -> str:
        """What the rules (shipped and the user's) and the threshold are, from their text: a
        scan made with other rules is not taken as still true. Cheap: the rules are loaded
        (compiled) only when a skill is to be scanned."""
        key, files = self._key(paths, config)
        if self._print is None or self._print[0] != key:
            self._print = (key, _fingerprint(files, config.audit_threshold))
        return self._print[1]

    def rules(self, paths: Paths, config: Config) -> list[Rule]:
        """The rules (shipped and the user's)."""
        key, files = self._key(paths, config)
        if self._rules is None or self._rules[0] != key:
            self._rules = (key, list(load_rule_set(files).rules))
        return self._rules[1]

    def known(self, scope: Scope) -> dict[str, Seen]:
        """What was seen, from memory; read again when another process wrote it."""
        key = (scope, stamps(scope))
        if self._seen is None or self._seen[0] != key:
            self._seen = (key, read_seen(scope))
            self._notable = notable(self._seen[1])
            self._saved = dict(self._notable)
            self._dirty = False
        return self._seen[1]

    def assess(self, paths: Paths, config: Config, discovery: Discovery,
               names: Iterable[str] | None = None, origins: frozenset[str] | None = None,
               save: bool = True) -> Assessment:
        """Look at the skills ``names`` (flat names; None: every skill) of the ``origins``
        given (None: all): forget those no longer there, scan each whose signature changed,
        then work out what is held (``save``: keep what was seen for next time)."""
        started = time.monotonic()
        seen = self.known(config.scope)
        if names is None:
            touched = _forget(seen, discovery, None)
            wanted = list(discovery.skills)
        else:
            names = list(names)
            touched = _forget(seen, discovery, set(names) - discovery.by_name.keys())
            wanted = [s for n in names if (s := discovery.by_name.get(n)) is not None]
        installed = _origins(config) if wanted else frozenset()
        # the rule files' state, read once for this look (not once per skill)
        fingerprint = self.fingerprint(paths, config) if wanted else ""
        loaded: list[list[Rule]] = []  # the rules, loaded at this look's first scan

        def rules() -> list[Rule]:
            if not loaded:
                loaded.append(self.rules(paths, config))
            return loaded[0]

        scanned = []
        for done, skill in enumerate(wanted):
            progress.report("auditing", None, done, len(wanted), skill.flat_name)
            origin = _origin(skill, installed, seen.get(skill.rel_path))
            if origins is None or origin in origins:
                looked = self._look(config, discovery, skill, origin, seen, fingerprint,
                                    rules)
                if looked is not None:
                    touched.append(skill.rel_path)
                if looked:
                    scanned.append(skill.rel_path)
        for rel in touched:
            item = seen.get(rel)
            if item is not None and notable({rel: item}):
                self._notable[rel] = item
            else:
                self._notable.pop(rel, None)
        found = verdict(self._notable, read_accepted(config.scope), tuple(scanned), started,
                        seen)
        if save:
            self._save(config.scope, seen, bool(touched), names is None)
        return found

    def _save(self, scope: Scope, seen: dict[str, Seen], changed: bool, full: bool) -> None:
        """The notable skills when they changed; the signatures after a full look (the
        daemon's partial passes leave them in memory until then)."""
        self._dirty |= changed
        if self._notable != self._saved:
            write_notable(scope, self._notable)
            self._saved = dict(self._notable)
        if full and self._dirty:
            write_scanned(scope, seen)
            self._dirty = False
        self._seen = ((scope, stamps(scope)), seen)

    def _look(self, config: Config, discovery: Discovery, skill: Skill,
              origin: str, seen: dict[str, Seen], fingerprint: str,
              rules: Callable[[], list[Rule]]) -> bool | None:
        """Bring what is known of ``skill`` up to date: True when it was scanned, False
        when only its origin changed, None when nothing did."""
        rel = skill.rel_path
        before = seen.get(rel)
        try:
            signature = f"{fingerprint}:{trees.signature(skill.path)}"
        except OSError:
            return False if seen.pop(rel, None) else None
        if before is not None and before.signature == signature:
            if before.origin == origin:
                return None
            seen[rel] = replace(before, origin=origin)
            return False
        findings, _ = scan_tree(skill.path, rules(),
                                skip=frozenset(_inside(discovery, skill)))
        above = blocking(findings, config.audit_threshold)
        if not above and origin == PULLED:
            origin = LOCAL
        seen[rel] = _seen(skill, origin, signature, above)
        return True


def _fingerprint(files: list[Path], level: str) -> str:
    """The threshold, the shipped rules' text and each user rule file's bytes (or its
    absence), hashed."""
    total = hashlib.sha256(level.encode())
    total.update(resources.files("skillshared").joinpath("data", RULES_FILE).read_bytes())
    for file in files:
        try:
            total.update(b"\0" + file.read_bytes())
        except OSError:
            total.update(b"\0-")
    return total.hexdigest()[:16]


def _seen(skill: Skill, origin: str, signature: str, above: list[Finding]) -> Seen:
    if not above:
        return Seen(skill.rel_path, skill.flat_name, origin, signature)
    top = min((f.severity for f in above), key=rank)
    shown = tuple(f"{f.severity} {f.path}:{f.line} {f.rule}" for f in above[:SHOWN])
    return Seen(skill.rel_path, skill.flat_name, origin, signature, top, shown,
                content_digest(skill.path))


def content_digest(folder: str) -> str:
    """The digest an acceptance records: every entry's path, type and content."""
    return trees.digest(folder)


def _inside(discovery: Discovery, skill: Skill) -> list[str]:
    """The skill folders inside ``skill``'s: scanned as skills of their own."""
    if discovery.index is None:
        prefix = skill.path + os.sep
        return [s.path for s in discovery.skills if s.path.startswith(prefix)]
    found = discovery.index.found  # sorted paths in the source
    prefix = skill.rel_path + "/"
    inner = []
    for rel in found[bisect.bisect_right(found, prefix):]:
        if not rel.startswith(prefix):
            break
        inner.append(os.path.join(discovery.source, rel))
    return inner


def _origins(config: Config) -> frozenset[str]:
    """The folders recorded as installed (a damaged record: none, ``doctor`` says so)."""
    try:
        return frozenset(installs.origins(config))
    except SkillshareError:
        return frozenset()


def _origin(skill: Skill, origins: frozenset[str], before: Seen | None) -> str:
    if skill.tracked_repo is not None:
        return TRACKED
    parts = skill.rel_path.split("/")
    if any("/".join(parts[:i]) in origins for i in range(1, len(parts) + 1)):
        return INSTALLED
    if before is not None and before.origin == PULLED:
        return PULLED
    return LOCAL


def verdict(found: dict[str, Seen], accepted: Mapping[str, Acceptance],
             scanned: tuple[str, ...], started: float, seen: dict[str, Seen] | None = None
             ) -> Assessment:
    """Which skills with findings (of ``found``) are held back: marked so in ``found`` and
    in ``seen`` (every skill seen; by default ``found``)."""
    seen = found if seen is None else seen
    held: list[Seen] = []
    flagged: list[Seen] = []
    for rel in sorted(rel for rel, item in found.items() if item.top is not None):
        item = found[rel]
        mine = accepted.get(rel)
        hold = item.origin in OUTSIDE and (mine is None or mine.digest != item.digest)
        if item.held != hold:
            item = found[rel] = seen[rel] = replace(item, held=hold)
        (held if hold else flagged).append(item)
    return Assessment(seen, scanned, tuple(held), tuple(flagged),
                      round((time.monotonic() - started) * 1000, 3))


EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def note_pull(config: Config, env: Mapping[str, str], pulled: PullReport) -> list[str]:
    """After a pull from the source's remote (its repository may hold the source in a
    folder): each skill it changed came from outside, and is scanned (and held back at the
    threshold) before the next pass links it. Returns their paths in the source."""
    before, after, repo = pulled["before"], pulled["after"], Path(pulled["source"])
    if not after or before == after:
        return []
    changed = gitops.run(["diff", "--name-only", "--relative", "-z", before or EMPTY_TREE,
                          after], cwd=str(repo), env=env).out.split("\0")
    files = [os.path.relpath(repo / f, config.source) for f in changed if f]
    rels = sorted({rel for f in files if not f.startswith("..")
                   and (rel := _skill_of(config.source, f))})
    if rels:
        seen = read_notable(config.scope)
        for rel in rels:  # no signature: scanned at the next look
            seen[rel] = Seen(rel, flat_name(rel), PULLED, "")
        write_notable(config.scope, seen)
    return rels


def _skill_of(source: Path, file: str) -> str | None:
    """The deepest skill folder holding ``file`` (a path in the source), if any."""
    parts = file.split("/")[:-1]
    for end in range(len(parts), 0, -1):
        if (source.joinpath(*parts[:end]) / SKILL_FILE).is_file():
            return "/".join(parts[:end])
    return None
