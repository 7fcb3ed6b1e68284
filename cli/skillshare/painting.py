"""Colour painted into text: ANSI SGR escapes around the marks, words and diff lines the
text already has (see :mod:`skillshare.colour` for what gets them and when). Loaded only
when something is painted: most commands' output goes to a pipe or a file.
"""

from __future__ import annotations

from skillshare.colour import BOLD, CYAN, GREEN, RED, RESET, STYLES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from re import Match, Pattern

_patterns: list[Pattern[str]] = []


def _compiled() -> tuple[Pattern[str], Pattern[str], Pattern[str]]:
    if not _patterns:
        import re

        _patterns.extend((
            re.compile(  # a line's own marks and words
                r"[✓✗⚠ℹ→]"
                r"|(?<![\w/.-])(?:CRITICAL|HIGH|MEDIUM|LOW|INFO|ERROR|WARNING)(?![\w/.-])"
                r"|(?:^\s*|(?<=\())(?:error|warning|hint):"),
            re.compile(  # a diff item's sign, or a differing file's
                r"^(?:  |      (?=[+~-] .* \(\d+ (?:→ \d+ )?bytes\)$))([+~!←-])(?= \S)"),
            re.compile(r"^(\s+)--- (?:a/|/dev/null)"),  # a unified diff begins
        ))
    token, sign, patch = _patterns
    return token, sign, patch


def _token(match: Match[str]) -> str:
    text = match.group(0)
    word = text.lstrip()
    return f"{text[:len(text) - len(word)]}{STYLES[word]}{word}{RESET}"


def _line(line: str, token: Pattern[str], sign: Pattern[str]) -> str:
    found = sign.match(line)
    if found:
        start, end = found.span(1)
        return (f"{line[:start]}{STYLES[found.group(1)]}{found.group(1)}{RESET}"
                + token.sub(_token, line[end:]))
    return token.sub(_token, line)


def _patch_line(line: str, indent: str) -> str | None:
    """A line of a unified diff indented by ``indent`` painted, or None when the diff ended
    there."""
    if not line.startswith(indent) or line[len(indent):][:1] not in (" ", "+", "-", "@", "\\"):
        return None
    body = line[len(indent):]
    if body.startswith(("--- ", "+++ ")):
        style = BOLD
    else:
        style = {"+": GREEN, "-": RED, "@": CYAN}.get(body[0], "")
    return f"{indent}{style}{body}{RESET}" if style else line


def paint(text: str) -> str:
    """``text`` with colour escapes around its marks, words and diff lines."""
    token, sign, patch = _compiled()
    painted: list[str] = []
    indent: str | None = None
    for line in text.split("\n"):
        if indent is not None:
            shown = _patch_line(line, indent)
            if shown is not None:
                painted.append(shown)
                continue
            indent = None
        began = patch.match(line)
        if began:
            indent = began.group(1)
            painted.append(_patch_line(line, indent) or line)
            continue
        painted.append(_line(line, token, sign))
    return "\n".join(painted)


def strip(text: str) -> str:
    """``text`` without the escapes :func:`paint` adds."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)
