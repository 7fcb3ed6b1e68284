"""Pattern matching: globs on flat skill names, and gitignore-style path rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


def _char_class(pattern: str, start: int) -> tuple[str, int]:
    """Translate ``[...]`` beginning at ``start``; return (regex, index after ``]``).

    Every literal is escaped and ranges are built explicitly, so the class means the same as
    the glob (no regex set operators such as ``--`` or ``&&``) and a reversed range is a
    :class:`PatternError` rather than a regex error.
    """
    i = start + 1
    negate = i < len(pattern) and pattern[i] in "!^"
    if negate:
        i += 1
    body: list[str] = []
    first = True

    def literal(at: int) -> tuple[str, int] | None:
        if at >= len(pattern):
            return None
        if pattern[at] == "\\":
            return (pattern[at + 1], at + 2) if at + 1 < len(pattern) else None
        return pattern[at], at + 1

    while i < len(pattern):
        if pattern[i] == "]" and not first:
            return ("[^" if negate else "[") + "".join(body) + "]", i + 1
        low = literal(i)
        if low is None:
            break
        char, i = low
        first = False
        if pattern.startswith("-", i) and i + 1 < len(pattern) and pattern[i + 1] != "]":
            high = literal(i + 1)
            if high is None:
                break
            if high[0] < char:
                raise PatternError(f"reversed range '{char}-{high[0]}' in pattern '{pattern}'")
            body.append(re.escape(char) + "-" + re.escape(high[0]))
            i = high[1]
        else:
            body.append(re.escape(char))
    raise PatternError(f"unclosed '[' in pattern '{pattern}'")


def _translate(pattern: str, star: str, double_star: bool) -> str:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            if double_star and pattern.startswith("**", i):
                before_ok = i == 0 or pattern[i - 1] == "/"
                after = pattern[i + 2 : i + 3]
                if before_ok and after == "/":
                    out.append("(?:.*/)?")
                    i += 3
                    continue
                if before_ok and after == "":
                    out.append(".*")
                    i += 2
                    continue
            out.append(star + "*")
            i += 1
        elif ch == "?":
            out.append(star)
            i += 1
        elif ch == "[":
            regex, i = _char_class(pattern, i)
            out.append(regex)
        elif ch == "\\":
            if i + 1 >= len(pattern):
                raise PatternError(f"pattern '{pattern}' ends with an escape character '\\'")
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


def compile_glob(pattern: str) -> re.Pattern[str]:
    """A glob over flat names: ``*`` any text, ``?`` one character, ``[abc]``, ``\\`` escape."""
    if not pattern.strip():
        raise PatternError("empty pattern")
    return _compile(_translate(pattern, ".", double_star=False), pattern)


def _compile(regex: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(regex + r"\Z", re.DOTALL)
    except re.error as exc:  # a safety net: _translate should only build valid regexes
        raise PatternError(f"invalid pattern '{pattern}': {exc}") from None


@dataclass(frozen=True)
class NameFilter:
    """include/exclude globs of a target."""

    include: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]

    @classmethod
    def build(cls, include: Iterable[str], exclude: Iterable[str]) -> NameFilter:
        return cls(
            tuple(compile_glob(p) for p in include if p.strip()),
            tuple(compile_glob(p) for p in exclude if p.strip()),
        )

    def allows(self, name: str) -> bool:
        if self.include and not any(p.match(name) for p in self.include):
            return False
        return not any(p.match(name) for p in self.exclude)


@dataclass(frozen=True)
class _Rule:
    regex: re.Pattern[str]
    negate: bool
    dir_only: bool


@dataclass(frozen=True)
class IgnoreRules:
    """gitignore-style rules matched against ``/``-separated relative paths. ``specials``
    False also leaves out every entry that is not a file, a folder or a link (FIFOs, sockets,
    devices): what a copy cannot hold, so that the digests of a source and of its copy made
    with the same rules agree."""

    rules: tuple[_Rule, ...] = ()
    specials: bool = True

    @classmethod
    def parse(cls, lines: Iterable[str], origin: str = "patterns",
              problems: list[str] | None = None, specials: bool = True) -> IgnoreRules:
        """Compile ``lines``; a bad line raises, or (given ``problems``) is listed and skipped."""
        rules = []
        for number, raw in enumerate(lines, 1):
            try:
                rule = _parse_rule(raw)
            except PatternError as exc:
                message = f"{origin}:{number}: {exc}"
                if problems is None:
                    raise PatternError(message) from None
                problems.append(message)
                continue
            if rule is not None:
                rules.append(rule)
        return cls(tuple(rules), specials)

    def __bool__(self) -> bool:
        return bool(self.rules) or not self.specials

    def __add__(self, other: IgnoreRules) -> IgnoreRules:
        return IgnoreRules(self.rules + other.rules, self.specials and other.specials)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        for rule in self.rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.match(rel):
                result = not rule.negate
        return result


def check_ignore_pattern(line: str) -> None:
    """Raise :class:`PatternError` if ``line`` is not a valid gitignore-style pattern."""
    _parse_rule(line)


def _parse_rule(raw: str) -> _Rule | None:
    """One gitignore-style line as a rule (None for blank lines and comments)."""
    line = raw.rstrip("\n").rstrip("\r")
    if line.endswith(" ") and not line.endswith("\\ "):
        line = line.rstrip(" ")
    if not line or line.startswith("#"):
        return None
    negate = line.startswith("!")
    if negate or line.startswith(("\\#", "\\!")):
        line = line[1:]
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    anchored = "/" in line
    line = line.lstrip("/")
    body = _translate(line, "[^/]", double_star=True)
    prefix = "" if anchored else "(?:.*/)?"
    return _Rule(_compile(prefix + body, raw), negate, dir_only)
