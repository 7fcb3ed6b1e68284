"""The dashboard's costs to the daemon, against the same daemon without it, in one run:

    python bench/dashboard_bench.py [--runs N] [--skills N]

- reconcile latency: a SKILL.md written in the source -> its link in all 5 targets, with the
  dashboard not served, and served with a page's event stream open (blocks of runs,
  interleaved; median and 99th percentile of each);
- what the page sees: the same write -> the ``pass`` event naming the new skill on the
  stream, and the time ``/api/status`` takes to answer after it;
- the first ``ui start`` (it imports the HTTP layer), and the daemon's RSS before and after.

The daemon and the CLI are a regular install of this checkout (``world.installed_cli``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import world
from daemon_bench import TARGETS, Daemon, Install, _until_linked, pct
from world import machine_line

from skillshared.core.client import ask_daemon

BLOCK = 10  # runs per block; blocks alternate between served and not served


class Page:
    """A signed-in page: its cookie, and a thread reading its event stream, noting when the
    pass that changed each skill arrived."""

    def __init__(self, port: int, login_url: str) -> None:
        self.port = port
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", login_url.split(str(port), 1)[1])
        res = conn.getresponse()
        res.read()
        self.cookie = res.getheader("Set-Cookie", "").split(";", 1)[0]
        self.key = ""
        self.key = json.loads(self.get("/api/session"))["csrf"]  # (handed out once)
        self.arrived: dict[str, float] = {}
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.sendall(f"GET /api/events?csrf={self.key} HTTP/1.1\r\n"
                          f"Host: 127.0.0.1:{port}\r\n"
                          f"Cookie: {self.cookie}\r\n\r\n".encode())
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with self.sock.makefile("rb") as stream:
            for raw in stream:
                if raw.startswith(b"data: "):
                    data = json.loads(raw[6:])
                    now = time.perf_counter()
                    for change in data.get("changes", ()):
                        self.arrived.setdefault(change["name"], now)

    def get(self, path: str) -> bytes:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request("GET", path, headers={"Cookie": self.cookie,
                                           "X-Skillshare-CSRF": self.key})
        res = conn.getresponse()
        body = res.read()
        assert res.status == 200, res.status
        return body

    def get_ms(self, path: str) -> float:
        started = time.perf_counter()
        self.get(path)
        return (time.perf_counter() - started) * 1000

    def close(self) -> None:
        self.sock.close()


def _arrival(page: Page, name: str) -> float:
    world.wait_for(lambda: name in page.arrived, 30, "the pass event")
    return page.arrived[name]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=60, help="writes in each condition")
    parser.add_argument("--skills", type=int, default=1000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" /
                        "dashboard_bench.md")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ssd-dash-"))
    try:
        build = Install(*world.installed_cli(root / "install"))
        d = Daemon(root / "world", args.skills, build)
        try:
            rows = measure(d, args.runs, args.skills)
        finally:
            d.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    table = "\n".join(["| measure | result |", "|---|---|", *rows])
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(f"# dashboard_bench\n\n{machine_line()}\n\n{table}\n")
    return 0


def measure(d: Daemon, runs: int, skills: int) -> list[str]:
    rss_before = d.rss_mib()
    started = time.perf_counter()
    reply = ask_daemon("ui", {"action": "start", "port": 0}, d.where)
    first_start = (time.perf_counter() - started) * 1000
    assert reply is not None
    page = Page(reply["port"], reply["login_url"])
    rss_after = d.rss_mib()
    times: dict[str, list[float]] = {"off": [], "on": []}
    seen, status_ms = [], []
    index = 0
    served = True
    while min(len(v) for v in times.values()) < runs:
        for _ in range(BLOCK):
            index += 1
            folder = d.source / f"dash-{index:04d}"
            folder.mkdir()
            written = time.perf_counter()
            times["on" if served else "off"].append(_until_linked(
                folder / "SKILL.md", f"---\nname: dash-{index}\n---\nbody\n",
                [t / folder.name for t in d.targets]))
            if served:
                seen.append((_arrival(page, folder.name) - written) * 1000)
                status_ms.append(page.get_ms("/api/status"))
        served = not served
        if served:
            reply = ask_daemon("ui", {"action": "start", "port": 0}, d.where)
            assert reply is not None
            page = Page(reply["port"], reply["login_url"])
        else:
            page.close()
            ask_daemon("ui", {"action": "stop"}, d.where)
    page.close()

    def cell(values: list[float]) -> str:
        return f"median {statistics.median(values):.0f} ms, p99 {pct(values, 0.99):.0f} ms"

    return [
        f"| SKILL.md written -> linked in {TARGETS} targets ({skills:,} skills), no dashboard "
        f"({len(times['off'])} runs) | {cell(times['off'])} |",
        f"| same, dashboard served, one event stream open ({len(times['on'])} runs) | "
        f"{cell(times['on'])} |",
        f"| SKILL.md written -> the pass naming it on the page's stream | {cell(seen)} |",
        f"| then `GET /api/status` | {cell(status_ms)} |",
        f"| the first `ui start`, answered (it loads the HTTP layer) | {first_start:.0f} ms |",
        f"| the daemon's RSS: before serving -> serving | {rss_before:.1f} -> "
        f"{rss_after:.1f} MiB |",
    ]


if __name__ == "__main__":
    raise SystemExit(main())
