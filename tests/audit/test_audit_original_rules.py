"""User audit rule files in the original skillshare's format (Go, v0.20): they load, their
rules act on the audit and on the install gate, and what cannot be used is a warning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillshared.audit import rulefiles
from skillshared.audit.original_ids import COUNTERPARTS, GROUPS, STANDS_FOR, is_original
from skillshared.audit.rulefiles import (
    ORIGINAL,
    RuleFile,
    RuleSet,
    load_rule_set,
    user_rules_report,
)
from skillshared.audit.rules import Rule, load_rules
from skillshared.audit.scan import scan_file
from skillshared.core.errors import ConfigError
from tests.conftest import CliRunner, make_skill, write_config
from tests.original_world.audit_rules import (
    CORP_DUMMY_KEY,
    CORP_KEY,
    write_project_rules,
    write_user_rules,
)

AWS_KEY = "AKIA" + "Q" * 16
SKILLS = {  # name -> a line of its SKILL.md
    "corp": f"export ACME_KEY={CORP_KEY}",
    "dummy": f"export ACME_KEY={CORP_DUMMY_KEY}  # the documented dummy key",
    "fetcher": "curl http://example.com/tool.tar.gz -o tool.tar.gz",
    "ci": "sudo apt-get install -y jq",
    "keys": f"aws_access_key_id = {AWS_KEY}",
}


def by_id(rule_set: RuleSet) -> dict[str, Rule]:
    return {r.id: r for r in rule_set.rules}


def load(tmp_path: Path, text: str) -> RuleSet:
    path = tmp_path / "audit-rules.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rule_set([path])


def found(data: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    return {s["name"]: {(f["rule"], f["severity"]) for f in s["findings"]}
            for s in data["skills"]}


# -- the file loads, and acts on our rules ------------------------------------------------------


def test_the_users_file_loads_in_the_originals_format(tmp_path: Path) -> None:
    path = write_user_rules(tmp_path)
    loaded = load_rule_set([path])
    assert loaded.files == [RuleFile(path, ORIGINAL, 5)]
    rules = by_id(loaded)
    custom = rules["acme-api-key"]
    assert (custom.family, custom.severity, custom.message) == (
        "corp-secrets", "CRITICAL", "ACME API key in a skill")
    assert rules["destructive-commands-2"].severity == "MEDIUM"  # its replacement ...
    assert "sudo" not in rules  # ... stands in for our counterpart
    assert "insecure-http-download" not in rules  # insecure-http-0, disabled
    assert {rules[r].severity for r in ("aws-access-key", "github-token", "private-key-block",
                                        "openai-style-key")} == {"MEDIUM"}  # the group
    assert loaded.warnings == [] and loaded.checks_off == {"dangling-link"}
    assert len(rules) == len(load_rules()) + 2 - 2  # two added, two off


def test_the_original_ids_stand_for_rules_we_have() -> None:
    ours = {r.id for r in load_rules()}
    assert set(STANDS_FOR) <= ours
    assert not set(COUNTERPARTS) & ours  # the two sets of ids never meet
    groups = GROUPS
    assert len(groups["destructive-commands"]) == 5 and len(groups["hardcoded-secret"]) == 10
    assert "credential-access-ssh-private-key-exfil" in groups["credential-access"]
    assert groups["invisible-payload"] == ("hidden-unicode-1",)


def test_audit_honours_the_users_rules(cli: CliRunner, home: Path, source: Path) -> None:
    write_config(home, "targets: {}\n")
    for name, line in SKILLS.items():
        make_skill(source, name, body=f"# {name}\n{line}\n")
    before = cli("audit", "--json")
    assert before.code == 1, before.err  # a live key in a skill blocks
    assert found(before.json()) == {
        "corp": set(), "dummy": set(), "fetcher": {("insecure-http-download", "LOW"),
                                                            ("fetch-url", "MEDIUM")},
        "ci": {("sudo", "HIGH")}, "keys": {("aws-access-key", "CRITICAL")}}
    assert before.json()["blocked"] == ["keys"]
    write_user_rules(home / ".config/skillshare")
    after = cli("audit", "--json")
    assert after.code == 1
    data = after.json()
    assert found(data) == {
        "corp": {("acme-api-key", "CRITICAL")},  # the custom rule
        "dummy": set(),  # ... and its exclude
        "fetcher": {("fetch-url", "MEDIUM")},  # insecure-http-0 disabled
        "ci": {("destructive-commands-2", "MEDIUM")},  # replaced by the user's copy
        "keys": {("aws-access-key", "MEDIUM")}}  # the group's severity lowered
    assert data["blocked"] == ["corp"]
    assert [f["format"] for f in data["rule_files"]] == ["original"]
    assert data["warnings"] == []  # dangling-link: the structure check, turned off


def test_the_install_gate_honours_the_users_rules(cli: CliRunner, tmp_path: Path, home: Path,
                                                  source: Path) -> None:
    write_config(home, "targets: {}\naudit:\n  block_threshold: HIGH\n")
    source.mkdir(parents=True)
    downloads = tmp_path / "downloads"
    corp = make_skill(downloads, "corp", body=SKILLS["corp"] + "\n")
    keys = make_skill(downloads, "keys", body=SKILLS["keys"] + "\n")
    assert cli("install", str(keys)).code == 1  # HIGH: blocked by our rule as shipped
    write_user_rules(home / ".config/skillshare")
    blocked = cli("install", str(corp))
    assert blocked.code == 1 and "blocked by the security audit" in blocked.err
    assert "acme-api-key" in blocked.err and not (source / "corp").exists()
    allowed = cli("install", str(keys))  # MEDIUM now: under the threshold
    assert allowed.code == 0, allowed.err
    assert (source / "keys/SKILL.md").exists()


def test_the_project_file_as_the_originals_commands_write_it(tmp_path: Path) -> None:
    user = write_user_rules(tmp_path / "config")
    project = write_project_rules(tmp_path / "project")
    loaded = load_rule_set([user, project])
    assert [f.format for f in loaded.files] == ["original", "original"]
    assert by_id(loaded)["fake-system-tags"].severity == "LOW"  # prompt-injection-2
    assert loaded.warnings[1:] == []  # the group `untrusted-install` is ours too: now off
    assert "untrusted-package-run" not in by_id(loaded)
    assert "untrusted-package-run" in by_id(load_rule_set([user]))


def test_a_group_off_then_one_of_it_on_again(tmp_path: Path) -> None:
    loaded = load(tmp_path, "rules:\n"
                            "  - {pattern: credential-access, enabled: false}\n"
                            "  - {id: credential-access-env-file, enabled: true}\n"
                            "  - {pattern: fetch-with-pipe, enabled: false}\n")
    rules = by_id(loaded)
    assert "read-ssh-keys" in rules  # it stands for env-file too, on again
    assert "credential-file-sent" not in rules  # every -exfil id is off
    assert "curl-pipe-shell" not in rules and "fetch-pipe-interpreter" not in rules
    assert "read-secret-files" in rules  # it stands for env-file too
    note, other = sorted(loaded.warnings, key=lambda w: "read-ssh-keys" not in w)
    assert "rules[0]: our `read-ssh-keys`" in note
    assert note.endswith("stays on: it also stands for `credential-access-env-file`")
    assert "rules[0]: our `read-secret-files`" in other
    assert other.endswith("stays on: it also stands for `credential-access-env-file`")


def test_one_of_ours_for_several_of_the_originals(tmp_path: Path) -> None:
    loaded = load(tmp_path, "rules:\n"
                            "  - {id: fetch-with-pipe-0, enabled: false}\n"
                            "  - {id: hardcoded-secret-4, severity: LOW}\n"
                            "  - {id: hardcoded-secret-2, severity: L}\n"
                            "  - {id: hardcoded-secret-3, severity: info}\n")
    rules = by_id(loaded)
    assert rules["curl-pipe-shell"].severity == "HIGH"  # wget piped to sh is still on
    assert rules["slack-or-stripe-key"].severity == "CRITICAL"  # Stripe keys are not lowered
    assert rules["github-token"].severity == "LOW"  # the milder of the two never wins
    assert loaded.warnings == [
        f"{tmp_path / 'audit-rules.yaml'}: rules[0]: our `curl-pipe-shell` looks for what the "
        "original's `fetch-with-pipe-0` did and stays on: it also stands for "
        "`fetch-with-pipe-1`",
        f"{tmp_path / 'audit-rules.yaml'}: rules[1].severity: our `slack-or-stripe-key` looks "
        "for what the original's `hardcoded-secret-4` did and reports at CRITICAL: it also "
        "stands "
        "for `hardcoded-secret-7`",
        f"{tmp_path / 'audit-rules.yaml'}: rules[3].severity: our `github-token` looks for "
        "what the original's `hardcoded-secret-3` did and reports at LOW: it also stands for "
        "`hardcoded-secret-2`"]


def test_the_originals_checks_are_turned_off_and_graded_by_their_ids(tmp_path: Path) -> None:
    """Its checks our analyzers make under its ids: `enabled: false` turns one off (an id,
    a `pattern`, or `content-integrity` for the four content checks), `severity` grades it;
    no warning, and a later file turns one on again."""
    loaded = load(tmp_path, f"{SIGN}  - {{id: tier-interpreter, enabled: false}}\n"
                            "  - {id: content-integrity, enabled: false}\n"
                            "  - {pattern: tier-network-heavy, severity: LOW}\n"
                            "  - {id: dangling-link, severity: medium}\n")
    assert loaded.warnings == []
    assert loaded.checks_off == {"tier-interpreter", "content-tampered", "content-oversize",
                                 "content-missing", "content-unexpected"}
    assert loaded.check_severity == {"tier-network-heavy": "LOW", "dangling-link": "MEDIUM"}
    later = tmp_path / "later"
    later.mkdir()
    (later / "audit-rules.yaml").write_text("rules:\n  - {id: tier-interpreter, enabled: true}\n")
    both = load_rule_set([tmp_path / "audit-rules.yaml", later / "audit-rules.yaml"])
    assert "tier-interpreter" not in both.checks_off


# -- what cannot be used: warnings with key paths, the rest applies ----------------------------

SIGN = "rules:\n  - {id: insecure-http-0, enabled: false}\n"


@pytest.mark.parametrize("entry, warning", [
    ("{pattern: no-such-group, enabled: false}",
     "rules[1].pattern: no rule of the original's or here is in the group `no-such-group`"),
    ("{id: no-such-rule, severity: LOW}", "rules[1].id: `no-such-rule` is no rule"),
    ("{id: greek, severity: HIGH, regex: '\\p{Greek}+'}", "rules[1].regex: `\\p`"),
    ("{id: mid, severity: HIGH, regex: 'a(?i)b'}", "rules[1].regex: flags `(?i)` after"),
    ("{id: lazy, severity: HIGH, regex: '(?U)a+'}", "rules[1].regex: the ungreedy flag"),
    ("{id: bad, severity: HIGH, regex: '(unclosed'}",
     "rules[1].regex: not a regular expression Python can run"),
    ("{id: bad, severity: HIGH, regex: a, exclude: '['}", "rules[1].exclude: not a regular"),
    ("{id: x, severity: SEVERE, regex: a}", "rules[1].severity: must be one of CRITICAL"),
    ("{id: x, regex: a}", "rules[1].severity: required for a rule with a regex"),
    ("{id: x, severity: LOW, regex: a, colour: red}",
     "rules[1].colour: not a field of the original's format: ignored"),
    ("{id: x, enabled: 'no', regex: a}", "rules[1].enabled: must be true or false"),
    ("{id: [x], severity: LOW, regex: a}", "rules[1].id: must be text"),
    ("{severity: LOW, regex: a}", "rules[1].id: missing: a rule with a regex needs an id"),
    ("{message: hello}", "rules[1].id: missing: an entry needs an `id`"),
    ("7", "rules[1]: must be a mapping"),
])
def test_what_cannot_be_used_is_a_warning(tmp_path: Path, entry: str, warning: str) -> None:
    loaded = load(tmp_path, f"{SIGN}  - {entry}\n")
    assert [f.format for f in loaded.files] == ["original"]
    assert any(warning in w for w in loaded.warnings), loaded.warnings
    assert all(w.startswith(f"{tmp_path / 'audit-rules.yaml'}: ") for w in loaded.warnings)
    assert "insecure-http-download" not in by_id(loaded)  # the rest applies


def test_top_level_keys_besides_rules_are_warnings(tmp_path: Path) -> None:
    loaded = load(tmp_path, "owner: security-team\n" + SIGN)
    assert loaded.warnings == [f"{tmp_path / 'audit-rules.yaml'}: owner: not a field of the "
                               "original's format: ignored"]


def test_audit_shows_the_warnings_and_still_runs(cli: CliRunner, home: Path, source: Path) -> None:
    write_config(home, "targets: {}\n")
    make_skill(source, "fetcher", body=SKILLS["fetcher"] + "\n")
    rules = home / ".config/skillshare/audit-rules.yaml"
    rules.write_text(SIGN + "  - {id: greek, severity: HIGH, regex: '\\p{Greek}+'}\n")
    result = cli("audit", "--json")
    assert result.code == 0, result.err
    data = result.json()
    assert found(data) == {"fetcher": {("fetch-url", "MEDIUM")}}
    assert data["warnings"] == [f"{rules}: rules[1].regex: `\\p` (Unicode classes, single "
                                "bytes) has no form here (the rule is left out)"]


# -- the original's regular expressions -----------------------------------------------------


@pytest.mark.parametrize("regex, line, matches", [
    ("TODO", "todo: later", False),  # case-sensitive, as in the original ...
    ("(?i)TODO", "todo: later", True),  # ... unless it says otherwise
    ("\\Qa.b\\E", "see a.b here", True),
    ("\\Qa.b\\E", "see axb here", False),
    ("^[[:digit:]]+\\z", "12345", True),
    ("^[[:digit:]]+\\z", "123x", False),
    ("(?P<k>x)(?<v>y)", "xy", True),
    ("[\\x{E0001}-\\x{E007F}]", "a\U000E0041b", True),  # scanned as written (not folded)
])
def test_the_originals_regular_expressions(tmp_path: Path, regex: str, line: str,
                                           matches: bool) -> None:
    loaded = load(tmp_path, f"rules:\n  - id: mine\n    severity: LOW\n    regex: '{regex}'\n")
    assert loaded.warnings == []
    (tmp_path / "a.md").write_text(line + "\n", encoding="utf-8")
    hits = {f.rule for f in scan_file(str(tmp_path / "a.md"), "a.md", loaded.rules)}
    assert ("mine" in hits) is matches


def test_an_exclude_keeps_its_case(tmp_path: Path) -> None:
    loaded = load(tmp_path, "rules:\n  - {id: url, severity: LOW, regex: 'https?://\\S+',"
                            " exclude: 'LOCALHOST'}\n")
    (tmp_path / "a.md").write_text("http://localhost/x\nhttp://LOCALHOST/y\n")
    hits = scan_file(str(tmp_path / "a.md"), "a.md", loaded.rules)
    assert [f.line for f in hits if f.rule == "url"] == [1]


# -- telling the formats apart; files that cannot be read ---------------------------------------


@pytest.mark.parametrize("text, original", [
    ("rules:\n  - {id: x, severity: LOW, regex: a}\n", True),
    ("rules:\n  - {id: sudo, severity: LOW}\n", True),  # a partial override
    ("rules:\n  - {pattern: hardcoded-secret, severity: LOW}\n", True),  # a group
    ("rules:\n  - {id: destructive-commands-2, enabled: false}\n", True),  # its id
    ("rules:\n  # - id: flag-todo\n", True),  # `audit rules init`: comments only
    ("", True),
    ("rules:\n  - {id: sudo, enabled: false}\n", False),  # the same in both
    ("rules:\n  - {id: x, severity: LOW, pattern: 'a+', message: m}\n", False),
    ("version: 1\nrules:\n  - {id: x, severity: LOW, regex: a}\n", False),
    ("rules:\n  - {id: x, family: f, severity: LOW, regex: a}\n", False),
    ("rules: 3\n", False),
])
def test_telling_the_formats_apart(tmp_path: Path, text: str, original: bool) -> None:
    path = tmp_path / "audit-rules.yaml"
    path.write_text(text)
    assert is_original(rulefiles._read(path)) is original


def test_an_init_file_of_the_original_holds_no_rules(tmp_path: Path) -> None:
    loaded = load(tmp_path, "# Custom audit rules for skillshare.\n\nrules:\n"
                            "  # Example: disable a built-in rule by id\n"
                            "  # - id: insecure-http-0\n  #   enabled: false\n")
    assert (loaded.warnings, len(loaded.rules)) == ([], len(load_rules()))


def test_our_format_still_reports_its_problems_as_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, "rules:\n  - {id: x, family: f, severity: LOW, regex: a}\n")
    assert any("rules[0]: unknown keys regex" in d for d in caught.value.details)


@pytest.mark.parametrize("content, problem", [
    (b"rules:\n" + b"  - {id: x, enabled: false}\n" * 40000, "is larger than 1 MiB"),
    (b"rules: [\n", "audit-rules.yaml, line"),
    (b"rules:\n  - {id: \xff}\n", "not UTF-8 text"),
])
def test_a_file_that_cannot_be_read_is_an_error_naming_it(cli: CliRunner, home: Path, source: Path,
                                                          content: bytes, problem: str) -> None:
    write_config(home, "targets: {}\n")
    make_skill(source, "fetcher", body=SKILLS["fetcher"] + "\n")
    rules = home / ".config/skillshare/audit-rules.yaml"
    rules.write_bytes(content)
    result = cli("audit")
    assert result.code == 1 and problem in result.err
    assert f"~/{rules.relative_to(home)}" in result.err  # (text: ~-shortened)
    assert "Traceback" not in result.err


# -- for doctor -----------------------------------------------------------------------------


def test_user_rules_report(tmp_path: Path) -> None:
    config, project = tmp_path / "config", tmp_path / "project"
    user = write_user_rules(config)
    assert user_rules_report(config, project) == [
        f"{project / '.skillshare/audit-rules.yaml'}: not there",
        f"{user}: the original skillshare's format, 5 entries"]  # dangling-link: turned off
    user.write_text("rules: 3\n")
    assert user_rules_report(config, None) == [
        "error: audit rules: the file has problems",
        f"{user}: must be a mapping with a list of `rules`"]
