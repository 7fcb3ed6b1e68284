"""Command tiers (README "The audit": analyzers beyond the rules): each shell command of a
skill's scripts, and of the shell blocks of its documents, counted by tier; the findings of
risky mixes, each with an example it must report and a near miss it must not; and no benign
skill of the corpus gets a tier finding at HIGH or worse."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillshared.audit.context import CUE
from skillshared.audit.skillwalk import walk_skill
from skillshared.audit.tiers import (
    DESTRUCTIVE,
    INTERPRETER,
    LABELS,
    MUTATING,
    NETWORK,
    PRIVILEGE,
    READ_ONLY,
    STEALTH,
    ProfileBuilder,
    TierProfile,
    classify,
    combination_findings,
    is_shell_script,
    line_tiers,
    markdown_lines,
    script_lines,
)
from tests.audit.test_audit import materialise
from tests.audit_corpus import BENIGN


def _profile(lines: list[str], document: bool = False) -> TierProfile:
    built = ProfileBuilder()
    numbered = markdown_lines(lines, CUE) if document else script_lines(lines)
    for number, line in numbered:
        built.line(line, "f", number)
    return built.profile()


def _counts(**tiers: int) -> TierProfile:
    counts = [0] * 7
    for label, n in tiers.items():
        counts[LABELS.index(label.replace("_", "-"))] = n
    return TierProfile(tuple(counts))


@pytest.mark.parametrize("line, tiers", [
    ("cat a | grep b", [READ_ONLY, READ_ONLY]),
    ("/usr/bin/curl -s https://x.example/a", [NETWORK]),
    ("python3.11 tool.py", [INTERPRETER]),
    ("FOO=1 env -i LANG=C node x.js", [INTERPRETER]),
    ("if curl -s u; then rm -rf ~/x; fi", [NETWORK, DESTRUCTIVE]),
    ("x=$(wget -qO- u) && sudo systemctl restart a", [NETWORK, PRIVILEGE]),
    ("rm -rf ./build dist/", [MUTATING]),  # cleaning up its own work tree
    ('rm -rf "$TMPDIR/x" /tmp/y', [MUTATING]),
    ('rm -rf "$HOME/.config/x"', [DESTRUCTIVE]),
    ("rm -rf ${TARGET:?}/*", [DESTRUCTIVE]),  # a path in a variable: not known to be safe
    ("curl http://localhost:8080/health", []),  # this machine only
    ("echo done # rm -rf /", [READ_ONLY]),
    ("shred -u secrets.txt", [STEALTH]),
])
def test_the_commands_of_a_line(line: str, tiers: list[int]) -> None:
    assert line_tiers(line) == tiers


def test_names_paths_and_version_suffixes() -> None:
    assert classify("/bin/rm") == DESTRUCTIVE and classify("pip3") == MUTATING
    assert classify("python3.12") == INTERPRETER and classify("mycurl") is None


def test_scripts_skip_here_documents_and_join_continuations() -> None:
    lines = ["cat <<'EOF'", "rm -rf /", "EOF", "curl -s \\", "  https://x.example", "history -c"]
    p = _profile(lines)
    assert p.counts[DESTRUCTIVE] == 0 and p.counts[NETWORK] == 1 and p.counts[STEALTH] == 1
    first = p.first[NETWORK]
    assert first is not None and first.line == 4
    assert p.describe() == "read-only:1 network:1 stealth:1" and p.to_dict()["total"] == 3


def test_documents_count_shell_blocks_only_and_not_those_warned_against() -> None:
    doc = ["# Setup", "Run curl and rm here in prose.", "```bash", "curl -sO https://x.example/a",
           "```", "```python", "import os", "```", "## Don't", "```", "history -c",
           "rm -rf ~/", "```", "## Do", "```sh", "ls"]  # the last block is never closed
    p = _profile(doc, document=True)
    assert p.describe() == "read-only:1 network:1"
    first = p.first[NETWORK]
    assert first is not None and first.line == 4


def test_shell_scripts_by_name_or_first_line() -> None:
    assert is_shell_script("scripts/a.sh", "") and is_shell_script("run", "#!/usr/bin/env bash\n")
    assert is_shell_script("x", "#!/bin/sh\n") and not is_shell_script("a.py", "#!/usr/bin/python")


def _ids(p: TierProfile, stealth_reported: bool = False) -> set[str]:
    return {f.rule for f in combination_findings(p, stealth_reported)}


def test_each_mix_and_its_near_miss() -> None:
    assert _ids(_counts(destructive=1, network=1)) == {"tier-destructive-network"}
    assert _ids(_counts(destructive=3, mutating=4)) == set()
    assert _ids(_counts(stealth=1)) == {"tier-stealth"}
    assert _ids(_counts(stealth=1), stealth_reported=True) == set()  # already reported
    assert _ids(_counts(network=6)) == {"tier-network-heavy"}
    assert _ids(_counts(network=5)) == set()
    assert _ids(_counts(interpreter=1)) == {"tier-interpreter"}
    assert _ids(_counts(interpreter=1, network=1)) == {"tier-interpreter",
                                                        "tier-interpreter-network"}
    assert _ids(_counts(read_only=9, privilege=2)) == set()
    severities = {f.rule: f.severity for f in combination_findings(
        _counts(stealth=1, destructive=1, network=6, interpreter=1))}
    assert severities == {"tier-stealth": "CRITICAL", "tier-destructive-network": "HIGH",
                          "tier-network-heavy": "MEDIUM", "tier-interpreter": "INFO",
                          "tier-interpreter-network": "MEDIUM"}


def test_a_finding_points_at_the_first_command(tmp_path: Path) -> None:
    folder = materialise(tmp_path, "s", {"scripts/up.sh": "#!/bin/sh\nls\ncurl -T x u\n"
                                                         "rm -rf /srv/data\n"})
    found = combination_findings(walk_skill(str(folder)).profile)
    assert [(f.rule, f.path, f.line) for f in found] == [
        ("tier-destructive-network", "scripts/up.sh", 4)]
    assert "scripts/up.sh:3" in found[0].message and found[0].family == "tier"


def test_no_benign_skill_of_the_corpus_gets_a_tier_finding_at_high(tmp_path: Path) -> None:
    worst = {}
    for name, files in BENIGN.items():
        folder = materialise(tmp_path, name, files)
        for f in combination_findings(walk_skill(str(folder), links=False).profile):
            worst[(name, f.rule)] = f.severity
    assert not {k for k, severity in worst.items() if severity in ("CRITICAL", "HIGH")}


@pytest.mark.parametrize("script", [
    # download, unpack, clean up its own temporary folder
    'tmp=$(mktemp -d)\ncurl -fsSL https://example.com/t.tgz -o "$tmp/t.tgz"\n'
    'tar -xzf "$tmp/t.tgz" -C "$tmp"\nrm -rf "$tmp"\n',
    # a test against a server of its own on this machine, stopped at the end
    './server & pid=$!\ncurl -s http://127.0.0.1:8000/health\nkill "$pid"\n',
    # fetch, then remove the build folder
    'git pull\ncurl -sO https://example.com/data.csv\nrm -rf build/ ./dist\n',
])
def test_common_scripts_are_no_destructive_network_mix(script: str) -> None:
    p = _profile(script.splitlines())
    assert "tier-destructive-network" not in _ids(p), p.describe()
