"""``skillshare-precommit [-T LEVEL] FILE...`` (also ``python -m skillshare.precommit``): the
pre-commit hook ``skillshare-audit`` (``.pre-commit-hooks.yaml``). Each file a commit
changes is mapped to the skill it belongs to (the nearest folder above it, up to the working
folder, that holds a ``SKILL.md``); each of those skills is scanned whole with the audit
rules; the exit status is 1 when a finding is at or above the threshold, 0 otherwise (2: bad
arguments or rule files).

The rules: the built-in ones, then the user's ``audit-rules.yaml`` and the repository's
``.skillshare/audit-rules.yaml`` when they are there (either format). The threshold: ``-T``,
else ``audit.block_threshold`` of the repository's ``.skillshare/config.yaml``, else
CRITICAL. No config, daemon or network is needed: a team's skill repository can be gated
in CI as it is."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from skillshared.audit.findings import blocking, describe, summary, threshold
from skillshared.audit.rulefiles import load_rule_set
from skillshared.audit.rules import RULES_FILE
from skillshared.audit.scan import scan_tree
from skillshared.core import yamlio
from skillshared.core.config import Config
from skillshared.core.errors import SkillshareError
from skillshared.core.paths import Paths

MARKER = "SKILL.md"


def skill_of(path: Path, root: Path) -> Path | None:
    """The skill folder ``path`` (a file, there or not) belongs to, below ``root``."""
    folder = path if path.is_dir() else path.parent
    while folder == root or root in folder.parents:
        if (folder / MARKER).is_file():
            return folder
        if folder == root:
            return None
        folder = folder.parent
    return None


def skills_of(files: Sequence[str], root: Path) -> list[Path]:
    """The skill folders the files belong to (each once, in order)."""
    found: dict[Path, None] = {}
    for name in files:
        path = Path(os.path.abspath(os.path.join(root, name)))
        skill = skill_of(path, root)
        if skill is not None:
            found.setdefault(skill)
    return list(found)


def _level(raw: str | None, root: Path) -> str:
    default = Config.__dataclass_fields__["audit_threshold"].default
    config = root / ".skillshare" / "config.yaml"
    if raw is None and config.is_file():
        doc = yamlio.load(config.read_text("utf-8"), str(config))
        audit = doc.get("audit") if isinstance(doc, dict) else None
        raw = audit.get("block_threshold") if isinstance(audit, dict) else None
    return threshold(raw if isinstance(raw, str) else None, str(default))


def _rule_files(root: Path) -> list[Path]:
    user = Paths.from_env().global_scope().config_file.parent / RULES_FILE
    return [user, root / ".skillshare" / RULES_FILE]


def run(files: Sequence[str], raw_level: str | None, root: Path) -> int:
    level = _level(raw_level, root)
    loaded = load_rule_set(_rule_files(root))
    for warning in loaded.warnings:
        print(f"warning: audit rules: {warning}", file=sys.stderr)
    skills = skills_of(files, root)
    failed = 0
    for skill in skills:
        inner = {str(s) for s in skills if skill in s.parents}
        findings, _ = scan_tree(str(skill), loaded.rules, skip=inner)
        above = blocking(findings, level)
        failed += bool(above)
        rel = os.path.relpath(skill, root)
        mark = "BLOCKED" if above else ("findings" if findings else "ok")
        print(f"{rel}: {mark} ({summary(findings)})")
        for finding in findings:
            print(f"    {describe(finding)}")
    changed = f"{len(skills)} skill{'' if len(skills) == 1 else 's'} changed"
    print(f"skillshare audit: {changed}, {failed} with findings at or above {level}")
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="skillshare-precommit",
        description="audit the skills the given files belong to (a pre-commit hook)")
    parser.add_argument("files", nargs="*", metavar="FILE")
    parser.add_argument("-T", "--threshold", metavar="LEVEL",
                        help="block at this severity or worse (default: the repository's "
                             "audit.block_threshold, else critical)")
    args = parser.parse_args(argv)
    try:
        return run(args.files, args.threshold, Path.cwd().resolve())
    except (SkillshareError, yamlio.YamlError, OSError) as exc:
        message = exc.message if isinstance(exc, SkillshareError) else str(exc)
        print(f"error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
