"""What every text renderer uses: the output buffer, marks, and small formatters."""

from __future__ import annotations

RULE = "─" * 41
OK, WARN, FAIL, INFO, ARROW = "✓", "⚠", "✗", "ℹ", "→"


class Out:
    def __init__(self, home: str) -> None:
        self.lines: list[str] = []
        self.home = home

    def __call__(self, line: str = "") -> None:
        self.lines.append(line)

    def path(self, path: str | None) -> str:
        if not path:
            return ""
        if path == self.home:
            return "~"
        return "~" + path[len(self.home):] if path.startswith(self.home + "/") else path

    def header(self, title: str) -> None:
        self(title)
        self(RULE)

    def text(self) -> str:
        return "\n".join(self.lines)


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
