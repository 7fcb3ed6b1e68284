"""``delete one + sync`` against ``add one + sync``: what the automatic backup before a sync
that removes something costs (see ``backup_bench.py --sync``).

A world of N skills and M merge targets is built once under ``--worlds`` (kept for the next
run: the 10,000 x 20 one takes a minute or two), with one HOME (targets, backups) per code
timed: this checkout, and with ``--baseline CHECKOUT`` another one (an older commit, e.g.
from ``git worktree add``), sharing the source. Each run adds a skill to the source and times
a whole ``skillshare sync --no-daemon`` per HOME, then deletes it and times them again (the
sync removes its links: each target is backed up first). The HOMEs take turns going first.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from world import build_source, environment, write_config

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Code:
    label: str
    checkout: Path


@dataclass(frozen=True)
class SyncWorld:
    root: Path
    skills: int
    targets: int

    @property
    def source(self) -> Path:
        return self.root / "source"

    def home(self, code: Code) -> Path:
        return self.root / f"home-{code.label}"

    def env(self, code: Code) -> dict[str, str]:
        env = environment(self.home(code))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # (timed as a user runs it: with bytecode)
        env["PYTHONPATH"] = str(code.checkout)
        return env

    def run(self, code: Code, *args: str) -> float:
        """One whole ``skillshare`` process (run outside any checkout, so that
        ``PYTHONPATH`` chooses the code); its wall time."""
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "skillshare", *args], env=self.env(code),
                              cwd=self.root, capture_output=True, text=True, check=False)
        took = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"{code.label}: skillshare {' '.join(args)} failed:\n"
                             f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
        return took

    def build(self, codes: list[Code]) -> None:
        """The source (once) and each code's HOME (once): synced, then backed up, as on a
        machine in use."""
        if not (self.source / ".built").exists():
            shutil.rmtree(self.source, ignore_errors=True)
            build_source(self.source, self.skills)
            (self.source / ".built").write_text("")
        for code in codes:
            home = self.home(code)
            if (home / ".built").exists():
                continue
            shutil.rmtree(home, ignore_errors=True)
            targets = [home / f"targets/t{i:02d}/skills" for i in range(self.targets)]
            write_config(Path(self.env(code)["XDG_CONFIG_HOME"]) / "skillshare/config.yaml",
                         self.source, targets)
            self.run(code, "sync", "--no-daemon")
            self.run(code, "backup")
            (home / ".built").write_text("")

    def backups(self, code: Code) -> int:
        folder = self.home(code) / ".local/share/skillshare/backups"
        return sum(1 for n in os.listdir(folder) if not n.startswith(".")) \
            if folder.is_dir() else 0


def cycle(world: SyncWorld, codes: list[Code], runs: int) -> dict[tuple[str, str], list[float]]:
    """Each run: a skill added, each code's sync timed; deleted, each code's sync timed."""
    times: dict[tuple[str, str], list[float]] = {}
    for index in range(runs):
        order = codes if index % 2 == 0 else codes[::-1]
        folder = world.source / f"zz-bench-{os.getpid()}-{index}"
        folder.mkdir()
        (folder / "SKILL.md").write_text(f"---\nname: {folder.name}\ndescription: new\n---\n")
        for code in order:
            times.setdefault((code.label, "add"), []).append(world.run(code, "sync",
                                                                        "--no-daemon"))
        shutil.rmtree(folder)
        for code in order:
            times.setdefault((code.label, "delete"), []).append(world.run(code, "sync",
                                                                           "--no-daemon"))
    return times


def fmt(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:.0f} ms ({min(times) * 1000:.0f}–" \
           f"{max(times) * 1000:.0f})"


def measure(worlds: Path, sizes: list[tuple[int, int]], baseline: Path | None, runs: int
            ) -> list[str]:
    """The table (Markdown lines) of ``delete one + sync`` against ``add one + sync``."""
    codes = [Code("ours", PROJECT)]
    if baseline is not None:
        codes.append(Code("baseline", baseline.resolve()))
    rows = []
    for skills, targets in sizes:
        world = SyncWorld(worlds / f"sync-{skills}x{targets}", skills, targets)
        world.build(codes)
        times = cycle(world, codes, runs)
        for code in codes:
            add, delete = times[(code.label, "add")], times[(code.label, "delete")]
            ratio = statistics.median(delete) / statistics.median(add)
            rows.append(f"| {skills:,} × {targets} | {code.label} | {fmt(add)} | {fmt(delete)} "
                        f"| {ratio:.2f}× | {'met' if ratio <= 2 else 'not met'} |")
    return ["| skills × merge targets | code | add one + sync | delete one + sync "
            "| delete / add | ≤ 2× |", "|---|---|---|---|---|---|", *rows]
