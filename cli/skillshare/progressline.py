"""Progress on a terminal: one line on stderr, redrawn in place while long work runs and
erased when it ends (README: "Progress").

:func:`watcher` decides whether progress is shown at all — stderr a terminal that is not
``TERM=dumb``, no ``--json``, no ``--quiet``, no ``SKILLSHARE_PROGRESS=0`` — and returns the
callable the engine's frames go to (in this process, or read from the daemon's socket), or
None. Nothing is drawn before the work has run for ``SKILLSHARE_PROGRESS_DELAY`` seconds
(0.5 by default), so a quick command never flickers; the thread that draws starts with the
first frame, so a command that sends none costs nothing.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False  # typing is not imported at run time: this module loads on commands
if TYPE_CHECKING:
    from types import SimpleNamespace
    from typing import Any, TextIO

DELAY = 0.5  # seconds of work before anything is drawn
INTERVAL = 0.1  # seconds between redraws
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
ASCII_SPINNER = "|/-\\"
BAR = 20  # characters of the bar
CLEAR = "\r\x1b[2K"


def watcher(ns: SimpleNamespace, stream: TextIO | None = None) -> Line | None:
    """The progress line for this command, or None when none is to be shown."""
    stream = sys.stderr if stream is None else stream
    env = os.environ
    if (getattr(ns, "json", False) or getattr(ns, "quiet", False)
            or env.get("SKILLSHARE_PROGRESS", "1") in ("0", "never", "off")
            or env.get("TERM") == "dumb"):
        return None
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    try:
        delay = float(env.get("SKILLSHARE_PROGRESS_DELAY", DELAY))
    except ValueError:
        delay = DELAY
    return Line(stream, max(0.0, delay))


class Line:
    """The frames received so far and the line drawn from them. Called with each frame (from
    the engine's threads, or the socket reader); a thread of its own draws."""

    def __init__(self, stream: TextIO, delay: float) -> None:
        self.stream = stream
        self.delay = delay
        self.started = time.monotonic()
        self.frame: dict[str, Any] = {}
        self.parts: dict[tuple[Any, Any], tuple[int, int]] = {}
        self.drawn = False
        self.broken = False
        self.ticks = 0
        self._thread: Any = None
        self._stop: Any = None
        self._lock: Any = None

    def __call__(self, frame: dict[str, Any]) -> None:
        if not isinstance(frame, dict) or not isinstance(frame.get("task"), str):
            return  # (a daemon of another build: nothing to draw from it)
        if self._thread is None:
            self._keep(frame)
            self._start()
            return
        with self._lock:
            self._keep(frame)

    def _keep(self, frame: dict[str, Any]) -> None:
        self.frame = frame
        done, total = frame.get("done"), frame.get("total")
        if isinstance(done, int) and isinstance(total, int):
            self.parts[(frame["task"], frame.get("part"))] = (done, total)

    def _start(self) -> None:
        import threading

        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        wait = self.started + self.delay - time.monotonic()
        if self.delay > 0 and wait > 0 and self._stop.wait(wait):
            return  # done before it was worth showing (with no delay: drawn at least once)
        while not self.broken:
            with self._lock:
                text = self.text(_columns(self.stream))
            self._put(CLEAR + text)
            self.drawn = True
            if self._stop.wait(INTERVAL):
                return

    def text(self, columns: int) -> str:
        """The line for the last frame, at most ``columns - 1`` characters wide."""
        frame = self.frame
        task = str(frame.get("task", ""))
        active = [(k, v) for k, v in self.parts.items() if k[0] == task and v[0] < v[1]]
        spin = SPINNER if _unicode(self.stream) else ASCII_SPINNER
        words = [spin[self.ticks % len(spin)], task[:1].upper() + task[1:]]
        self.ticks += 1
        part, item = frame.get("part"), frame.get("item")
        if len(active) > 1:
            done = sum(v[0] for _, v in active)
            total = sum(v[1] for _, v in active)
            names = [str(k[1]) for k, _ in active]
            words.append(", ".join(names) if len(names) <= 3 else f"{len(names)} at once")
        else:
            if part:
                words.append(str(part))
            done, total = self.parts.get((task, part), (None, None))  # type: ignore[assignment]
        if isinstance(done, int) and isinstance(total, int) and total > 0:
            words.append(f"{_bar(done, total, self.stream)} {done:,}/{total:,}")
        if item:
            words.append(f"· {item}")
        seconds = time.monotonic() - self.started
        if seconds >= 2:
            words.append(f"({seconds:.0f}s)")
        line = " ".join(words)
        return line if len(line) < columns else line[:max(0, columns - 2)] + "…"

    def close(self) -> None:
        """Stop drawing and erase the line (before the command's own output)."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        if self.drawn and not self.broken:
            self._put(CLEAR)
            self.drawn = False

    def _put(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError, UnicodeError):
            self.broken = True  # the terminal went away: the work goes on without it

    def __enter__(self) -> Line:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _columns(stream: TextIO) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError, AttributeError):
        return 80


def _unicode(stream: TextIO) -> bool:
    return "utf" in (getattr(stream, "encoding", "") or "").lower()


def _bar(done: int, total: int, stream: TextIO) -> str:
    filled = min(BAR, BAR * done // total)
    full, empty = ("█", "░") if _unicode(stream) else ("#", "-")
    return full * filled + empty * (BAR - filled)
