"""A skill's structure: local links of its documents that lead nowhere (``dangling-link``,
LOW), and how much of it the audit can read as text (its analyzability; ``low-analyzability``,
INFO, below 70%).

A link is an inline markdown link or image (``[label](target)``, ``![alt](src)``), a
reference definition (``[name]: target``) or an HTML ``<a href>``/``<img src>`` outside code
blocks and code spans. Links with a
scheme (``https:``, ``mailto:``, ...), ``//host`` links and anchors (``#section``) are not
checked; a target's ``#fragment`` and ``?query`` are dropped and ``%XX`` escapes decoded. A
target is looked up beside the document (one starting with ``/`` from the skill's folder); one
leading out of the skill is dangling only when nothing is there.

Analyzability: the bytes of text files over the bytes of all files. Files over 1 MiB (only
partly scanned; reported apart), links, and the install records (``.metadata.json``,
``.skillshare-meta.json``) are left out of both."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

from skillshared.audit.filekinds import codec_of, kind_of
from skillshared.audit.findings import Finding

LOW_ANALYZABILITY = 0.70
BIGGEST = 1 << 20  # a larger file is left out of the analyzability
RECORDS = frozenset({".metadata.json", ".skillshare-meta.json"})
DOCUMENTS = (".md", ".markdown", ".mdx")

_LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>\n]*>|[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)"
                   r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_HTML = re.compile(r"<(?:a|img|source)\b[^>]*?\s(?:href|src)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')",
                   re.I)
_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(<[^>\n]*>|\S+)")
_SPAN = re.compile(r"(`+).+?\1")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


@dataclass(frozen=True)
class Analyzability:
    total_bytes: int = 0
    auditable_bytes: int = 0

    @property
    def ratio(self) -> float:
        """Auditable over total (1.0 for a skill with nothing in it)."""
        return self.auditable_bytes / self.total_bytes if self.total_bytes else 1.0


def low_analyzability(a: Analyzability) -> Finding | None:
    """INFO ``low-analyzability`` when less than 70% of a skill can be read as text."""
    if a.ratio >= LOW_ANALYZABILITY:
        return None
    share = round(a.ratio * 100)
    return Finding(".", 0, "low-analyzability", "analyzability", "INFO",
                   f"only {share}% of the skill is text the audit can read ({100 - share}% is "
                   "binary): review the rest by hand",
                   f"{a.auditable_bytes} of {a.total_bytes} bytes are text")


def is_text(head: bytes, name: str) -> bool:
    """Whether a file whose first bytes are ``head`` is text the scan reads as written (not a
    binary by its share of control bytes, nor of a known binary kind)."""
    codec, _ = codec_of(head)
    if codec != "utf-8":
        return True
    sample = head[:8192]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    binary = controls > max(len(sample) * 0.05, 8)
    return not binary and kind_of(head, name, False) is None


def is_document(rel: str) -> bool:
    return rel.lower().endswith(DOCUMENTS)


def links(lines: list[str]) -> Iterable[tuple[int, str, str]]:
    """(line number, target, the link as written) of each link outside code."""
    fence = ""
    for number, line in enumerate(lines, 1):
        opened = _FENCE.match(line)
        if fence:
            if opened is not None and opened.group(1).startswith(fence):
                fence = ""
            continue
        if opened is not None:
            fence = opened.group(1)[:3]
            continue
        if "](" not in line and "]:" not in line and "<" not in line:
            continue
        text = _SPAN.sub(lambda m: " " * len(m.group()), line)
        found = _DEFINITION.match(text)
        if found is not None:
            yield number, found.group(1), found.group().strip()
            continue
        for match in _LINK.finditer(text):
            yield number, match.group(1), match.group()
        for match in _HTML.finditer(text):
            yield number, match.group(1) or match.group(2) or "", match.group()


def local_target(target: str) -> str | None:
    """The path a link target names (None: not a local path)."""
    target = target.strip()
    if target.startswith("<") and target.endswith(">"):
        target = target[1:-1].strip()
    if not target or target.startswith(("#", "//")) or _SCHEME.match(target) or "{{" in target:
        return None
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    return path or None


def dangling_links(rel: str, lines: list[str], root: str) -> list[Finding]:
    """The links of the document ``rel`` (its ``lines``) of the skill at ``root`` whose target
    does not exist."""
    found = []
    here = os.path.dirname(os.path.join(root, rel))
    for number, target, shown in links(lines):
        path = local_target(target)
        if path is None:
            continue
        full = os.path.join(root, path.lstrip("/")) if path.startswith("/") else \
            os.path.join(here, path)
        if not os.path.lexists(full):
            found.append(Finding(rel, number, "dangling-link", "structure", "LOW",
                                 f"local link to {target!r}: no such file or folder", shown))
    return found
