"""Backup and restore benchmarks.

    python bench/backup_bench.py [--quick] [--runs N] [--sync] [--baseline CHECKOUT]

Scenarios (each run several times; medians with min-max, as a Markdown table):

- the first backup of 1,000 skills x 5 merge targets (each target also holds 20 skills of
  its own, as real folders): time, and bytes written (``wchar`` of /proc/self/io: every byte
  this process handed to write());
- the same targets backed up again, unchanged: as ``skillshare backup`` does it (each target
  is found unchanged; nothing is written), and forced to write a new backup anyway (the
  manifests only: every file and every piece of a manifest is in the store already);
- a backup after one skill was edited;
- restore of a 1,000-skill copy-mode target, against ``cp -a`` of the same folder in the same
  run;
- disk space (``du``, blocks, hard links once) of the backups folder: the copy-mode target's
  first backup, and what each later backup adds after one file of one of its skills changed.

``--quick`` uses 200 skills.

- ``delete one + sync`` against ``add one + sync`` (whole processes; ``backup_sync.py``), at
  1,000 skills x 5 merge targets and 10,000 x 20 (``--sync-sizes``), in worlds built once
  under ``--worlds`` and reused; ``--baseline CHECKOUT`` times another checkout of the code
  in the same runs. ``--sync`` runs this scenario only (the other tables in ``--out`` are
  kept).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from backup_sync import measure as measure_sync
from world import build_source, environment, fmt, machine_line, publish, timed

from skillshared import api
from skillshared.core import config, config_file
from skillshared.core.paths import Paths
from skillshared.store import backup_write


def written_bytes() -> int:
    try:
        with open("/proc/self/io", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("wchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(fn: Callable[[], object], runs: int, reset: Callable[[], object] | None = None
            ) -> tuple[list[float], list[int]]:
    times, sizes = [], []
    for _ in range(runs):
        if reset is not None:
            reset()
        before = written_bytes()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        sizes.append(written_bytes() - before)
    return times, sizes


def du(folder: Path) -> int:
    """Disk space under ``folder`` as ``du -s`` counts it."""
    out = subprocess.run(["du", "-s", "--block-size=1", str(folder)], capture_output=True,
                         text=True, check=True).stdout
    return int(out.split()[0])


def mib(sizes: list[int]) -> str:
    value = statistics.median(sizes)
    return f"{value / 2**20:.2f} MiB" if value >= 2**20 else f"{value / 1024:.1f} KiB"


class World:
    def __init__(self, root: Path, skills: int, targets: int, local: int) -> None:
        self.root = root
        self.env = environment(root)
        self.source = root / "source"
        self.rels = build_source(self.source, skills)
        self.targets = [root / f"targets/t{i:02d}/skills" for i in range(targets)]
        lines = [f"source: {self.source}", "targets:"]
        lines += [f"  t{i:02d}:\n    path: {p}" for i, p in enumerate(self.targets)]
        lines += [f"  copy:\n    path: {root / 'targets/copy/skills'}\n    mode: copy"]
        config_path = root / "home/.config/skillshare/config.yaml"
        config_path.parent.mkdir(parents=True)
        config_path.write_text("\n".join(lines) + "\n")
        self.paths = Paths.from_env(self.env, cwd=root)
        self.config = config_file.load(self.paths.global_scope())
        api.run("sync", {"cwd": str(root)}, self.paths)
        for target in self.targets:
            build_source(target / ".local-skills", local)
            for folder in (target / ".local-skills").iterdir():
                folder.rename(target / f"local-{folder.name}")
            (target / ".local-skills").rmdir()
        self.backups = self.paths.global_scope().backups_dir
        self.clock = time.time()

    def merge_targets(self) -> list[config.TargetConfig]:
        return [t for t in self.config.targets if t.mode == "merge"]

    def backup(self, always: bool = False) -> backup_write.Written:
        self.clock += 2  # each backup its own name, as if taken a little later
        result = backup_write.write(self.config, self.merge_targets(), always=always,
                                 now=self.clock)
        assert result.error is None, result.error
        return result

    def drop_backups(self) -> None:
        shutil.rmtree(self.backups, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                        "backup_bench.md", help="also write the results here")
    parser.add_argument("--sync", action="store_true",
                        help="only delete one + sync against add one + sync")
    parser.add_argument("--sync-sizes", default="1000x5,10000x20",
                        help="skills x merge targets of the sync worlds (comma-separated)")
    parser.add_argument("--worlds", type=Path, default=Path(tempfile.gettempdir()) /
                        "skillshare-bench-worlds", help="where the sync worlds are kept")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="a checkout of older code, timed in the same runs")
    ns = parser.parse_args()
    sizes = [(int(a), int(b)) for a, b in (s.split("x") for s in ns.sync_sizes.split(","))]
    sync_lines = [SYNC_TITLE, "", f"- Runs: {ns.runs} (median, min–max); whole processes",
                  "", *measure_sync(ns.worlds, sizes, ns.baseline, ns.runs)]
    if ns.sync:
        publish(_replace_section(ns.out, sync_lines), ns.out)
        return 0
    skills = 200 if ns.quick else 1000
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="skillshare-bench-") as tmp:
        world = World(Path(tmp) / "w", skills, 5, 20)
        label = f"{skills:,} skills × 5 merge targets"
        first_t, first_b = measure(world.backup, ns.runs, world.drop_backups)
        base = statistics.median(first_b)
        rows.append((f"first backup, {label}", fmt(first_t), mib(first_b), "100%"))

        def share(sizes: list[int]) -> str:
            return f"{statistics.median(sizes) * 100 / base:.2f}%"

        world.backup()
        again_t, again_b = measure(world.backup, ns.runs)
        rows.append(("again, unchanged (`skillshare backup`: found unchanged)", fmt(again_t),
                     mib(again_b), share(again_b)))
        forced_t, forced_b = measure(lambda: world.backup(always=True), ns.runs)
        rows.append(("again, unchanged, forced to write a new backup", fmt(forced_t),
                     mib(forced_b), share(forced_b)))
        skill_file = world.source / world.rels[1] / "SKILL.md"
        counter = [0]

        def edit() -> None:
            counter[0] += 1
            skill_file.write_text(skill_file.read_text() + f"\nedit {counter[0]}\n")

        edit_t, edit_b = measure(world.backup, ns.runs, edit)
        rows.append(("again, one skill edited", fmt(edit_t), mib(edit_b), share(edit_b)))

        copy_target = next(t for t in world.config.targets if t.mode == "copy")
        backup_write.write(world.config, [copy_target], now=world.clock + 2)
        shutil.rmtree(copy_target.path)
        copy_target.path.mkdir()
        restore_args = {"cwd": str(world.root), "target": "copy", "force": True}
        spare = world.root / "cp-a-copy"
        folder = str(world.root / "targets/copy/skills")

        def cp_a() -> None:
            subprocess.run(["cp", "-a", folder, str(spare)], check=True)

        def cp_a_sync() -> None:
            cp_a()
            subprocess.run(["sync", "-f", str(spare)], check=True)

        def restore() -> None:
            api.run("restore", restore_args, world.paths)

        restore()  # the target now holds the content both runs below copy
        def clear() -> None:
            shutil.rmtree(spare, ignore_errors=True)
            subprocess.run(["sync", "-f", folder], check=True)  # start each run flushed

        cp_t, cps_t, restore_t = timed([cp_a, cp_a_sync, restore], ns.runs, clear)
        growth = disk_growth(world, copy_target, skills, ns.runs)
        base_cp = statistics.median(cp_t)
        rows.append((f"`cp -a` of a {skills:,}-skill copy-mode target", fmt(cp_t), "", "1.0×"))
        rows.append(("`cp -a`, then `sync -f` (flushed to disk, as restore does)", fmt(cps_t),
                     "", f"{statistics.median(cps_t) / base_cp:.2f}×"))
        rows.append(("restore of that target (verify, back up, build, flush, swap)",
                     fmt(restore_t), "", f"{statistics.median(restore_t) / base_cp:.2f}×"))
    lines = [
        machine_line(), f"- Runs per scenario: {ns.runs} (median, min–max)", "",
        "| scenario | time | bytes written | vs first backup / vs `cp -a` |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "", "| disk space of the backups folder (`du`) | bytes |", "|---|---|",
        *(f"| {a} | {b} |" for a, b in growth), "", *sync_lines,
    ]
    publish(lines, ns.out)
    return 0


SYNC_TITLE = "## delete one + sync against add one + sync"


def _replace_section(out: Path, section: list[str]) -> list[str]:
    """The lines of ``out`` with its sync section (from its title to the end) replaced."""
    old = out.read_text().splitlines() if out.exists() else []
    if SYNC_TITLE in old:
        old = old[:old.index(SYNC_TITLE)]
    while old and not old[-1].strip():
        old.pop()
    return [*old, "", *section] if old else section


def disk_growth(world: World, target: config.TargetConfig, skills: int, runs: int
                ) -> list[tuple[str, str]]:
    """The copy-mode target backed up alone into an empty backups folder, then ``runs``
    times again after one file of one of its skills changed: what each backup adds."""
    world.drop_backups()
    world.clock += 2
    backup_write.write(world.config, [target], now=world.clock)
    first = du(world.backups)
    added = []
    for index in range(runs):
        copy = Path(target.path) / world.rels[index + 3].replace("/", "__") / "SKILL.md"
        if not copy.exists():
            copy = next(Path(target.path).glob("skill-*/SKILL.md"))
        copy.write_text(copy.read_text() + f"\nedited {index}\n")
        before = du(world.backups)
        world.clock += 2
        result = backup_write.write(world.config, [target], now=world.clock)
        assert result.results[0].status == "created", result.results
        added.append(du(world.backups) - before)
    per = statistics.median(added)
    return [(f"first backup of the {skills:,}-skill copy-mode target", mib([first])),
            (f"each later backup, one file changed (median of {runs}; "
             f"{min(added):,}–{max(added):,} bytes)", f"{mib([int(per)])} "
             f"({per * 100 / first:.2f}% of the first)")]


if __name__ == "__main__":
    raise SystemExit(main())
