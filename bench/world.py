"""Synthetic worlds for benchmarks: N skills (realistic SKILL.md files plus a few extra files,
nested folders and a tracked-repo folder among them) and M merge-mode targets."""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from skillshared.core.client import daemon_status
from skillshared.core.locations import Locations
from skillshared.core.results_daemon import DaemonRunning

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


def wait_for(predicate: Callable[[], object], timeout: float, what: str = "a condition"
             ) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.0005)


class Daemon:
    """A real daemon process over a world whose environment and config are written; ready
    once ``ready()`` holds and it has nothing left to do."""

    def __init__(self, env: dict[str, str], ready: Callable[[], bool],
                 python: str = sys.executable) -> None:
        self.env = env
        self.where = Locations.from_env(env)
        self.log = Path(env["XDG_STATE_HOME"]) / "skillshare/logs/daemon.log"
        # -P: the working folder (a checkout, maybe another one) is not on the path
        self.proc = subprocess.Popen([python, "-P", "-m", "skillshared.daemon"], env=env,
                                     stdin=subprocess.DEVNULL)
        wait_for(lambda: self.alive() and ready(), 900, "the daemon's first pass")
        self.settle()

    def alive(self) -> bool:
        """True while the process runs; a daemon that exited ends the benchmark."""
        if self.proc.poll() is not None:
            raise SystemExit(f"the daemon exited with {self.proc.returncode}")
        return True

    def status(self) -> DaemonRunning:
        status = daemon_status(self.where, timeout=30)
        if "version" not in status:
            raise SystemExit(f"the daemon does not answer: {status}")
        return status

    def idle(self) -> bool:
        if not self.alive() or "version" not in daemon_status(self.where, timeout=30):
            return False  # (still starting: no socket yet)
        s = self.status()
        return bool(s.get("pending_events") == 0 and s.get("queued") == 0
                    and s.get("busy") is None)

    def settle(self) -> None:
        wait_for(self.idle, 900, "the daemon to be idle")
        time.sleep(0.3)  # let the echo of our own links pass
        wait_for(self.idle, 900, "the daemon to be idle")

    def reconciles(self) -> list[dict[str, object]]:
        entries = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [e for e in entries if e.get("event") == "reconcile"]

    def proc_field(self, key: str) -> str:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
        return "nan"

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mib(self) -> float:
        return int(self.proc_field("VmRSS").split()[0]) / 1024

    def threads(self) -> int:
        return int(self.proc_field("Threads"))

    def open_files(self) -> int:
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(60)


PROJECT = Path(__file__).resolve().parent.parent


def without_pythonpath(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the variables that put another copy of the project on a fresh venv's
    path: with ``PYTHONPATH`` at a source tree, pip finds the tree's ``*.egg-info``, takes
    the project as installed and installs no console script."""
    return {k: v for k, v in env.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _clean_copy(project: Path, into: Path) -> Path:
    """The project's files as they are now (tracked, or new and not ignored) copied into
    ``into``: a wheel built from a checkout would take in what an earlier build left in its
    ``build/`` folder, modules since deleted included. The project itself when it is not a
    git checkout."""
    listed = subprocess.run(["git", "-C", str(project), "ls-files", "-co", "--exclude-standard",
                             "-z"], capture_output=True, check=False)
    if listed.returncode != 0:
        return project
    for rel in filter(None, listed.stdout.decode().split("\0")):
        source = project / rel
        if source.is_file():
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / rel)
    return into


def installed_cli(root: Path, project: Path = PROJECT) -> tuple[str, list[str], str]:
    """A regular (not editable) install of ``project`` in a fresh venv, as `pip install .`
    makes it: (its python, the `skillshare` console script, what it is). Falls back to this
    interpreter's `-m skillshare` when the venv cannot be built (this project only). Run the
    script with ``without_pythonpath`` of the environment, so that it imports what was
    installed."""
    venv, wheels = root / "venv", root / "wheels"
    env = without_pythonpath(os.environ)
    script = venv / "bin/skillshare"
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                       capture_output=True, env=env)
        subprocess.run([str(venv / "bin/pip"), "wheel", "-q", "--no-deps", "-w", str(wheels),
                        str(_clean_copy(project, root / "tree"))], check=True,
                       capture_output=True, cwd=root, env=env)
        subprocess.run([str(venv / "bin/pip"), "install", "-q",
                        *map(str, wheels.glob("*.whl"))], check=True, capture_output=True,
                       env=env)
        problem = "" if script.exists() else f"pip installed no {script}"
    except subprocess.CalledProcessError as exc:
        problem = exc.stderr.decode()[-200:]
    if not problem:
        return str(venv / "bin/python"), [str(script)], "installed"
    if project != PROJECT:
        raise SystemExit(f"cannot install {project}: {problem}")
    print(f"note: no regular install ({problem}); timing `python -m skillshare` of this "
          "interpreter instead", file=sys.stderr)
    return sys.executable, [sys.executable, "-m", "skillshare"], "python -m skillshare"
