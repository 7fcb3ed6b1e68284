"""Context in markdown: a command a document only *mentions* (under a heading such as
"Don't", in a checklist, a table or a quotation, or in a sentence that warns against it) is
reported one severity lower than an instruction to run it; and instructions hidden in an HTML
comment that spans several lines.

Only documents are read this way (``.md``, ``.markdown``, ``.mdx``), never scripts; only the
families where a mention is common (commands, privilege, persistence, prompt injection); and
never by more than one level, so a mention of a CRITICAL technique is still HIGH. Exfiltration,
decoded code, hidden characters and secrets keep their severity wherever they are.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from skillshared.audit.findings import Finding
from skillshared.audit.normalise import split_lines
from skillshared.core.config import SEVERITIES

DOCUMENTS = (".md", ".markdown", ".mdx")
LOWERED = frozenset({"destructive", "privilege", "fetch-and-run", "persistence", "stealth",
                     "dynamic-code", "agent-config", "prompt-injection"})
NEVER_LOWERED = frozenset({"hidden-comment-instructions"})  # a comment is never a mention
NOTE = " (mentioned in documentation, not an instruction: one level lower)"

# words that say a command is named to warn against it
CUE = re.compile(
    r"\b(?:never|don'?t|do\s+not|must\s+not|should\s+not|shouldn'?t|avoid|refuse"
    r"|forbid(?:den)?|prohibited|dangerous|unsafe|malicious|harmful|destructive|risky|warning"
    r"|beware|watch\s+(?:out\s+)?for"
    r"|red\s+flags?|anti-?patterns?|bad\s+(?:examples?|practices?)|what\s+not\s+to)\b", re.I)
# a section whose lists and tables name commands to look for
SECTION_CUE = re.compile(r"\b(?:checklist|review|audit|security|threats?|attacks?)\b", re.I)
QUOTED = re.compile(r"[\"\u201c\u201d`]|(?<!\w)'|'(?!\w)")
FENCE = re.compile(r"^\s{0,3}(```+|~~~+)")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
LISTED = re.compile(r"^\s*(?:\|.*\|\s*$|[-*+]\s+\[[ xX]\]|>)")
COMMENT = re.compile(r"<!--(.*?)-->", re.S)


@dataclass(frozen=True)
class _Line:
    heading: str  # the section's heading ("" before the first)
    lead: str  # in a code block: the prose line just before its fence ("" outside one)
    fenced: bool


def is_document(rel: str) -> bool:
    return rel.lower().endswith(DOCUMENTS)


def _lines(lines: Sequence[str]) -> list[_Line]:
    out: list[_Line] = []
    heading = prose = lead = ""
    fence = ""
    for line in lines:
        opened = FENCE.match(line)
        if fence:
            closing = opened is not None and opened.group(1).startswith(fence)
            out.append(_Line(heading, lead, not closing))
            fence = "" if closing else fence
            continue
        if opened is not None:
            fence, lead = opened.group(1)[:3], prose
        elif HEADING.match(line):
            heading, prose = line, ""
        elif line.strip():
            prose = line
        out.append(_Line(heading, lead, False))
    return out


def is_mention(line: str, where: _Line, family: str) -> bool:
    """Whether the finding of ``family`` on ``line`` is a mention rather than an instruction."""
    if where.fenced:
        return bool(CUE.search(where.heading) or CUE.search(where.lead))
    if LISTED.match(line):
        return bool(CUE.search(line) or CUE.search(where.heading)
                    or SECTION_CUE.search(where.heading))
    if family == "prompt-injection":
        return bool(CUE.search(line) and QUOTED.search(line))
    return bool(CUE.search(line))


def lower(found: list[Finding], start: int, text: str, first_line: int) -> None:
    """Lower by one level the findings ``found[start:]`` (of ``text``, whose first line is
    numbered ``first_line``) that only mention what they match."""
    candidates = [i for i in range(start, len(found)) if _can_lower(found[i])]
    if not candidates:
        return
    lines = split_lines(text)
    context = _lines(lines)
    for i in candidates:
        finding = found[i]
        index = finding.line - first_line
        if 0 <= index < len(lines) and is_mention(lines[index], context[index],
                                                    finding.family):
            found[i] = dataclasses.replace(
                finding, severity=SEVERITIES[SEVERITIES.index(finding.severity) + 1],
                message=finding.message + NOTE)


def _can_lower(finding: Finding) -> bool:
    return (finding.family in LOWERED and finding.rule not in NEVER_LOWERED
            and finding.severity != SEVERITIES[-1] and finding.line > 0)


def multiline_comments(text: str) -> list[tuple[int, str]]:
    """Each HTML comment over several lines: the index of its first line, and the comment
    on one line (so that a rule for comments reads it whole)."""
    if "<!--" not in text:
        return []
    out = []
    for match in COMMENT.finditer(text):
        body = match.group(1)
        if "\n" in body or "\r" in body:
            index = len(split_lines(text[:match.start()] + "x")) - 1
            out.append((index, "<!-- " + " ".join(body.split()) + " -->"))
    return out
