"""How long the audit takes: ``scan_tree`` over 1,000 generated skills (3,000 files), best of
five, and loading the built-in rules. Run: ``python bench/audit_speed.py``."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skillshared.audit.rules import load_rules
from skillshared.audit.scan import scan_tree

SKILL = """---
name: skill-{n}
description: formats and checks the code of project {n}
---
# Skill {n}

Run the tests first, then format the code. Use `git status` to see the changes and
`curl -s https://api.example.com/v1/items/{n}` to fetch the list. Never commit secrets.

```bash
npm test && npm run lint
```
"""
SCRIPT = """#!/bin/sh
set -eu
cd "$(dirname "$0")/.."
for file in src/*.py; do
  python3 -m black "$file"
done
echo "done {n}"
"""
NOTES = "# Notes\n\n" + "Some reference text about the project and its conventions.\n" * 40


def make(root: Path, count: int = 1000) -> None:
    for n in range(count):
        skill = root / f"skill-{n}"
        (skill / "scripts").mkdir(parents=True)
        (skill / "SKILL.md").write_text(SKILL.format(n=n))
        (skill / "scripts" / "fmt.sh").write_text(SCRIPT.format(n=n))
        (skill / "notes.md").write_text(NOTES)


def main() -> None:
    started = time.perf_counter()
    rules = load_rules()
    loading = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        make(Path(tmp))
        times = []
        for _ in range(5):
            started = time.perf_counter()
            findings, files = scan_tree(tmp, rules)
            times.append(time.perf_counter() - started)
    print(f"rules: {len(rules)}, loaded in {loading * 1000:.0f} ms")
    print(f"scan_tree: {files} files, {len(findings)} findings, best {min(times):.3f} s, "
          f"worst {max(times):.3f} s")


if __name__ == "__main__":
    main()
