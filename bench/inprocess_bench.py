"""The CLI without a daemon: ``skillshare status --no-daemon`` and ``skillshare list
--no-daemon`` as whole processes against ``python -c 'import json'`` and ``python -c pass``
of the same venv (goal: each at most 4x ``import json``), interleaved, medians of the wall
time (the goal) and of the CPU time (the process and its children: steadier on a busy
machine).

    python bench/inprocess_bench.py [--skills N] [--runs N] [--baseline TREE] [--out FILE]

The world: N skills (default 1,000; bench/world.py) and 5 merge targets, synced once. Each
build under test is a regular install (a wheel of the checkout in a fresh venv: an editable
install's import hook slows every start). ``--baseline TREE`` measures another checkout of the
project beside this one (e.g. an older commit in a ``git worktree``), over the same world,
and checks that both print the same ``--json``. Before timing, each command runs twice: the
first run writes the persisted catalog (the world is left to settle first: entries changed
within the last seconds are not kept)."""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world
from world import build_source, environment, machine_line, write_config

TARGETS = 5
GOAL = 4.0
SETTLE_S = 3.5  # the persisted catalog keeps only what is older than 3 s


def make_world(root: Path, skills: int, env: dict[str, str]) -> None:
    source = root / "source"
    build_source(source, skills)
    targets = [root / f"target{i}" for i in range(TARGETS)]
    write_config(Path(env["XDG_CONFIG_HOME"]) / "skillshare/config.yaml", source, targets)


def run(argv: list[str], env: dict[str, str]) -> bytes:
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    if done.returncode:
        raise SystemExit(f"{' '.join(argv)} exited with {done.returncode}: "
                         f"{done.stderr.decode()[-300:]}")
    return done.stdout


def comparable(out: bytes) -> object:
    """A ``--json`` document without what differs from run to run."""
    doc = json.loads(out)
    if isinstance(doc, dict):
        doc.pop("daemon", None)
        doc.pop("version", None)
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skills", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another checkout to measure beside this one")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).parent / "results" / "inprocess_bench.md")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ssd-inproc-"))
    try:
        lines = measure(root, args)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    world.publish([f"# inprocess_bench ({args.skills:,} skills x {TARGETS} targets, "
                   f"medians of {args.runs})", "", machine_line(), "", *lines], args.out)
    return 0


def measure(root: Path, args: argparse.Namespace) -> list[str]:
    builds = {"this": world.installed_cli(root / "this", world.PROJECT)}
    if args.baseline is not None:
        builds["baseline"] = world.installed_cli(root / "baseline", args.baseline.resolve())
    env = world.without_pythonpath(environment(root / "w"))
    make_world(root / "w", args.skills, env)
    python, cli, _ = builds["this"]
    run([*cli, "sync", "--no-daemon"], env)
    time.sleep(SETTLE_S)
    argvs = {"python -c pass": [python, "-c", "pass"],
             "python -c 'import json'": [python, "-c", "import json"]}
    for name, (_, build_cli, _) in builds.items():
        for cmd in ("status", "list"):
            argvs[f"{cmd} --no-daemon ({name})"] = [*build_cli, cmd, "--no-daemon"]
    same = []
    for cmd in ("status", "list"):
        docs = {json.dumps(comparable(run([*c, cmd, "--no-daemon", "--json"], env)))
                for _, c, _ in builds.values()}
        same.append(f"{cmd} {'the same' if len(docs) == 1 else 'DIFFERENT'}")
    for argv in argvs.values():  # (warm: the first run writes the persisted catalog)
        run(argv, env)
    times: dict[str, list[float]] = {name: [] for name in argvs}
    cpu: dict[str, list[float]] = {name: [] for name in argvs}
    for _ in range(args.runs):
        for name, argv in argvs.items():
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            run(argv, env)
            times[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - used.ru_utime + after.ru_stime - used.ru_stime)
    ms = {name: statistics.median(t) * 1000 for name, t in times.items()}
    cpu_ms = {name: statistics.median(t) * 1000 for name, t in cpu.items()}
    base, cpu_base = ms["python -c 'import json'"], cpu_ms["python -c 'import json'"]
    lines = ["| process | median | / `import json` | CPU time | / `import json` | goal |",
             "|---|---|---|---|---|---|"]
    for name, value in ms.items():
        goal = ""
        if "--no-daemon (this)" in name:
            goal = f"<= {GOAL:g}x: {'met' if value / base <= GOAL else 'NOT met'}"
        lines.append(f"| `{name}` | {value:.1f} ms | {value / base:.2f}x | "
                     f"{cpu_ms[name]:.1f} ms | {cpu_ms[name] / cpu_base:.2f}x | {goal} |")
    if len(builds) > 1:
        lines += ["", f"`--json` of this build and the baseline: {', '.join(same)}"]
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
