"""How many threads should create a first distribution's links? (Issue: faster than the
original, goal 3: "measure 2, 4, 8, 16 workers in one run and choose from the data".)

    python bench/link_workers.py [--skills N] [--targets M] [--runs R]

Creates N links in each of M empty folders (as a first merge sync does: one ``symlink()`` per
skill and target), with 1, 2, 4, 8 and 16 threads, interleaved, on the disk of the bench's
temporary folder. Two ways of sharing the work are measured: a thread per folder (what the
engine does: ``skillshared/engine/reconcile.py`` changes targets at once, a thread each up
to the core count) and the links of every folder dealt out to all the threads (what more
workers than targets would need).
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world import machine_line, publish, timed

WORKERS = (1, 2, 4, 8, 16)


def _make(paths: list[str]) -> None:
    for path in paths:
        os.symlink("../source/skill", path)


def _run(jobs: list[list[str]], workers: int) -> None:
    if workers == 1:
        for job in jobs:
            _make(job)
        return
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(_make, jobs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skills", type=int, default=1000)
    parser.add_argument("--targets", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                        "link_workers.md")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="link-workers-"))
    folders = [root / f"t{i}" for i in range(args.targets)]
    names = [f"skill-{i:05d}" for i in range(args.skills)]

    def reset() -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()

    def per_folder(workers: int) -> None:
        _run([[str(f / n) for n in names] for f in folders], min(workers, len(folders)))

    def dealt(workers: int) -> None:
        every = [str(f / n) for f in folders for n in names]
        _run([every[i::workers] for i in range(workers)], workers)

    fns: list[Callable[[], object]] = [
        *(functools.partial(per_folder, w) for w in WORKERS),
        *(functools.partial(dealt, w) for w in WORKERS)]
    try:
        times = timed(fns, args.runs, reset)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    base = statistics.median(times[0])
    lines = ["# bench/link_workers.py", "", machine_line(),
             f"- {args.skills:,} links in each of {args.targets} empty folders; {args.runs} "
             "runs, interleaved; median (min–max) in ms; ratio against one thread", "",
             "| threads | a thread per folder | ratio | links dealt to every thread | ratio |",
             "|---|---|---|---|---|"]
    for i, workers in enumerate(WORKERS):
        folder, dealt_times = times[i], times[len(WORKERS) + i]
        shown = min(workers, args.targets)
        lines.append(f"| {workers} | {_fmt(folder)}{'' if shown == workers else f' ({shown})'}"
                     f" | {statistics.median(folder) / base:.2f}× | {_fmt(dealt_times)} | "
                     f"{statistics.median(dealt_times) / base:.2f}× |")
    publish(lines, args.out)
    return 0


def _fmt(times: list[float]) -> str:
    return (f"{statistics.median(times) * 1000:.0f} ({min(times) * 1000:.0f}–"
            f"{max(times) * 1000:.0f})")


if __name__ == "__main__":
    raise SystemExit(main())
