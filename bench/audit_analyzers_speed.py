"""What the analyzers beyond the rules add to an audit: the walk of each of the 1,000
generated skills of ``bench/audit_speed.py`` (tier profile, dangling links, analyzability),
then the tier mixes and the risks across skills, best of five, beside the rule scan of the
same skills. Run: ``python bench/audit_analyzers_speed.py``."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from audit_speed import make

from skillshared.audit.crossskill import Capability, cross_skill_findings
from skillshared.audit.rules import load_rules
from skillshared.audit.scan import scan_tree
from skillshared.audit.skillwalk import walk_skill
from skillshared.audit.tiers import combination_findings


def _analyzers(folders: list[Path]) -> int:
    found = 0
    able = []
    for folder in folders:
        facts = walk_skill(str(folder))
        mixes = combination_findings(facts.profile)
        found += len(mixes) + len(facts.links)
        able.append(Capability.of(folder.name, facts.profile, mixes))
    return found + len(cross_skill_findings(able))


def _best(run: object, *args: object) -> float:
    times = []
    for _ in range(5):
        started = time.perf_counter()
        run(*args)  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    rules = load_rules()
    with tempfile.TemporaryDirectory() as tmp:
        make(Path(tmp))
        folders = sorted(Path(tmp).iterdir())
        scan = _best(lambda: [scan_tree(str(f), rules) for f in folders])
        extra = _best(_analyzers, folders)
        count = _analyzers(folders)
    print(f"{len(folders)} skills: rule scan best {scan:.3f} s; analyzers best {extra:.3f} s "
          f"(+{extra / scan:.0%}), {count} findings")


if __name__ == "__main__":
    main()
