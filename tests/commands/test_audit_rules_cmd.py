"""`audit rules`: the list and its filters, and the edits of the user's and the project's
rule files (the original's format written, every other line kept, bad ids refused)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skillshared.audit.original_ids import is_original
from skillshared.audit.rulefiles import load_rule_set
from skillshared.core import yamlio
from tests.conftest import CliRunner, make_skill

USER_FILE = ".config/skillshare/audit-rules.yaml"


@pytest.fixture
def rules_file(home: Path, configured: Path) -> Path:
    return home / USER_FILE


def _rows(cli: CliRunner, *args: str) -> dict[str, dict[str, Any]]:
    run = cli("audit", "rules", *args, "--json")
    assert run.code == 0, run.err
    return {row["id"]: row for row in run.json()["rules"]}


def _active(*paths: Path) -> dict[str, str]:
    return {r.id: r.severity for r in load_rule_set(paths).rules}


def test_the_list_has_every_rule_with_its_group_and_where_it_is_defined(
        cli: CliRunner, rules_file: Path) -> None:
    rows = _rows(cli)
    assert rows["sudo"]["defined"] == "built-in" and rows["sudo"]["enabled"] is True
    assert "destructive-commands-2" in rows["sudo"]["original_ids"]
    assert rows["curl-pipe-shell"]["pattern"] == "fetch-and-run"
    assert set(rows) == set(_active())
    assert rows["sudo"]["source"] == "builtin" and "sudo" in rows["sudo"]["regex"]
    groups = cli("audit", "rules", "--json").json()["patterns"]
    ranks = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
    assert [ranks.index(g["maxSeverity"]) for g in groups] == sorted(
        ranks.index(g["maxSeverity"]) for g in groups)
    assert sum(g["total"] for g in groups) == len(rows)


def test_the_filters_severity_pattern_and_disabled(cli: CliRunner, rules_file: Path) -> None:
    high = _rows(cli, "--severity", "high")
    assert high and all(r["severity"] in ("CRITICAL", "HIGH") for r in high.values())
    assert set(_rows(cli, "--pattern", "fetch-and-run")) >= {"curl-pipe-shell"}
    assert "curl-pipe-shell" in _rows(cli, "--pattern", "fetch-with-pipe")  # the original's
    assert _rows(cli, "--disabled") == {}
    assert cli("audit", "rules", "--severity", "loud").code == 2


def test_disable_writes_the_originals_format_and_the_scan_follows(
        cli: CliRunner, rules_file: Path) -> None:
    run = cli("audit", "rules", "disable", "sudo", "--json")
    assert run.code == 0, run.err
    assert run.json()["file_format"] == "original" and run.json()["changed"] is True
    doc = yamlio.load(rules_file.read_text(), "x")
    assert doc == {"rules": [{"id": "sudo", "enabled": False}]}
    assert "sudo" not in _active(rules_file)
    row = _rows(cli, "--disabled")["sudo"]
    assert row["enabled"] is False and row["changed_in"] == ["user"]
    again = cli("audit", "rules", "disable", "sudo", "--json").json()
    assert again["changed"] is False


KEPT = """\
# my team's rules: keep this comment
rules:
  # our own check
  - id: team-token
    severity: HIGH
    pattern: team
    message: "team token"
    regex: 'TEAM_[A-Z]{8}'   # keep this too

  - id: sudo
    enabled: false
"""


def test_a_bad_id_is_an_error_and_the_file_stays_byte_identical(
        cli: CliRunner, rules_file: Path) -> None:
    rules_file.write_text(KEPT)
    before = rules_file.read_bytes()
    for args in (("disable", "no-such-rule"), ("enable", "sudo", "nope"),
                 ("severity", "nope", "low"), ("severity", "sudo", "loud"),
                 ("disable", "zzz-*"), ("disable", "--pattern", "no-such-group"),
                 ("disable",), ("frobnicate",)):
        run = cli("audit", "rules", *args)
        assert run.code != 0, args
        assert rules_file.read_bytes() == before, args
    assert "no rule 'no-such-rule'" in cli("audit", "rules", "disable", "no-such-rule").err


def test_edits_keep_every_other_line(cli: CliRunner, rules_file: Path) -> None:
    rules_file.write_text(KEPT)
    assert cli("audit", "rules", "severity", "team-token", "low").code == 0
    assert cli("audit", "rules", "disable", "rm-rf-root").code == 0
    text = rules_file.read_text()
    assert "# my team's rules: keep this comment" in text and "# keep this too" in text
    assert "# our own check" in text and "severity: LOW" in text
    assert _active(rules_file)["team-token"] == "LOW"
    assert "rm-rf-root" not in _active(rules_file)


def test_enable_drops_only_the_entry_that_turned_the_rule_off(
        cli: CliRunner, rules_file: Path) -> None:
    rules_file.write_text(KEPT)
    assert cli("audit", "rules", "disable", "team-token").code == 0
    assert "team-token" not in _active(rules_file)
    row = _rows(cli, "--disabled")["team-token"]  # a rule of the file, turned off
    assert row["defined"] == "user" and row["severity"] == "HIGH"
    assert cli("audit", "rules", "enable", "team-token", "sudo").code == 0
    doc = yamlio.load(rules_file.read_text(), "x")
    assert [e["id"] for e in doc["rules"]] == ["team-token"]  # the sudo entry is gone
    assert doc["rules"][0]["regex"] == "TEAM_[A-Z]{8}"  # the original would drop the rule
    assert {"team-token", "sudo"} <= set(_active(rules_file))


def test_globs_and_the_originals_ids(cli: CliRunner, rules_file: Path) -> None:
    run = cli("audit", "rules", "disable", "destructive-commands-*", "--json")
    assert run.code == 0, run.err
    assert run.json()["ids"] == [f"destructive-commands-{i}" for i in range(5)]
    active = _active(rules_file)
    assert "rm-rf-root" not in active and "sudo" not in active
    severity = cli("audit", "rules", "severity", "fetch-with-pipe-0", "low", "--json").json()
    assert any("fetch-with-pipe-1" in n for n in severity["notes"])  # ours stands for both
    enabled = cli("audit", "rules", "enable", "destructive-commands-0", "--json").json()
    assert enabled["notes"] == []  # the warning about fetch-with-pipe-0 is not new


def test_a_group_of_the_originals_and_one_of_ours(cli: CliRunner, rules_file: Path) -> None:
    assert cli("audit", "rules", "disable", "--pattern", "fetch-with-pipe").code == 0
    doc = yamlio.load(rules_file.read_text(), "x")
    assert {"pattern": "fetch-with-pipe", "enabled": False} in doc["rules"]
    assert "curl-pipe-shell" not in _active(rules_file)
    assert cli("audit", "rules", "enable", "--pattern", "fetch-with-pipe").code == 0
    assert "curl-pipe-shell" in _active(rules_file)
    ours = [r for r, row in _rows(cli).items() if row["pattern"] == "destructive"]
    assert cli("audit", "rules", "severity", "--pattern", "destructive", "info").code == 0
    assert all(_active(rules_file)[r] == "INFO" for r in ours)


def test_project_rules_go_to_the_projects_file(cli: CliRunner, rules_file: Path,
                                               work: Path) -> None:
    assert cli("init", "-p").code == 0
    rules_file.write_text("rules:\n  - id: sudo\n    enabled: false\n")
    before = rules_file.read_bytes()
    assert cli("audit", "rules", "enable", "sudo", "-p").code == 0
    assert rules_file.read_bytes() == before
    project = work / ".skillshare/audit-rules.yaml"
    assert yamlio.load(project.read_text(), "x") == {"rules": [{"id": "sudo",
                                                               "enabled": True}]}
    assert "sudo" in _active(rules_file, project)
    row = _rows(cli, "-p")["sudo"]
    assert row["enabled"] is True and row["changed_in"] == ["user", "project"]
    assert row["source"] == "project" and _rows(cli, "-g")["sudo"]["source"] == "global"


OURS = """\
rules:
  - id: team-secret
    family: team
    severity: HIGH
    pattern: 'TEAM_SECRET'
    message: a team secret
"""


def test_a_file_of_our_format_is_edited_in_our_format(cli: CliRunner,
                                                      rules_file: Path) -> None:
    rules_file.write_text(OURS)
    assert cli("audit", "rules", "disable", "rm-rf-root").code == 0
    assert cli("audit", "rules", "severity", "sudo", "critical").code == 0
    doc = yamlio.load(rules_file.read_text(), "x")
    assert not is_original(doc)
    active = _active(rules_file)
    assert "rm-rf-root" not in active and active["sudo"] == "CRITICAL"
    assert active["team-secret"] == "HIGH"
    before = rules_file.read_bytes()
    run = cli("audit", "rules", "disable", "destructive-commands-0")
    assert run.code != 0 and "use ours (delete-home-in-code, rm-rf-root" in run.err
    assert rules_file.read_bytes() == before


def test_init_reset_and_format_json(cli: CliRunner, rules_file: Path) -> None:
    assert cli("audit", "rules", "init").code == 0
    before = rules_file.read_bytes()
    assert b"rules:" in before
    assert cli("audit", "rules", "init").code != 0  # never over an existing file
    run = cli("audit", "rules", "reset")
    assert run.code == 2 and "move it away yourself" in run.err
    assert rules_file.read_bytes() == before
    shown = cli("audit", "rules", "--format", "json", "--pattern", "privilege")
    assert shown.code == 0 and shown.json()["rules"][0]["id"] == "sudo"
    assert cli("audit", "rules", "--format", "sarif").code == 2
    assert cli("audit", "rules", "disable", "sudo").code == 0
    after = rules_file.read_text().splitlines()
    added = [line for line in after if line not in before.decode().splitlines()]
    assert added == ["  - id: sudo", "    enabled: false"]  # every starter line is kept
    assert len(after) == len(before.decode().splitlines()) + 2


def test_no_config_is_needed(cli: CliRunner, home: Path) -> None:
    assert not (home / ".config/skillshare/config.yaml").exists()
    assert cli("audit", "rules", "disable", "sudo").code == 0
    assert "sudo" not in _active(home / USER_FILE)


def test_the_text_view(cli: CliRunner, rules_file: Path, configured: Path) -> None:
    make_skill(configured, "helper", body="sudo apt-get install jq\n")
    run = cli("audit", "rules", "--pattern", "privilege")
    assert run.code == 0 and "sudo" in run.out and "built-in" in run.out
    run = cli("audit", "rules", "disable", "sudo")
    assert run.code == 0 and "disabled sudo" in run.out
    assert "the original's format" in run.out
