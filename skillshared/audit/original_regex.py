"""The original's regular expressions (RE2) in Python's syntax."""

from __future__ import annotations

import re

_POSIX = {"alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7F", "blank": "\\t ",
          "cntrl": "\\x00-\\x1F\\x7F", "digit": "0-9", "graph": "!-~", "lower": "a-z",
          "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ",
          "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f"}
_GO_SYNTAX = re.compile(r"\\Q(.*?)(?:\\E|$)|\\x\{([0-9A-Fa-f]{1,8})\}|\\z|\\[pP]|\\C|\\."
                        r"|\[:(\^?)(\w+):\]|\(\?<(?=\w)|\(\?([imsU]+)\)|[^\\[(]+|.", re.S)


def _go_piece(match: re.Match[str], at_start: bool) -> str:
    """One piece of an RE2 expression in Python's syntax; raises ValueError for what
    Python's ``re`` has no form of."""
    text = match.group(0)
    if match.group(1) is not None:
        return re.escape(match.group(1))
    if match.group(2) is not None:
        return f"\\U{int(match.group(2), 16):08X}"
    if text == "\\z":
        return "\\Z"
    if text in ("\\p", "\\P", "\\C"):
        raise ValueError(f"`{text}` (Unicode classes, single bytes) has no form here")
    if match.group(4) is not None:
        if match.group(3) or match.group(4) not in _POSIX:
            raise ValueError(f"the class `{text}` has no form here")
        return _POSIX[match.group(4)]
    if text == "(?<":
        return "(?P<"
    if match.group(5) is not None:
        if "U" in match.group(5):
            raise ValueError("the ungreedy flag `U` has no form here")
        if not at_start:
            raise ValueError(f"flags `{text}` after the start of the expression have no form "
                             "here (use a group: `(?i:...)`)")
    return text


def go_regex(pattern: str) -> re.Pattern[str]:
    """An RE2 expression (the original's ``regex`` and ``exclude``) compiled for Python
    (case-sensitive unless it says otherwise); raises ValueError saying what cannot be."""
    parts = [_go_piece(m, re.fullmatch(r"(\(\?[imsU]+\))*", pattern[:m.start()]) is not None)
             for m in _GO_SYNTAX.finditer(pattern)]
    try:
        return re.compile("".join(parts))
    except re.error as exc:
        raise ValueError(f"not a regular expression Python can run: {exc}") from None


def scan_for(pattern: str) -> str:
    """``raw`` when a pattern looks for characters past ASCII (the text scan folds them
    away), else ``text``."""
    if not pattern.isascii() or re.search(r"\\(u|U|N\{|x\{|x[89A-Fa-f])", pattern):
        return "raw"
    return "text"

