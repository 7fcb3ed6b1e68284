"""Synthetic worlds for benchmarks: N skills (realistic SKILL.md files plus a few extra files,
nested folders and a tracked-repo folder among them) and M merge-mode targets."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

BODY = """
# {title}

Use this skill when the user asks about {title}. Follow the steps below and keep the answer
short. Prefer the project's own conventions; read `references/guide.md` for details.

## Steps

1. Read the relevant files first.
2. Make the smallest change that solves the problem.
3. Run the checks in `scripts/check.sh` and report what they printed.
"""


def skill_rel(index: int) -> str:
    """Most skills at the top, every 10th in a group folder, every 25th in a tracked repo."""
    if index % 25 == 0:
        return f"_team-skills/area{index % 7}/skill-{index:05d}"
    if index % 10 == 0:
        return f"group{index % 13}/skill-{index:05d}"
    return f"skill-{index:05d}"


def build_source(source: Path, count: int) -> list[str]:
    rels = [skill_rel(i) for i in range(count)]
    for rel in rels:
        folder = source / rel
        (folder / "references").mkdir(parents=True, exist_ok=True)
        (folder / "scripts").mkdir(exist_ok=True)
        name = rel.rsplit("/", 1)[-1]
        (folder / "SKILL.md").write_text(
            f"---\nname: {name}\ndescription: Helps with {name} tasks in this code base\n---\n"
            + BODY.format(title=name))
        (folder / "references/guide.md").write_text(f"# Guide for {name}\n" + "text " * 200)
        (folder / "scripts/check.sh").write_text("#!/bin/sh\necho ok\n")
    if count >= 25:
        (source / "_team-skills/.git").mkdir(exist_ok=True)
    return rels


def write_config(config_file: Path, source: Path, targets: list[Path], mode: str = "merge"
                 ) -> None:
    lines = [f"source: {source}", f"mode: {mode}", "targets:"]
    lines += [f"  t{index:02d}:\n    path: {path}" for index, path in enumerate(targets)]
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text("\n".join(lines) + "\n")


def environment(root: Path) -> dict[str, str]:
    """An isolated environment (HOME, XDG folders) inside ``root``."""
    env = dict(os.environ)
    env.update(HOME=str(root / "home"), XDG_CONFIG_HOME=str(root / "home/.config"),
               XDG_DATA_HOME=str(root / "home/.local/share"),
               XDG_STATE_HOME=str(root / "home/.local/state"),
               XDG_RUNTIME_DIR=str(root / "run"))
    return env


def machine_line() -> str:
    return (f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}; "
            f"{time.strftime('%Y-%m-%d')}")


def publish(lines: list[str], out: Path) -> None:
    """Print a result table and write it to ``out`` (under bench/results/)."""
    text = "\n".join(lines)
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")


def timed(fns: list[Callable[[], object]], runs: int,
          reset: Callable[[], object] | None = None) -> list[list[float]]:
    """Time each of ``fns`` ``runs`` times, interleaved (so that drift in a noisy machine
    affects them alike)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, bucket in zip(fns, times, strict=True):
            if reset is not None:
                reset()
            start = time.perf_counter()
            fn()
            bucket.append(time.perf_counter() - start)
    return times


def fmt(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.0f} ms ({min(times) * 1000:.0f}–" \
           f"{max(times) * 1000:.0f})"
