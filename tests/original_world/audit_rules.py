"""The original tool's user audit rules (skillshare v0.20, Go), as its users write them.

Followed from its source: ``internal/audit/patterns.go`` (the ``rules:`` list; fields ``id``,
``severity``, ``pattern`` (a group name), ``message``, ``regex``, ``exclude``, ``enabled``;
group entries without an id; ``DefaultRulesTemplate``, what ``audit rules init`` writes),
``internal/audit/rules_mutate.go`` (what ``audit rules disable|severity`` write: the whole
file marshalled by yaml.v3, 4-space indentation, unset fields as ``""``) and the docs
``website/docs/reference/commands/audit-rules.md`` ("Format", "Practical Templates",
"Workflow: Fixing a False Positive").

- :func:`write_user_rules`: ``<config dir>/audit-rules.yaml`` written by hand from the docs:
  a custom rule with an exclude, a built-in replaced by a milder copy, a built-in and a
  structural check disabled, a group's severity lowered.
- :func:`write_project_rules`: a project's ``.skillshare/audit-rules.yaml`` as the original's
  ``audit rules`` commands leave it.
"""

from __future__ import annotations

from pathlib import Path

# What the tests look for: a line the custom rule reports, and one its exclude lets through.
CORP_KEY = "acme_live_" + "3f" * 16
CORP_DUMMY_KEY = "acme_test_" + "0" * 32

USER_RULES = f"""\
# Team audit policy, on top of skillshare's built-in rules (created with
# `skillshare audit rules init`, then edited by hand).

rules:
  # Our internal API keys must never ship in a skill (the documented dummy key may).
  - id: acme-api-key
    severity: CRITICAL
    pattern: corp-secrets
    message: "ACME API key in a skill"
    regex: 'acme_(live|test)_[0-9a-f]{{32}}'
    exclude: '{CORP_DUMMY_KEY}'

  # Our CI skills install packages with sudo: report it, but below the gate.
  - id: destructive-commands-2
    severity: MEDIUM
    pattern: destructive-commands
    message: "sudo in a skill (lowered: CI skills need it)"
    regex: '(?i)\\bsudo\\s+'

  # Plain-http downloads are internal mirrors here: too noisy.
  - id: insecure-http-0
    enabled: false

  # Skills link to pages generated at build time.
  - id: dangling-link
    enabled: false

  # Tutorial skills quote sample tokens: leave them to review.
  - pattern: hardcoded-secret
    severity: MEDIUM
"""

# `skillshare audit rules disable --pattern untrusted-install -p`, then
# `skillshare audit rules severity prompt-injection-2 low -p`.
PROJECT_RULES = """\
# Custom audit rules (the whole file is rewritten by each `audit rules` command)
rules:
    - id: ""
      severity: ""
      pattern: untrusted-install
      message: ""
      regex: ""
      enabled: false
    - id: prompt-injection-2
      severity: LOW
      pattern: ""
      message: ""
      regex: ""
"""


def write_user_rules(config_dir: Path) -> Path:
    """``<config_dir>/audit-rules.yaml`` (the folder of the original's ``config.yaml``)."""
    path = config_dir / "audit-rules.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(USER_RULES, encoding="utf-8")
    return path


def write_project_rules(project_dir: Path) -> Path:
    """``<project_dir>/.skillshare/audit-rules.yaml``."""
    path = project_dir / ".skillshare" / "audit-rules.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PROJECT_RULES, encoding="utf-8")
    return path
