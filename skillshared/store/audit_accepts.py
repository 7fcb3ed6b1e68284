"""What the continuous audit keeps between runs, in the mode's log folder beside the
operation log:

- ``audit-accepted.json``: the skills whose findings the user accepted (``skillshare audit
  accept``), each with the content digest of the skill as it was accepted, so that a later
  change is scanned (and, when it came from outside, held back) again;
- ``audit-findings.json``: the skills with findings at or above the threshold as the last
  look saw them (origin, top severity, the findings, the content digest, whether held back),
  and those a pull brought in and that are not scanned yet: small, read by ``status``,
  ``doctor`` and ``sync``;
- ``audit-scanned.json``: the signature each skill was scanned at, so that a skill that did
  not change is not scanned again (written by full looks and commands, not by every pass of
  the daemon: after a restart, a skill changed since is scanned once more).

Both are written atomically; a damaged file is started again (they only describe what is
on disk, the next pass writes them anew), except that a damaged list of acceptances holds
nothing back wrongly: it only means more skills are held until accepted again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skillshared.core.paths import Scope
from skillshared.engine import fsops

ACCEPTED = "audit-accepted.json"
SEEN = "audit-findings.json"
SCANNED = "audit-scanned.json"


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A skill (by its path in the source) accepted as it was: its content ``digest``, when,
    and the top severity and rule ids it had then."""

    rel: str
    digest: str
    at: str
    top: str | None
    rules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"digest": self.digest, "at": self.at, "top": self.top,
                "rules": list(self.rules)}


@dataclass(frozen=True, slots=True)
class Seen:
    """What a pass knew of one skill: its flat ``name``, where it came from (``local``,
    ``installed``, ``tracked``, ``pulled``), the ``signature`` it was scanned at, its top
    severity (None: no finding), the findings at or above the threshold (``SEVERITY
    path:line rule``), the skill's content digest then, and whether it is held back from
    the targets."""

    rel: str
    name: str
    origin: str
    signature: str
    top: str | None = None
    findings: tuple[str, ...] = ()
    digest: str = ""  # the content digest, of a skill with such findings
    held: bool = False

    def to_dict(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"name": self.name, "origin": self.origin,
                               "signature": self.signature}
        if self.top is not None:
            doc.update(top=self.top, findings=list(self.findings), digest=self.digest,
                       held=self.held)
        return doc


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
    except (OSError, ValueError):
        return {}
    items = doc.get("skills") if isinstance(doc, dict) else None
    return {k: v for k, v in items.items() if isinstance(v, dict)} if isinstance(
        items, dict) else {}


def _write(scope: Scope, name: str, items: Mapping[str, Mapping[str, Any]],
           compact: bool = False) -> None:
    """``compact``: one line (the signatures of every skill: the machine's own record, big
    with many skills; a daemon writes it after its first look at all of them)."""
    if not scope.log_dir.is_dir():  # (no needless mkdir on every pass)
        fsops.makedirs(scope.log_dir)
    doc = {"skills": {k: dict(items[k]) for k in sorted(items)}}
    text = json.dumps(doc, separators=(",", ":")) if compact else json.dumps(doc, indent=2)
    fsops.atomic_write(scope.log_dir / name, (text + "\n").encode())


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: object) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def accepted_file(scope: Scope) -> Path:
    return scope.log_dir / ACCEPTED


def read_accepted(scope: Scope) -> dict[str, Acceptance]:
    """The acceptances by path in the source (an entry without a digest is left out)."""
    found = {}
    for rel, item in _read(accepted_file(scope)).items():
        digest = _text(item.get("digest"))
        if digest:
            found[rel] = Acceptance(rel, digest, _text(item.get("at")) or "",
                                    _text(item.get("top")), _texts(item.get("rules")))
    return found


def write_accepted(scope: Scope, items: Mapping[str, Acceptance]) -> None:
    _write(scope, ACCEPTED, {rel: a.to_dict() for rel, a in items.items()})


def stamps(scope: Scope) -> tuple[object, ...]:
    """What changes when another process writes what was seen."""
    found: list[object] = []
    for name in (SEEN, SCANNED):
        try:
            st = (scope.log_dir / name).stat()
        except OSError:
            found.append(None)
        else:
            found.append((st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(found)


def read_notable(scope: Scope) -> dict[str, Seen]:
    """The skills with findings at or above the threshold, and those pulled in and not
    scanned yet."""
    found = {}
    for rel, item in _read(scope.log_dir / SEEN).items():
        name, origin, signature = (_text(item.get(k)) for k in ("name", "origin", "signature"))
        if name and origin and signature is not None:  # "": not scanned yet
            found[rel] = Seen(rel, name, origin, signature, _text(item.get("top")),
                              _texts(item.get("findings")), _text(item.get("digest")) or "",
                              item.get("held") is True)
    return found


def read_seen(scope: Scope) -> dict[str, Seen]:
    """Every skill seen: the signatures, with the notable ones over them."""
    found = {}
    for rel, item in _read(scope.log_dir / SCANNED).items():
        name, origin, signature = (_text(item.get(k)) for k in ("name", "origin", "signature"))
        if name and origin and signature:
            found[rel] = Seen(rel, name, origin, signature)
    return {**found, **read_notable(scope)}


def notable(items: Mapping[str, Seen]) -> dict[str, Seen]:
    return {rel: s for rel, s in items.items() if s.top is not None or not s.signature}


def write_notable(scope: Scope, items: Mapping[str, Seen]) -> None:
    _write(scope, SEEN, {rel: s.to_dict() for rel, s in notable(items).items()})


def write_scanned(scope: Scope, items: Mapping[str, Seen]) -> None:
    _write(scope, SCANNED, {rel: {"name": s.name, "origin": s.origin,
                                  "signature": s.signature}
                            for rel, s in items.items() if s.signature}, compact=True)
