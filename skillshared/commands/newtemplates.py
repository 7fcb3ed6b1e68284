"""The SKILL.md skeletons of ``new``: a plain one, and one per design pattern (the original
tool's pattern names, scaffold folders and categories; our own wording)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    name: str
    summary: str
    folders: tuple[str, ...]  # made empty (with a .gitkeep) beside SKILL.md


PATTERNS = (
    Pattern("tool-wrapper", "teach the agent a library or API", ("references",)),
    Pattern("generator", "produce structured output from a template", ("assets", "references")),
    Pattern("reviewer", "check work against a checklist", ("references",)),
    Pattern("inversion", "interview the user before acting", ("assets",)),
    Pattern("pipeline", "a multi-step workflow with checkpoints",
            ("references", "assets", "scripts")),
    Pattern("none", "a blank template", ()),
)
BY_NAME = {p.name: p for p in PATTERNS}
CATEGORIES = ("library", "verification", "data", "automation", "scaffold", "quality", "cicd",
              "runbook", "infra")


def title(name: str) -> str:
    """``code-review`` -> ``Code Review``."""
    return " ".join(w[:1].upper() + w[1:] for w in name.split("-"))


_PLAIN = """---
name: {name}
description: >-
  What this skill does, and when to use it: Use when the user asks to
  "first trigger phrase" or "second trigger phrase", or needs help with
  a particular task.
# Optional fields:
# targets: [claude, cursor]        # only these targets (leave out for all)
# license: MIT
# allowed-tools: "Bash(python:*) WebFetch"
# metadata:
#   author: Your Name
#   version: 1.0.0
---

# {title}

One paragraph: what this skill gives the agent, and why it helps.

## When to Use

Use this skill when the user:
- asks to "a trigger phrase"
- mentions particular keywords or file types

Do not use it for:
- tasks outside its scope (say where the scope ends)

## Instructions

### Step 1: Gather context

What to read or ask before starting.

### Step 2: Act

The core action, stated precisely.

### Step 3: Check

How to verify the result.

## Examples

The user says: "Help me with a {name} task"
1. First action
2. Second action
Result: what the user gets

## Troubleshooting

**Error:** a message the user may see
**Cause:** why it happens
**Fix:** what to do
"""

_BODIES = {
    "tool-wrapper": "## Conventions\n\nRead `references/conventions.md` and follow it before "
                    "writing code that uses this library.\n\n## Writing code\n\n- Follow the "
                    "conventions\n- Handle the library's usual errors\n\n## Reviewing code\n\n"
                    "- Check every call against the conventions\n",
    "generator": "## Steps\n\n1. Read `references/style-guide.md`.\n2. Start from "
                 "`assets/template.md`.\n3. Ask the user for every value the template needs.\n"
                 "4. Fill in the template; leave no placeholder.\n5. Show the result and ask "
                 "for changes.\n",
    "reviewer": "## Steps\n\n1. Read `references/review-checklist.md`.\n2. Read what is under "
                "review and say what it is for.\n3. Check each item; rate each finding "
                "critical, warning or info.\n4. Report: a verdict, the findings, a score and "
                "the three fixes that matter most.\n",
    "inversion": "Do not start until every phase below is done.\n\n## Phase 1: Goals\n\nAsk "
                 "what the goal is, who it is for, and what success looks like.\n\n## Phase 2: "
                 "Limits\n\nAsk about constraints, deadlines and patterns to follow.\n\n"
                 "## Phase 3: Plan\n\nFill in `assets/template.md` with the answers and ask "
                 "for approval before acting.\n",
    "pipeline": "## Steps\n\n1. Gather the inputs and check the prerequisites.\n2. Show the "
                "plan; wait for the user to confirm.\n3. Run each stage, checking its output "
                "before the next.\n4. Check the result against "
                "`references/quality-checklist.md` and report each item.\n",
}


def skill_md(name: str, pattern: str, category: str | None) -> str:
    """The SKILL.md of a new skill ``name``."""
    if pattern == "none":
        return _PLAIN.format(name=name, title=title(name))
    extra = f"category: {category}\n" if category else ""
    return (f"---\nname: {name}\ndescription: >-\n  What this skill does. Use when ...\n"
            f"pattern: {pattern}\n{extra}---\n\n# {title(name)}\n\n{_BODIES[pattern]}")
