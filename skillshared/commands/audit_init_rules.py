"""``audit --init-rules``: write a starter ``audit-rules.yaml`` in the original skillshare's
format (every example commented out, so it changes nothing until edited): the global one
beside the config file, or with ``-p`` the project's in ``.skillshare/``. A file that is
already there (or a link, even a broken one) is never overwritten: that is an error and
nothing is written."""

from __future__ import annotations

import os

from skillshared.audit.rules import RULES_FILE
from skillshared.commands.results_audit import InitRulesResult
from skillshared.core.errors import ConfigError, SkillshareError
from skillshared.core.paths import Scope
from skillshared.engine import fsops

STARTER = """\
# Audit rules of your own, read after the built-in ones (then a project's
# .skillshare/audit-rules.yaml after the global one). This file is in the format of the
# original skillshare, so the same file works with both tools.
#
# An entry with the id of a built-in rule changes it (its severity, say) or turns it off
# (enabled: false); an entry with a new id adds a rule. A rule's fields:
#   id        a name of your choice (letters, digits, '-')
#   severity  CRITICAL, HIGH, MEDIUM, LOW or INFO
#   pattern   the group it belongs to (shown with its findings)
#   message   what a finding says
#   regex     what to look for, line by line (a (?i) prefix ignores case)
#   exclude   optional: a line that also matches this is not a finding
#   enabled   optional: false turns the rule off
#
# `skillshare audit rules` lists every rule with its id.

rules:
  # Flag your company's internal token format:
  # - id: corp-token
  #   severity: HIGH
  #   pattern: hardcoded-secret
  #   message: "an internal API token is written out"
  #   regex: 'corp_[A-Za-z0-9]{32}'

  # Turn off a built-in rule:
  # - id: destructive-commands-2
  #   enabled: false

  # Make a built-in rule more severe:
  # - id: prompt-injection-1
  #   severity: CRITICAL
"""


def init_rules(scope: Scope) -> InitRulesResult:
    """Write the starter rule file of ``scope``; refuse when one is there."""
    folder = scope.config_file.parent
    path = folder / RULES_FILE
    if os.path.lexists(path):
        raise SkillshareError(f"{path} is already there: it was left as it is",
                              hint="edit it, or move it away to start again")
    if scope.is_project and not folder.is_dir():
        raise ConfigError(f"no project here: {folder} does not exist",
                          hint="run `skillshare init -p` first, or leave out -p")
    fsops.makedirs(folder)
    fsops.atomic_write(path, STARTER.encode("utf-8"))
    return {"action": "init-rules", "path": str(path),
            "scope": "project" if scope.is_project else "global", "created": True}
