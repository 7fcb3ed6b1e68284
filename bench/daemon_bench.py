"""Daemon benchmarks (the goals of the daemon issue), against baselines run in the same script.

    python bench/daemon_bench.py [--quick] [--idle SECONDS] [--project TREE]

- latency: a SKILL.md written in the source -> its link present in all 5 targets, with
  1,000 skills; the same for an agent file and an extra's file (5 agents folders, 5 folders
  of the extra); median and 99th percentile against ``debounce_ms`` (+50 ms / +250 ms);
- one-skill change with 10,000 skills x 5 targets: the daemon's own work per reconcile,
  from the ``ms`` field it logs for each pass (goal: under 20 ms), and the continuous
  audit's share of it (``audit_ms``: the changed skill scanned; goal: at most 10 ms);
- ``skillshare status`` through the daemon against ``python3 -c pass`` (goal: at most 2x),
  interleaved, with the console script of a regular install (a wheel of the project in a
  fresh venv: an editable install's import hook slows every start, ``pass`` included), and
  ``status --no-daemon`` (the same work in the CLI's own process) beside them; and
  ``skillshare list`` through the daemon against that ``status`` (goal: at most 1.5x);
- idle: the daemon's CPU time over an idle period and its RSS with 10,000 skills watched
  (goals: under 0.1 s per 60 s; under 60 MiB).

``--quick`` uses 2,000 skills instead of 10,000 and a 10 s idle period. ``--project TREE``
measures another checkout of the project (its wheel runs the daemons and the CLI; this
script and its world stay the same), e.g. an older commit in a ``git worktree``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world
from world import build_source, environment, machine_line, skill_rel, write_config

TARGETS = 5
DEBOUNCE_MS = 50


@dataclass(frozen=True)
class Install:
    """The build under test: its python, its `skillshare` command, what it is."""
    python: str
    cli: list[str]
    how: str

    def env(self, env: dict[str, str]) -> dict[str, str]:
        """``env`` for its processes: a regular install imports only what was installed."""
        return world.without_pythonpath(env) if self.how == "installed" else env


class Daemon(world.Daemon):
    def __init__(self, root: Path, skills: int, build: Install, kinds: bool = False) -> None:
        """``kinds``: each target reads agents too (``.t<i>/agents``), and an extra
        ``rules`` goes to ``.t<i>/rules``."""
        self.root = root
        self.build = build
        self.source = root / "source"
        self.targets = [root / f"home/.t{i}/skills" for i in range(TARGETS)]
        build_source(self.source, skills)
        env = build.env(environment(root))
        config = Path(env["XDG_CONFIG_HOME"]) / "skillshare/config.yaml"
        write_config(config, self.source, self.targets)
        self.agents = config.parent / "agents"
        self.rules = root / "extras/rules"
        text = config.read_text()
        if kinds:
            for i in range(TARGETS):
                text = text.replace(f"    path: {self.targets[i]}\n",
                                    f"    path: {self.targets[i]}\n    agents:\n"
                                    f"      path: {self.targets[i].parent / 'agents'}\n")
            text += "extras:\n  - name: rules\n    targets:\n" + "".join(
                f"      - path: {t.parent / 'rules'}\n" for t in self.targets)
            for folder in (self.agents, self.rules):
                folder.mkdir(parents=True)
                (folder / "first.md").write_text("first\n")
        config.write_text(text + f"daemon:\n  debounce_ms: {DEBOUNCE_MS}\n")
        super().__init__(env, lambda: all((t / "skill-00001").is_symlink()
                                          for t in self.targets), build.python)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _until_linked(path: Path, text: str, links: list[Path]) -> float:
    """Milliseconds from writing ``text`` to ``path`` until every one of ``links`` exists."""
    started = time.perf_counter()
    path.write_text(text)
    while not all(os.path.lexists(p) for p in links):
        time.sleep(0.0005)
    elapsed = (time.perf_counter() - started) * 1000
    time.sleep(0.1)  # separate bursts
    return elapsed


def latency(root: Path, runs: int, build: Install) -> list[str]:
    """Write -> link for each kind: a skill (1,000 in the source), an agent, an extra's file,
    each reaching all 5 targets."""
    d = Daemon(root / "latency", 1000, build, kinds=True)
    try:
        skills, agents, extras = [], [], []
        for i in range(runs):
            folder = d.source / f"new-{i:04d}"
            folder.mkdir()
            skills.append(_until_linked(folder / "SKILL.md", f"---\nname: new-{i}\n---\nbody\n",
                                        [t / folder.name for t in d.targets]))
            name = f"new-{i:04d}.md"
            agents.append(_until_linked(d.agents / name, "agent\n",
                                        [t.parent / "agents" / name for t in d.targets]))
            extras.append(_until_linked(d.rules / name, "rule\n",
                                        [t.parent / "rules" / name for t in d.targets]))
        rows = []
        for what, times in (("SKILL.md written -> linked (1,000 skills)", skills),
                            ("agent .md written -> linked", agents),
                            ("extra's file written -> linked", extras)):
            med, p99 = statistics.median(times), pct(times, 0.99)
            rows += [f"| {what} in {TARGETS} targets, median | {med:.0f} ms | "
                     f"<= {DEBOUNCE_MS + 50} ms |",
                     f"| same, 99th percentile ({runs} runs) | {p99:.0f} ms | "
                     f"<= {DEBOUNCE_MS + 250} ms |"]
        return rows
    finally:
        d.stop()


def big(root: Path, skills: int, runs: int, idle_s: float, build: Install) -> list[str]:
    d = Daemon(root / "big", skills, build)
    try:
        before = len(d.reconciles())
        for i in range(runs):
            skill = d.source / skill_rel(i * 7 + 1) / "SKILL.md"
            skill.write_text(skill.read_text() + f"\nedit {i}\n")
            time.sleep(0.15)
        d.settle()
        passes = [float(e["ms"]) for e in d.reconciles()[before:]  # type: ignore[arg-type]
                  if e.get("kind") == "partial"]
        rows = [f"| one-skill change, {skills:,} skills x {TARGETS} targets: daemon work per "
                f"pass, median (max) of {len(passes)} | {statistics.median(passes):.1f} ms "
                f"({max(passes):.1f}) | < 20 ms |"]
        rows += audit_rows(d.reconciles()[before:])
        rows += status_rows(d, skills)
        d.settle()
        cpu0 = d.cpu_seconds()
        time.sleep(idle_s)
        idle_cpu = d.cpu_seconds() - cpu0
        rows.append(f"| idle CPU time over {idle_s:g} s ({skills:,} skills watched) | "
                    f"{idle_cpu:.3f} s | < 0.1 s per 60 s |")
        watches = d.status()["watch"]["inotify_watches"]
        rows.append(f"| RSS with {skills:,} skills watched ({watches:,} inotify watches) | "
                    f"{d.rss_mib():.1f} MiB | < 60 MiB |")
        return rows
    finally:
        d.stop()


def audit_rows(passes: list[dict[str, object]]) -> list[str]:
    """The continuous audit's share of each one-skill pass (``audit_ms`` of the pass's log
    entry: the look before the pass and the scan of the changed skill right after it)."""
    audit = [float(e["audit_ms"]) for e in passes  # type: ignore[arg-type]
             if e.get("kind") == "partial" and "audit_ms" in e]
    if not audit:
        return ["| one-skill change: the audit's share of the pass | not logged | <= 10 ms |"]
    return [f"| one-skill change: the audit's share of the pass (scan of the changed skill), "
            f"median (max) of {len(audit)} | {statistics.median(audit):.2f} ms "
            f"({max(audit):.2f}) | <= 10 ms |"]


def baseline_rss(root: Path, build: Install) -> list[str]:
    d = Daemon(root / "one", 2, build)
    try:
        return [f"| (for comparison) RSS of a daemon with 2 skills | {d.rss_mib():.1f} MiB | |"]
    finally:
        d.stop()


def status_rows(d: Daemon, skills: int) -> list[str]:
    """`skillshare status` through the daemon against a bare interpreter start, and against
    the imports any Python client of a JSON socket needs (json pulls in re and enum); the
    same status worked out in the CLI's own process beside them."""
    python, cli, how = d.build.python, d.build.cli, d.build.how
    runs: dict[str, list[float]] = {"status": [], "pass": [], "client": [], "alone": [],
                                    "list": []}
    argvs = {"status": [*cli, "status"], "list": [*cli, "list"], "pass": [python, "-c", "pass"],
             "client": [python, "-c", "import json, _socket"],
             "alone": [*cli, "status", "--no-daemon"]}
    for _ in range(30):
        for name, argv in argvs.items():
            started = time.perf_counter()
            done = subprocess.run(argv, env=d.env, capture_output=True, check=False)
            runs[name].append(time.perf_counter() - started)
            if done.returncode:
                raise SystemExit(f"{' '.join(argv)} exited with {done.returncode}: "
                                 f"{done.stderr.decode()[-300:]}")
    ms = {name: statistics.median(times) * 1000 for name, times in runs.items()}
    return [f"| `skillshare status` through the daemon ({how}, {skills:,} skills) / "
            f"`python -c pass` | {ms['status'] / ms['pass']:.2f}x ({ms['status']:.1f} / "
            f"{ms['pass']:.1f} ms) | <= 2x |",
            f"| `skillshare list` through the daemon ({skills:,} skills) / `skillshare status` "
            f"through the daemon | {ms['list'] / ms['status']:.2f}x ({ms['list']:.1f} ms) | "
            f"<= 1.5x |",
            f"| (for comparison) `python -c 'import json, _socket'` / `python -c pass` | "
            f"{ms['client'] / ms['pass']:.2f}x ({ms['client']:.1f} ms) | |",
            f"| (for comparison) `skillshare status --no-daemon` (in-process, {skills:,} skills) "
            f"/ `python -c pass` | {ms['alone'] / ms['pass']:.2f}x ({ms['alone']:.1f} ms) | |"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--idle", type=float, default=None, help="idle period in seconds")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                        "daemon_bench.md")
    parser.add_argument("--project", type=Path, default=world.PROJECT,
                        help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    skills = 2000 if args.quick else 10000
    idle_s = args.idle if args.idle is not None else (10.0 if args.quick else 60.0)
    root = Path(tempfile.mkdtemp(prefix="ssd-bench-"))
    try:
        build = Install(*world.installed_cli(root / "install", args.project.resolve()))
        rows = ["| measure | result | goal |", "|---|---|---|"]
        rows += latency(root, 40 if args.quick else 100, build)
        rows += big(root, skills, 20 if args.quick else 50, idle_s, build)
        rows += baseline_rss(root, build)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    table = "\n".join(rows)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(f"# daemon_bench ({'quick' if args.quick else 'full'})\n\n"
                        f"{machine_line()}\n\n{table}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
