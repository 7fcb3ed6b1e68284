"""Content integrity: a skill's files compared with the hashes recorded of them when they
were installed or last updated (``{"rel/path": "sha256:<hex>"}``, the original skillshare's
``file_hashes``).

- ``content-tampered`` (MEDIUM): a recorded file's content changed, or it is no longer a
  regular file (the original passes over a file that became a folder).
- ``content-oversize`` (MEDIUM): a recorded file larger than the scan reads whole, so the
  rules did not see all of it; its hash is still checked (the original stops there).
- ``content-missing`` (LOW): a recorded file is gone.
- ``content-unexpected`` (LOW): a file that was not there when the skill was installed.

Nothing is recorded (an install older than the records, a skill made here): no findings.
A recorded path that is absolute or leads out of the folder is never read. The files are
walked as :func:`file_hashes` records them (``.git`` and the install records left out), so
what an install records is what an audit compares."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from skillshared.audit.findings import Finding
from skillshared.audit.reading import MAX_FILE_BYTES, TAIL_BYTES

FAMILY = "integrity"
TAMPERED, OVERSIZE = "content-tampered", "content-oversize"
MISSING, UNEXPECTED = "content-missing", "content-unexpected"
RULES = (TAMPERED, OVERSIZE, MISSING, UNEXPECTED)
# the install records the original skillshare keeps (one inside a skill in old versions)
RECORD_FILES = frozenset({".metadata.json", ".skillshare-meta.json"})
OVERSIZE_BYTES = MAX_FILE_BYTES + TAIL_BYTES  # a larger file is scanned head and tail only
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def hash_file(path: str) -> str:
    """``sha256:<hex>`` of the file at ``path``."""
    with open(path, "rb") as handle:
        return "sha256:" + hashlib.file_digest(handle, "sha256").hexdigest()


def walk_files(folder: str | Path) -> list[str]:
    """The slash paths of the regular files in ``folder`` (a link to one counts; folders
    reached by links are not entered), ``.git`` and the install records left out, sorted."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(files):
            path = os.path.join(root, name)
            if name not in RECORD_FILES and os.path.isfile(path):
                found.append(Path(os.path.relpath(path, folder)).as_posix())
    return found


def file_hashes(folder: str | Path) -> dict[str, str]:
    """``sha256:<hex>`` of every file :func:`walk_files` lists, by its slash path: what an
    install or update records."""
    return {rel: hash_file(os.path.join(folder, rel)) for rel in walk_files(folder)}


def _inside(rel: str) -> bool:
    """Whether a recorded path names a place inside the folder (never ``/x``, ``..``)."""
    if not rel or "\\" in rel or "\0" in rel:
        return False
    parts = PurePosixPath(rel).parts
    return not PurePosixPath(rel).is_absolute() and ".." not in parts and ".git" not in parts


def _finding(rule: str, severity: str, rel: str, message: str) -> Finding:
    return Finding(path=rel, line=0, rule=rule, family=FAMILY, severity=severity,
                   message=message, excerpt="")


def _short(digest: str) -> str:
    return digest.removeprefix("sha256:")[:12]


def _check_one(folder: str, rel: str, recorded: str) -> list[Finding]:
    path = os.path.join(folder, *rel.split("/"))
    if not os.path.exists(path):
        return [_finding(MISSING, "LOW", rel, f"{rel} was installed with the skill and is "
                         "gone")]
    if not os.path.isfile(path):
        return [_finding(TAMPERED, "MEDIUM", rel, f"{rel} was installed as a file and is "
                         "no longer one")]
    found = []
    size = os.path.getsize(path)
    if size > OVERSIZE_BYTES:
        found.append(_finding(OVERSIZE, "MEDIUM", rel, f"{rel} was installed with the skill "
                              f"and is {size} bytes, more than the audit reads whole "
                              f"({OVERSIZE_BYTES}); only its start and end were scanned"))
    try:
        now = hash_file(path)
    except OSError as exc:
        return [*found, _finding(TAMPERED, "MEDIUM", rel, f"{rel} cannot be read to "
                                 f"compare it with what was installed: {exc.strerror}")]
    if now != recorded:
        found.append(_finding(TAMPERED, "MEDIUM", rel, f"{rel} changed since it was "
                              f"installed (recorded sha256 {_short(recorded)}…, now "
                              f"{_short(now)}…)"))
    return found


def integrity_findings(folder: str | Path, recorded: Mapping[str, str] | None
                       ) -> list[Finding]:
    """The integrity findings of the skill in ``folder`` against the file hashes
    ``recorded`` for it (None or empty: nothing was recorded, so no findings), by path."""
    if not recorded:
        return []
    root = str(folder)
    checked = {rel: digest for rel, digest in recorded.items()
               if isinstance(rel, str) and _inside(rel) and isinstance(digest, str)
               and _DIGEST.fullmatch(digest)}
    found = [f for rel in sorted(checked) for f in _check_one(root, rel, checked[rel])]
    found += [_finding(UNEXPECTED, "LOW", rel, f"{rel} was not there when the skill was "
                       "installed") for rel in walk_files(root) if rel not in recorded]
    return sorted(found, key=lambda f: (f.path, f.rule))
