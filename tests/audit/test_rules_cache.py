"""The built-in rules are read once per process, and what a user's rule file changes stays
with the rule set it was read into."""

from __future__ import annotations

from pathlib import Path

from skillshared.audit import rulefiles, rules


def test_built_in_rules_are_read_once_and_never_changed_by_a_users_file(tmp_path: Path
                                                                       ) -> None:
    first = rules.shipped_rules()
    assert "curl-pipe-shell" in first.rules
    user = tmp_path / "audit-rules.yaml"
    user.write_text("rules:\n  - id: curl-pipe-shell\n    enabled: false\n"
                    "  - id: mine\n    severity: HIGH\n    pattern: secret-word\n"
                    "    message: mine\n")
    changed = rulefiles.load_rule_set([user])
    ids = {r.id for r in changed.rules}
    assert "curl-pipe-shell" not in ids and "mine" in ids
    again = rules.shipped_rules()
    assert "mine" not in again.rules and not again.off
    assert {r.id for r in rulefiles.load_rule_set().rules} == set(again.rules)
    assert again.rules["curl-pipe-shell"] is first.rules["curl-pipe-shell"]  # compiled once
    again.rules.clear()  # a caller's state is its own
    assert rules.shipped_rules().rules
