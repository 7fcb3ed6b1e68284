"""What ``analyze`` measures in one SKILL.md, and its lint: the original tool's rule ids,
severities, categories and thresholds (our own wording of the messages).

The context cost has two parts: what is always loaded (``name`` and ``description``, joined
by a space, as agents list skills to choose from) and what is loaded on demand (the body
after the frontmatter, trimmed). Sizes are characters (code points); tokens are estimated as
characters // 4."""

from __future__ import annotations

import re
from dataclasses import dataclass

from skillshared.catalog.frontmatter import parse_frontmatter
from skillshared.commands.results_new import LintIssue

CHARS_PER_TOKEN = 4
SHORT, LONG, NEAR = 50, 1024, 900
TRIGGER = re.compile(r"use\s+(this\s+)?(skill\s+)?when|trigger\s+when|activate\s+when|"
                     r"invoke\s+when|use\s+for", re.IGNORECASE)
_CLOSING = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)


def tokens(chars: int) -> int:
    return chars // CHARS_PER_TOKEN


@dataclass(frozen=True)
class Measured:
    name: str
    description: str
    description_chars: int  # name + " " + description (just the name without one)
    body_chars: int
    issues: tuple[LintIssue, ...]


def body_of(text: str) -> str | None:
    """The text after the frontmatter (all of it without one); None when the frontmatter
    is not closed."""
    text = text.removeprefix("\ufeff")
    if not text.startswith("---"):
        return text.strip()
    first, _, rest = text.partition("\n")
    if first.rstrip() != "---":
        return text.strip()
    end = _CLOSING.search(rest)
    return None if end is None else rest[end.end():].strip()


def measure(data: bytes) -> Measured:
    meta = parse_frontmatter(data)
    text = data.decode("utf-8", errors="replace")
    body = body_of(text)
    name, description = meta.name or "", meta.description or ""
    always = f"{name} {description}" if description else name
    issues: list[LintIssue] = []
    if meta.problem:
        issues.append(_issue("malformed-frontmatter", "error", "structure",
                             f"the frontmatter is malformed: {meta.problem}"))
    if body is None:  # (nothing can be read from an unclosed frontmatter)
        name, description, always, body = "", "", "", ""
    issues += lint(name, description, len(body))
    return Measured(name, description, len(always), len(body), tuple(issues))


def _issue(rule: str, severity: str, category: str, message: str) -> LintIssue:
    return {"rule": rule, "severity": "error" if severity == "error" else "warning",
            "category": category, "message": message}


def lint(name: str, description: str, body_chars: int) -> list[LintIssue]:
    """The original's lint rules, in its order."""
    size = len(description)
    found: list[LintIssue] = []
    if not name.strip():
        found.append(_issue("missing-name", "error", "structure", "the 'name' field is "
                            "missing or empty"))
    if not description.strip():
        found.append(_issue("missing-description", "error", "structure", "the "
                            "'description' field is missing or empty"))
    if body_chars == 0:
        found.append(_issue("empty-body", "error", "structure", "the skill has no body "
                            "after its frontmatter"))
    if 0 < size < SHORT:
        found.append(_issue("description-too-short", "warning", "quality",
                            f"the description is short ({size} chars); {SHORT} or more help "
                            "agents pick the skill at the right time"))
    if size > LONG:
        found.append(_issue("description-too-long", "warning", "quality",
                            f"the description is over the {LONG}-char limit ({size} chars); "
                            "some targets refuse it"))
    if NEAR <= size <= LONG:
        found.append(_issue("description-near-limit", "warning", "quality",
                            f"the description is close to the {LONG}-char limit ({size} "
                            "chars)"))
    if description.strip() and not TRIGGER.search(description):
        found.append(_issue("no-trigger-phrase", "warning", "format",
                            "the description says not when to use the skill (e.g. 'Use "
                            "when ...'), so agents may not know when to load it"))
    return found
