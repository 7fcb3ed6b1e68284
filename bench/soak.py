"""Soak: a real daemon under random churn in the source and the targets, with the invariant
checker (I1-I5, see tests/invariants.py) run after every burst. Not part of the tests.

    python bench/soak.py [--minutes 10] [--skills 500] [--seed N]

Each cycle makes a burst of random changes for about two seconds (skills added, edited,
deleted and renamed; our links deleted in a target; entries of the user's planted in a
target, at free names and at skill names), waits for the daemon to be idle, then checks the
invariants (I1: every entry planted so far is exactly as it was made) and samples the
daemon's open files, threads, RSS and inotify watches. It prints
the figures and writes them to ``bench/results/soak.md``; it exits 1 if an invariant failed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import world
from world import Daemon, build_source, machine_line

from tests.invariants import Snapshot, fingerprint

ROOT = Path(__file__).resolve().parent


class Churn:
    def __init__(self, source: Path, targets: list[Path], rng: random.Random) -> None:
        self.source, self.targets, self.rng = source, targets, rng
        self.counter = 0
        self.actions: dict[str, int] = {}
        self.planted: dict[Path, tuple[object, ...]] = {}  # the user's entries, as made

    def skills(self) -> list[Path]:
        return [p for p in self.source.iterdir() if (p / "SKILL.md").is_file()]

    def one(self) -> None:
        kind = self.rng.choice(["add", "add", "edit", "delete", "rename", "unlink", "plant",
                                "plant_at_skill"])
        self.actions[kind] = self.actions.get(kind, 0) + 1
        self.counter += 1
        skills = self.skills()
        if kind == "add" or not skills:
            folder = self.source / f"churn-{self.counter:06d}"
            folder.mkdir()
            (folder / "SKILL.md").write_text(f"---\nname: churn-{self.counter}\n"
                                             "description: churn\n---\nbody\n")
        elif kind == "edit":
            skill = self.rng.choice(skills) / "SKILL.md"
            skill.write_text(skill.read_text() + f"\nedit {self.counter}\n")
        elif kind == "delete" and len(skills) > 50:
            shutil.rmtree(self.rng.choice(skills))
        elif kind == "rename":
            old = self.rng.choice(skills)
            old.rename(old.with_name(f"renamed-{self.counter:06d}"))
        elif kind == "unlink":
            target = self.rng.choice(self.targets)
            links = [p for p in target.iterdir() if p.is_symlink()] if target.is_dir() else []
            if links:
                self.rng.choice(links).unlink()
        elif kind == "plant":
            target = self.rng.choice(self.targets)
            if target.is_dir():
                path = target / f"user-{self.counter:06d}.txt"
                path.write_text("the user's own file\n")
                self.planted[path] = fingerprint(str(path))
        else:  # the user's real folder at the name of a skill that is about to be added
            name = f"churn-{self.counter + 1:06d}"
            target = self.rng.choice(self.targets)
            if target.is_dir() and not os.path.lexists(target / name):
                (target / name).mkdir()
                (target / name / "notes.md").write_text("mine\n")
                self.planted[target / name] = fingerprint(str(target / name))

    def damaged(self) -> list[str]:
        """I1 for the entries planted: each is still there, exactly as it was made."""
        return [f"I1: {path} changed or went away" for path, made in self.planted.items()
                if not os.path.lexists(path) or fingerprint(str(path)) != made]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--skills", type=int, default=500)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "soak.md")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    root = Path(tempfile.mkdtemp(prefix="ssd-soak-"))
    env = world.environment(root)
    os.environ.update(env)  # the invariant checker reads the config through the environment
    source = root / "home/.config/skillshare/skills"
    build_source(source, args.skills)
    targets = [root / "home/.claude/skills", root / "home/.cursor/skills"]
    config = root / "home/.config/skillshare/config.yaml"
    config.write_text(f"targets:\n  claude:\n    path: {targets[0]}\n"
                      f"  cursor:\n    path: {targets[1]}\n    mode: copy\n"
                      "daemon:\n  debounce_ms: 50\n")
    d = Daemon(env, lambda: all(t.is_dir() for t in targets))
    churn = Churn(source, targets, random.Random(seed))
    samples: list[tuple[int, int, float, int]] = []
    failures: list[str] = []
    cycles = 0
    deadline = time.monotonic() + args.minutes * 60
    try:
        while time.monotonic() < deadline:
            burst_end = time.monotonic() + 2
            while time.monotonic() < burst_end:
                churn.one()
                time.sleep(churn.rng.uniform(0, 0.02))
            d.settle()
            failures += [f"cycle {cycles}: {p}" for p in churn.damaged()]
            try:  # I2-I5 (and I1 for every other entry, over the second pass)
                Snapshot.take().check()
            except AssertionError as exc:
                failures.append(f"cycle {cycles}: {exc}")
            watches = d.status()["watch"]["inotify_watches"] or 0
            samples.append((d.open_files(), d.threads(), d.rss_mib(), watches))
            cycles += 1
    finally:
        d.stop()
        shutil.rmtree(root, ignore_errors=True)
    first, last = samples[0], samples[-1]
    peak = [max(s[i] for s in samples) for i in range(4)]
    lines = ["# bench/soak.py", "", machine_line(),
             f"- {args.minutes:g} min, {args.skills:,} skills to start with, 2 targets (merge, "
             f"copy), seed {seed}", "",
             "| measure | result |", "|---|---|",
             f"| cycles (a 2 s burst of changes, settle, invariants I1-I5) | {cycles} |",
             f"| changes made | {churn.counter:,} ("
             + ", ".join(f"{k} {v}" for k, v in sorted(churn.actions.items())) + ") |",
             f"| invariant failures | {len(failures)} |",
             f"| open files: first, last, peak | {first[0]}, {last[0]}, {peak[0]} |",
             f"| threads: first, last, peak | {first[1]}, {last[1]}, {peak[1]} |",
             f"| RSS MiB: first, last, peak | {first[2]:.1f}, {last[2]:.1f}, {peak[2]:.1f} |",
             f"| inotify watches: first, last, peak | {first[3]:,}, {last[3]:,}, "
             f"{peak[3]:,} |"]
    lines += [f"- {f}" for f in failures[:10]]
    world.publish(lines, args.out)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
