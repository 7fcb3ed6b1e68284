"""Benchmarks against GNU Stow and the `skills` CLI, side by side in one run.

    python bench/peers.py                # once: installs stow (apt) and skills@1.6.0 (npm)
    python bench/run.py [--quick] [--runs R] [--only first,resync,...]

Builds synthetic worlds in a temp folder (N skills with realistic SKILL.md files and a few
extra files each, every 10th in a group folder, every 25th in a tracked-repo folder; M
targets, the skills folders of M agents that the `skills` CLI knows), runs each scenario
several times, interleaving the tools, and prints Markdown tables of medians (min-max) with
ratios against the baselines run in the same invocation. The tables go to
``bench/results/run.md`` (``run-quick.md`` with ``--quick``).

Scenarios:

- ``first``: first distribution into empty targets, whole process (interpreter start-up
  included): ``skillshare sync`` (merge) against Stow (one ``stow`` per target) and
  ``skills add`` (links to one copy); ``first-copy``: copy mode against ``skills --copy``;
- ``resync``: the no-change re-sync (in this process, and as a whole process) against its
  floor, a bare ``lstat`` + ``readlink`` loop over the same entries, and Stow run again;
- ``change``: one skill added, one edited, one deleted: through the CLI (a whole
  ``skillshare sync``; Stow restowing every target) and through the daemon (from the write to
  the link state seen in every target; for an edit, to the end of the daemon's pass);
- ``status``: ``skillshare status`` and ``skillshare list``, through the daemon and without
  it, against ``python3 -c pass`` and ``python3 -c 'import json'`` (a regular install of this
  project in a fresh venv);
- ``backup``: an unchanged set of targets backed up a second time (bytes written, time);
- ``idle``: the daemon idle (CPU seconds, RSS, threads, open files, inotify watches);
- ``storm``: thousands of files written in the source within about a second; the time
  until every target is right again.

``--quick`` (under two minutes): N = 100 and 1,000, M = 1 and 5, shorter idle and storm.
``--cells 1000x5,10000x20`` keeps only those cells of every scenario (the scale points: the
full run has 1,000 x 5, 10,000 x 20 and 50,000 x 5 in every scenario that has cells).
The goals of the issues are judged at the end (:mod:`judge`), with how each cost grows
from 1,000 to 10,000 and 50,000 skills.
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
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import judge
import peers
import world
from backup_bench import written_bytes
from world import Daemon, build_source, machine_line, wait_for

from skillshared import api
from skillshared.catalog import skills
from skillshared.core import config_file
from skillshared.core.paths import Paths
from skillshared.store import backup_write

# (N, M) cells per scenario; `copy` leaves out 10,000 x 20 (200,000 skill copies), `resync`
# adds 50,000 (at M = 5: it is cheap to re-sync, but its 250,000 links take minutes to make
# on a slow disk). The `skills` peer runs only where it takes minutes, not hours (below).
SKILLS_PEER_MAX = 20000  # skills x targets
_ALL = [(n, m) for n in (100, 1000, 10000) for m in (1, 5, 20)]
FULL: dict[str, Any] = {
    "first": [*_ALL, (50000, 5)],
    "copy": [(100, 1), (100, 5), (100, 20), (1000, 1), (1000, 5), (1000, 20), (10000, 1),
             (10000, 5)],
    "resync": [*_ALL, (50000, 5)], "change": [*_ALL, (50000, 5)],
    "status": [(1000, 5), (1000, 20), (10000, 5), (10000, 20), (50000, 5)],
    "backup": [(100, 5), (1000, 5), (10000, 5)], "idle": 60.0, "storm": 10000,
    "daemon_n": 10000}
QUICK: dict[str, Any] = {
    "first": [(100, 1), (100, 5), (1000, 5)], "copy": [(100, 5)], "resync": [(1000, 5)],
    "change": [(1000, 5)], "status": [(1000, 5)], "backup": [(1000, 5)], "idle": 5.0,
    "storm": 2000, "daemon_n": 1000, "runs": 2}
SCENARIOS = ("first", "first-copy", "resync", "change", "status", "backup", "idle", "storm")
CELLS = ("first", "copy", "resync", "change", "status", "backup")  # the settings with cells


def all_present(paths: list[Path]) -> bool:
    return all(map(os.path.lexists, paths))


def none_present(paths: list[Path]) -> bool:
    return not any(map(os.path.lexists, paths))


def passed(d: Daemon, passes: int) -> bool:
    """Whether the daemon has made more than ``passes`` reconcile passes."""
    return d.status()["reconciles"] > passes


def ms(values: list[float]) -> str:
    med = statistics.median(values) * 1000
    low, high = min(values) * 1000, max(values) * 1000
    digits = 1 if high < 100 else 0
    return f"{med:.{digits}f} ({low:.{digits}f}–{high:.{digits}f})"


def ratio(ours: list[float], other: list[float] | None) -> str:
    if not other:
        return "–"
    return f"{statistics.median(ours) / statistics.median(other):.2f}×"


class Bench:
    def __init__(self, root: Path, settings: dict[str, Any], runs: int) -> None:
        self.root = root
        self.settings = settings
        self.runs = runs
        self.sources: dict[int, Path] = {}
        self.stow = peers.stow()
        self.skills = peers.skills_cli()
        self.python, self.cli, self.how = world.installed_cli(root / "install")
        self.notes: list[str] = []
        self.timings: dict[tuple[str, int, int], list[float]] = {}

    # -- worlds ------------------------------------------------------------------------------

    def source(self, n: int) -> Path:
        if n not in self.sources:
            path = self.root / f"src{n}" / "skills"
            build_source(path, n)
            self.sources[n] = path
        return self.sources[n]

    def world(self, n: int, m: int, mode: str = "merge", name: str = "") -> Env:
        return Env(self, self.root / f"w{n}x{m}{mode}{name}", self.source(n), m, mode)

    # -- helpers -----------------------------------------------------------------------------

    def run(self, argv: list[str], env: dict[str, str], what: str) -> None:
        if self.how == "installed":  # it imports what was installed, not a source tree
            env = world.without_pythonpath(env)
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{what} failed ({done.returncode}): "
                               f"{(done.stderr or done.stdout).strip()[-400:]}")

    def times(self, fns: dict[str, Callable[[], object]], reset: Callable[[], object] | None
              = None, runs: int | None = None,
              resets: dict[str, Callable[[], object]] | None = None) -> dict[str, list[float]]:
        """Each of ``fns`` timed ``runs`` times, interleaved, after ``reset`` (or its own
        in ``resets``); a tool that fails is left out (with a note)."""
        out: dict[str, list[float]] = {k: [] for k in fns}
        broken: set[str] = set()
        for _ in range(runs or self.runs):
            for name, fn in fns.items():
                if name in broken:
                    continue
                step = (resets or {}).get(name, reset)
                if step is not None:
                    step()
                started = time.perf_counter()
                try:
                    fn()
                except RuntimeError as exc:
                    broken.add(name)
                    self.notes.append(f"{name}: {exc}")
                    continue
                out[name].append(time.perf_counter() - started)
        return {k: v for k, v in out.items() if v and k not in broken}

    # -- scenarios ---------------------------------------------------------------------------

    def first(self, mode: str) -> list[str]:
        peer = "`skills add --copy`" if mode == "copy" else "`skills add`"
        head = (f"| N | M | skillshare sync ({mode}), ms | "
                + ("" if mode == "copy" else "the same, skills audited before, ms | Stow, ms | ")
                + f"{peer}, ms | vs " + ("" if mode == "copy" else "Stow | vs ") + "skills |")
        rows = [head, "|" + "---|" * (head.count("|") - 1)]
        for n, m in self.settings["first" if mode == "merge" else "copy"]:
            env = self.world(n, m, mode)
            fns: dict[str, Callable[[], object]] = {"ours": env.ours_sync}
            resets: dict[str, Callable[[], object]] = {}
            if mode == "merge":  # the skills scanned by an earlier sync: the audit kept
                fns["audited"] = env.ours_sync
                resets["audited"] = partial(env.clear, keep_audit=True)
            if self.stow and mode == "merge":
                fns["stow"] = env.stow_all
            got = self.times(fns, reset=env.clear, runs=self.runs_for(n), resets=resets)
            if self.skills and n * m > SKILLS_PEER_MAX:
                self.notes.append(f"`skills add` not run at {n:,} × {m} (it took 105 s at "
                                  "1,000 × 20 on this machine, and grows with N × M)")
            elif self.skills:  # the slowest: fewer runs when big
                got.update(self.times(
                    {"skills": partial(env.skills_add, mode == "copy")},
                    reset=env.clear, runs=self.runs_for(n * m)))
            env.check_first(mode)
            self.timings[(f"first-{mode}", n, m)] = got["ours"]
            for peer in ("stow", "skills", "audited"):
                if peer in got:
                    self.timings[(f"first-{mode}-{peer}", n, m)] = got[peer]
            cells = [ms(got["ours"])]
            if mode == "merge":
                cells.append(ms(got["audited"]))
                cells.append(ms(got["stow"]) if "stow" in got else "–")
            cells.append(ms(got["skills"]) if "skills" in got else "–")
            if mode == "merge":
                cells.append(ratio(got["ours"], got.get("stow")))
            cells.append(ratio(got["ours"], got.get("skills")))
            self.emit(rows, f"| {n:,} | {m} | " + " | ".join(cells) + " |")
            env.remove()
        return rows

    @staticmethod
    def emit(rows: list[str], row: str) -> None:
        rows.append(row)
        print(row, file=sys.stderr, flush=True)

    def runs_for(self, size: int) -> int:
        """Fewer runs for the big cells (10,000 skills, or 5,000 skills times targets)."""
        return self.runs if size < 5000 else max(1, self.runs - 2)

    def resync(self) -> list[str]:
        rows = ["| N | M | entries | floor (lstat + readlink), ms | in-process sync, ms | "
                "vs floor | whole process, ms | vs floor | Stow again, ms |",
                "|---|---|---|---|---|---|---|---|---|"]
        for n, m in self.settings["resync"]:
            env = self.world(n, m)
            env.ours_sync()
            entries = env.entries()
            fns: dict[str, Callable[[], object]] = {
                "floor": env.floor, "in": env.ours_sync_in_process,
                "whole": env.ours_sync}
            got = self.times(fns, runs=self.runs_for(n))
            stowed = None
            if self.stow and n <= 10000:
                stow_env = self.world(n, m, name="stow")
                stow_env.stow_all()
                stowed = self.times({"stow": stow_env.stow_all},
                                    runs=self.runs_for(n)).get("stow")
                stow_env.remove()
            self.timings[("resync", n, m)] = got["in"]
            self.timings[("resync-floor", n, m)] = got["floor"]
            self.emit(rows, f"| {n:,} | {m} | {entries:,} | {ms(got['floor'])} | "
                        f"{ms(got['in'])} | {ratio(got['in'], got['floor'])} | "
                        f"{ms(got['whole'])} | {ratio(got['whole'], got['floor'])} | "
                        f"{ms(stowed) if stowed else '–'} |")
            env.remove()
        return rows

    def change(self) -> list[str]:
        rows = ["| N | M | change | CLI `skillshare sync`, ms | Stow (restow every target), "
                "ms | daemon: write → targets right, ms | daemon's own work per pass, ms |",
                "|---|---|---|---|---|---|---|"]
        for n, m in self.settings["change"]:
            env = self.world(n, m)
            env.ours_sync()
            stow_env = self.world(n, m, name="stow") if self.stow else None
            cli = env.cli_changes(self.runs_for(n), stow_env)
            daemon = env.daemon_changes(max(5, self.runs))
            for kind in ("added", "edited", "deleted"):
                self.timings[(f"cli-{kind}", n, m)] = cli[kind]
                self.timings[(f"daemon-{kind}", n, m)] = daemon[kind]
                stow = cli.get(f"stow-{kind}")
                work = daemon[f"work-{kind}"]
                if work:
                    self.timings[(f"daemon-work-{kind}", n, m)] = work
                self.emit(rows, f"| {n:,} | {m} | {kind} | {ms(cli[kind])} | "
                            f"{ms(stow) if stow else '–'} | {ms(daemon[kind])} | "
                            f"{ms(work) if work else '–'} |")
            env.remove()
            if stow_env is not None:
                stow_env.remove()
        return rows

    def status(self) -> list[str]:
        """``status`` and ``list``, through the daemon and without it, against the start-up
        of Python alone and with ``import json``."""
        rows = ["| N | M | `python3 -c pass` | `-c 'import json'` | `status`, daemon | `list`, "
                "daemon | list / status | `status --no-daemon` | vs json | `list --no-daemon` "
                "| vs json |", "|---|---|---|---|---|---|---|---|---|---|"]
        for n, m in self.settings["status"]:
            env = self.world(n, m)
            env.ours_sync()
            d = env.daemon()
            try:
                base = {"pass": [self.python, "-c", "pass"],
                        "json": [self.python, "-c", "import json"]}
                light = {**base, "status-daemon": [*self.cli, "status"],
                         "list-daemon": [*self.cli, "list"]}
                heavy = {**base, "status-alone": [*self.cli, "status", "--no-daemon"],
                         "list-alone": [*self.cli, "list", "--no-daemon"]}
                got = self.times({k: partial(self.run, a, env.env, k) for k, a in light.items()},
                                 runs=max(15, self.runs * 5))
                alone = self.times({k: partial(self.run, a, env.env, k)
                                    for k, a in heavy.items()}, runs=self.runs_for(n) * 3)
            finally:
                d.stop()
                env.remove()
            for key, values in got.items():
                self.timings[(key, n, m)] = values
            for key, values in alone.items():  # (their own baselines: heavy runs are fewer)
                heavy_key = key if key.startswith(("status", "list")) else f"{key}-heavy"
                self.timings[(heavy_key, n, m)] = values
            self.emit(rows, f"| {n:,} | {m} | {ms(got['pass'])} | {ms(got['json'])} | "
                            f"{ms(got['status-daemon'])} | {ms(got['list-daemon'])} | "
                            f"{ratio(got['list-daemon'], got['status-daemon'])} | "
                            f"{ms(alone['status-alone'])} | "
                            f"{ratio(alone['status-alone'], alone['json'])} | "
                            f"{ms(alone['list-alone'])} | "
                            f"{ratio(alone['list-alone'], alone['json'])} |")
        return rows

    def backup(self) -> list[str]:
        rows = ["| N | M | first backup: written, time | second (unchanged): written, time |",
                "|---|---|---|---|"]
        for n, m in self.settings["backup"]:
            env = self.world(n, m)
            env.ours_sync()
            first = env.backup()
            second = [env.backup() for _ in range(self.runs)]
            self.emit(rows, f"| {n:,} | {m} | {kib(first[1])}, {first[0] * 1000:.0f} ms | "
                        f"{kib(statistics.median(b[1] for b in second))}, "
                        f"{ms([b[0] for b in second])} ms |")
            self.timings[("backup-again", n, m)] = [b[0] for b in second]
            env.remove()
        return rows

    def idle(self) -> list[str]:
        n, seconds = self.settings["daemon_n"], self.settings["idle"]
        env = self.world(n, 5)
        env.ours_sync()
        d = env.daemon()
        try:
            cpu = d.cpu_seconds()
            time.sleep(seconds)
            used = d.cpu_seconds() - cpu
            self.timings[("idle-cpu-per-minute", n, 5)] = [used * 60 / seconds]
            watches = d.status()["watch"]["inotify_watches"]
            rss = d.rss_mib()
            self.timings[("idle-rss-mib", n, 5)] = [rss]
            row = (f"| {n:,} | 5 | {seconds:g} s | {used:.3f} s | {rss:.1f} MiB | "
                   f"{d.threads()} | {d.open_files()} | {watches:,} |")
        finally:
            d.stop()
            env.remove()
        return ["| N | M | idle for | CPU time | RSS | threads | open files | inotify "
                "watches |", "|---|---|---|---|---|---|---|---|", row]

    def storm(self) -> list[str]:
        n, files = self.settings["daemon_n"], self.settings["storm"]
        env = self.world(n, 5)
        env.ours_sync()
        d = env.daemon()
        try:
            new = files // 4
            started = time.perf_counter()
            for i in range(new):
                folder = env.source / f"storm-{i:05d}"
                (folder / "references").mkdir(parents=True)
                (folder / "SKILL.md").write_text(f"---\nname: storm-{i}\ndescription: s\n---\n"
                                                 "body\n")
                (folder / "references/guide.md").write_text("guide\n")
                (folder / "README.md").write_text("readme\n")
                (folder / "notes.txt").write_text("notes\n")
            written = time.perf_counter() - started
            last = [t / f"storm-{new - 1:05d}" for t in env.targets]
            wait_for(lambda: all(os.path.lexists(p) for p in last), 900, "the storm")
            wait_for(lambda: all(len(os.listdir(t)) == env.expected + new
                                 for t in env.targets), 900, "every storm link")
            done = time.perf_counter() - started
            d.settle()
        finally:
            d.stop()
            for i in range(files // 4):
                shutil.rmtree(env.source / f"storm-{i:05d}", ignore_errors=True)
            env.remove()
        return ["| N | M | files written | writing took | write start → every target right "
                "| after the last write |", "|---|---|---|---|---|---|",
                f"| {n:,} | 5 | {files:,} ({new:,} new skills) | {written * 1000:.0f} ms | "
                f"{done * 1000:.0f} ms | {(done - written) * 1000:.0f} ms |"]


def kib(value: float) -> str:
    return f"{value / 2**20:.2f} MiB" if value >= 2**20 else f"{value / 1024:.1f} KiB"


class Env:
    """One world: a HOME with M agents' skills folders as targets, a config for this
    project, and the shared source of N skills."""

    def __init__(self, bench: Bench, root: Path, source: Path, m: int, mode: str) -> None:
        self.bench = bench
        self.root = root
        self.source = source
        self.mode = mode
        self.env = {**world.environment(root), **peers.QUIET}
        self.home = Path(self.env["HOME"])
        self.agents = peers.AGENTS[:m]
        self.targets = [self.home / rel for _, rel in self.agents]
        lines = [f"source: {source}", f"mode: {mode}", "targets:"]
        lines += [f"  {agent}:\n    path: {path}" for (agent, _), path in
                  zip(self.agents, self.targets, strict=True)]
        config_file = Path(self.env["XDG_CONFIG_HOME"]) / "skillshare/config.yaml"
        config_file.parent.mkdir(parents=True, exist_ok=True)
        config_file.write_text("\n".join(lines) + "\n")
        self.paths = Paths.from_env(self.env, cwd=root)
        self.expected = len(skills.discover(source).skills)  # entries in a merge target

    def clear(self, keep_audit: bool = False) -> None:
        """Empty targets, nothing of ours recorded (``keep_audit``: but what the audit has
        seen of the skills, as after a sync to other targets)."""
        kept = (self.home / ".local/share",) if keep_audit else (self.home / ".local",)
        for path in (*self.targets, self.home / ".agents", *kept):
            if os.path.lexists(path):
                shutil.rmtree(path, ignore_errors=True)
        lock = self.home / ".skill-lock.json"
        if lock.exists():
            lock.unlink()
        os.sync()  # the removals' write-back is not charged to the next tool timed

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def ours_sync(self) -> None:
        self.bench.run([*self.bench.cli, "sync", "--no-daemon"], self.env, "skillshare sync")

    def ours_sync_in_process(self) -> None:
        api.run("sync", {"cwd": str(self.root)}, self.paths)

    def stow_all(self) -> None:
        assert self.bench.stow is not None
        for target in self.targets:
            target.mkdir(parents=True, exist_ok=True)
            self.bench.run([self.bench.stow, "-d", str(self.source.parent), "-t", str(target),
                            "-R", self.source.name], self.env, "stow")

    def skills_add(self, copy: bool, only: str = "*") -> None:
        assert self.bench.skills is not None
        agents = [a for name, _ in self.agents for a in ("-a", name)]
        self.bench.run([self.bench.skills, "add", str(self.source), "-g", *agents, "-s", only,
                        "-y", *(["--copy"] if copy else [])], self.env, "skills add")

    def check_first(self, mode: str) -> None:
        """After the last first-distribution run (ours or a peer's): sanity, by our sync."""
        self.clear()
        self.ours_sync()
        for target in self.targets:
            count = len(os.listdir(target))
            if count != self.expected + (1 if mode == "copy" else 0):
                raise SystemExit(f"{target}: {count} entries, {self.expected} expected")

    def entries(self) -> int:
        return sum(len(os.listdir(t)) for t in self.targets)

    def floor(self) -> None:
        for target in self.targets:
            with os.scandir(target) as it:
                for entry in it:
                    os.lstat(entry.path)
                    if entry.is_symlink():
                        os.readlink(entry.path)

    def backup(self) -> tuple[float, int]:
        cfg = config_file.load(self.paths.global_scope())
        before = written_bytes()
        started = time.perf_counter()
        result = backup_write.write(cfg, cfg.targets)
        took = time.perf_counter() - started
        if result.error:
            raise SystemExit(result.error)
        return took, written_bytes() - before

    def daemon(self) -> Daemon:
        return Daemon(self.env, lambda: True)

    def _new_skill(self, name: str) -> Path:
        folder = self.source / name
        folder.mkdir()
        (folder / "SKILL.md").write_text(f"---\nname: {name}\ndescription: new\n---\nbody\n")
        return folder

    def cli_changes(self, runs: int, stow: Env | None) -> dict[str, list[float]]:
        """One skill added, edited, deleted; each followed by a whole `skillshare sync`
        (and by a restow of every target of ``stow``, a world of its own)."""
        out: dict[str, list[float]] = {}
        edited = self.source / "skill-00001/SKILL.md"
        original = edited.read_text()
        self.bench.run([*self.bench.cli, "backup"], self.env, "backup")  # as on a used machine
        if stow is not None:
            stow.stow_all()
        for i in range(runs):
            name = f"added-{i:03d}"
            steps: list[tuple[str, Callable[[], object]]] = [
                ("added", partial(self._new_skill, name)),
                ("edited", partial(edited.write_text, original + f"\nedit {i}\n")),
                ("deleted", partial(shutil.rmtree, self.source / name))]
            for kind, change in steps:
                change()
                started = time.perf_counter()
                self.ours_sync()
                out.setdefault(kind, []).append(time.perf_counter() - started)
                if stow is not None:
                    started = time.perf_counter()
                    stow.stow_all()
                    out.setdefault(f"stow-{kind}", []).append(time.perf_counter() - started)
        edited.write_text(original)
        self.ours_sync()
        return out

    def daemon_changes(self, runs: int) -> dict[str, list[float]]:
        d = self.daemon()
        out: dict[str, list[float]] = {k: [] for k in ("added", "edited", "deleted")}
        work: dict[str, list[float]] = {k: [] for k in out}
        edited = self.source / "skill-00001/SKILL.md"
        original = edited.read_text()
        try:
            for i in range(runs):
                name = f"daemon-{i:03d}"
                links = [t / name for t in self.targets]
                before = len(d.reconciles())
                started = time.perf_counter()
                self._new_skill(name)
                wait_for(partial(all_present, links), 120, "the link")
                out["added"].append(time.perf_counter() - started)
                d.settle()
                work["added"] += self._work(d, before)

                before, passes = len(d.reconciles()), d.status()["reconciles"]
                started = time.perf_counter()
                edited.write_text(original + f"\ndaemon edit {i}\n")
                wait_for(partial(passed, d, passes), 120, "the pass")
                out["edited"].append(time.perf_counter() - started)
                d.settle()
                work["edited"] += self._work(d, before)

                before = len(d.reconciles())
                started = time.perf_counter()
                shutil.rmtree(self.source / name)
                wait_for(partial(none_present, links), 120, "the unlink")
                out["deleted"].append(time.perf_counter() - started)
                d.settle()
                work["deleted"] += self._work(d, before)
        finally:
            d.stop()
            edited.write_text(original)
        return {**out, **{f"work-{k}": v for k, v in work.items()}}

    @staticmethod
    def _work(d: Daemon, before: int) -> list[float]:
        return [float(e["ms"]) / 1000 for e in d.reconciles()[before:]  # type: ignore[arg-type]
                if e.get("kind") == "partial"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    parser.add_argument("--runs", type=int, default=None,
                        help="runs per measurement (default 3; 2 with --quick)")
    parser.add_argument("--only", default=",".join(SCENARIOS),
                        help=f"comma-separated scenarios: {', '.join(SCENARIOS)}")
    parser.add_argument("--cells", default="",
                        help="keep only these cells, NxM, comma-separated (e.g. 10000x20)")
    parser.add_argument("--no-peers", action="store_true",
                        help="time this project only (no Stow, no `skills` CLI)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(unknown)}")
    settings = dict(QUICK if args.quick else FULL)
    if args.cells:
        try:
            keep = {tuple(int(x) for x in c.lower().split("x")) for c in args.cells.split(",")}
        except ValueError:
            parser.error(f"--cells: {args.cells!r} is not a list of NxM")
        settings.update({k: [c for c in settings[k] if c in keep] for k in CELLS})
    out = args.out or Path(__file__).parent / "results" / (
        "run-quick.md" if args.quick else "run.md")
    root = Path(tempfile.mkdtemp(prefix="ssd-run-"))
    started = time.monotonic()
    try:
        runs = args.runs or int(settings.get("runs", 3))
        bench = Bench(root, settings, runs)
        if args.no_peers:
            bench.stow = bench.skills = None
        lines = [f"# bench/run.py ({'quick' if args.quick else 'full'})", "",
                 machine_line(), f"- Runs per cell: {runs} (fewer at N = 10,000); "
                 "median (min–max) in ms; ratios are medians, ours over the other",
                 f"- skillshare: {bench.how}; Stow: {stow_version(bench.stow)}; skills: "
                 f"{'skills@' + peers.SKILLS_VERSION if bench.skills else 'missing'}",
                 "- What the peers do differently: Stow links each top-level entry of the "
                 "source (a group folder is one link, not flattened) and runs once per "
                 "target; `skills add` copies each skill once into `~/.agents/skills` and "
                 "links every agent's folder to it (with one agent it copies straight "
                 "there; `--copy` copies per agent), naming skills by frontmatter.", ""]
        titles = {
            "first": "First distribution into empty targets (merge; whole process)",
            "first-copy": "First distribution into empty targets (copy; whole process)",
            "resync": "No-change re-sync", "change": "One skill added, edited, deleted",
            "status": "`status`", "backup": "Backup of unchanged targets, a second time",
            "idle": "The daemon, idle", "storm": "An event storm"}
        for name in only:
            print(f"... {name}", file=sys.stderr, flush=True)
            body = (bench.first("copy") if name == "first-copy" else
                    bench.first("merge") if name == "first" else getattr(bench, name)())
            lines += [f"## {titles[name]}", "", *body, ""]
        goals = judge.goals(bench.timings, settings)
        if goals:
            lines += ["## Goals", "", *goals, ""]
        growth = judge.growth(bench.timings)
        if growth:
            lines += ["## How cost grows (N = 1,000 → 10,000 → 50,000)", "", *growth, ""]
        if bench.notes:
            lines += ["## Notes", "", *(f"- {n}" for n in bench.notes), ""]
        lines.append(f"Total time: {time.monotonic() - started:.0f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    world.publish(lines, out)
    return 0


def stow_version(path: str | None) -> str:
    if path is None:
        return "missing"
    done = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().split(" version ")[-1] or "?"


if __name__ == "__main__":
    raise SystemExit(main())
