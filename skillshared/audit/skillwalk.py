"""One walk over a skill's folder for the analyzers beyond the rule scan: the tier profile of
its shell scripts and of the shell blocks of its documents
(:mod:`skillshared.audit.tiers`), the links of its documents that lead nowhere and its
analyzability (:mod:`skillshared.audit.structure`).

Cheap: each file is looked at once; of most only the first 8 KiB are read (to tell text from
binary), and only documents and shell scripts are read whole. ``.git`` and the folders in
``skip`` (skills nested inside this one, audited on their own) are left out; links are never
followed."""

from __future__ import annotations

import os
import stat
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from skillshared.audit.context import CUE
from skillshared.audit.filekinds import codec_of
from skillshared.audit.findings import Finding
from skillshared.audit.normalise import split_lines
from skillshared.audit.structure import (
    BIGGEST,
    RECORDS,
    Analyzability,
    dangling_links,
    is_document,
    is_text,
)
from skillshared.audit.tiers import (
    ProfileBuilder,
    TierProfile,
    is_shell_script,
    markdown_lines,
    script_lines,
)

HEAD = 8192


@dataclass(frozen=True)
class SkillFacts:
    profile: TierProfile = field(default_factory=TierProfile)
    analyzability: Analyzability = field(default_factory=Analyzability)
    links: tuple[Finding, ...] = ()


def _decode(data: bytes) -> str:
    codec, bom = codec_of(data)
    return data[bom:].decode(codec, "replace")


class _Walk:
    def __init__(self, root: str, tiers: bool, links: bool) -> None:
        self.root, self.tiers, self.want_links = root, tiers, links
        self.builder = ProfileBuilder()
        self.total = self.auditable = 0
        self.found: list[Finding] = []

    def file(self, path: str, rel: str, size: int) -> None:
        try:
            with open(path, "rb") as handle:
                head = handle.read(HEAD)
                if not is_text(head, os.path.basename(rel)):
                    return
                self.auditable += size
                document = is_document(rel)
                script = self.tiers and not document and is_shell_script(
                    rel, head[:200].decode("utf-8", "replace"))
                if not (script or (document and (self.tiers or self.want_links))):
                    return
                data = head + handle.read()
        except OSError:
            return
        self.text(rel, split_lines(_decode(data)), document)

    def text(self, rel: str, lines: list[str], document: bool) -> None:
        if self.tiers:
            numbered = markdown_lines(lines, CUE) if document else script_lines(lines)
            for number, line in numbered:
                self.builder.line(line, rel, number)
        if document and self.want_links:
            self.found += dangling_links(rel, lines, self.root)

    def facts(self) -> SkillFacts:
        return SkillFacts(self.builder.profile(), Analyzability(self.total, self.auditable),
                          tuple(self.found))


def walk_skill(root: str, skip: AbstractSet[str] = frozenset(), *, tiers: bool = True,
               links: bool = True) -> SkillFacts:
    """The facts of the skill at ``root`` (``tiers``, ``links``: whether to count the
    commands, check the links; the analyzability is always measured)."""
    walk = _Walk(root, tiers, links)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != ".git"
                         and os.path.join(folder, d) not in skip)
        for name in sorted(files):
            if name in RECORDS:
                continue
            path = os.path.join(folder, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode) or info.st_size > BIGGEST:
                continue
            walk.total += info.st_size
            walk.file(path, os.path.relpath(path, root).replace(os.sep, "/"), info.st_size)
    return walk.facts()


def walk_file(path: str, rel: str) -> SkillFacts:
    """The facts of one file (an agent): its tier profile and analyzability (links are not
    checked)."""
    walk = _Walk(os.path.dirname(path), True, False)
    try:
        size = os.stat(path).st_size
    except OSError:
        return SkillFacts()
    if size <= BIGGEST:
        walk.total += size
        walk.file(path, rel, size)
    return walk.facts()
