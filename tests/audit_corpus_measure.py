"""The corpus figures of the README: for each threshold, the share of hostile skills with a
finding at or above it (recall; and of those using a CRITICAL technique), and the share of
benign skills with one (false positives). Run: ``python -m tests.audit_corpus_measure``."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from skillshared.audit.findings import Finding, blocking
from skillshared.audit.rules import load_rules
from skillshared.audit.scan import scan_tree
from tests.audit.test_audit import materialise
from tests.audit_corpus import BENIGN, MALICIOUS, Content

LEVELS = ("CRITICAL", "HIGH", "MEDIUM")


def scan(root: Path, kind: str, name: str, files: Mapping[str, Content]) -> list[Finding]:
    return scan_tree(str(materialise(root / kind, name, files)), load_rules())[0]


def main() -> None:
    critical = {r.id for r in load_rules() if r.severity == "CRITICAL"}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        hostile = {n: scan(root, "m", n, files) for n, (files, _) in MALICIOUS.items()}
        benign = {n: scan(root, "b", n, files) for n, files in BENIGN.items()}
    techniques = {n for n, (_, wanted) in MALICIOUS.items() if wanted & critical}
    print(f"{len(MALICIOUS)} hostile skills ({len(techniques)} using a CRITICAL technique), "
          f"{len(BENIGN)} benign\n")
    print("| threshold | recall (all hostile) | recall (CRITICAL techniques) | "
          "false positives (benign) |")
    print("|---|---|---|---|")
    for level in LEVELS:
        def hit(found: list[Finding], level: str = level) -> bool:
            return bool(blocking(found, level))
        caught = sum(hit(f) for f in hostile.values())
        caught_critical = sum(hit(hostile[n]) for n in techniques)
        false = sorted(n for n, f in benign.items() if hit(f))
        print(f"| {level} | {caught}/{len(hostile)} ({caught / len(hostile):.1%}) | "
              f"{caught_critical}/{len(techniques)} ({caught_critical / len(techniques):.1%}) | "
              f"{len(false)}/{len(benign)} ({len(false) / len(benign):.1%}) |")
    print()
    for level in LEVELS:
        false = sorted(n for n, f in benign.items() if blocking(f, level))
        print(f"benign reported at {level} or worse: {', '.join(false) or 'none'}")


if __name__ == "__main__":
    main()
