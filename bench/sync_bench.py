"""Sync benchmarks: first distribution, and the no-change re-sync against its floor.

    python bench/sync_bench.py [--quick] [--runs N]

Scenarios (each run several times; medians with min-max are printed as a Markdown table):

- first sync of 1,000 skills into 5 empty merge targets (in-process, and the whole process);
- the no-change re-sync of 10,000 skills x 20 targets, against the floor: a bare
  ``os.lstat`` + ``os.readlink`` loop over the same 200,000 target entries, in this process.

System calls of the whole process are counted with ``strace -f -c`` when strace is installed.
``--quick`` uses 1,000 skills x 5 targets for the re-sync instead.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world import build_source, environment, fmt, machine_line, publish, timed, write_config

from skillshared import api
from skillshared.core.paths import Paths


def syscalls(argv: list[str], env: dict[str, str]) -> int | None:
    if shutil.which("strace") is None:
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-c", "-o", out.name, *argv], env=env,
                       capture_output=True, check=False)
        text = out.read()
    match = re.search(r"^\s*100\.00\s+\S+\s+\S+\s+(\d+)", text, re.MULTILINE)
    if match is None:
        match = re.search(r"(\d+)\s+(?:\d+\s+)?total", text)
    return int(match.group(1)) if match else None


def link_floor(world: World) -> None:
    """The floor of a first sync: a bare os.symlink loop creating the same links."""
    links = [(str(world.source / rel), str(target / rel.replace("/", "__")))
             for rel in world.rels for target in world.targets]
    for target in world.targets:
        target.mkdir(parents=True)
    for text, path in links:
        os.symlink(text, path)


def floor_loop(targets: list[Path]) -> int:
    count = 0
    for target in targets:
        for name in os.listdir(target):
            path = os.path.join(target, name)
            os.lstat(path)
            os.readlink(path)
            count += 1
    return count


class World:
    def __init__(self, root: Path, skills: int, targets: int) -> None:
        self.root = root
        self.env = environment(root)
        self.source = root / "source"
        self.rels = build_source(self.source, skills)
        self.targets = [root / f"targets/t{i:02d}/skills" for i in range(targets)]
        write_config(root / "home/.config/skillshare/config.yaml", self.source, self.targets)
        self.paths = Paths.from_env(self.env, cwd=root)

    def sync(self) -> dict[str, object]:
        return api.run("sync", {"cwd": str(self.root)}, self.paths)

    def clear_targets(self) -> None:
        shutil.rmtree(self.root / "targets", ignore_errors=True)
        shutil.rmtree(self.root / "home/.local", ignore_errors=True)

    def process(self, *argv: str) -> list[str]:
        return [sys.executable, "-m", "skillshare", *argv]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                        "sync_bench.md", help="also write the results here")
    ns = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="skillshare-bench-") as tmp:
        first = World(Path(tmp) / "first", 1000, 5)
        link_base, in_process, whole = timed(
            [lambda: link_floor(first), first.sync,
             lambda: subprocess.run(first.process("sync"), env=first.env, check=True,
                                    capture_output=True)],
            ns.runs, first.clear_targets)
        base = statistics.median(link_base)
        rows.append(("floor: os.symlink of the same 5,000 links", fmt(link_base), "1.0×"))
        rows.append(("first sync, 1,000 skills × 5 targets (in-process)", fmt(in_process),
                     f"{statistics.median(in_process) / base:.2f}×"))
        rows.append(("first sync, 1,000 skills × 5 targets (whole process)", fmt(whole),
                     f"{statistics.median(whole) / base:.2f}×"))
        first.clear_targets()
        calls = syscalls(first.process("sync"), first.env)
        skills, targets = (1000, 5) if ns.quick else (10000, 20)
        world = World(Path(tmp) / "resync", skills, targets)
        world.sync()
        label = f"{skills:,} skills × {targets} targets"
        floor, resync, resync_whole = timed(
            [lambda: floor_loop(world.targets), world.sync,
             lambda: subprocess.run(world.process("sync"), env=world.env, check=True,
                                    capture_output=True)], ns.runs)
        ratio = statistics.median(resync) / statistics.median(floor)
        entries = skills * targets
        rows.append((f"floor: lstat + readlink of {entries:,} entries", fmt(floor), "1.0×"))
        rows.append((f"no-change re-sync, {label} (in-process)", fmt(resync), f"{ratio:.2f}×"))
        whole_ratio = statistics.median(resync_whole) / statistics.median(floor)
        rows.append((f"no-change re-sync, {label} (whole process)", fmt(resync_whole),
                     f"{whole_ratio:.2f}×"))
        resync_calls = syscalls(world.process("sync"), world.env)
        floor_calls = syscalls([sys.executable, "-c", "import os,sys\n"
                                "for t in sys.argv[1:]:\n"
                                " for n in os.listdir(t):\n"
                                "  p=os.path.join(t,n); os.lstat(p); os.readlink(p)",
                                *map(str, world.targets)], world.env)
        start_calls = syscalls([sys.executable, "-c", "pass"], world.env)
    lines = [
        machine_line(),
        f"- Runs per scenario: {ns.runs} (median, min–max)", "",
        "| scenario | time | vs floor |", "|---|---|---|",
        *(f"| {a} | {b} | {c} |" for a, b, c in rows),
    ]
    if calls is not None:
        lines += ["", "System calls of the whole process (strace -f -c):",
                  f"- `python -c pass`: {start_calls}",
                  f"- first sync, 1,000 × 5: {calls}",
                  f"- no-change re-sync, {label}: {resync_calls}",
                  f"- floor loop (a Python process), same entries: {floor_calls}"]
    publish(lines, ns.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
