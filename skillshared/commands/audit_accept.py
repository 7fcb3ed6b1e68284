"""``audit accept <skill>``, ``audit accept --revoke <skill>``, ``audit accept --list``: the
user's word on a skill that the continuous audit holds back (see
:mod:`skillshared.commands.audit_hold`).

An acceptance records the skill's content digest as it was scanned: the skill is synced
now, and a later change is scanned again (and held again when it came from outside and its
findings still reach the threshold). A revoked acceptance holds the skill back again at once.
A name is a skill's flat name, its path in the source, or a tracked repo (``_name``: each of
its skills with such findings). A name with nothing to accept is an error; nothing is
written then."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from skillshared.catalog import skills
from skillshared.catalog.skills import Discovery
from skillshared.commands.audit_hold import Assessment, Assessor, flagged_items, now_iso
from skillshared.commands.request import check_source
from skillshared.commands.results_audit_hold import AcceptedSkill, AuditAcceptResult
from skillshared.core.config import Config
from skillshared.core.errors import NotFoundError, UsageError
from skillshared.engine import reconcile
from skillshared.store.audit_accepts import (
    Acceptance,
    Seen,
    accepted_file,
    read_accepted,
    write_accepted,
)

if TYPE_CHECKING:
    from skillshared.commands.request import Request


def cmd_audit_accept(req: Request, words: list[str]) -> AuditAcceptResult:
    """``words``: what follows ``accept``."""
    config = req.config()
    check_source(config)
    listing, revoke = req.flag("list"), req.flag("revoke")
    if listing and (words or revoke):
        raise UsageError("`audit accept --list` takes no skill name and no --revoke")
    if not listing and len(words) != 1:
        raise UsageError("name one skill: `skillshare audit accept <skill>`",
                         hint="`audit accept --list` shows the accepted skills")
    discovery = skills.discover(config.source)
    assessor = Assessor()
    found = assessor.assess(req.paths, config, discovery)
    accepted = read_accepted(config.scope)
    if listing:
        items = [_item(a, found) for a in accepted.values()]
        return _result(config, "list", items, found, [])
    if revoke:
        chosen = [accepted[rel] for rel in _revoked(words[0], accepted, found)]
        for item in chosen:
            del accepted[item.rel]
    else:
        chosen = [_acceptance(s) for s in _to_accept(words[0], config, found)]
        accepted.update({a.rel: a for a in chosen})
    write_accepted(config.scope, accepted)
    after = assessor.assess(req.paths, config, discovery, names=())
    names = sorted({found.seen[a.rel].name for a in chosen if a.rel in found.seen})
    _sync(config, after.hold_back(discovery), names)
    return _result(config, "revoke" if revoke else "accept",
                   [_item(a, after) for a in chosen], after, names)


def accept_forced(req: Request, config: Config, paths: Iterable[str]) -> list[str]:
    """What ``install --force`` brought in past the audit (the skills under ``paths`` that
    the continuous audit would hold back), accepted as it is now: the user's ``--force`` is
    their word on it, so the next pass links it; its digest is recorded, so a later change
    is scanned (and held) again. In the daemon, whose pass may have held them back while
    the install ran, they are linked now. Returns the paths in the source accepted."""
    roots = [os.path.relpath(p, config.source).replace(os.sep, "/") for p in paths]
    discovery = skills.discover(config.source)
    assessor = Assessor()
    found = assessor.assess(req.paths, config, discovery)
    chosen = [s for s in found.held
              if any(s.rel == root or s.rel.startswith(root + "/") for root in roots)]
    if chosen:
        accepted = read_accepted(config.scope)
        accepted.update({a.rel: a for a in map(_acceptance, chosen)})
        write_accepted(config.scope, accepted)
        if req.daemon is not None:
            after = assessor.assess(req.paths, config, discovery, names=())
            _sync(config, after.hold_back(discovery), sorted(s.name for s in chosen))
    return sorted(s.rel for s in chosen)


def _matches(word: str, seen: Seen) -> bool:
    repo = word.rstrip("/")
    return word in (seen.name, seen.rel) or (
        repo.startswith("_") and "/" not in repo and seen.rel.startswith(repo + "/"))


def _to_accept(word: str, config: Config, found: Assessment) -> list[Seen]:
    chosen = [s for s in found.held if _matches(word, s)]
    if chosen:
        return chosen
    known = [s for s in found.seen.values() if _matches(word, s)]
    if not known:
        raise NotFoundError(f"no skill or tracked repo named '{word}' in {config.source}",
                            hint="see `skillshare list`")
    flagged = [s for s in found.flagged if _matches(word, s)]
    why = (f"its findings are not held back ({flagged[0].origin}: it is the user's own, "
           "reported only)" if flagged else
           f"it has no finding at or above {config.audit_threshold}")
    raise UsageError(f"nothing to accept in '{word}': {why}",
                     hint="`skillshare audit accept --list` shows what was accepted")


def _revoked(word: str, accepted: dict[str, Acceptance], found: Assessment) -> list[str]:
    rels = [rel for rel in accepted
            if ((s := found.seen.get(rel)) is not None and _matches(word, s)) or word == rel]
    if not rels:
        raise NotFoundError(f"no accepted skill named '{word}'",
                            hint="`skillshare audit accept --list` shows what was accepted")
    return sorted(rels)


def _acceptance(seen: Seen) -> Acceptance:
    rules = tuple(sorted({f.split()[-1] for f in seen.findings}))
    return Acceptance(seen.rel, seen.digest, now_iso(), seen.top, rules)


def _item(accepted: Acceptance, found: Assessment) -> AcceptedSkill:
    seen = found.seen.get(accepted.rel)
    return {"name": seen.name if seen else None, "path": accepted.rel,
            "digest": accepted.digest, "at": accepted.at, "top": accepted.top,
            "rules": list(accepted.rules),
            "current": seen is not None and seen.digest == accepted.digest}


def _sync(config: Config, discovery: Discovery, names: list[str]) -> None:
    """Link what was accepted (unlink what was revoked) in every target now."""
    if names:
        reconcile.sync(config, discovery, names=names)


def _result(config: Config, action: Literal["accept", "revoke", "list"],
            items: list[AcceptedSkill], found: Assessment, synced: list[str]
            ) -> AuditAcceptResult:
    return {"accept": action, "scope": config.scope.name, "threshold": config.audit_threshold,
            "file": str(accepted_file(config.scope)), "items": items,
            "held": flagged_items(found.held), "synced": synced,
            "summary": {"failed": 0, "held": len(found.held)}}
