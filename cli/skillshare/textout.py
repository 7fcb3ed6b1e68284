"""What every text renderer uses: the output buffer, marks, and small formatters; and the
one way output leaves the process (into a pipe its reader may close, in an encoding that
may not have our symbols)."""

from __future__ import annotations

import codecs
import sys
import time

from skillshare import colour

TYPE_CHECKING = False
if TYPE_CHECKING:
    import re
    from typing import Any, TextIO

RULE = "─" * 41
OK, WARN, FAIL, INFO, ARROW = "✓", "⚠", "✗", "ℹ", "→"

# -- writing ------------------------------------------------------------------------------------

EXIT_PIPE = 141  # 128 + SIGPIPE: the status a shell shows for `cat` or `git` cut off by `| head`

# Our own symbols, for a stream whose encoding cannot show them (PYTHONIOENCODING=ascii, a
# latin-1 locale); anything else it cannot show is written as a Python escape (\xe9, \u2028).
ASCII = {
    "✓": "ok", "⚠": "!", "✗": "x", "ℹ": "i", "→": "->", "←": "<-", "↔": "<->", "─": "-",
    "…": "...", "•": "*", "—": "--", "–": "-", "§": "S", "‘": "'", "’": "'", "“": '"', "”": '"',
}
ERRORS = "skillshare-ascii"


class OutputClosed(Exception):
    """The reader of stdout or stderr went away (``skillshare list | head -1``)."""


class OutputFailed(Exception):
    """Writing the output failed for another reason (a full disk, an I/O error)."""


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that was not valid UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _degrade(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start:exc.end]
    return "".join(ASCII.get(c) or _escape(c) for c in text), exc.end


def setup_streams() -> None:
    """stdout and stderr show what their encoding cannot with :data:`ASCII` and escapes,
    instead of failing (prompts and argparse's help included)."""
    codecs.register_error(ERRORS, _degrade)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors=ERRORS)
            except (ValueError, OSError):
                continue


def _all(stream: TextIO, text: str) -> None:
    """Write all of ``text``: through the stream's byte layer where it has one, to the end
    (unbuffered, with PYTHONUNBUFFERED, a text stream writes once and drops what a short
    write left, so a reader that went away would go unnoticed)."""
    raw = getattr(stream, "buffer", None)
    if raw is None:
        stream.write(text)
        return
    stream.flush()
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    while data:
        count = raw.write(data)
        if count is None:  # a non-blocking descriptor that is full: wait until it is not
            import select

            select.select([], [raw], [])
            continue
        data = data[count:]


def _guarded(stream: TextIO | None, text: str | None) -> None:
    if stream is None:  # started with the descriptor closed: nowhere to write
        return
    try:
        if text:
            _all(stream, text)
        stream.flush()
    except BrokenPipeError:
        raise OutputClosed from None
    except OSError as exc:
        raise OutputFailed(exc.strerror or str(exc)) from None


def write(text: str, *, err: bool = False, end: str = "\n") -> None:
    """Write (and flush) one piece of output: to stdout, or stderr with ``err``; coloured
    where :func:`colour.enabled` says so (:func:`skillshare.painting.paint`)."""
    if text and colour.enabled(err):
        from skillshare.painting import paint

        text = paint(text)
    _guarded(sys.stderr if err else sys.stdout, text + end)


def finish() -> None:
    """Flush both streams (so that a closed pipe shows here, not as a message at exit)."""
    _guarded(sys.stdout, None)
    _guarded(sys.stderr, None)


def silence(stderr: bool = True) -> None:
    """After :class:`OutputClosed` or :class:`OutputFailed`: point stdout's descriptor (and
    stderr's) at /dev/null, so that what is still buffered goes nowhere instead of failing
    again at exit."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for stream in (sys.stdout, sys.stderr) if stderr else (sys.stdout,):
            try:
                fd = stream.fileno() if stream is not None else -1
            except (ValueError, OSError):
                continue
            if fd >= 0:
                os.dup2(devnull, fd)
    finally:
        os.close(devnull)


def json_text(document: Any) -> str:
    """A JSON document for stdout: non-ASCII as is where stdout can show it, else escaped
    (\\u00e9: still valid JSON, the same data)."""
    import json

    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except UnicodeEncodeError:
        return json.dumps(document, indent=2, default=str)
    return text


def ask(prompt: str) -> str:
    """A question on the terminal; end of input (Ctrl-D) is an empty answer."""
    try:
        return input(prompt)
    except EOFError:
        write("")
        return ""
    except BrokenPipeError:
        raise OutputClosed from None
    except OSError as exc:
        raise OutputFailed(exc.strerror or str(exc)) from None


def closed(stream: TextIO | None) -> bool:
    """Whether the reader of the pipe ``stream`` writes to went away (no write needed)."""
    if stream is None:
        return True
    try:
        import select

        poll = select.poll()
        poll.register(stream.fileno(), 0)
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poll.poll(0))
    except (AttributeError, ValueError, OSError):
        return False


def shorten(text: str, home: str) -> str:
    """``text`` (a path, or a message that names paths) with each path under ``home`` as
    ``~/…`` and ``home`` itself as ``~``: where a path starts (not inside another path or a
    ``file://`` address) and only at a whole folder name (``/home/ann2`` is not ann's)."""
    home = home.rstrip("/")
    if not home or home not in text:
        return text
    pattern = _PATTERNS.get(home)
    if pattern is None:
        import re

        pattern = _PATTERNS[home] = re.compile(
            r"(?<![\w./~-])" + re.escape(home) + r"(?=/|\.?(?![\w.-]))")
    return pattern.sub("~", text)


_PATTERNS: dict[str, re.Pattern[str]] = {}  # home -> where a path under it starts


def home_folder() -> str:
    """The home folder whose paths :func:`shorten` shortens ("" when it cannot be told: the
    current folder is gone)."""
    from skillshared.core.locations import Locations

    try:
        return Locations.from_env().home
    except OSError:
        return ""


class Verbatim(str):
    """A line shown as it is (the content of a file, a script): its paths stay whole."""


class Out:
    """The lines of one command's text output. Paths under the home folder are shown as
    ``~/…`` in every line (:func:`shorten`, when :meth:`text` joins them) but those added
    with :meth:`verbatim`; ``--json`` never passes here and keeps them whole."""

    def __init__(self, home: str) -> None:
        self.lines: list[str] = []
        self.home = home

    def __call__(self, line: str = "") -> None:
        self.lines.append(line)

    def verbatim(self, line: str) -> None:
        """Add ``line`` exactly as it is (a file's content, a script to paste)."""
        self.lines.append(Verbatim(line))

    def path(self, path: str | None) -> str:
        return shorten(path, self.home) if path else ""

    def paths_in(self, text: str) -> str:
        """``text`` (a message that names paths) with each path under home as ``~/…``."""
        return shorten(text, self.home)

    def header(self, title: str) -> None:
        self(title)
        self(RULE)

    def text(self) -> str:
        home = self.home
        return "\n".join(line if isinstance(line, Verbatim) else shorten(line, home)
                         for line in self.lines)


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


def ago(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 120:
        return f"{seconds}s"
    if seconds < 7200:
        return f"{seconds // 60}m"
    if seconds < 172800:
        return f"{seconds // 3600}h {seconds % 3600 // 60}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"


def size(count: int) -> str:
    """Bytes for people: 0 B, 512 B, 2.1 KB, 3.4 MB (powers of 1024)."""
    if count < 1024:
        return f"{count} B"
    value = count / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"


def local_time(stamp: str, short: bool = False) -> str:
    """An ISO 8601 time (``2026-12-05T16:47:01+00:00``; ``Z``, ``+0100``, a fraction of a
    second, or no zone for local time) in local time: ``2026-12-05 17:47:01``; ``short``: the
    time of day alone when it is today. Read by hand: ``datetime`` costs the command line
    milliseconds at every start. Text that is not such a time is shown as it is."""
    try:
        y, mo, d = int(stamp[0:4]), int(stamp[5:7]), int(stamp[8:10])
        h, mi, s = int(stamp[11:13]), int(stamp[14:16]), int(stamp[17:19])
        if stamp[4] + stamp[7] + stamp[10] + stamp[13] + stamp[16] not in ("--T::", "-- ::"):
            raise ValueError(stamp)
        zone = stamp[19:].lstrip(".0123456789") if stamp[19:20] == "." else stamp[19:]
        if zone in ("", "Z"):
            offset = None if zone == "" else 0
        elif zone[0] in "+-" and zone[1:3].isdigit() and zone[-2:].isdigit() and len(
                zone.replace(":", "")) == 5:
            offset = (int(zone[1:3]) * 3600 + int(zone[-2:]) * 60) * (-1 if zone[0] == "-"
                                                                         else 1)
        else:
            raise ValueError(stamp)
        if offset is None:
            epoch = time.mktime((y, mo, d, h, mi, s, 0, 0, -1))
        else:
            epoch = _days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset
        when = time.localtime(epoch)
    except (ValueError, IndexError, OverflowError, OSError):
        return stamp[:19].replace("T", " ")
    if short and when[:3] == time.localtime()[:3]:
        return time.strftime("%H:%M:%S", when)
    return time.strftime("%Y-%m-%d %H:%M:%S", when)


def _days(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a date of the proleptic Gregorian calendar."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(f"{year}-{month}-{day}")
    year -= month <= 2
    era = year // 400
    of_era = year - era * 400
    of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146097 + of_era * 365 + of_era // 4 - of_era // 100 + of_year - 719468

