"""``--json`` carries the original's field names in the original's shapes (ints where it has
counts, lists of names where it has lists of names, maps where it has maps); ours follow, and
ours whose name it uses for another shape are under a new name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from skillshare import json_original
from tests.conftest import CliRunner, make_skill, write_config

DURATION = re.compile(r"^(0s|\d+ms|(\d+h)?(\d+m)?\d+(\.\d+)?s)$")


def has(doc: dict[str, Any], shape: Mapping[str, type]) -> None:
    for key, kind in shape.items():
        assert key in doc, f"{key} missing from {sorted(doc)}"
        assert isinstance(doc[key], kind), f"{key}: {doc[key]!r} is not {kind}"
        if kind is int:
            assert not isinstance(doc[key], bool), key


@pytest.fixture
def setup(home: Path) -> Path:
    source = home / ".config/skillshare/skills"
    for name in ("alpha", "beta"):
        make_skill(source, name)
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n"
                       "  cursor:\n    path: ~/.cursor/skills\n    mode: copy\n")
    return source


def run_json(cli: CliRunner, *argv: str) -> Any:
    run = cli(*argv, "--json")
    assert run.code == 0, run.err + run.out
    return run.json()


SYNC = {"targets": int, "linked": int, "local": int, "updated": int, "pruned": int,
        "ignored_count": int, "ignored_skills": list, "dry_run": bool, "duration": str,
        "details": list}
DETAIL = {"name": str, "mode": str, "linked": int, "local": int, "updated": int, "pruned": int}


def test_sync_has_the_originals_totals_and_details_and_ours_as_results(
        cli: CliRunner, setup: Path, home: Path) -> None:
    (setup / ".skillignore").write_text("beta\n")
    doc = run_json(cli, "sync")
    has(doc, SYNC)
    assert DURATION.match(doc["duration"])
    assert doc["targets"] == 2 and doc["linked"] == 2  # one link, one copy
    assert doc["ignored_skills"] == ["beta"] and doc["ignored_count"] == 1
    details = {d["name"]: d for d in doc["details"]}
    for detail in details.values():
        has(detail, DETAIL)
        assert "error" not in detail
    assert details["claude"]["linked"] == 1 and details["cursor"]["linked"] == 1
    has(doc["context_cost"], {"groups": list, "warnings": list})
    has(doc, {"results": list, "summary": dict, "kind": str})
    assert {t["name"] for t in doc["results"]} == {"claude", "cursor"}
    assert (home / ".claude/skills/alpha").is_symlink()
    again = run_json(cli, "sync", "--dry-run")
    assert again["dry_run"] is True
    assert (again["linked"], again["updated"], again["pruned"]) == (1, 0, 0)  # claude's link


def test_sync_details_name_every_target_sharing_a_folder(cli: CliRunner, home: Path) -> None:
    source = home / ".config/skillshare/skills"
    make_skill(source, "alpha")
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  one:\n    path: ~/shared/skills\n"
                       "  two:\n    path: ~/shared/skills\n")
    doc = run_json(cli, "sync")
    assert [d["name"] for d in doc["details"]] == ["one", "two"] and doc["targets"] == 2
    assert [d["linked"] for d in doc["details"]] == [1, 1]
    assert [(t["name"], t["also"]) for t in doc["results"]] == [("one", ["two"])]
    assert (home / "shared/skills/alpha").is_symlink()


def test_sync_context_cost_warnings_are_the_originals_one_per_target(
        cli: CliRunner, setup: Path, home: Path) -> None:
    config = home / ".config/skillshare/config.yaml"
    config.write_text(config.read_text() + "context_budget:\n  warn_always_loaded_tokens: 1\n")
    cost = run_json(cli, "sync")["context_cost"]
    assert {w["target"] for w in cost["warnings"]} == {"claude", "cursor"}
    for warning in cost["warnings"]:
        has(warning, {"type": str, "target": str, "actual": int, "budget": int,
                      "top_offenders": list})
        assert warning["type"] == "always_loaded" and warning["budget"] == 1
        assert {o["name"] for o in warning["top_offenders"]} == {"alpha", "beta"}
    assert [set(w["targets"]) for w in cost["budget_warnings"]] == [{"claude", "cursor"}]


def test_sync_all_has_the_originals_extras_list(cli: CliRunner, setup: Path,
                                                home: Path) -> None:
    made = cli("extras", "init", "rules", "--target", "~/.claude/rules")
    assert made.code == 0, made.err
    (home / ".config/skillshare/extras/rules/style.md").write_text("be brief\n")
    doc = run_json(cli, "sync", "--all")
    has(doc, SYNC)
    [extra] = doc["extras"]
    assert extra["name"] == "rules"
    [target] = extra["targets"]
    has(target, {"path": str, "mode": str, "synced": int, "skipped": int, "pruned": int})
    assert target["synced"] == 1
    has(doc, {"extras_sync": dict, "skills": dict, "kind": str})
    only = run_json(cli, "sync", "extras")
    has(only, {"extras": list, "duration": str})
    assert only["extras"][0]["targets"][0]["path"] == target["path"]


def test_uninstall_lists_names_and_keeps_ours_as_removed_items(cli: CliRunner,
                                                                setup: Path) -> None:
    doc = run_json(cli, "uninstall", "alpha", "--force")
    has(doc, {"removed": list, "failed": list, "skipped": int, "dry_run": bool,
              "duration": str})
    assert doc["removed"] == ["alpha"] and doc["failed"] == [] and doc["skipped"] == 0
    [item] = doc["removed_items"]
    assert item["name"] == "alpha" and item["kind"] == "skill" and item["trash"]
    assert not (setup / "alpha").exists()


def test_collect_lists_names_maps_failures_and_keeps_ours(cli: CliRunner, setup: Path,
                                                          home: Path) -> None:
    make_skill(home / ".claude/skills", "mine")
    make_skill(home / ".claude/skills", "alpha", body="edited in the target\n")
    doc = run_json(cli, "collect", "claude", "--dry-run")
    has(doc, {"pulled": list, "skipped": list, "failed": dict, "dry_run": bool,
              "duration": str})
    assert doc["pulled"] == ["mine"] and doc["skipped"] == ["alpha"] and doc["failed"] == {}
    assert [s["name"] for s in doc["skipped_items"]] == ["alpha"]
    assert doc["skipped_items"][0]["reason"]
    assert doc["failed_items"] == [] and doc["dry_run"] is True
    assert [c["name"] for c in doc["collected"]] == ["mine"]
    assert not (setup / "mine").exists()


def test_update_has_the_originals_counts(cli: CliRunner, setup: Path) -> None:
    doc = run_json(cli, "update", "--all")
    has(doc, {"updated": int, "skipped": int, "security_failed": int, "pruned": int,
              "dry_run": bool, "duration": str, "items": list})
    assert "missing_tracked_repos" not in doc


def test_update_items_are_the_originals_with_ours_as_state() -> None:
    result = {"dry_run": False, "threshold": "CRITICAL", "summary": {"failed": 1},
              "items": [{"name": "a", "status": "updated", "kind": "skill"},
                        {"name": "_team", "status": "blocked", "kind": "repo"},
                        {"name": "b", "status": "up to date", "kind": "skill"},
                        {"name": "_gone", "status": "missing", "kind": "repo"},
                        {"name": "c", "status": "error", "kind": "skill", "error": "boom"}]}
    doc = json_original.update(result)
    assert [(i["type"], i["status"], i["state"]) for i in doc["items"]] == [
        ("skill", "updated", "updated"), ("repo", "security_blocked", "blocked"),
        ("skill", "skipped", "up to date"), ("repo", "skipped", "missing"),
        ("skill", "failed", "error")]
    assert (doc["updated"], doc["skipped"], doc["security_failed"]) == (1, 2, 1)
    assert doc["items"][4]["error"] == "boom"
    assert doc["missing_tracked_repos"]["names"] == ["_gone"]
    assert doc["threshold"] == "CRITICAL" and doc["summary"] == {"failed": 1}


def test_extras_list_is_the_originals_array(cli: CliRunner, setup: Path, home: Path) -> None:
    assert cli("extras", "init", "rules", "--target", "~/.claude/rules").code == 0
    (home / ".config/skillshare/extras/rules/style.md").write_text("be brief\n")
    doc = run_json(cli, "extras", "list")
    assert isinstance(doc, list)
    [entry] = doc
    has(entry, {"name": str, "source_dir": str, "source_type": str, "file_count": int,
                "source_exists": bool, "targets": list})
    assert entry["file_count"] == 1 and entry["source_exists"] is True
    [target] = entry["targets"]
    has(target, {"path": str, "mode": str, "flatten": bool, "status": str})
    assert target["status"] == "not synced"
    has(entry, {"source": str, "files": int, "refused": list, "warnings": list})


def test_doctor_has_the_originals_checks_summary_and_version(cli: CliRunner,
                                                             setup: Path) -> None:
    run = cli("doctor", "--json")
    doc = run.json()
    has(doc, {"checks": list, "summary": dict, "version": dict})
    for check in doc["checks"]:
        has(check, {"name": str, "status": str, "message": str})
        if "hint" in check:
            assert check["suggestions"] == [check["hint"]]
    summary = doc["summary"]
    has(summary, {"total": int, "pass": int, "warnings": int, "errors": int, "info": int})
    assert summary["total"] == len(doc["checks"])
    assert summary["warnings"] == sum(c["status"] == "warning" for c in doc["checks"])
    has(doc["version"], {"current": str, "update_available": bool})
    assert doc["version"]["current"]


def test_diff_has_the_originals_items_and_ours_as_operation(cli: CliRunner,
                                                            setup: Path, home: Path) -> None:
    make_skill(home / ".claude/skills", "mine")
    doc = run_json(cli, "diff")
    has(doc, {"targets": list, "duration": str})
    assert DURATION.match(doc["duration"])
    targets = {t["name"]: t for t in doc["targets"]}
    for target in targets.values():
        has(target, {"name": str, "mode": str, "synced": bool, "items": list,
                     "include": list, "exclude": list})
        assert "error" not in target
    items = {i["name"]: i for i in targets["claude"]["items"]}
    for item in items.values():
        has(item, {"action": str, "name": str, "kind": str, "reason": str, "is_sync": bool})
    assert (items["alpha"]["action"], items["alpha"]["is_sync"]) == ("add", True)
    assert items["alpha"]["operation"] == "link"
    assert (items["mine"]["action"], items["mine"]["is_sync"]) == ("remove", False)
    assert targets["claude"]["synced"] is False


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (0.0004, "0s"), (0.012, "12ms"), (0.9999, "999ms"), (1, "1s"),
    (1.5, "1.5s"), (1.2345, "1.234s"), (62.004, "1m2.004s"), (3600, "1h0m0s")])
def test_durations_are_written_as_the_original_writes_them(seconds: float, text: str) -> None:
    assert json_original.go_duration(seconds) == text


def test_diff_gives_each_targets_filters(cli: CliRunner, home: Path) -> None:
    make_skill(home / ".config/skillshare/skills", "alpha")
    write_config(home, "source: ~/.config/skillshare/skills\ntargets:\n"
                       "  claude:\n    path: ~/.claude/skills\n    include: [al*]\n"
                       "    exclude: [zz*, yy*]\n"
                       "  cursor:\n    path: ~/.cursor/skills\n")
    targets = {t["name"]: t for t in run_json(cli, "diff")["targets"]}
    assert (targets["claude"]["include"], targets["claude"]["exclude"]) == (
        ["al*"], ["zz*", "yy*"])
    assert (targets["cursor"]["include"], targets["cursor"]["exclude"]) == ([], [])


@pytest.mark.parametrize("argv", [("uninstall", "alpha", "--force"),
                                  ("collect", "claude", "-n"), ("update", "--all", "-n")])
def test_commands_that_do_not_time_themselves_get_the_callers_duration(
        cli: CliRunner, setup: Path, argv: tuple[str, ...]) -> None:
    """The original's ``duration`` is how long the command took; where our result has no
    time of its own, the command line's measure of the call is given (never a made-up 0s)."""
    doc = run_json(cli, *argv)
    assert DURATION.match(doc["duration"]) and doc["duration"] != "0s", doc["duration"]
    assert isinstance(doc["duration_ms"], int) and doc["duration_ms"] >= 1
