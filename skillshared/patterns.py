"""Pattern matching: globs on flat skill names, and gitignore-style path rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message says why."""


def _char_class(pattern: str, start: int) -> tuple[str, int]:
    """Translate ``[...]`` beginning at ``start``; return (regex, index after ``]``)."""
    i = start + 1
    negate = i < len(pattern) and pattern[i] in "!^"
    if negate:
        i += 1
    body: list[str] = []
    first = True
    while i < len(pattern):
        ch = pattern[i]
        if ch == "]" and not first:
            inner = "".join(body)
            return ("[^" if negate else "[") + inner + "]", i + 1
        if ch == "\\":
            if i + 1 >= len(pattern):
                break
            body.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            body.append("\\" + ch if ch in "\\^[]" else ch)
            i += 1
        first = False
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
    return re.compile(_translate(pattern, ".", double_star=False) + r"\Z", re.DOTALL)


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
    """gitignore-style rules matched against ``/``-separated relative paths."""

    rules: tuple[_Rule, ...] = ()

    @classmethod
    def parse(cls, lines: Iterable[str], origin: str = "patterns") -> IgnoreRules:
        rules = []
        for number, raw in enumerate(lines, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if line.endswith(" ") and not line.endswith("\\ "):
                line = line.rstrip(" ")
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate or line.startswith(("\\#", "\\!")):
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            if not line:
                continue
            anchored = "/" in line
            line = line.lstrip("/")
            try:
                body = _translate(line, "[^/]", double_star=True)
            except PatternError as exc:
                raise PatternError(f"{origin}:{number}: {exc}") from None
            prefix = "" if anchored else "(?:.*/)?"
            rules.append(_Rule(re.compile(prefix + body + r"\Z", re.DOTALL), negate, dir_only))
        return cls(tuple(rules))

    def __bool__(self) -> bool:
        return bool(self.rules)

    def __add__(self, other: IgnoreRules) -> IgnoreRules:
        return IgnoreRules(self.rules + other.rules)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        for rule in self.rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.regex.match(rel):
                result = not rule.negate
        return result
