"""The issues' performance goals judged on one run's medians, and how each cost grows with
the number of skills (used by :mod:`run`)."""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Callable, Mapping
from typing import Any

Timings = Mapping[tuple[str, int, int], list[float]]
Judge = Callable[[str, float | None, float, str], None]  # (goal, value, limit, shown)

LATENCY = 0.1  # s: the daemon's debounce (50 ms) + 50 ms
# The original skillshare's first distribution at 1,000 x 5 (issue 22's table: v0.20.22 on
# this kind of machine, another run): the goal is half of it.
ORIGINAL_FIRST = 1.67
SCALES = (1000, 10000, 50000)
BASELINES = ("-stow", "-skills", "-floor", "pass", "json", "-heavy", "-cpu-per-minute",
             "-rss-mib")


def goals(timings: Timings, settings: Mapping[str, Any]) -> list[str]:
    """Each goal whose cells ran, with this run's figure and whether it is met."""
    t = {k: statistics.median(v) for k, v in timings.items() if v}
    rows = ["| goal | this run | |", "|---|---|---|"]

    def judge(text: str, value: float | None, limit: float, shown: str) -> None:
        if value is not None:
            rows.append(f"| {text} | {shown} | {'met' if value <= limit else '**not met**'} |")

    def times(text: str, a: tuple[str, int, int], b: tuple[str, int, int], limit: float
              ) -> None:
        r = t[a] / t[b] if a in t and b in t else None
        judge(f"{text}: ≤ {limit:g}×", r, limit, f"{r:.2f}×" if r is not None else "")

    for key, name in (("first-merge-stow", "Stow"), ("first-merge-skills", "the `skills` CLI")):
        times(f"first distribution, 1,000 skills × 5 targets vs {name}",
              ("first-merge", 1000, 5), (key, 1000, 5), 0.5)
    times("the same, the skills audited by an earlier sync, vs Stow",
          ("first-merge-audited", 1000, 5), ("first-merge-stow", 1000, 5), 0.5)
    first = t.get(("first-merge", 1000, 5))
    judge(f"first distribution, 1,000 × 5: ≤ 0.5× the original's {ORIGINAL_FIRST:.2f} s "
          "(measured in another run)", None if first is None else first / ORIGINAL_FIRST,
          0.5, f"{first:.2f} s" if first is not None else "")
    times("no-change re-sync, 10,000 × 20, vs the floor", ("resync", 10000, 20),
          ("resync-floor", 10000, 20), 3)
    for n, m in ((1000, 5), (10000, 20), (50000, 5)):
        times(f"one skill deleted + sync vs one added + sync, {n:,} × {m}",
              ("cli-deleted", n, m), ("cli-added", n, m), 2)
    _daemon_goals(t, settings, judge)
    times("`status --no-daemon`, 1,000 × 5, vs `python3 -c 'import json'`",
          ("status-alone", 1000, 5), ("json-heavy", 1000, 5), 4)
    times("`list --no-daemon`, 1,000 × 5, vs `python3 -c 'import json'`",
          ("list-alone", 1000, 5), ("json-heavy", 1000, 5), 4)
    times("`list` through the daemon vs `status` through it, 1,000 × 5",
          ("list-daemon", 1000, 5), ("status-daemon", 1000, 5), 1.5)
    times("`status` through the daemon, 1,000 × 5, vs `python3 -c pass`",
          ("status-daemon", 1000, 5), ("pass", 1000, 5), 2)
    return rows if len(rows) > 2 else []


def _daemon_goals(t: Mapping[tuple[str, int, int], float], settings: Mapping[str, Any],
                  judge: Judge) -> None:
    cells = [n for n, m in settings.get("change", []) if m == 5]
    for kind in ("added", "deleted"):
        key = (f"daemon-{kind}", max(cells, default=0), 5)
        if key in t:
            judge(f"daemon, one skill {kind} ({key[1]:,} skills × 5): write → links, median "
                  "≤ debounce + 50 ms", t[key], LATENCY, f"{t[key] * 1000:.0f} ms")
        work = (f"daemon-work-{kind}", key[1], 5)
        if work in t:
            judge(f"daemon's own work for one skill {kind} ({key[1]:,} skills × 5): < 20 ms",
                  t[work], 0.02, f"{t[work] * 1000:.1f} ms")
    big = settings["daemon_n"]
    rss = t.get(("idle-rss-mib", big, 5))
    if big >= 10000:
        judge(f"daemon memory with {big:,} skills × 5, idle: ≤ 60 MiB RSS", rss, 60,
              f"{rss:.1f} MiB" if rss is not None else "")
    idle = t.get(("idle-cpu-per-minute", big, 5))
    judge("idle CPU < 0.1 s per minute", idle, 0.1, f"{idle:.3f} s" if idle is not None else "")


def growth(timings: Timings) -> list[str]:
    """Each scenario measured at two or more of 1,000, 10,000 and 50,000 skills (the same
    number of targets): its medians and how it grows (the exponent of N: 1 is linear)."""
    rows = ["| scenario | M | N = 1,000, ms | N = 10,000, ms | N = 50,000, ms | growth | |",
            "|---|---|---|---|---|---|---|"]
    series: dict[tuple[str, int], dict[int, float]] = {}
    for (name, n, m), values in timings.items():
        if n in SCALES and values and not name.endswith(BASELINES) and name not in BASELINES:
            series.setdefault((name, m), {})[n] = statistics.median(values)
    for (name, m), points in sorted(series.items()):
        if len(points) < 2:
            continue
        ns = sorted(points)
        steps = [(points[b] / points[a], b / a) for a, b in itertools.pairwise(ns)]
        worst = max(math.log(max(r, 1e-9)) / math.log(f) for r, f in steps)
        shown = ", ".join(f"×{r:.1f} for ×{f:g}" for r, f in steps)
        verdict = ("flat" if worst < 0.3 else "at most linear" if worst <= 1.1
                   else "**worse than linear**")
        cells = [f"{points[n] * 1000:.1f}" if n in points else "–" for n in SCALES]
        rows.append(f"| {name} | {m} | {' | '.join(cells)} | {shown} (N^{worst:.2f}) | "
                    f"{verdict} |")
    return rows if len(rows) > 2 else []
